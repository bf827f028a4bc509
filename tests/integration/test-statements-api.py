"""Bank statements over HTTP and through the inbox (SPEC 7, 10): only finance uploads and resolves,
finance and admin read; an upload is imported as a job with its progress and counts; refused uploads
and non-XML are answered clearly; credits left for review are assigned or dismissed once, audited;
a file dropped into the inbox is imported within seconds and archived under its SHA-256, a refused one
lands in the failed directory with a report, and half-written names are left alone."""
import os

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

fin = Client(); fin.login("finance")
adm = Client(); adm.login("admin")
rev = Client(); rev.login("reviewer")
cust = Client(); cust.login("我是测试企业")
tag = str(int(time.time() * 1000))

# Who may do what.
for who, c in (("a reviewer", rev), ("a customer", cust)):
    st, _ = c.json("GET", "/api/v1/statements")
    st2, _ = c.json("GET", "/api/v1/payments")
    ok(st == 403 and st2 == 403, "%s may not see statements or payments" % who, (st, st2))
st, body = adm.json("GET", "/api/v1/statements")
ok(st == 200 and "items" in body, "the administrator reads the imports")
st, body, _ = adm.raw("POST", "/api/v1/statements", b"<x/>", ctype="application/xml")
ok(st == 403, "but does not upload", body)

# Bad uploads.
st, body, _ = fin.raw("POST", "/api/v1/statements", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 600,
                      ctype="application/vnd.ms-excel")
ok(st == 422 and error_of(json.loads(body)).get("code") == "invalid_file" and
   "Excel" in error_of(json.loads(body)).get("message", ""), "an Excel file is refused, saying what to export instead", body)
st, body, _ = fin.raw("POST", "/api/v1/statements", b"", ctype="application/xml")
ok(st == 400, "an empty upload is refused", body)

# An upload: queued, imported by certrenewd, progress and counts.
o1 = approved_order(cust, rev, seed=51)
o2 = approved_order(cust, rev, seed=52)
path = statement((o1["amount_fen"], "订单 %s" % o1["order_no"], "我是测试企业", "U1-" + tag),
                 (12300, "不相干", "陌生人", "U2-" + tag), (o2["amount_fen"], "续费", "某某", "U3-" + tag))
data = open(path, "rb").read()
st, s, _ = fin.raw("POST", "/api/v1/statements?name=%E5%AF%B9%E8%B4%A6%E5%8D%95.xml", data, ctype="application/xml")
s = json.loads(s)
ok(st == 202 and s.get("status") in ("queued", "running", "done") and s.get("source") == "upload" and
   s.get("file_name") == "对账单.xml" and len(s.get("file_sha256", "")) == 64, "an upload is accepted and queued", s)


def imported(sid):
    return fin.json("GET", "/api/v1/statements/%d" % sid)[1]


ok(wait_for(lambda: imported(s["id"]).get("status") == "done", 30), "certrenewd imports it", imported(s["id"]))
s = imported(s["id"])
ok(s["progress"] == 100 and s["entries"] == 3 and s["matched"] == 1 and s["unmatched"] == 2 and s["status_label"],
   "with its progress and counts", s)
ok(cust.json("GET", "/api/v1/orders/%s" % o1["order_no"])[1]["status"] == "paid", "the order it names is 已付款")
st, again, _ = fin.raw("POST", "/api/v1/statements", data, ctype="application/xml")
again = json.loads(again)
ok(st == 200 and again.get("skipped") is True and again.get("id") == s["id"], "the same file again is not imported twice",
   again)
ok(any(x["id"] == s["id"] for x in fin.json("GET", "/api/v1/statements")[1]["items"]), "the list has it")

bad = statement((100, "x", "y", "B1-" + tag))
text = open(bad, encoding="utf-8").read().replace('Ccy="CNY">1.00<', '>1.00<')
st, b, _ = fin.raw("POST", "/api/v1/statements", text.encode(), ctype="application/xml")
b = json.loads(b)
ok(wait_for(lambda: imported(b["id"]).get("status") == "failed", 30), "an upload without a currency fails",
   imported(b["id"]))
ok("币种" in (imported(b["id"]).get("error") or "") and "行" in imported(b["id"])["error"],
   "and says why, with the line", imported(b["id"]))

# The credits to resolve.
q = fin.json("GET", "/api/v1/payments?statement_id=%d" % s["id"])[1]["items"]
u2 = [c for c in q if c["reference"] == "U2-" + tag]
u3 = [c for c in q if c["reference"] == "U3-" + tag]
ok(u2 and u3 and u2[0]["status"] == "unmatched" and u2[0]["remittance"] == "不相干", "the open credits are listed", q[-3:])
st, body = rev.json("POST", "/api/v1/payments/%d/assign" % u3[0]["id"], {"order_no": o2["order_no"]})
ok(st == 403, "a reviewer cannot assign", body)
st, body = fin.json("POST", "/api/v1/payments/%d/assign" % u3[0]["id"], {"order_no": "12345678"})
ok(st == 400 and error_of(body).get("field") == "order_no", "a number that fails its check digit is refused", body)
st, body = fin.json("POST", "/api/v1/payments/%d/assign" % u3[0]["id"], {"order_no": o2["order_no"]})
ok(st == 200 and body.get("status") == "matched" and o2["order_no"] in body.get("orders", []),
   "finance assigns a credit to its order", body)
ok(cust.json("GET", "/api/v1/orders/%s" % o2["order_no"])[1]["status"] == "paid", "which is then 已付款")
st, body = fin.json("POST", "/api/v1/payments/%d/assign" % u3[0]["id"], {"order_no": o2["order_no"]})
ok(st == 409, "a credit is assigned once", body)
st, body = fin.json("POST", "/api/v1/payments/%d/assign" % u2[0]["id"], {"order_no": o1["order_no"]})
ok(st == 409 and "已付款" in error_of(body).get("message", ""), "a paid order takes no second payment by hand", body)
st, body = fin.json("POST", "/api/v1/payments/%d/dismiss" % u2[0]["id"], {})
ok(st == 400 and error_of(body).get("field") == "reason", "dismissing needs a reason", body)
st, body = fin.json("POST", "/api/v1/payments/%d/dismiss" % u2[0]["id"], {"reason": "非本单位款项，已退回"})
ok(st == 200 and body.get("status") == "dismissed", "a stranger's credit is dismissed with a reason", body)
ok(not any(c["id"] == u2[0]["id"] for c in fin.json("GET", "/api/v1/payments?statement_id=%d" % s["id"])[1]["items"]),
   "and leaves the queue")
# A manual assignment undone while the order is not issuing: the money goes back to the queue.
st, body = fin.json("POST", "/api/v1/payments/%d/unassign" % u3[0]["id"], {})
ok(st == 200 and body.get("status") == "needs_review" and body.get("assigned") is False and body.get("orders") == [],
   "finance undoes a manual assignment", body)
o2now = cust.json("GET", "/api/v1/orders/%s" % o2["order_no"])[1]
ok(o2now["status"] == "awaiting_payment" and o2now["paid_fen"] == 0, "the order waits for its money again", o2now)
st, body = fin.json("POST", "/api/v1/payments/%d/unassign" % u3[0]["id"], {})
ok(st == 409, "an assignment is undone once", body)
u1 = [c for c in fin.json("GET", "/api/v1/payments?status=matched&statement_id=%d" % s["id"])[1]["items"]
      if c["reference"] == "U1-" + tag]
st, body = fin.json("POST", "/api/v1/payments/%d/unassign" % u1[0]["id"], {}) if u1 else (0, None)
ok(st == 409, "a credit matched by its order number is not undone by hand", body)
st, body = fin.json("POST", "/api/v1/payments/%d/assign" % u3[0]["id"], {"order_no": o2["order_no"]})
ok(st == 200 and body.get("status") == "matched", "and it can be assigned again", body)

# The daily reconciliation report.
today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
st, rep = fin.json("GET", "/api/v1/reports/daily?from=%s&to=%s" % (today, today))
day = rep.get("items", [{}])[0] if st == 200 and rep.get("items") else {}
ok(day.get("day") == today and day.get("credits", 0) >= 3 and day.get("received_fen", 0) >= day.get("matched_fen", 0) > 0,
   "the daily report has today: credits received and matched", day)
st, body, hd = fin.raw("GET", "/api/v1/reports/daily.csv?from=%s&to=%s" % (today, today))
ok(st == 200 and body.startswith(b"\xef\xbb\xbf") and "日期" in body.decode("utf-8") and today in body.decode("utf-8"),
   "and as CSV that Excel opens", body[:120])
# An overpayment whose surplus finance refunded: the part that paid the order stays 已匹配 (it all moved to
# 已另行处理 before), and the columns still add up to what was received.
def today_row():
    st, rep = fin.json("GET", "/api/v1/reports/daily?from=%s&to=%s" % (today, today))
    return rep["items"][0] if st == 200 and rep.get("items") else {}


before = today_row()
o9 = approved_order(cust, rev, seed=129)
rc, res, _ = import_statement(statement((o9["amount_fen"] + 10000, "订单%s" % o9["order_no"], "我是测试企业",
                                         "OVR-" + tag)))
msgs = cust.json("GET", "/api/v1/messages")[1]["items"]
ok(any(o9["order_no"] in m["title"] and "多付了 100.00 元" in m["title"] for m in msgs),
   "the customer is told 100.00 was paid over and will be refunded (not just 'received 200.00')",
   [m["title"] for m in msgs[:4]])
over = [c for c in fin.json("GET", "/api/v1/payments?status=overpaid")[1]["items"] if c["reference"] == "OVR-" + tag]
st, body = fin.json("POST", "/api/v1/payments/%d/dismiss" % over[0]["id"], {"reason": "多付的 100.00 元已退回"}) \
    if over else (0, None)
after = today_row()
delta = {k: after.get(k, 0) - before.get(k, 0) for k in ("received_fen", "matched_fen", "refund_fen", "dismissed_fen")}
ok(rc == 0 and st == 200 and delta == {"received_fen": o9["amount_fen"] + 10000, "matched_fen": o9["amount_fen"],
                                       "refund_fen": 0, "dismissed_fen": 10000},
   "a refunded overpayment: its order's part stays 已匹配, the surplus 已另行处理", delta)
ok(after.get("received_fen") == sum(after.get(k, 0) for k in ("matched_fen", "open_fen", "refund_fen", "dismissed_fen",
                                                               "bank_refunded_fen")),
   "the bank columns add up to what was received", after)

st, body = fin.json("GET", "/api/v1/reports/daily?from=yesterday")
ok(st == 400 and error_of(body).get("field") == "from", "a malformed date is refused", body)

actions = []
for cid in (u2[0]["id"], u3[0]["id"]):
    st, audit = adm.json("GET", "/api/v1/admin/audit?object_type=credit&object_id=%d" % cid)
    actions += [a["action"] for a in audit.get("items", [])]
ok(sorted(actions) == ["credit.assign", "credit.assign", "credit.book", "credit.book", "credit.dismiss", "credit.unassign"],
   "all of it is audited: booked, assigned, undone, dismissed", actions)

# A part payment whose order a later one completes leaves 部分付款 (nothing waits for it any more) and is
# listed with the matched ones, saying so; the credit's own status stays 部分付款 (its day's report is kept).
o5 = approved_order(cust, rev, seed=55)
half = o5["amount_fen"] // 2
rc, _, err = import_statement(statement((half, "订单%s" % o5["order_no"], "我是测试企业", "P1-" + tag)))
listed = lambda st_: [c for c in fin.json("GET", "/api/v1/payments?status=" + st_)[1]["items"] if c["reference"] == "P1-" + tag]
ok(rc == 0 and listed("partial") and not listed("matched"), "the first half waits under 部分付款", err)
rc, _, err = import_statement(statement((o5["amount_fen"] - half, "订单%s" % o5["order_no"], "我是测试企业", "P2-" + tag)))
ok(rc == 0 and cust.json("GET", "/api/v1/orders/%s" % o5["order_no"])[1]["status"] == "paid", "the second pays the rest", err)
m = listed("matched")
ok(not listed("partial") and m and m[0]["status"] == "partial" and m[0].get("order_settled") is True and
   "已付清" in m[0]["status_label"], "the first half leaves 部分付款 and is listed as matched: 部分付款（订单已付清）", m)

# The inbox.
inbox, archive, failed = (conf_value("bank", k) for k in ("inbox", "archive_dir", "failed_dir"))
o3 = approved_order(cust, rev, seed=53)
good = statement((o3["amount_fen"], "订单%s" % o3["order_no"], "我是测试企业", "I1-" + tag))
sha = subprocess.run(["sha256sum", good], capture_output=True, text=True).stdout.split()[0]
part = os.path.join(inbox, "later-%s.xml.part" % tag)
hidden = os.path.join(inbox, ".hidden-%s.xml" % tag)
open(part, "w").write(open(good).read())
open(hidden, "w").write(open(good).read())
os.rename(good, os.path.join(inbox, "bank-%s.xml" % tag))
ok(wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o3["order_no"])[1]["status"] == "paid", 10),
   "a file renamed into the inbox is imported within seconds")
ok(wait_for(lambda: os.path.exists(os.path.join(archive, sha + ".xml")), 10), "and archived under its SHA-256")
ok(os.path.exists(part) and os.path.exists(hidden), "a .part file and a hidden one are left alone")
os.remove(part)
os.remove(hidden)
# A file written in place, its writer quiet for seconds with the file still open (a slow copy, an SFTP
# upload stalled): not taken half-written however long the pause, taken at once when it is closed.
o4 = approved_order(cust, rev, seed=54)
whole = open(statement((o4["amount_fen"], "订单%s" % o4["order_no"], "我是测试企业", "I3-" + tag)), "rb").read()
slow = os.path.join(inbox, "slow-%s.xml" % tag)
with open(slow, "wb") as w:
    w.write(whole[:len(whole) // 2])
    w.flush()
    time.sleep(4)
    ok(os.path.exists(slow) and not os.path.exists(os.path.join(failed, "slow-%s.xml" % tag)),
       "a file still open for writing is left alone, though quiet for 4 s")
    w.write(whole[len(whole) // 2:])
t0 = time.time()
ok(wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % o4["order_no"])[1]["status"] == "paid", 10, 0.05),
   "closed, it is imported within seconds (%.2f s)" % (time.time() - t0))
ok(not os.path.exists(slow), "and leaves the inbox")
refused = statement((100, "x", "y", "I2-" + tag))
text = open(refused, encoding="utf-8").read().replace("CNY\">1.00<", "CNY\">-1.00<")
name = "refused-%s.xml" % tag
open(os.path.join(inbox, ".tmp-" + name), "w", encoding="utf-8").write(text)
os.rename(os.path.join(inbox, ".tmp-" + name), os.path.join(inbox, name))
ok(wait_for(lambda: os.path.exists(os.path.join(failed, name + ".err")), 10), "a refused file lands in the failed directory")
report = open(os.path.join(failed, name + ".err"), encoding="utf-8").read() if os.path.exists(
    os.path.join(failed, name + ".err")) else ""
ok(os.path.exists(os.path.join(failed, name)) and "金额" in report and "行" in report,
   "with a report that says why and where", report)
done()
