"""Hostile and broken requests: each gets a clear JSON error with the right status,
and the workers keep serving (no worker dies)."""
import json
import os
import subprocess
import urllib.parse

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

master = read_pid(os.path.join(RUN, "certrenew-fcgi.pid"))
workers_before = children(master)
c = Client()


def expect(st, body, status, code, name, field=None):
    e = error_of(body)
    good = st == status and e.get("code") == code and bool(e.get("message"))
    if field is not None:
        good = good and e.get("field") == field
    ok(good, "%s: %d %s" % (name, status, code), (st, body))


st, body, _ = c.raw("POST", "/api/v1/session", "{bad json")
expect(st, json.loads(body), 400, "invalid_json", "malformed JSON")
ok("JSON" in error_of(json.loads(body)).get("message", ""), "the message says what is wrong")
st, body, _ = c.raw("POST", "/api/v1/session", '{"account":"a","account":"b","password":"x"}')
expect(st, json.loads(body), 400, "invalid_json", "duplicate keys")
st, body, _ = c.raw("POST", "/api/v1/session", '["account","password"]')
expect(st, json.loads(body), 400, "invalid_json", "an array instead of an object")
st, body, _ = c.raw("POST", "/api/v1/session", b'{"account":"\xff\xfe","password":"x"}')
expect(st, json.loads(body), 400, "invalid_json", "invalid UTF-8")
st, body = c.json("POST", "/api/v1/session", {"account": 12345, "password": "x"})
expect(st, body, 400, "invalid_type", "account as a number", field="account")
st, body = c.json("POST", "/api/v1/session", {"account": "x", "password": ["x"]})
expect(st, body, 400, "invalid_type", "password as an array", field="password")
st, body = c.json("POST", "/api/v1/session", {"account": "x"})
expect(st, body, 400, "missing_field", "password missing", field="password")
st, body = c.json("POST", "/api/v1/session", {"account": "", "password": "x"})
expect(st, body, 400, "missing_field", "empty account", field="account")
st, body = c.json("POST", "/api/v1/session", {"account": "长" * 101, "password": "x"})
expect(st, body, 400, "too_long", "account over 100 characters", field="account")
st, body = c.json("POST", "/api/v1/session", {"account": "x", "password": "p" * 300})
expect(st, body, 400, "too_long", "password over 256 characters", field="password")
st, body = c.json("POST", "/api/v1/session", {"account": "a\u0000b", "password": "x"})
ok(st == 400 and error_of(body).get("code") in ("invalid_json", "invalid_input"), "NUL inside a string: 400", body)
st, body, _ = c.raw("POST", "/api/v1/session", "account=x&password=y", ctype="application/x-www-form-urlencoded")
expect(st, json.loads(body), 415, "unsupported_media_type", "a form post instead of JSON")
st, body, _ = c.raw("POST", "/api/v1/session", '{"account":"x","password":"y"}', ctype="text/plain")
expect(st, json.loads(body), 415, "unsupported_media_type", "text/plain (a cross-site form's type)")
deep = "[" * 5000 + "]" * 5000
st, body, _ = c.raw("POST", "/api/v1/session", '{"account":' + deep + "}")
ok(st == 400, "deeply nested JSON: 400", (st, body[:200]))

big = '{"account":"x","password":"' + "p" * (2 * 1024 * 1024) + '"}'
p = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-H", "Content-Type: application/json",
                    "--data-binary", "@-", BASE + "/api/v1/session"], input=big.encode(), capture_output=True, timeout=60)
data, _, code = p.stdout.rpartition(b"\n")
expect(int(code), json.loads(data), 413, "body_too_large", "a 2 MiB body")

st, body = c.json("GET", "/api/v1/no-such-thing")
expect(st, body, 404, "not_found", "unknown route")
st, body = c.json("GET", "/api/v2/me")
expect(st, body, 404, "not_found", "unknown API version")
st, body, hd = c.raw("PUT", "/api/v1/me", "{}")
expect(st, json.loads(body), 405, "method_not_allowed", "wrong method")
ok(hd.get("Allow") == "GET", "405 says which methods are allowed", hd.get("Allow"))
st, body, hd = c.raw("PATCH", "/api/v1/session", "{}")
ok(st == 405 and set(hd.get("Allow", "").split(", ")) == {"POST", "DELETE"}, "Allow lists every method of a path",
   hd.get("Allow"))

# SQL in query strings, sent where queries are read, by the owner of the data: nothing but the literal text
# is looked for, and nothing is changed.
q = urllib.parse.quote
adm, fin, cust = Client(), Client(), Client()
adm.login("admin")
fin.login("finance")
cust.login("我是测试企业")
last = sql("SELECT MAX(id) FROM audit_log")[0][0]
# What the requests below could delete or change (rows the daemon may add meanwhile are not counted).
counts = ("SELECT (SELECT COUNT(*) FROM audit_log WHERE id <= %s), (SELECT COUNT(*) FROM applications),"
          " (SELECT COUNT(*) FROM credits), (SELECT COUNT(*) FROM users)" % last)
before = sql(counts)
st, body = adm.json("GET", "/api/v1/admin/audit?actor=admin")
ok(st == 200 and len(body["items"]) > 0, "the audit log filtered by a real actor finds rows", st)
st, body = adm.json("GET", "/api/v1/admin/audit?actor=" + q("' OR '1'='1"))
ok(st == 200 and body["items"] == [], "an actor of ' OR '1'='1 finds no row (the text is a value, not SQL)", body)
st, body = adm.json("GET", "/api/v1/admin/audit?action=" + q("x'; DELETE FROM audit_log; --"))
ok(st == 200 and body["items"] == [], "an action carrying a DELETE finds no row", body)
st, body = cust.json("GET", "/api/v1/applications?period=all&status=draft")
ok(st == 200 and all(a["status"] == "draft" for a in body["items"]), "the owner's applications filtered by a real status", st)
st, body = cust.json("GET", "/api/v1/applications?period=all&status=" + q("draft' OR '1'='1"))
ok(st == 400 and error_of(body).get("field") == "status", "the owner's applications with a status of SQL: refused as a status",
   body)
st, body = fin.json("GET", "/api/v1/payments?status=" + q("open' OR 1=1 --"))
ok(st == 400 and error_of(body).get("field") == "status", "credits with a status of SQL: refused as a status", body)
st, body = fin.json("GET", "/api/v1/invoices.csv?status=" + q("pending' UNION SELECT password_hash FROM users --"))
ok(st == 400, "the invoice export with a UNION in its status: refused", st)
ok(sql(counts) == before, "and nothing was deleted or added (audit rows, applications, credits, users)", (before, sql(counts)))

# Text that is not UTF-8, and Chinese long enough that a buffer would cut a character in half: a 400 or 404 with
# a JSON error that is valid UTF-8 (never a 500), anonymous or signed in, and a log that grep still reads as text.
fcgi_log = os.path.join(RUN, "log", "certrenew-fcgi.log")
log_from = os.path.getsize(fcgi_log)
zh = urllib.parse.quote("中")
broken = [
    ("/api/v1/x%ff", 404), ("/api/v1/help/%ff", 404), ("/api/v1/orders/%ff", 404), ("/api/v1/" + zh * 200, 404),
    ("/api/v1/help/" + zh * 300, 404), ("/api/v1/x%0a%c2%85%e2%80%ae", 404), ("/api/v1/%e4%b8", 404),
    ("/api/v1/orders?status=%ff", 400), ("/api/v1/applications?status=%c0%af", 400),
    ("/api/v1/audit?actor=%ed%a0%80", 400), ("/api/v1/orders?status=a%00b", 400), ("/api/v1/credits?x=%f4%90%80%80", 400),
]
lists = ["/api/v1/orders?status=", "/api/v1/applications?status=", "/api/v1/credits?status=", "/api/v1/audit?actor=",
         "/api/v1/audit?action=", "/api/v1/invoices?status=", "/api/v1/review/queue?status="]
for who in (None, "finance", "admin", "reviewer", "我是测试企业"):
    u = Client()
    if who:
        u.login(who)
    urls = broken + [(l + zh * n, None) for l in lists for n in (10, 11, 12, 100, 400)]
    bad = []
    for url, want in urls:
        st, body, _ = u.raw("GET", url)
        try:
            code = json.loads(body.decode("utf-8"))["error"]["code"] if st >= 400 else None
        except (ValueError, KeyError, UnicodeDecodeError):
            code = "unreadable"
        if st >= 500 or code == "unreadable" or (want and st != want) or (st >= 400 and not code):
            bad.append((url[:60], st, body[:80]))
    ok(not bad, "%s: no answer of %d is a 5xx or unreadable, broken text 400/404" % (who or "anonymous", len(urls)), bad)
with open(fcgi_log, "rb") as f:
    f.seek(log_from)
    tail = f.read()
try:
    tail.decode("utf-8")
    ok(b"\n" in tail or tail == b"", "the workers' log after those requests is valid UTF-8 (grep reads it as text)")
except UnicodeDecodeError as e:
    ok(False, "the workers' log after those requests is valid UTF-8 (grep reads it as text)", e)
grep = subprocess.run(["grep", "-c", "http", fcgi_log], capture_output=True, text=True)
ok("Binary file" not in grep.stdout + grep.stderr, "grep does not call the log binary", grep.stdout[:80])

for i in range(50):
    c.raw("POST", "/api/v1/session", "{" * (i + 1))
ok(healthy(), "after all that /healthz still answers 200")
ok(children(master) == workers_before, "no worker died or was restarted", (workers_before, children(master)))
done()
