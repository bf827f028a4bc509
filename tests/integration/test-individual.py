"""Individual customers (issue 12): an individual's application asks for what a person has — no company name,
licence number or licence type; 身份证 front and back, 数字证书申请表 and 数字证书责任书 by default
(attachments.required_individual) — and never for company documents; 纳税人识别号 is needed only for 专票;
USCC and ID numbers typed in lower case are kept in upper case."""
from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
sql("DELETE FROM login_attempts WHERE ip IN ('127.0.0.1', '::1')")
me = Client()
ok(me.login("zhangsan")[0] == 200, "zhangsan logs in")
st, settings = me.json("GET", "/api/v1/settings")
kinds = {k["kind"]: k for k in settings["attachment_kinds"]}
ok(kinds["id_card_front"]["individual"] and not kinds["id_card_front"]["enterprise"] and
   not kinds["business_license"]["individual"] and kinds["application_form"]["label_individual"] == "数字证书申请表",
   "the settings say which kinds are for whom, with a person's wording", kinds.get("application_form"))

cert = new_cert(account="zhangsan", days=20, subject="/C=CN/CN=张三")
sql("UPDATE applications SET status = 'withdrawn' WHERE certificate_id = %d" % cert)
idno = id_card(41)
low = idno[:-1] + ("x" if idno[-1] == "X" else idno[-1])
st, app = me.json("POST", "/api/v1/applications", {"applicant_name": "张三", "id_card_no": low.lower(),
                                                   "phone": "13912345678", "email": "zhangsan@example.com",
                                                   "certificate_id": cert})
ok(st == 201, "an individual's first step: name, ID number, phone, e-mail", app)
ok(app.get("id_card_no") == idno.upper(), "the ID number is kept in upper case", app.get("id_card_no"))
ok(sorted(app["required_attachments"]) == sorted(["id_card_front", "id_card_back", "application_form",
                                                   "responsibility_letter"]),
   "the attachments asked for are a person's", app["required_attachments"])
missing = [m["field"] for m in app["missing"]]
ok("company_name" not in missing and "license_no" not in missing and "license_type" not in missing and
   "attachments.business_license" not in missing and "attachments.id_card_front" in missing,
   "nothing of a company is missing", missing)
labels = {m["field"]: m["message"] for m in app["missing"]}
ok("企业" not in labels.get("attachments.application_form", "企业"), "and the wording speaks to a person", labels)
url = "/api/v1/applications/%d/attachments/" % app["id"]
jpg = fixture("scan.jpg")
st, body, _ = me.raw("PUT", url + "business_license", jpg, ctype="image/jpeg")
ok(st == 400 and "个人" in error_of(json.loads(body)).get("message", ""),
   "a company document cannot be attached to a person's application", body)
for k in ["id_card_front", "id_card_back", "application_form", "responsibility_letter"]:
    st, body, _ = me.raw("PUT", url + k, jpg, ctype="image/jpeg")
    ok(st == 201, "uploads %s" % k, body)
st, app = me.json("PATCH", "/api/v1/applications/%d" % app["id"],
                  {"payer_name": "张三", "years": 1, "invoice_type": "normal", "invoice": {"title": "张三"},
                   "delivery": {"method": "pickup"}, "trading_centre_ids": []})
ok(st == 200 and app["missing"] == [], "普票 without a taxpayer number: nothing is missing", app.get("missing"))
st, body = me.json("PATCH", "/api/v1/applications/%d" % app["id"], {"invoice_type": "special"})
missing = {m["field"]: m["message"] for m in body["missing"]}
ok("invoice_type" in missing and "普票" in missing["invoice_type"], "a person asking for 专票 is told a person gets 普票", missing)
st, body = me.json("POST", "/api/v1/applications/%d/submit" % app["id"], {})
ok(st == 422 and "invoice_type" in [m["field"] for m in error_of(body).get("missing", [])],
   "and cannot submit with 专票", body)
me.json("PATCH", "/api/v1/applications/%d" % app["id"], {"invoice_type": "normal"})
st, body = me.json("POST", "/api/v1/applications/%d/submit" % app["id"], {})
ok(st == 200 and body.get("status") == "submitted", "an individual submits", body)

# An enterprise's lower-case USCC is kept in upper case.
ent = Client()
ent.login("我是测试企业")
c2 = new_cert()
code = uscc(43)
st, a2 = ent.json("POST", "/api/v1/applications", step1(c2, seed=43, license_no=code.lower()))
ok(st == 201 and a2.get("license_no") == code.upper(), "a USCC typed in lower case is kept in upper case",
   (st, a2.get("license_no") if isinstance(a2, dict) else a2))
ent.json("DELETE", "/api/v1/applications/%d" % a2["id"])
done()
