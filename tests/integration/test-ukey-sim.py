"""contrib/ukey-sim, the UKey driver's side of a renewal (SPEC 9): `renew` logs in, makes an SM2 key in the
token, submits its request right after approval and waits; the bank statement pays the order and the
certificate is issued, downloaded, its chain checked with openssl verify against the trusted root, written
into the token and confirmed installed.  The local helper service answers only the portal's origin (Origin
checked on every request, CORS and the Private Network Access preflight for that origin alone, Host checked),
asks for the PIN itself, refuses a wrong PIN and a certificate that is not its key's, and leaves no key
behind a refused request."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.request

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

SIM = os.path.join(TOP, "contrib", "ukey-sim")
tmp = tempfile.mkdtemp(prefix="cr-ukey-")
keys = os.path.join(tmp, "keys")
pin = os.path.join(tmp, "pin")
open(pin, "w").write("135790\n")
root = conf_value("ca", "chain")
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")


def sim(*args, **kw):
    return subprocess.Popen([sys.executable, SIM, "--dir", keys, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, UKEY_PASSWORD=PW), **kw)


p = sim("init", "--token", "primary", "--pin-file", pin)
out, err = p.communicate(timeout=30)
ok(p.returncode == 0 and os.path.exists(os.path.join(keys, "primary", "pin.check")), "init: a token with its PIN", err)

# renew, from approval to installation, paid while it waits.
o = approved_order(cust, rev, seed=131)
p = sim("renew", "--portal", BASE, "--account", "我是测试企业", "--order", o["order_no"], "--alg", "sm2",
        "--root", root, "--pin-file", pin, "--wait", "60")
main = o["certificates"][0]
ok(wait_for(lambda: sql("SELECT csr_sha256 IS NOT NULL FROM certificates WHERE id = %d" % main["id"])[0][0] == "1", 30),
   "renew submits the key's request while the order awaits payment")
path = statement((o["amount_fen"], "订单%s" % o["order_no"], "我是测试企业", "UK-%s" % o["order_no"]))
rc, res, _ = import_statement(path)
ok(rc == 0 and res[0]["matched"] == 1, "the bank statement pays the order", res)
out, err = p.communicate(timeout=90)
ok(p.returncode == 0, "renew ends well", err)
r = json.loads(out) if out.strip() else {}
ok("chain verified" in err and ": OK" in err and "holds the key" in err, "it checked the chain and the key", err)
inst = (r.get("installed") or [{}])[0]
cert = cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["certificates"][0]
ok(cert["status"] == "installed" and inst.get("serial") == cert["serial"], "the certificate is installed: portal and token agree",
   (cert, inst))
cfile = os.path.join(keys, "primary", str(main["id"]), "cert.pem")
v = subprocess.run(["openssl", "verify", "-CAfile", root, "-untrusted", conf_value("ca", "cert"), cfile],
                   capture_output=True, text=True)
txt = subprocess.run(["openssl", "x509", "-in", cfile, "-noout", "-text"], capture_output=True, text=True).stdout
ok(v.returncode == 0 and "SM2" in txt, "the token's certificate is an SM2 key's and verifies", v.stdout + v.stderr)
key = open(os.path.join(keys, "primary", str(main["id"]), "key.pem")).read()
ok("ENCRYPTED" in key, "the key in the token is encrypted under its PIN")
p = sim("list")
out, _ = p.communicate(timeout=30)
ok(any(i.get("serial") == cert["serial"] for i in json.loads(out)["items"]), "list shows it")

# The helper service.
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
ORIGIN = BASE.rstrip("/")
helper = sim("serve", "--origin", ORIGIN, "--listen", "127.0.0.1:%d" % port, "--pin-file", pin)
H = "http://127.0.0.1:%d" % port


def hcall(method, path, body=None, origin=ORIGIN, headers=None):
    h = dict(headers or {})
    if origin:
        h["Origin"] = origin
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(H + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"{}"), resp.headers
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), e.headers
    except (urllib.error.URLError, ConnectionError):
        return 0, {}, {}


ok(wait_for(lambda: hcall("GET", "/v1/info")[0] == 200, 10), "the helper answers the portal's origin")
st, b, hd = hcall("GET", "/v1/info")
ok(hd.get("Access-Control-Allow-Origin") == ORIGIN and b.get("tokens") == ["primary"],
   "with CORS for that origin alone", (dict(hd), b))
st, b, hd = hcall("GET", "/v1/certificates", origin="https://evil.example")
ok(st == 403 and b["error"]["code"] == "origin_refused" and not hd.get("Access-Control-Allow-Origin"),
   "another origin is refused, without CORS headers", (st, b))
st, b, _ = hcall("GET", "/v1/certificates", origin=None)
ok(st == 403, "a request without Origin is refused")
st, b, hd = hcall("OPTIONS", "/v1/requests", headers={"Access-Control-Request-Method": "POST",
                                                      "Access-Control-Request-Private-Network": "true"})
ok(st == 204 and hd.get("Access-Control-Allow-Private-Network") == "true" and
   hd.get("Access-Control-Allow-Origin") == ORIGIN, "the Private Network Access preflight is answered for the portal",
   dict(hd))
st, b, hd = hcall("OPTIONS", "/v1/requests", origin="http://localhost:1",
                  headers={"Access-Control-Request-Private-Network": "true"})
ok(st == 403 and not hd.get("Access-Control-Allow-Private-Network"), "and refused for another origin", dict(hd))
st, b, _ = hcall("GET", "/v1/info", headers={"Host": "attacker.example:%d" % port})
ok(st == 421, "a foreign Host (DNS rebinding) is refused", b)

o2 = approved_order(cust, rev, seed=132)
cid = o2["certificates"][0]["id"]
st, b, _ = hcall("POST", "/v1/requests", {"token": "primary", "container": cid, "alg": "p256"},
                 origin="https://evil.example")
ok(st == 403 and not os.path.exists(os.path.join(keys, "primary", str(cid))), "another origin cannot make the key sign")
st, b, _ = hcall("POST", "/v1/requests", {"token": "primary", "container": cid, "alg": "p256"})
ok(st == 200 and "BEGIN CERTIFICATE REQUEST" in b.get("csr", ""), "the portal's page gets a request", b)
st2, r2 = cust.raw("POST", "/api/v1/certificates/%d/csr" % cid, b["csr"], ctype="application/pkcs10")[:2]
ok(st2 == 200, "which the portal accepts", r2)
other_key = subprocess.run(["openssl", "req", "-new", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-keyout", "/dev/null", "-subj", "/CN=x", "-days", "1"],
                           capture_output=True, text=True).stdout
st, b, _ = hcall("POST", "/v1/certificates", {"token": "primary", "container": cid, "certificate": other_key})
ok(st == 409 and b["error"]["code"] == "wrong_key", "a certificate for another key is not written", b)
st, b, _ = hcall("POST", "/v1/requests", {"token": "secondary", "container": cid})
ok(st == 404 and b["error"]["code"] == "no_token", "a token that is not there says so", b)
st, b, _ = hcall("POST", "/v1/requests", {"token": "primary", "container": "../x"})
ok(st == 400, "a container name is a certificate id, nothing else", b)
helper.terminate()
helper.wait(10)

open(pin, "w").write("000000\n")
helper = sim("serve", "--origin", ORIGIN, "--listen", "127.0.0.1:%d" % port, "--pin-file", pin)
ok(wait_for(lambda: hcall("GET", "/v1/info")[0] == 200, 10), "the helper again, given a wrong PIN")
st, b, _ = hcall("POST", "/v1/requests", {"token": "primary", "container": cid + 1000000, "alg": "rsa"})
ok(st == 403 and b["error"]["code"] == "pin_incorrect" and
   not os.path.exists(os.path.join(keys, "primary", str(cid + 1000000))), "a wrong PIN signs nothing and leaves nothing", b)
helper.terminate()
helper.wait(10)
shutil.rmtree(tmp)
done()
