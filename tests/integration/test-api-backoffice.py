"""The back office over HTTP (SPEC 4, 5, 10, 11): review, orders, messages, invoices,
staff administration and the audit trail; and no role doing another role's work."""
import csv
import io
import random

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

cust = Client(); cust.login("我是测试企业")
other = Client(); other.login("zhangsan")
rev = Client(); rev.login("reviewer")
fin = Client(); fin.login("finance")
adm = Client(); adm.login("admin")
audit_start = int(sql("SELECT IFNULL(MAX(id), 0) FROM audit_log")[0][0])
st, tcs = cust.json("GET", "/api/v1/trading-centres")
tcs = [t["id"] for t in tcs["items"]]

app = submitted_application(cust, seed=11, centres=tcs[:2], years=2)
aid = app["id"]

# Roles: nobody does another role's work.
for who, name in [(cust, "a customer"), (fin, "finance"), (adm, "an admin")]:
    st, _ = who.json("POST", "/api/v1/review/applications/%d/approve" % aid, {})
    ok(st == 403, "%s cannot approve (%d)" % (name, st))
    st, _ = who.json("POST", "/api/v1/review/applications/%d/reject" % aid, {"reason": "x"})
    ok(st == 403, "%s cannot reject (%d)" % (name, st))
for who, name in [(cust, "a customer"), (fin, "finance")]:
    st, _ = who.json("GET", "/api/v1/review/applications")
    ok(st == 403, "%s cannot read the review queue (%d)" % (name, st))
for who, name in [(cust, "a customer"), (rev, "a reviewer")]:
    st, _ = who.json("GET", "/api/v1/invoices")
    ok(st == 403, "%s cannot list invoices (%d)" % (name, st))
    st, _ = who.json("POST", "/api/v1/invoices/1/issue", {"invoice_no": "X1"})
    ok(st == 403, "%s cannot issue invoices (%d)" % (name, st))
for who, name in [(cust, "a customer"), (rev, "a reviewer"), (fin, "finance")]:
    st, _ = who.json("GET", "/api/v1/admin/users")
    ok(st == 403, "%s cannot administer users (%d)" % (name, st))
    st, _ = who.json("PUT", "/api/v1/admin/prices", {"base_per_year_fen": 1, "addon_per_year_fen": 1})
    ok(st == 403, "%s cannot change prices (%d)" % (name, st))
    st, _ = who.json("GET", "/api/v1/admin/audit")
    ok(st == 403, "%s cannot read the audit log (%d)" % (name, st))
st, _ = rev.json("POST", "/api/v1/review/applications/%d/approve" % aid, {}, csrf=False)
ok(st == 403, "approving without the CSRF token is refused")

# The queue: oldest first, with how long each has waited.
st, q = rev.json("GET", "/api/v1/review/applications?status=submitted")
ids = [x["id"] for x in q["items"]]
ok(st == 200 and aid in ids, "the reviewer sees the submitted application")
waits = [x["waited_seconds"] for x in q["items"]]
ok(waits == sorted(waits, reverse=True), "oldest first (longest wait first)", waits[:10])
row = [x for x in q["items"] if x["id"] == aid][0]
ok(row["company_name"] == "我是测试企业" and row["price_fen"] == 2 * (20000 + 2 * 10000) and row["waited_seconds"] >= 0,
   "each row has the company, the price and the wait", row)
st, full = rev.json("GET", "/api/v1/applications/%d" % aid)
ok(st == 200 and full["id_card_no"] and len(full["attachments"]) == 7, "the reviewer reads the whole application")
st, data, hd = rev.raw("GET", "/api/v1/applications/%d/attachments/company_seal" % aid)
ok(st == 200 and hd.get("Content-Type") == "image/jpeg" and "inline" in hd.get("Content-Disposition", ""),
   "and views an attachment inline")

# Reject, fix, resubmit, approve.
st, body = rev.json("POST", "/api/v1/review/applications/%d/reject" % aid, {})
ok(st == 400 and error_of(body).get("field") == "reason", "a rejection needs a reason", body)
st, body = rev.json("POST", "/api/v1/review/applications/%d/reject" % aid, {"reason": "公章扫描件不清晰，请重新上传"})
ok(st == 200, "rejected with a reason", body)
st, a = cust.json("GET", "/api/v1/applications/%d" % aid)
ok(a["status"] == "rejected" and a["status_label"] == "已驳回" and "公章" in a["reject_reason"],
   "the customer sees 已驳回 and the reason")
st, msgs = cust.json("GET", "/api/v1/messages")
ok(any("驳回" in m["title"] and "公章" in m["body"] for m in msgs["items"]) and msgs["unread"] >= 1,
   "and a message says so, with the reason")
st, body = rev.json("POST", "/api/v1/review/applications/%d/approve" % aid, {})
ok(st == 409, "a rejected application cannot be approved", body)
cust.raw("PUT", "/api/v1/applications/%d/attachments/company_seal" % aid, fixture("scan-progressive-gray.jpg"), ctype="image/jpeg")
st, a = cust.json("POST", "/api/v1/applications/%d/submit" % aid, {})
ok(st == 200 and a["status"] == "submitted" and a["reject_reason"] is None, "the customer fixes it and resubmits", a)
st, r = rev.json("POST", "/api/v1/review/applications/%d/approve" % aid, {})
no = r.get("order_no", "")
ok(st == 200 and damm_ok(no) and r["amount_fen"] == 80000, "approve answers the order number %s and 800.00" % no, r)
st, body = rev.json("POST", "/api/v1/review/applications/%d/approve" % aid, {})
ok(st == 409, "approving twice is refused", body)
st, a = cust.json("GET", "/api/v1/applications/%d" % aid)
ok(a["status"] == "approved" and a["order_no"] == no, "the application is 审核通过 with its order number")

# The order.
st, o = cust.json("GET", "/api/v1/orders/%s" % no)
ok(st == 200 and o["status"] == "awaiting_payment" and o["status_label"] == "等待付款" and o["amount_fen"] == 80000
   and o["paid_fen"] == 0 and o["payer_name"] == "我是测试企业" and o["application_id"] == aid and o["payer_mismatch"] is False,
   "the order: 等待付款, 800.00, payer copied", o)
ok(o["bank"]["account"] == conf_value("bank", "account") and o["bank"]["bank_name"] and o["bank"]["account_name"],
   "it says where to pay", o.get("bank"))
ok(len(o["certificates"]) == 3 and all(c["status"] == "awaiting_csr" for c in o["certificates"]) and
   sorted(c["trading_centre_id"] or 0 for c in o["certificates"]) == sorted([0] + tcs[:2]),
   "three new certificates await requests: the main one and one per add-on", o["certificates"])
ok(o["certificates"][0]["renews_id"] == app["certificate_id"], "the main one renews the old certificate")
held = all_items(cust, "/api/v1/certificates")
new_ids = {c["id"] for c in o["certificates"]}
ok(not new_ids & {c["id"] for c in held}, "certificates still to be issued appear only with their order")
old = [c for c in held if c["id"] == app["certificate_id"]]
ok(old and old[0].get("renewal_order_no") == no, "the certificate being renewed names the order renewing it (待更新)", old)
st, lst = cust.json("GET", "/api/v1/orders")
ok(no in [x["order_no"] for x in lst["items"]], "the customer's order list has it")
st, _ = other.json("GET", "/api/v1/orders/%s" % no)
ok(st == 404, "another account gets 404")
st, lst = other.json("GET", "/api/v1/orders")
ok(no not in [x["order_no"] for x in lst["items"]], "and does not list it")
bad = no[:7] + str((int(no[7]) + 1) % 10)
st, _ = cust.json("GET", "/api/v1/orders/%s" % bad)
ok(st == 404, "a number with a wrong check digit is 404")
st, msgs = cust.json("GET", "/api/v1/messages")
ok(any(no in m["title"] and "审核通过" in m["title"] for m in msgs["items"]), "a message says 审核通过 with the order number")
st, _ = cust.json("POST", "/api/v1/messages/read", {})
st, msgs = cust.json("GET", "/api/v1/messages")
ok(msgs["unread"] == 0, "messages can be marked read")

# Prices: an admin changes them; the order keeps its amount, new drafts use the new price.
st, p = adm.json("PUT", "/api/v1/admin/prices", {"base_per_year_fen": 25000, "addon_per_year_fen": 12000})
ok(st == 200 and p["base_per_year_fen"] == 25000, "the admin changes the prices", p)
st, body = adm.json("PUT", "/api/v1/admin/prices", {"base_per_year_fen": -5, "addon_per_year_fen": 1})
ok(st == 400 and error_of(body).get("field") == "base_per_year_fen", "a negative price is refused", body)
st, o2 = cust.json("GET", "/api/v1/orders/%s" % no)
ok(o2["amount_fen"] == 80000, "the order's amount stays as approved")
cert = new_cert()
st, d = cust.json("POST", "/api/v1/applications", step1(cert, seed=12))
ok(d["price_fen"] == 25000, "a new draft costs the new price", d.get("price_fen"))
adm.json("PUT", "/api/v1/admin/prices", {"base_per_year_fen": 20000, "addon_per_year_fen": 10000})
cust.json("DELETE", "/api/v1/applications/%d" % d["id"])

# A price change reaches no application already submitted: submitted at 200.00, the admin sets 260.00, the
# application still shows 200.00 and approval makes a 200.00 order.
quoted = submitted_application(cust, seed=14)
ok(quoted["price_fen"] == 20000, "submitted at 200.00", quoted.get("price_fen"))
adm.json("PUT", "/api/v1/admin/prices", {"base_per_year_fen": 26000, "addon_per_year_fen": 10000})
st, q = cust.json("GET", "/api/v1/applications/%d" % quoted["id"])
ok(q["price_fen"] == 20000, "after the admin sets 260.00 the submitted application still shows 200.00", q.get("price_fen"))
st, queue = rev.json("GET", "/api/v1/review/applications")
row = [x for x in queue["items"] if x["id"] == quoted["id"]]
ok(row and row[0]["price_fen"] == 20000, "and so does the review queue", row)
st, r = rev.json("POST", "/api/v1/review/applications/%d/approve" % quoted["id"], {})
st, oq = cust.json("GET", "/api/v1/orders/%s" % r.get("order_no"))
ok(oq.get("amount_fen") == 20000, "approval makes the order at the price it was submitted at", oq.get("amount_fen"))
# The wizard says the price it showed: submitting at a price no longer in force is put to the customer first.
cert = new_cert()
st, d = cust.json("POST", "/api/v1/applications", step1(cert, seed=15))
for k in KINDS:
    cust.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (d["id"], k), fixture("scan.jpg"), ctype="image/jpeg")
cust.json("PATCH", "/api/v1/applications/%d" % d["id"], step3())
st, body = cust.json("POST", "/api/v1/applications/%d/submit" % d["id"], {"price_fen": 20000})
e = error_of(body)
ok(st == 409 and e.get("field") == "price_fen" and "260.00" in e.get("message", "") and "200.00" in e.get("message", ""),
   "submitting at the 200.00 the page showed is refused, naming 260.00", body)
st, d2 = cust.json("GET", "/api/v1/applications/%d" % d["id"])
ok(d2["status"] == "draft" and d2["price_fen"] == 26000, "nothing changed: still a draft, now showing 260.00", d2.get("status"))
st, body = cust.json("POST", "/api/v1/applications/%d/submit" % d["id"], {"price_fen": "x"})
ok(st == 400 and error_of(body).get("field") == "price_fen", "a price that is not a number of fen is refused", body)
st, d3 = cust.json("POST", "/api/v1/applications/%d/submit" % d["id"], {"price_fen": 26000})
ok(st == 200 and d3["status"] == "submitted" and d3["price_fen"] == 26000, "at 260.00, as shown, it is submitted", d3)
adm.json("PUT", "/api/v1/admin/prices", {"base_per_year_fen": 20000, "addon_per_year_fen": 10000})
cust.json("POST", "/api/v1/applications/%d/cancel" % d["id"], {})

# Expiry: an order unpaid past its time is expired by the daemon, freeing the certificate.
app2 = submitted_application(cust, seed=13)
st, r2 = rev.json("POST", "/api/v1/review/applications/%d/approve" % app2["id"], {})
sql("UPDATE orders SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE order_no = '%s'" % r2["order_no"])
p = ctl("jobs", "add", "expire_orders", "{}")
ok(wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % r2["order_no"])[1]["status"] == "expired", 30),
   "certrenewd expires an unpaid order past order.ttl_days", p.stderr)
c = [x for x in all_items(cust, "/api/v1/certificates") if x["id"] == app2["certificate_id"]][0]
ok(c["renewable"] is True, "its certificate can be applied for again", c)
st, msgs = cust.json("GET", "/api/v1/messages")
ok(any(r2["order_no"] in m["title"] and "过期" in m["title"] for m in msgs["items"]), "a message says it expired")

# Invoices: those of paid orders (paid by a bank statement, as finance would import it).
app3 = submitted_application(cust, seed=14, invoice={"title": "=HYPERLINK(\"x\")", "tax_no": uscc(15)})
st, r3 = rev.json("POST", "/api/v1/review/applications/%d/approve" % app3["id"], {})
ok(r3["order_no"] not in [i["order_no"] for i in all_items(fin, "/api/v1/invoices?status=pending")],
   "an unpaid order's invoice is not listed")
paying = [cust.json("GET", "/api/v1/orders/%s" % n)[1] for n in (no, r3["order_no"])]
rc, res, err = import_statement(statement(*[(o["amount_fen"] - o["paid_fen"], "订单%s" % o["order_no"], "我是测试企业")
                                            for o in paying]))
ok(rc == 0 and res[0]["matched"] == 2, "a bank statement pays both orders", (res, err))
mine = {i["order_no"]: i for i in all_items(fin, "/api/v1/invoices?status=pending")}
ok(no in mine and mine[no]["invoice_type"] == "normal" and mine[no]["title"] == "我是测试企业" and mine[no]["amount_fen"] == 80000,
   "finance sees the invoice request of a paid order", mine.get(no))
invoice_no = "%08d" % random.randint(0, 10**8)
st, body = fin.json("POST", "/api/v1/invoices/%d/issue" % mine[no]["id"], {"invoice_no": invoice_no})
ok(st == 200 and body["status"] == "issued", "finance marks it issued with the invoice number", body)
st, body = fin.json("POST", "/api/v1/invoices/%d/issue" % mine[no]["id"], {"invoice_no": invoice_no + "9"})
ok(st == 409, "an issued invoice cannot be issued again", body)
st, body = fin.json("POST", "/api/v1/invoices/%d/issue" % mine[r3["order_no"]]["id"], {"invoice_no": invoice_no})
ok(st == 409 and error_of(body).get("field") == "invoice_no", "an invoice number is used once", body)
st, body = fin.json("POST", "/api/v1/invoices/%d/issue" % mine[r3["order_no"]]["id"], {"invoice_no": "a b;c"})
ok(st == 400 and error_of(body).get("field") == "invoice_no", "a malformed invoice number is refused", body)
st, data, hd = fin.raw("GET", "/api/v1/invoices.csv")
ok(st == 200 and data.startswith(b"\xef\xbb\xbf") and "text/csv" in hd.get("Content-Type", ""), "CSV export with a UTF-8 BOM")
rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
ok(rows[0][:3] == ["编号", "订单号", "金额（元）"], "Chinese column names", rows[0])
issued = [r for r in rows if r[1] == no]
ok(issued and issued[0][2] == "800.00" and issued[0][12] == "已开具" and issued[0][13] == invoice_no,
   "the issued invoice is in the file with amount and number", issued)
evil = [r for r in rows if r[1] == r3["order_no"]]
ok(evil and evil[0][4].startswith("'="), "a cell starting with = is defused for Excel", evil)
st, msgs = cust.json("GET", "/api/v1/messages")
ok(any(invoice_no in m["title"] for m in msgs["items"]), "the customer is told the invoice was issued")

# Staff administration.
name = "reviewer-%d" % random.randint(0, 10**9)
st, u = adm.json("POST", "/api/v1/admin/users", {"account": name, "name": "新审核员", "role": "reviewer", "password": "first-password-1"})
ok(st == 201 and u["role"] == "reviewer", "the admin creates a staff user", u)
st, body = adm.json("POST", "/api/v1/admin/users", {"account": name, "role": "reviewer", "password": "first-password-1"})
ok(st == 409 and error_of(body).get("field") == "account", "the same account twice is refused", body)
st, body = adm.json("POST", "/api/v1/admin/users", {"account": name + "x", "role": "root", "password": "first-password-1"})
ok(st == 400 and error_of(body).get("field") == "role", "an unknown role is refused", body)
st, body = adm.json("POST", "/api/v1/admin/users", {"account": name + "y", "role": "finance", "password": "short"})
ok(st == 400 and error_of(body).get("field") == "password", "a short password is refused", body)
r2c = Client()
ok(r2c.login(name, "first-password-1")[0] == 200, "the new reviewer logs in")
st, body = adm.json("POST", "/api/v1/admin/users/%d/password" % u["id"], {"password": "second-password-2"})
ok(st == 200, "the admin resets the password", body)
st, _ = r2c.json("GET", "/api/v1/me")
ok(st == 401, "the reset ends the user's sessions")
ok(Client().login(name, "second-password-2")[0] == 200, "the new password works")
sql("DELETE FROM login_attempts WHERE ip IN ('127.0.0.1', '::1')")
t = Client()
for i in range(6):
    st, _ = t.json("POST", "/api/v1/session", {"account": name, "password": "wrong-%d" % i})
ok(st == 429, "after failures the account is slowed down", st)
st, users = adm.json("GET", "/api/v1/admin/users")
me_row = [x for x in users["items"] if x["id"] == u["id"]][0]
ok(me_row["throttled"] is True, "the admin sees it throttled", me_row)
sql("DELETE FROM login_attempts WHERE ip IN ('127.0.0.1', '::1') AND account <> '%s'" % name)
sql("UPDATE login_attempts SET ip = '192.0.2.1' WHERE account = '%s'" % name)
st, body = adm.json("POST", "/api/v1/admin/users/%d/unlock" % u["id"], {})
ok(st == 200, "and unlocks it", body)
ok(Client().login(name, "second-password-2")[0] == 200, "the account logs in again at once")
st, c1 = adm.json("POST", "/api/v1/admin/trading-centres", {"name": "酒泉市公共资源交易中心-%d" % random.randint(0, 10**6)})
ok(st == 201, "the admin adds a trading centre", c1)
st, body = adm.json("POST", "/api/v1/admin/trading-centres", {"name": c1["name"]})
ok(st == 409, "the same name twice is refused", body)
st, body = adm.json("PATCH", "/api/v1/admin/trading-centres/%d" % c1["id"], {"active": False})
ok(st == 200, "and retires it", body)
st, pub = cust.json("GET", "/api/v1/trading-centres")
ok(c1["id"] not in [x["id"] for x in pub["items"]], "a retired centre is no longer offered")

# The audit trail: every state change and staff action, verifiable.
rows = sql("SELECT DISTINCT action FROM audit_log WHERE id > %d" % audit_start)
actions = {r[0] for r in rows}
need = {"login.success", "application.create", "application.submit", "application.reject", "application.approve",
        "order.create", "certificate.create", "order.expire", "invoice.issue", "user.create", "user.password_reset",
        "user.unlock", "prices.update", "trading_centre.create", "trading_centre.update", "login.failure"}
ok(need <= actions, "audit rows for every kind of change", sorted(need - actions))
st, au = adm.json("GET", "/api/v1/admin/audit?action=application.reject&object_id=%d" % aid)
ok(st == 200 and len(au["items"]) == 1 and au["items"][0]["actor"] == "reviewer" and au["items"][0]["after"]["status"] == "rejected",
   "the admin filters the audit log: who rejected which application", au["items"][:1])
st, au = adm.json("GET", "/api/v1/admin/audit?actor=admin&action=prices")
ok(st == 200 and any(x["before"]["base_per_year_fen"] == 25000 and x["after"]["base_per_year_fen"] == 20000
                     for x in au["items"]), "before and after are kept", au["items"][:3])
st, au = adm.json("GET", "/api/v1/admin/audit?actor=%E6%88%91%E6%98%AF%E6%B5%8B%E8%AF%95%E4%BC%81%E4%B8%9A&action=application.submit")
ok(st == 200 and au["items"] and all(x["actor"] == "我是测试企业" for x in au["items"]),
   "filters arrive percent-encoded and are decoded (a Chinese account name)", au["items"][:1])
st, body = adm.json("GET", "/api/v1/admin/audit?from=yesterday")
ok(st == 400 and error_of(body).get("field") == "from", "a malformed date is refused, naming the filter", body)
p = ctl("audit", "verify")
ok(p.returncode == 0 and json.loads(p.stdout)["ok"] is True, "certrenewctl audit verify: the chain holds", p.stdout + p.stderr)
victim = int(sql("SELECT id FROM audit_log WHERE action = 'application.reject' AND object_id = '%d'" % aid)[0][0])
orig = sql("SELECT actor FROM audit_log WHERE id = %d" % victim)[0][0]
sql("UPDATE audit_log SET actor = 'someone-else' WHERE id = %d" % victim)
p = ctl("audit", "verify")
out = json.loads(p.stdout) if p.stdout.strip() else {}
ok(p.returncode == 1 and out.get("broken_id") == victim and str(victim) in p.stderr,
   "a row edited behind the program's back: verify names row %d" % victim, p.stdout + p.stderr)
sql("UPDATE audit_log SET actor = '%s' WHERE id = %d" % (orig, victim))
ok(ctl("audit", "verify").returncode == 0, "restored, it verifies again")
done()
