"""An account's documents used again (issue 21): the second key of a company needs the same licence, seal and
forms. A new draft is offered the documents of the account's latest application uploaded within
attachments.reuse_days, and one request copies them: the same bytes under files of its own (deleting the draft
leaves the first application's files), audited; what the draft already has is kept; another account's
application offers nothing."""
import os

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

cust = Client(); cust.login("我是测试企业")
other = Client(); other.login("zhangsan")
files_dir = conf_value("attachments", "dir")

first = submitted_application(cust, seed=71)
st, draft = cust.json("POST", "/api/v1/applications", step1(new_cert(), seed=72))
ok(st == 201, "a second application, for the other key", draft)
offer = draft.get("reusable") or {}
ok(offer.get("from") == first["id"] and set(KINDS) <= set(offer.get("kinds", [])),
   "it is offered the first application's documents (from #%s)" % first["id"], offer)
# One document uploaded anew: kept, not overwritten by the copy.
seal = fixture("scan.png")
st, _, _ = cust.raw("PUT", "/api/v1/applications/%d/attachments/company_seal" % draft["id"], seal,
                    ctype="application/octet-stream")
st, draft = cust.json("GET", "/api/v1/applications/%d" % draft["id"])
ok("company_seal" not in draft["reusable"]["kinds"], "a kind already uploaded is no longer offered", draft["reusable"])

st, body = cust.json("POST", "/api/v1/applications/%d/reuse-attachments" % draft["id"], {"from": first["id"]})
got = body.get("attachments", {})
ok(st == 200 and set(KINDS) <= set(got), "one request copies them", body)
ok(all(got[k]["sha256"] == first["attachments"][k]["sha256"] for k in KINDS if k != "company_seal") and
   got["company_seal"]["content_type"] == "image/png", "the same bytes; the new upload kept", got)
names = lambda app: dict(sql("SELECT kind, stored_name FROM attachments WHERE application_id = %d" % app))
mine, theirs = names(draft["id"]), names(first["id"])
ok(all(mine[k] != theirs[k] for k in KINDS), "each copy is a file of its own")
ok(body.get("missing") == [] or all(not m["field"].startswith("attachments.") for m in body.get("missing", [])),
   "nothing of step 2 is missing any more", body.get("missing"))
rows = sql("SELECT action FROM audit_log WHERE object_type = 'application' AND object_id = '%d'"
           " AND action = 'application.reuse_attachments'" % draft["id"])
ok(len(rows) == 1, "the copy is audited")
st, body = cust.json("POST", "/api/v1/applications/%d/reuse-attachments" % draft["id"], {"from": first["id"]})
ok(st == 409, "nothing left to copy: refused, saying so", body)

# Deleting the draft removes its copies, never the first application's files.
st, _ = cust.json("DELETE", "/api/v1/applications/%d" % draft["id"])
ok(st == 200, "the draft is deleted")
ok(all(os.path.exists(os.path.join(files_dir, theirs[k])) for k in KINDS), "the first application's files stay")
st, data, _ = cust.raw("GET", "/api/v1/applications/%d/attachments/business_license" % first["id"])
ok(st == 200 and data == fixture("scan.jpg"), "and read back whole")

# Another account's application offers nothing; bad input is refused.
cid = new_cert(account="zhangsan")
st, theirs_draft = other.json("POST", "/api/v1/applications",
                              {"applicant_name": "张三", "id_card_no": id_card(73), "phone": "13912345678",
                               "email": "zs@example.com", "certificate_id": cid})
st, body = other.json("POST", "/api/v1/applications/%d/reuse-attachments" % theirs_draft["id"], {"from": first["id"]})
ok(st == 409, "a person cannot copy a company's documents", body)
st, body = cust.json("POST", "/api/v1/applications/%d/reuse-attachments" % first["id"], {"from": "x"})
ok(st == 400 and error_of(body).get("field") == "from", "from must be an application number", body)
other.json("DELETE", "/api/v1/applications/%d" % theirs_draft["id"])
done()
