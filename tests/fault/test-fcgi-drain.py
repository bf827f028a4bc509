"""certrenew-fcgi drains on SIGTERM: a request already being read when the signal
comes is answered in full, then the master and its workers exit and the socket is
gone.  Talks FastCGI directly to a second instance on its own socket."""
import os
import signal
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")


conf = os.path.join(RUN, "certrenew-drain.conf")
sock = os.path.join(RUN, "fcgi-drain.sock")
with open(CONF, encoding="utf-8") as f:
    text = f.read()
text = text.replace("socket = %s" % os.path.join(RUN, "fcgi.sock"), "socket = %s" % sock)
text = text.replace("workers = 0", "workers = 2\ndrain_timeout = 10")
with open(conf, "w", encoding="utf-8") as f:
    f.write(text)
log = open(os.path.join(RUN, "log", "certrenew-fcgi-drain.log"), "a")
master = subprocess.Popen([os.path.join(BUILD, "certrenew-fcgi"), "-c", conf], stdout=log, stderr=log)
ok(wait_for(lambda: os.path.exists(sock) and len(children(master.pid)) == 2, 10), "a second certrenew-fcgi starts")

def get(path, addr):
    """One whole FastCGI request; returns stdout."""
    return fcgi_request(sock, "GET", path, {"REMOTE_ADDR": addr})


# The application itself refuses /metrics from anywhere but loopback (nginx does too).
ok(b"Status: 403" in get("/metrics", "192.0.2.9"), "/metrics from another address: 403 from the application")
ok(b"Status: 200" in get("/metrics", "127.0.0.1"), "/metrics from loopback: 200")

body = json.dumps({"account": "我是测试企业", "password": "not-the-password"}).encode()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
s.sendall(fcgi_record(1, struct.pack("!HB5x", 1, 0)))
s.sendall(fcgi_record(4, fcgi_params({"REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/v1/session", "QUERY_STRING": "",
                            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
                            "REMOTE_ADDR": "192.0.2.7"})) + fcgi_record(4, b""))
s.sendall(fcgi_record(5, body[:10]))  # half the body: the worker is now inside this request
time.sleep(0.3)
t0 = time.time()
master.send_signal(signal.SIGTERM)
time.sleep(0.5)
ok(master.poll() is None, "the master waits for the request in flight")
s.sendall(fcgi_record(5, body[10:]) + fcgi_record(5, b""))
resp = fcgi_read(s)
s.close()
ok(b"Status: 401" in resp and b"invalid_credentials" in resp, "the request in flight is answered in full", resp[:200])
try:
    rc = master.wait(15)
except subprocess.TimeoutExpired:
    rc = None
ok(rc == 0 and time.time() - t0 < 12, "then the master exits cleanly (%.1f s)" % (time.time() - t0), rc)
ok(not os.path.exists(sock), "and removes its socket")
ok(not children(master.pid), "no worker is left behind")
sql("DELETE FROM login_attempts WHERE ip = '192.0.2.7'")
log.close()
os.unlink(conf)
done()
