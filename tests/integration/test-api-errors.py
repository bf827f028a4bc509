"""The error contract of the API (SPEC 10): every invalid field of a request named at once in
`fields` (the wizard marks them all after one round trip), nothing half-applied when a request is
refused, the Chinese message for people and the stable code for programs, and every 5xx answer
logged once with its method, route and reason."""
import os

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

cust = Client(); cust.login("我是测试企业")
cert = new_cert()

# Four typos on step 1: one round trip names all four.
bad = step1(cert, license_no="91350100M000100Y44", id_card_no="110105194912310021", phone="1234",
            email="not-an-email")
st, body = cust.json("POST", "/api/v1/applications", bad)
e = error_of(body)
named = [f.get("field") for f in e.get("fields", [])]
ok(st == 400 and e.get("code") == "invalid_input", "four typos are refused as invalid input", body)
ok(set(named) == {"license_no", "id_card_no", "phone", "email"}, "fields names every one of them", named)
ok(e.get("field") == named[0] and e.get("message") == e["fields"][0].get("message"),
   "field and message are the first of them", e)
ok(all(f.get("message") for f in e.get("fields", [])), "each has its own message for people", e.get("fields"))
ok(not any(a.get("certificate_id") == cert for a in cust.json("GET", "/api/v1/applications?period=all")[1]["items"]),
   "a refused create leaves no draft behind")

# A good draft, then a PATCH with three bad members and one good one: nothing of it is applied.
st, app = cust.json("POST", "/api/v1/applications", step1(cert, seed=3))
ok(st == 201, "a correct step 1 makes a draft", app)
aid = app.get("id")
st, body = cust.json("PATCH", "/api/v1/applications/%s" % aid,
                     {"years": 0, "invoice": {"tax_no": "123"}, "delivery": {"method": "drone"},
                      "department": "新部门"})
e = error_of(body)
named = {f.get("field") for f in e.get("fields", [])}
ok(st == 400 and named == {"years", "invoice.tax_no", "delivery.method"}, "PATCH names every bad member", body)
st, now = cust.json("GET", "/api/v1/applications/%s" % aid)
ok(now.get("department") == app.get("department") and now.get("years") == app.get("years"),
   "and applies none of the request, not even its good member", now)

# Unknown members are named too, beside the bad ones.
st, body = cust.json("PATCH", "/api/v1/applications/%s" % aid, {"colour": "red", "phone": "12"})
named = [f.get("field") for f in error_of(body).get("fields", [])]
ok(st == 400 and "colour" in named and "phone" in named, "an unknown member and a bad one are both named", body)

# A simple refusal still carries fields (one item).
st, body = Client().json("POST", "/api/v1/session", {"account": "", "password": "x"})
e = error_of(body)
ok(st == 400 and [f.get("field") for f in e.get("fields", [])] == ["account"], "a single bad field is listed alone",
   body)

# A 5xx: an attachment whose stored file is gone.  It is answered 500 and logged once, with the route.
jpg = fixture("scan.jpg")
st, body, _ = cust.raw("PUT", "/api/v1/applications/%s/attachments/company_seal" % aid, jpg, ctype="image/jpeg")
ok(st == 201, "an attachment is stored", body)
name = sql("SELECT stored_name FROM attachments WHERE application_id = %d AND kind = 'company_seal'" % int(aid))[0][0]
os.remove(os.path.join(conf_value("attachments", "dir"), name))
log = os.path.join(RUN, "log", "certrenew-fcgi.log")
before = open(log, encoding="utf-8", errors="replace").read().count("/api/v1/applications/{id}/attachments/{kind}: 500")
st, body, _ = cust.raw("GET", "/api/v1/applications/%s/attachments/company_seal" % aid)
e = error_of(json.loads(body))
ok(st == 500 and e.get("code") == "internal" and e.get("message"), "a lost file is a 500 with a message for people",
   body)
ok(name not in body.decode("utf-8", "replace"), "the answer does not show the file's path")


def logged():
    return open(log, encoding="utf-8", errors="replace").read().count(
        "GET /api/v1/applications/{id}/attachments/{kind}: 500")


ok(wait_for(lambda: logged() == before + 1, secs=5), "the 500 is logged exactly once with method and route",
   logged() - before)
cust.json("DELETE", "/api/v1/applications/%s" % aid)
done()
