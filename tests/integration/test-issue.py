"""Certificate reissue (SPEC 9): the key's request accepted from approval on and checked (weak keys,
unsupported curves, bad signatures and garbage refused with a reason); the certificate issued by
certrenewd the moment the order is paid, with the renewed certificate's subject, the request's key, a
random serial, the years paid and the extensions of SPEC 9, verified with openssl against the chain;
downloads as PEM, DER and p7b; the order 已完成; the renewed certificate superseded; installation."""
import os
import subprocess
import tempfile

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

cust = Client(); cust.login("我是测试企业")
other = Client(); other.login("zhangsan")
rev = Client(); rev.login("reviewer")
tmp = tempfile.mkdtemp(prefix="cr-issue-")
root, issuing = conf_value("ca", "chain"), conf_value("ca", "cert")


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True)


def csr(name, keyargs, subject="/CN=ignored"):
    key, req = os.path.join(tmp, name + ".key"), os.path.join(tmp, name + ".csr")
    p = openssl("req", "-new", "-newkey", *keyargs, "-nodes", "-keyout", key, "-subj", subject, "-out", req)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return key, open(req, "rb").read()


def submit(c, cert_id, body, ctype="application/pkcs10"):
    st, b, _ = c.raw("POST", "/api/v1/certificates/%d/csr" % cert_id, body, ctype=ctype)
    return st, json.loads(b)


def certs_of(no):
    return {c["id"]: c for c in cust.json("GET", "/api/v1/orders/%s" % no)[1]["certificates"]}


def pay(o):
    path = statement((o["amount_fen"], "订单%s" % o["order_no"], "我是测试企业", "ISS-%s" % o["order_no"]))
    rc, out, err = import_statement(path)
    return rc == 0 and out and out[0]["matched"] == 1


o = approved_order(cust, rev, seed=91, years=2)
main = o["certificates"][0]
renewed_id = main["renews_id"]
ok(main["status"] == "awaiting_csr", "an approved order's certificate awaits the key's request", main)

# Refused requests.
_, weak = csr("weak", ["rsa:1024"])
st, b = submit(cust, main["id"], weak)
ok(st == 422 and error_of(b).get("code") == "invalid_file" and error_of(b).get("field") == "csr" and
   "2048" in error_of(b).get("message", ""), "an RSA-1024 request is refused, saying why", b)
_, p521 = csr("p521", ["ec", "-pkeyopt", "ec_paramgen_curve:P-521"])
st, b = submit(cust, main["id"], p521)
ok(st == 422 and "P-256" in error_of(b).get("message", ""), "a P-521 request is refused", b)
st, b = submit(cust, main["id"], b"not a request at all")
ok(st == 422, "garbage is refused", b)
# P-256 with its parameters spelled out (explicit): RFC 5480 forbids them in a certificate.
xk = os.path.join(tmp, "explicit.key")
openssl("ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey", "-noout", "-out", xk)
st, b = submit(cust, main["id"], openssl("req", "-new", "-key", xk, "-subj", "/CN=x").stdout)
ok(st == 422 and "显式参数" in error_of(b).get("message", ""),
   "a P-256 request with explicit curve parameters is refused, saying why", b)
# SM2 signed without a distinguishing ID (software that signs so) is taken before payment, then replaced below.
sk = os.path.join(tmp, "sm2-noid.key")
openssl("genpkey", "-algorithm", "SM2", "-out", sk)
st, b = submit(cust, main["id"], openssl("req", "-new", "-key", sk, "-sm3", "-subj", "/CN=x").stdout)
ok(st == 200, "an SM2 request signed without a distinguishing ID is taken", b)
key, good = csr("good", ["rsa:2048"], subject="/CN=attacker/O=evil")
der = openssl("req", "-in", os.path.join(tmp, "good.csr"), "-outform", "DER").stdout
tampered = bytearray(der)
i = tampered.find(b"attacker")
tampered[i] ^= 0x01
st, b = submit(cust, main["id"], bytes(tampered), ctype="application/octet-stream")
ok(st == 422 and "签名" in error_of(b).get("message", ""), "a request whose signature does not hold is refused", b)
st, b = submit(other, main["id"], good)
ok(st == 404, "another account's certificate is not found", b)

# The good request before payment: kept; issued the moment the statement is imported.
st, b = submit(cust, main["id"], der, ctype="application/octet-stream")
ok(st == 200 and len(b.get("csr_sha256", "")) == 64 and b.get("order_status") == "awaiting_payment",
   "a DER request is accepted from approval on", b)
ok(certs_of(o["order_no"])[main["id"]]["status"] == "awaiting_csr", "nothing is issued before payment")
t0 = time.time()
ok(pay(o), "the bank statement pays the order")
ok(wait_for(lambda: certs_of(o["order_no"])[main["id"]]["status"] == "issued", 15), "the certificate is issued",
   certs_of(o["order_no"]))
print("# issued %.2f s after the import ended" % (time.time() - t0))
order = cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]
ok(order["status"] == "completed" and order["status_label"] == "已完成", "the order is 已完成", order["status"])
held = {c["id"]: c for c in all_items(cust, "/api/v1/certificates")}
old_ = held.get(renewed_id, {})
ok(old_.get("status") == "superseded" and old_.get("successor_id") == main["id"] and "renewal_order_no" not in old_ and
   old_.get("open_application_id") is None,
   "the renewed certificate is superseded, names its successor, and no renewal is pending for it any more", old_)

# The certificate itself.
st, pem, hd = cust.raw("GET", "/api/v1/certificates/%d/issued?format=pem" % main["id"])
path = os.path.join(tmp, "issued.pem")
open(path, "wb").write(pem)
v = openssl("verify", "-CAfile", root, "-untrusted", issuing, path)
ok(st == 200 and v.returncode == 0, "openssl verify: the certificate chains to the root", v.stdout + v.stderr)
text = openssl("x509", "-in", path, "-noout", "-text", "-nameopt", "utf8").stdout.decode()
renewed = sql("SELECT subject FROM certificates WHERE id = %d" % renewed_id)[0][0]
subj = openssl("x509", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb").stdout.decode().strip()
ok(subj == "subject=" + renewed and "attacker" not in text, "the subject is the renewed certificate's, not the request's",
   (subj, renewed))
pub_cert = openssl("x509", "-in", path, "-noout", "-pubkey").stdout
pub_key = openssl("pkey", "-in", key, "-pubout").stdout
ok(pub_cert == pub_key, "it holds the request's key")
serial = openssl("x509", "-in", path, "-noout", "-serial").stdout.decode().strip().split("=")[1]
ok(len(serial) == 32, "a 128-bit serial", serial)
ok("CA:FALSE" in text and "Digital Signature" in text and "Key Encipherment" in text and
   "TLS Web Client Authentication" in text and "E-mail Protection" in text and "Subject Key Identifier" in text and
   "Authority Key Identifier" in text, "with the extensions of SPEC 9", text)
dates = openssl("x509", "-in", path, "-noout", "-startdate", "-enddate").stdout.decode().split("\n")
nb = time.mktime(time.strptime(dates[0].split("=")[1], "%b %d %H:%M:%S %Y %Z"))
na = time.mktime(time.strptime(dates[1].split("=")[1], "%b %d %H:%M:%S %Y %Z"))
ok(abs(nb - time.time()) < 600 and 729 <= (na - nb) / 86400 <= 731, "valid from now for the two years paid", dates)
st, der_out, _ = cust.raw("GET", "/api/v1/certificates/%d/issued?format=der" % main["id"])
ok(st == 200 and openssl("x509", "-inform", "DER", "-noout", "-serial", data=der_out).stdout.decode().strip().endswith(serial),
   "the same as DER")
st, p7b, _ = cust.raw("GET", "/api/v1/certificates/%d/issued?format=p7b" % main["id"])
chain = openssl("pkcs7", "-inform", "DER", "-print_certs", "-noout", data=p7b).stdout.decode()
ok(st == 200 and chain.count("subject=") == 3, "p7b holds the certificate and its chain", chain)
ok(sql("SELECT status FROM certificates WHERE id = %d" % renewed_id)[0][0] == "superseded",
   "the renewed certificate is superseded")
st, msgs = cust.json("GET", "/api/v1/messages")
ok(any(o["order_no"] in m["title"] and "已签发" in m["title"] for m in msgs["items"]), "the customer is told 已签发")
st, b = submit(cust, main["id"], der, ctype="application/octet-stream")
ok(st == 409, "an issued certificate takes no new request", b)
st, b = cust.json("POST", "/api/v1/certificates/%d/installed" % main["id"], {})
ok(st == 200 and b.get("status") == "installed", "the key confirms installation", b)
st, b = cust.json("POST", "/api/v1/certificates/%d/installed" % main["id"], {})
ok(st == 409, "once", b)

# Paid first, requests later (ECDSA P-256, and an add-on certificate with its trading centre in OU).
tcs = [c for c in cust.json("GET", "/api/v1/trading-centres")[1]["items"]][:1]
o2 = approved_order(cust, rev, seed=92, centres=[tcs[0]["id"]])
ok(pay(o2), "a second order, with an add-on, is paid before any request")
ids = sorted(certs_of(o2["order_no"]))
ok(len(ids) == 2, "it has two certificates to issue", ids)
keys = {}
for n, cid in enumerate(ids):
    # One P-256 key, one SM2 key whose request is signed SM2-with-SM3 as real UKeys sign it: under GM/T 0009's
    # distinguishing ID 1234567812345678.  (Signed without an ID it is taken too: checked above.)
    keyargs = ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if n == 0 else ["sm2"]
    if n == 1:
        k = os.path.join(tmp, "sm2.key")
        openssl("genpkey", "-algorithm", "SM2", "-out", k)
        r = openssl("req", "-new", "-key", k, "-sm3", "-sigopt", "distid:1234567812345678", "-subj",
                    "/CN=ignored").stdout
    else:
        k, r = csr("ec%d" % n, keyargs)
    keys[cid] = k
    st, b = submit(cust, cid, r)
    ok(st == 200 and b.get("order_status") in ("paid", "issuing"),
       "a %s request for a paid order is taken" % ("SM2" if n else "P-256"), b)
ok(wait_for(lambda: all(c["status"] == "issued" for c in certs_of(o2["order_no"]).values()), 15),
   "each is issued at once", certs_of(o2["order_no"]))
for cid, k in keys.items():
    st, pem3, _ = cust.raw("GET", "/api/v1/certificates/%d/issued" % cid)
    open(path, "wb").write(pem3)
    v = openssl("verify", "-CAfile", root, "-untrusted", issuing, path)
    same = openssl("x509", "-in", path, "-noout", "-pubkey").stdout == openssl("pkey", "-in", k, "-pubout").stdout
    ok(st == 200 and v.returncode == 0 and same, "certificate %d verifies and holds its request's key" % cid,
       v.stdout + v.stderr)
addon = [c for c in certs_of(o2["order_no"]).values() if c["trading_centre_id"]][0]
st, pem2, _ = cust.raw("GET", "/api/v1/certificates/%d/issued" % addon["id"])
open(path, "wb").write(pem2)
subj = openssl("x509", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb").stdout.decode()
ok("OU=" + tcs[0]["name"] in subj and openssl("verify", "-CAfile", root, "-untrusted", issuing, path).returncode == 0,
   "the add-on certificate carries its trading centre in OU and verifies", subj)
ok(cust.json("GET", "/api/v1/orders/%s" % o2["order_no"])[1]["status"] == "completed", "that order is 已完成 too")
# Renewal reminders: once per certificate inside the window.
near = new_cert(account="zhangsan", days=40)
far = new_cert(account="zhangsan", days=200)


def reminders(cert_id):
    return [m for m in other.json("GET", "/api/v1/messages")[1]["items"] if m.get("link") == "#/apply/new?cert=%d" % cert_id]


p = ctl("jobs", "add", "remind_renewals")
ok(p.returncode == 0 and wait_for(lambda: len(reminders(near)) == 1, 15), "a certificate inside the window is reminded",
   p.stdout + p.stderr)
ok("到期" in reminders(near)[0]["title"] if reminders(near) else False, "with its expiry date", reminders(near))
# The second run is waited for (its job row done), so that "once" is not just "not yet".
p = ctl("jobs", "add", "remind_renewals")
second = json.loads(p.stdout)["id"] if p.returncode == 0 else 0
ran = wait_for(lambda: sql("SELECT status FROM jobs WHERE id = %d" % second) == [["done"]], 15)
ok(ran and len(reminders(near)) == 1 and not reminders(far), "once (a second run done), and not one far from expiry",
   (ran, reminders(near), reminders(far)))

p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
done()
