"""Approval by rule (issue 25): the rules are off by default; once the administrator turns them on, a returning
customer with nothing changed since a reviewer's approval — same company, licence code, applicant and ID number,
the reused documents byte for byte, the forms signed anew for this application (their QR codes name it), within
the limits — is approved the moment the application is submitted, with an audit row naming the rule, the approval
it leans on and every condition.  Every other case reaches the queue with the failing condition shown: a changed
licence code, a changed applicant, a document changed by one byte, the period expired, a limit exceeded, a form
not signed anew, rules off, an earlier rule approval withdrawn.  A reviewer lists the rule approvals and withdraws
one while it is unpaid (the order is cancelled, the customer told why); not once paid.  Ends with the ledger
check."""
import atexit
import json
import os
import subprocess
import tempfile
import time

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

tmp = tempfile.mkdtemp(prefix="cr-rules-")
name = "自动审核测试%d" % (int(time.time() * 1000) % 100000000)
p = ctl("user", "add", "--role", "enterprise", name, stdin=PW + "\n")
if p.returncode != 0:
    bail("user add: " + p.stderr)
cust = Client(); cust.login(name)
rev = Client(); rev.login("reviewer")
admin = Client(); admin.login("admin")
JPG = fixture("scan.jpg")
LICENSE = uscc(2501)
BASE = {"company_name": name, "license_no": LICENSE, "applicant_name": "孙八", "id_card_no": id_card(2501),
        "phone": "13912345678", "email": "sunba@example.com", "department": "招标部"}
OTHER = ["business_license", "bank_account_permit", "company_seal", "legal_person_seal", "power_of_attorney"]
FORMS = ["application_form", "responsibility_letter"]


def scan_of(app_id, kind):
    """The form printed for the application, signed and scanned (150 dpi grey JPEG)."""
    st, pdf, _ = cust.raw("GET", "/api/v1/applications/%d/forms/%s.pdf" % (app_id, kind))
    path = os.path.join(tmp, "f.pdf")
    open(path, "wb").write(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-jpeg", "-singlefile", "-f", "1", "-l", "1", path,
                    os.path.join(tmp, "f")], check=True)
    return open(os.path.join(tmp, "f.jpg"), "rb").read()


def draft(changes=None, years=1, reuse_from=None, fresh=True, docs=None):
    """An application of the test account: reusing the documents of reuse_from (one request, as the wizard's
    offer does) or uploading its own, its forms signed anew unless fresh is False; returns its id."""
    fields = dict(BASE, certificate_id=new_cert(account=name))
    fields.update(changes or {})
    st, app = cust.json("POST", "/api/v1/applications", fields)
    assert st == 201, app
    aid = app["id"]
    if reuse_from:
        st, body = cust.json("POST", "/api/v1/applications/%d/reuse-attachments" % aid, {"from": reuse_from})
        assert st == 200, body
    else:
        for k in OTHER + FORMS:
            cust.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (aid, k), JPG, ctype="image/jpeg")
    for k, data in (docs or {}).items():
        st, body, _ = cust.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (aid, k), data, ctype="image/jpeg")
        assert st == 201, body
    st, body = cust.json("PATCH", "/api/v1/applications/%d" % aid, step3(years=years, payer_name=name,
                                                                         invoice={"title": name, "tax_no": LICENSE}))
    assert st == 200, body
    if fresh:
        for k in FORMS:
            st, body, _ = cust.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (aid, k), scan_of(aid, k),
                                   ctype="image/jpeg")
            assert st == 201, body
    return aid


def submit(aid):
    t0 = time.time()
    st, app = cust.json("POST", "/api/v1/applications/%d/submit" % aid, {})
    return st, app, time.time() - t0


def failed(aid):
    """The names of the conditions the rules found false, as the reviewer sees them."""
    st, app = rev.json("GET", "/api/v1/applications/%d" % aid)
    check = app.get("rule_check") or {}
    return app["status"], [c["name"] for c in check.get("conditions", []) if not c["ok"]], check


# --- The rules: off by default, set by the administrator, checked -------------------------------------------
st, rules = admin.json("GET", "/api/v1/admin/approval-rules")
ok(st == 200 and rules["enabled"] is False and rules["fresh_kinds"] == FORMS,
   "the rules are off by default; the signed forms must be fresh", rules)
atexit.register(lambda: admin.json("PUT", "/api/v1/admin/approval-rules",
                                   {k: rules[k] for k in ("enabled", "reuse_days", "fresh_kinds", "max_years",
                                                          "max_centres", "max_amount_fen")}))
st, body = admin.json("PUT", "/api/v1/admin/approval-rules",
                      {"enabled": "yes", "reuse_days": 0, "fresh_kinds": ["application_form", "nope"],
                       "max_amount_fen": -1})
fields = sorted(f["field"] for f in error_of(body).get("fields", []))
ok(st == 400 and fields == ["enabled", "fresh_kinds", "max_amount_fen", "reuse_days"],
   "bad rules are refused, every field at fault named", body)
st, body = admin.json("PUT", "/api/v1/admin/approval-rules", {"enabeld": True})
ok(st == 400 and error_of(body).get("field") == "enabeld" and
   admin.json("GET", "/api/v1/admin/approval-rules")[1]["enabled"] is False,
   "a misspelt member is refused, not ignored", body)
st, _ = rev.json("GET", "/api/v1/admin/approval-rules")
ok(st == 403, "a reviewer cannot change them", st)

# A reviewer approves the account's first application: the data the rules may lean on.
first = draft()
st, app, _ = submit(first)
ok(st == 200 and app["status"] == "submitted", "the first application waits for a person", app.get("status"))
st, body = rev.json("POST", "/api/v1/review/applications/%d/approve" % first, {})
ok(st == 200, "a reviewer approves it (#%d)" % first, body)

# Rules off: a returning customer with nothing changed still waits.
off = draft(reuse_from=first)
st, app, _ = submit(off)
status, bad, check = failed(off)
ok(status == "submitted" and check == {}, "rules off: a returning customer still reaches a person, nothing judged",
   (status, check))

st, body = admin.json("PUT", "/api/v1/admin/approval-rules",
                      {"enabled": True, "reuse_days": 30, "max_years": 2, "max_centres": 2, "max_amount_fen": 100000})
ok(st == 200 and body["enabled"] is True and body["reuse_days"] == 30 and body["updated_by"],
   "the administrator turns them on: 30 days, at most 2 years, 2 centres, 1,000 元", body)
rows = sql("SELECT COUNT(*) FROM audit_log WHERE action = 'rules.update' AND actor_id IS NOT NULL"
           " AND at > DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL 1 MINUTE, '%Y-%m-%d %H:%i:%s')")
ok(int(rows[0][0]) >= 1, "the change is audited")

# --- A returning customer with nothing changed ------------------------------------------------------------
back = draft(reuse_from=first)
st, app, secs = submit(back)
ok(st == 200 and app["status"] == "approved" and app.get("order_no"),
   "nothing changed: approved the moment it is submitted, order %s" % app.get("order_no"), app.get("status"))
print("# submit with the rules' verdict and the order: %.0f ms through nginx" % (secs * 1000))
ok(secs < 1.0, "in under a second (%.0f ms)" % (secs * 1000))
status, bad, check = failed(back)
ok(check.get("approved") is True and not bad and check["relied_on"]["application_id"] == first and
   len(check["conditions"]) >= 10, "the reviewer sees every condition checked and the approval it leans on (#%d)" % first,
   check)
audit = sql("SELECT after_state FROM audit_log WHERE action = 'application.auto_approved' AND object_id = '%d'" % back)
idc = BASE["id_card_no"]
ok(idc not in json.dumps(check, ensure_ascii=False) and idc not in audit[0][0] and
   (idc[:6] + "********" + idc[-4:]) in json.dumps(check, ensure_ascii=False),
   "the ID number is compared whole but shown masked in the verdict and the audit row")
ok(len(audit) == 1 and '"relied_on"' in audit[0][0] and '"conditions"' in audit[0][0] and '"approval_rules"' in audit[0][0],
   "one audit row names the rule, the approval relied on and each condition", audit)
st, o = cust.json("GET", "/api/v1/orders/%s" % app["order_no"])
ok(st == 200 and o["status"] == "awaiting_payment", "the customer has the order at once")
msgs = cust.json("GET", "/api/v1/messages")[1]["items"]
ok(any("审核通过" in m["title"] and app["order_no"] in m["title"] for m in msgs), "and the message with its number")

# The wizard offers the approved application's documents (not the newer, unapproved one's), even those uploaded
# longer ago than attachments.reuse_days: the rules' period counts from the approval.
sql("UPDATE attachments SET created_at = created_at - INTERVAL 60 DAY WHERE application_id IN (%d, %d)" % (first, off))
st, d = cust.json("POST", "/api/v1/applications", dict(BASE, certificate_id=new_cert(account=name)))
ok(st == 201 and (d.get("reusable") or {}).get("from") == first and set(OTHER + FORMS) <= set(d["reusable"]["kinds"]),
   "a new draft is offered the documents of #%d, which a person approved (uploaded 60 days ago)" % first,
   d.get("reusable"))
st, body = cust.json("POST", "/api/v1/applications/%d/reuse-attachments" % d["id"], {"from": off})
ok(st == 409, "an unapproved application's documents uploaded as long ago are not (attachments.reuse_days)", body)
cust.json("DELETE", "/api/v1/applications/%d" % d["id"])

# --- Every other case reaches a person, saying why --------------------------------------------------------
cases = [
    ("a changed licence code", dict(changes={"license_no": uscc(2502)}), "license_no"),
    ("a changed applicant", dict(changes={"applicant_name": "周九"}), "applicant_name"),
    ("a document changed by one byte", dict(docs={"business_license": JPG[:14] + bytes([JPG[14] ^ 1]) + JPG[15:]}),
     "reused_documents"),
    ("a limit exceeded (3 years)", dict(years=3), "max_years"),
    ("a form not signed anew (the earlier one reused)", dict(fresh=False), "fresh_documents"),
]
for label, kw, cond in cases:
    aid = draft(reuse_from=first, **kw)
    st, app, _ = submit(aid)
    status, bad, check = failed(aid)
    ok(st == 200 and status == "submitted" and cond in bad,
       "%s: to the queue, the reviewer sees %s failed" % (label, cond), (status, bad))
# The period: the approval relied on moved 31 days back.
sql("UPDATE application_events SET at = at - INTERVAL 31 DAY WHERE application_id = %d AND status_to = 'approved'"
    % first)
st, d = cust.json("POST", "/api/v1/applications", dict(BASE, certificate_id=new_cert(account=name)))
ok((d.get("reusable") or {}).get("from") != first, "past the period the approved documents are no longer offered",
   d.get("reusable"))
cust.json("DELETE", "/api/v1/applications/%d" % d["id"])
aid = draft()  # the same files uploaded again
st, app, _ = submit(aid)
status, bad, check = failed(aid)
ok(status == "submitted" and bad == ["prior_approval"], "the period expired (31 days, 30 allowed): to the queue", bad)
sql("UPDATE application_events SET at = at + INTERVAL 31 DAY WHERE application_id = %d AND status_to = 'approved'"
    % first)

# --- Withdrawn while unpaid; not once paid ----------------------------------------------------------------
paid = draft(reuse_from=first)
st, app, _ = submit(paid)
ok(app["status"] == "approved", "another returning application approved by the rules")
o = cust.json("GET", "/api/v1/orders/%s" % app["order_no"])[1]
rc, _, err = import_statement(statement((o["amount_fen"], o["order_no"], name)))
wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]["status"] != "awaiting_payment", secs=20)
st, body = rev.json("POST", "/api/v1/review/applications/%d/withdraw" % paid, {"reason": "抽查"})
ok(st == 409 and "不能撤回" in error_of(body).get("message", ""), "paid: it cannot be withdrawn", body)
st, body = rev.json("POST", "/api/v1/review/applications/%d/withdraw" % first, {"reason": "x"})
ok(st == 409, "a person's approval is not the rules' to withdraw", body)

st, page = rev.json("GET", "/api/v1/review/rule-approved?days=7")
ids = [a["id"] for a in page["items"]]
ok(st == 200 and back in ids and paid in ids and first not in ids, "the reviewer lists the rule approvals of the last days",
   ids[:10])
st, body = rev.json("POST", "/api/v1/review/applications/%d/withdraw" % back, {})
ok(st == 400, "withdrawing needs a reason", body)
st, body = rev.json("POST", "/api/v1/review/applications/%d/withdraw" % back, {"reason": "营业执照即将到期，需人工核对"})
ok(st == 200, "unpaid: the reviewer withdraws it with a reason", body)
back_order = sql("SELECT order_no FROM orders WHERE application_id = %d" % back)[0][0]
o = cust.json("GET", "/api/v1/orders/%s" % back_order)[1]
ok(o["status"] == "cancelled", "its order is cancelled", o.get("status"))
row = sql("SELECT before_state, after_state FROM audit_log WHERE action = 'order.cancel' AND object_type = 'order'"
          " AND object_id = '%s'" % back_order)
ok(len(row) == 1 and json.loads(row[0][1]) == {"status": "cancelled", "reason": "营业执照即将到期，需人工核对"},
   "the order's own audit row says it was cancelled and why", row)
msgs = cust.json("GET", "/api/v1/messages")[1]["items"]
ok(any("自动审核已撤回" in m["title"] and "营业执照即将到期" in m["body"] for m in msgs), "the customer is told why")
st, body = rev.json("POST", "/api/v1/review/applications/%d/withdraw" % back, {"reason": "again"})
ok(st == 409, "withdrawn once only", body)
ok(any(a["id"] == back and a["withdrawn"] for a in rev.json("GET", "/api/v1/review/rule-approved?days=7")[1]["items"]),
   "the list shows it withdrawn")
aid = draft(reuse_from=first)
st, app, _ = submit(aid)
status, bad, check = failed(aid)
ok(status == "submitted" and "no_withdrawal" in bad, "after a withdrawal the next one goes to a person", bad)

st, body = rev.json("GET", "/api/v1/review/rule-approved?days=0")
ok(st == 400, "days out of range: refused", body)

# --- certrenew.conf's [review] pins rules on every host ---------------------------------------------------------
# A certrenew-fcgi of this test's own with [review] set, spoken to over FastCGI with the administrator's session.
# Only the rules page is asked: the shared stack's rules (off) stay as they are for the tests running alongside.
sock = os.path.join(tmp, "fcgi.sock")
conf = os.path.join(tmp, "certrenew.conf")
text = open(CONF, encoding="utf-8").read().replace("socket = %s" % os.path.join(RUN, "fcgi.sock"), "socket = %s" % sock)
text = text.replace("workers = 0", "workers = 1", 1)
open(conf, "w", encoding="utf-8").write(text + "\n[review]\nauto_approve = false\nreuse_days = 90\n"
                                        "fresh_kinds = responsibility_letter, application_form, power_of_attorney\n")
pinned = subprocess.Popen([os.path.join(BUILD, "certrenew-fcgi"), "-c", conf], stdout=open(os.path.join(tmp, "fcgi.log"), "a"),
                          stderr=subprocess.STDOUT)
atexit.register(pinned.terminate)
ok(wait_for(lambda: os.path.exists(sock), 15), "a certrenew-fcgi with [review] set starts")
who = {"HTTP_COOKIE": "certrenew_session=" + admin.cookie().value, "HTTP_X_CSRF_TOKEN": admin.csrf,
       "CONTENT_TYPE": "application/json"}


def over_fcgi(method, path, obj=None):
    out = fcgi_request(sock, method, path, who, json.dumps(obj).encode() if obj is not None else b"")
    head, _, body = out.partition(b"\r\n\r\n")
    status = int(head.split(b"Status: ")[1][:3]) if b"Status: " in head else 200
    return status, json.loads(body)


row = sql("SELECT enabled, reuse_days, fresh_kinds FROM approval_rules WHERE id = 1")[0]
st, r = over_fcgi("GET", "/api/v1/admin/approval-rules")
ok(st == 200 and r["pinned"] == ["enabled", "reuse_days", "fresh_kinds"] and r["enabled"] is False and
   r["reuse_days"] == 90 and r["fresh_kinds"] == ["application_form", "responsibility_letter", "power_of_attorney"],
   "the rules shown are the configuration's where it sets them, and say which", r)
st, shared = admin.json("GET", "/api/v1/admin/approval-rules")
ok(shared["pinned"] == [] and shared["reuse_days"] == int(row[1]), "a host without [review] shows the administrator's",
   shared)
st, body = over_fcgi("PUT", "/api/v1/admin/approval-rules", {"reuse_days": 30, "max_years": 2})
fields = {f["field"]: f["message"] for f in error_of(body).get("fields", [])}
ok(st == 400 and "reuse_days" in fields and "[review] reuse_days" in fields["reuse_days"] and "max_years" not in fields,
   "changing a pinned rule is refused, naming the key that pins it (%s)" % fields.get("reuse_days"), body)
st, body = over_fcgi("PUT", "/api/v1/admin/approval-rules", dict(r, max_years=2))
ok(st == 200 and body["max_years"] == 2 and body["reuse_days"] == 90,
   "the page's whole form sent back, pinned rules unchanged: the others are saved", body)
after = sql("SELECT enabled, reuse_days, fresh_kinds, max_years FROM approval_rules WHERE id = 1")[0]
ok(after[:3] == row and after[3] == "2",
   "the row keeps the administrator's own values of the pinned rules (for the day the pin goes)", (row, after))
audit = json.loads(sql("SELECT after_state FROM audit_log WHERE action = 'rules.update' ORDER BY id DESC LIMIT 1")[0][0])
ok(audit["max_years"] == 2 and audit["pinned"] == ["enabled", "reuse_days", "fresh_kinds"],
   "the audit row records the rules in force and which the configuration set", audit)

p = ctl("ledger", "check")
ok(p.returncode == 0, "certrenewctl ledger check finds nothing", p.stdout[-2000:])
done()
