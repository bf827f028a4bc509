"""The production nginx site (conf/nginx/certrenew-site.conf.in, rendered by contrib/nginx-conf.sh) served with
a certificate from a throw-away CA, in front of a certrenew-fcgi of this test whose web.public_url is https:
TLS 1.2/1.3 only with forward-secret ciphers, HSTS, HTTP redirected, the session cookie Secure (also when a
proxy ended TLS and nginx never saw it), the client's address taken from a trusted proxy, per-address limits,
/metrics on loopback only, anonymous uploads refused before their body is read, long-lived versioned assets."""
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request

from crtest import *

if not shutil.which("nginx") or not shutil.which("openssl"):
    bail("nginx and openssl are needed")
HTTPS, HTTP, METRICS = 18443, 18081, 19180
d = tempfile.mkdtemp(prefix="cr-tls-")


def run(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=60, **kw)


# A throw-away CA and the site's certificate for renew.test (and 127.0.0.1).
run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
    "-subj", "/CN=certrenew test CA", "-keyout", d + "/ca.key", "-out", d + "/ca.pem",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=renew.test", "-keyout", d + "/site.key",
    "-out", d + "/site.csr")
open(d + "/ext", "w").write("subjectAltName=DNS:renew.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
run("openssl", "x509", "-req", "-in", d + "/site.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key",
    "-CAcreateserial", "-days", "2", "-extfile", d + "/ext", "-out", d + "/site.pem")
ok(run("openssl", "verify", "-CAfile", d + "/ca.pem", d + "/site.pem").returncode == 0,
   "the site's certificate is signed by the throw-away CA")

# The application as production runs it: public_url https, its own socket.
sock = os.path.join(d, "fcgi.sock")
conf = os.path.join(d, "certrenew.conf")
text = open(CONF, encoding="utf-8").read()
text = text.replace("socket = %s" % os.path.join(RUN, "fcgi.sock"), "socket = %s" % sock)
text = text.replace("public_url = %s" % conf_value("web", "public_url"), "public_url = https://renew.test:%d" % HTTPS)
text = text.replace("workers = 0", "workers = 2", 1)
open(conf, "w", encoding="utf-8").write(text)
flog = os.path.join(d, "fcgi.log")
master = subprocess.Popen([os.path.join(BUILD, "certrenew-fcgi"), "-c", conf], stdout=open(flog, "a"),
                          stderr=subprocess.STDOUT)
ok(wait_for(lambda: os.path.exists(sock), 15), "a certrenew-fcgi with an https public_url starts")

site = run(os.path.join(TOP, "contrib", "nginx-conf.sh"), conf, d + "/snippets", "WWW=" + os.path.join(TOP, "www"),
           "HTTPS_LISTEN=127.0.0.1:%d" % HTTPS, "HTTP_LISTEN=127.0.0.1:%d" % HTTP,
           "METRICS_LISTEN=127.0.0.1:%d" % METRICS, "SERVER_NAME=renew.test", "TLS_CERT=" + d + "/site.pem",
           "TLS_KEY=" + d + "/site.key", "LOG_DIR=" + d, "REAL_IP=set_real_ip_from 127.0.0.1;")
ok(site.returncode == 0 and "@" not in site.stdout.replace("@unauth", "").replace("@too", ""),
   "contrib/nginx-conf.sh renders the site with every name set", site.stderr)
open(d + "/certrenew-site.conf", "w").write(site.stdout)
os.makedirs(d + "/tmp", exist_ok=True)
open(d + "/nginx.conf", "w").write("""%s
pid %s/nginx.pid;
error_log %s/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path %s/tmp/body;
    fastcgi_temp_path %s/tmp/fastcgi;
    proxy_temp_path %s/tmp/proxy;
    uwsgi_temp_path %s/tmp/uwsgi;
    scgi_temp_path %s/tmp/scgi;
    include %s/certrenew-site.conf;
}
""" % (("user root;" if os.getuid() == 0 else ""), d, d, d, d, d, d, d, d))
t = run("nginx", "-t", "-p", d, "-c", d + "/nginx.conf")
ok(t.returncode == 0, "nginx accepts the production site", t.stderr[-800:])
p = run("nginx", "-p", d, "-c", d + "/nginx.conf")
ok(p.returncode == 0 and wait_for(lambda: os.path.exists(d + "/nginx.pid"), 10), "nginx serves it", p.stderr)

ctx = ssl.create_default_context(cafile=d + "/ca.pem")


def https(method, path, body=None, headers=None, read=True):
    """One request over TLS to renew.test; returns (status, headers dict with lower-case names, body)."""
    c = socket.create_connection(("127.0.0.1", HTTPS), timeout=10)
    s = ctx.wrap_socket(c, server_hostname="renew.test")
    h = {"Host": "renew.test", "Connection": "close"}
    h.update(headers or {})
    if body is not None:
        h["Content-Length"] = str(len(body))
    s.sendall(("%s %s HTTP/1.1\r\n" % (method, path) + "".join("%s: %s\r\n" % kv for kv in h.items()) +
               "\r\n").encode() + (body or b""))
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    hd = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hd.setdefault(k.strip().lower(), []).append(v.strip())
    return int(lines[0].split()[1]), hd, rest


def s_client(*opts):
    return run("openssl", "s_client", "-connect", "127.0.0.1:%d" % HTTPS, "-servername", "renew.test",
               "-CAfile", d + "/ca.pem", *opts, input="")


# Protocols and ciphers.  The client is allowed the old ones (SECLEVEL=0), so that a refusal is the server's.
old = "DEFAULT:@SECLEVEL=0"
r12, r13 = s_client("-tls1_2"), s_client("-tls1_3")
ok(r12.returncode == 0 and "Verify return code: 0 (ok)" in r12.stdout, "TLS 1.2 is served, the chain verifies",
   r12.stdout[-400:])
ok(r13.returncode == 0 and "TLSv1.3" in r13.stdout, "TLS 1.3 is served", r13.stdout[-400:])
for proto in ("-tls1", "-tls1_1"):
    r = s_client(proto, "-cipher", old)
    ok(r.returncode != 0 and "Cipher is (NONE)" in r.stdout, "%s is refused by the server" % proto, r.stdout[-300:])
r = s_client("-tls1_2", "-cipher", "AES128-SHA:AES256-SHA:DES-CBC3-SHA:@SECLEVEL=0")
ok(r.returncode != 0, "TLS 1.2 without forward secrecy (RSA key exchange, CBC) is refused", r.stdout[-300:])
r = s_client("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")
ok(r.returncode == 0, "TLS 1.2 with ECDHE and AES-GCM is accepted", r.stdout[-300:])

# HSTS on every answer over TLS, pages and API errors alike; none on plain HTTP.
for path in ("/", "/api/v1/me", "/js/ui.js", "/api/v1/applications/1/attachments/x"):
    st, hd, _ = https("GET", path)
    hsts = hd.get("strict-transport-security", [""])[0]
    ok(hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 31536000,
       "HSTS (a year or more) on %s (%d)" % (path, st), hsts)

# Plain HTTP only redirects.
c = socket.create_connection(("127.0.0.1", HTTP), timeout=10)
c.sendall(b"GET /portal.html?x=1 HTTP/1.1\r\nHost: renew.test\r\nConnection: close\r\n\r\n")
plain = c.recv(65536).decode("latin-1")
c.close()
ok(plain.startswith("HTTP/1.1 301") and "\r\nLocation: https://renew.test/portal.html?x=1\r\n" in plain and
   "Strict-Transport-Security" not in plain, "HTTP is redirected to the same address over HTTPS", plain[:300])

# Login over TLS: the cookie is Secure, HttpOnly, SameSite; the address recorded is the client's behind the proxy.
body = json.dumps({"account": "finance", "password": PW}).encode()
st, hd, rest = https("POST", "/api/v1/session", body, {"Content-Type": "application/json",
                                                        "X-Forwarded-For": "203.0.113.7"})
cookie = [c for c in hd.get("set-cookie", []) if c.startswith("certrenew_session=")]
ok(st == 200 and cookie and all(f in cookie[0] for f in ("; Secure", "; HttpOnly", "SameSite=Lax")),
   "the session cookie over TLS is Secure, HttpOnly and SameSite", (st, cookie))
ok(sql("SELECT ip FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.login = 'finance' "
       "ORDER BY s.created_at DESC LIMIT 1")[0][0] == "203.0.113.7",
   "the session records the client's address from the trusted proxy's X-Forwarded-For")
token = cookie[0].split(";")[0] if cookie else ""
csrf = json.loads(rest).get("csrf_token", "") if st == 200 else ""

# A proxy in front ended TLS: nginx (here the FastCGI request itself) never says HTTPS, the cookie stays Secure
# because public_url is https.  The development stack (public_url http) sets no Secure, so configuration decides.
out = fcgi_request(sock, "POST", "/api/v1/session", {"CONTENT_TYPE": "application/json"}, body)
set_cookie = [l for l in out.decode("latin-1").split("\r\n") if l.startswith("Set-Cookie: certrenew_session=")]
ok(set_cookie and "; Secure" in set_cookie[0], "without HTTPS from nginx the cookie is still Secure (public_url)",
   set_cookie)
dev = Client()
dev.login("finance")
ok(dev.cookie() is not None and not dev.cookie().secure, "the development stack's plain HTTP cookie is not Secure")

# /metrics: only on the loopback monitoring address, never on the public one, whatever a proxy forwards.
st, _, _ = https("GET", "/metrics")
st2, _, _ = https("GET", "/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
ok(st == 404 and st2 == 404, "/metrics is not served on the public site", (st, st2))
with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % METRICS, timeout=10) as m:
    ok(m.status == 200 and b"certrenew_" in m.read(), "/metrics answers on the loopback monitoring address")

# Anonymous uploads are refused from their headers: the 401 comes while the client is still to send its body
# (a statement of 50 MB, an attachment of 9 MB: each under its location's limit).
for method, path, size in (("POST", "/api/v1/statements", 50 << 20),
                           ("PUT", "/api/v1/applications/1/attachments/business_licence", 9 << 20)):
    c = ctx.wrap_socket(socket.create_connection(("127.0.0.1", HTTPS), timeout=10), server_hostname="renew.test")
    c.sendall(("%s %s HTTP/1.1\r\nHost: renew.test\r\nContent-Type: application/octet-stream\r\n"
               "Content-Length: %d\r\n\r\n" % (method, path, size)).encode() + b"x" * 4096)
    t0 = time.time()
    c.settimeout(5)
    try:
        got = c.recv(65536).decode("utf-8", "replace")
    except socket.timeout:
        got = ""
    c.close()
    ok(got.startswith("HTTP/1.1 401") and '"code":"unauthenticated"' in got and time.time() - t0 < 3,
       "an anonymous %s %s is answered 401 before its body is sent" % (method, path), got[:120])
files = sum(len(f) for _, _, f in os.walk(d + "/tmp/body"))
ok(files == 0, "and nginx buffered no body to disk", files)
# Signed in, the same upload goes through to the application (which judges the file).
st, hd, rest = https("POST", "/api/v1/statements", b"not a statement",
                     {"Cookie": token, "X-CSRF-Token": csrf, "Content-Type": "application/octet-stream"})
ok(st in (202, 422) and (b'"id"' in rest or b'"error"' in rest),
   "a signed-in upload reaches the application (its own answer, not nginx's)", (st, rest[:200]))

# Per-address limits: a scanner behind the proxy hammering the public Alipay return is answered 429; the
# application logs its refusals in aggregate (a line a minute per worker), not one line each.
before = open(flog, encoding="utf-8", errors="replace").read().count("alipay return")
codes = [https("GET", "/api/v1/pay/alipay/return?out_trade_no=x&sign=y", headers={"X-Forwarded-For": "203.0.113.9"})
         for _ in range(40)]
limited = [b for st, _, b in codes if st == 429]
ok(len(limited) >= 20 and all(b'"too_many_requests"' in b for b in limited),
   "40 quick returns from one address: most answered 429 with a JSON error", [st for st, _, _ in codes])
time.sleep(0.5)
lines = open(flog, encoding="utf-8", errors="replace").read().count("alipay return") - before
ok(1 <= lines <= 2, "the refused returns that reached the application wrote %d log line(s), not one each" % lines)
st_other, _, _ = https("GET", "/api/v1/pay/alipay/return?out_trade_no=x", headers={"X-Forwarded-For": "203.0.113.10"})
ok(st_other == 303, "another address is not limited by the first one's requests", st_other)

# Versioned assets (make install points the pages at /v/VERSION/) are kept a year; pages are asked again.
st, hd, _ = https("GET", "/v/1.0-abc123/js/ui.js", headers={"Accept-Encoding": "gzip"})
cc = hd.get("cache-control", [""])[0]
ok(st == 200 and "max-age=31536000" in cc and hd.get("content-encoding") == ["gzip"],
   "a versioned asset is served compressed and cached for a year", (st, cc, hd.get("content-encoding")))
st, hd, _ = https("GET", "/")
ok(st == 200 and hd.get("cache-control") == ["no-cache"], "the pages themselves are revalidated", hd.get("cache-control"))
st, hd, _ = https("GET", "/api/v1/settings", headers={"Accept-Encoding": "gzip"})
ok("content-encoding" not in hd, "API answers are not compressed (they carry tokens)", hd.get("content-encoding"))

subprocess.run(["nginx", "-p", d, "-c", d + "/nginx.conf", "-s", "stop"], timeout=30)
master.terminate()
master.wait(20)
shutil.rmtree(d, ignore_errors=True)
done()
