"""Staff search (issue 23): one box per list, answered from indexes.  Customers by any two or more characters of
a name (with the spaces people and banks put in names, in any case), by licence code, ID number and phone; orders
by number (a number failing its check digit answers the orders one slip from it, only the asker's own for a
customer), payer, customer, status and days; credits by amount, order, bank reference, payer and booking days; the
review queue by number and customer; a customer's applications by number, order and days.  Search results page
by key like the lists (620 customers of one name read whole); a text naming more customers than a list of orders
can take is refused with a reason, never cut silently; bad input is refused naming the field.  Ends with the ledger
check."""
import datetime
import time
import urllib.parse

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

adm = Client(); adm.login("admin")
fin = Client(); fin.login("finance")
rev = Client(); rev.login("reviewer")
cust = Client(); cust.login("我是测试企业")
cust_id = int(sql("SELECT id FROM users WHERE login = '我是测试企业'")[0][0])


def get(client, path, **params):
    return client.json("GET", path + ("?" + urllib.parse.urlencode(params) if params else ""))


def ids_of(body, key="id"):
    return [x[key] for x in (body or {}).get("items", [])]


seed = int(time.time()) % 100000
company = "云岭检%d数字科技有限公司" % seed         # the part staff remember: 检<seed>数字
payer = "付检%d财务结算中心" % seed
phone = "139%08d" % (seed * 7919 % 10 ** 8)
lic, idno = uscc(seed + 500000), id_card(seed + 500000)
order = approved_order(cust, rev, seed=seed + 500000,
                       first={"company_name": company, "license_no": lic, "id_card_no": idno, "phone": phone},
                       payer_name=payer)
no = order["order_no"]
app_id = order["application_id"]

# ---- customers (用户) ----
for q, what in (("检%d数字" % seed, "a part from the middle of the company name"),
                ("检 %d　数字" % seed, "the same with a space and an ideographic space typed in it"),
                (lic, "the licence code"), (lic.lower(), "the licence code in lower case"),
                (lic[:10], "the licence code's first ten characters"),
                (idno, "the ID number"), (phone, "the phone")):
    st, body = get(adm, "/api/v1/admin/users", q=q)
    ok(st == 200 and cust_id in ids_of(body), "users: %s finds the customer" % what, (st, body))

login2 = "Search-%d" % seed
st, _ = adm.json("POST", "/api/v1/admin/users", {"account": login2, "name": "滇检%d个体户" % seed,
                                                  "role": "individual", "password": "search-password-1"})
uid2 = int(sql("SELECT id FROM users WHERE login = '%s'" % login2)[0][0]) if st == 201 else 0
st, body = get(adm, "/api/v1/admin/users", q=login2.upper())
ok(st == 200 and ids_of(body) == [uid2], "users: a new account is found at once by its login in another case", body)
st, body = get(adm, "/api/v1/admin/users", q="滇检%d" % seed)
ok(st == 200 and ids_of(body) == [uid2], "users: and by its name", body)
st, body = get(adm, "/api/v1/admin/users", q="检%d数字科技无此公司" % seed)
ok(st == 200 and body["items"] == [] and body["next"] is None, "users: a text no name holds finds nobody", body)
st, body = get(adm, "/api/v1/admin/users", q="%_")
ok(st == 200 and all("%_" in (u["name"] + u["account"]) for u in body["items"]),
   "users: LIKE's own characters are text, not wildcards", len(body["items"]))
for q, field, why in (("检", "q", "one character"), ("检" * 51, "q", "51 characters"), ("a\x01b", "q", "a control")):
    st, body = get(adm, "/api/v1/admin/users", q=q)
    ok(st == 400 and error_of(body).get("field") == field and error_of(body).get("code") == "invalid_input",
       "users: %s is refused, naming q: %s" % (why, error_of(body).get("message")), body)
st, _, _ = adm.raw("GET", "/api/v1/admin/users?q=%ff%fe")
ok(st == 400, "users: a text that is not UTF-8 is refused", st)

# A name renamed in a draft is found by its new name.
cert = new_cert()
st, draft = cust.json("POST", "/api/v1/applications", step1(cert, seed=seed + 600000))
renamed = "洱海检%d新名有限公司" % seed
st, _ = cust.json("PATCH", "/api/v1/applications/%d" % draft["id"], {"company_name": renamed})
st, body = get(adm, "/api/v1/admin/users", q="检%d新名" % seed)
ok(st == 200 and cust_id in ids_of(body), "users: a company name changed in a draft is found by the new name", body)
cust.json("DELETE", "/api/v1/applications/%d" % draft["id"])

# 620 customers of one name, made in bulk (as a migration would find them), read whole through pages of 100.
mark = "批检%d" % seed
sql("INSERT INTO users (login, display_name, role, password_hash) SELECT CONCAT('bulk-%d-', seq),"
    " CONCAT('%s号客户', seq), 'enterprise', 'x' FROM seq_1_to_620" % (seed, mark))
sql("INSERT IGNORE INTO account_grams (gram, account_id) SELECT SUBSTRING(display_name, s.seq, 2), u.id"
    " FROM users u JOIN seq_1_to_200 s ON s.seq < CHAR_LENGTH(u.display_name) WHERE u.login LIKE 'bulk-%d-%%'" % seed)
bulk = all_items(adm, "/api/v1/admin/users?q=" + urllib.parse.quote(mark), 100)
ids = [u["id"] for u in bulk]
ok(len(ids) == 620 and len(set(ids)) == 620 and ids == sorted(ids, reverse=True),
   "users: 620 customers of one name read whole through pages of 100, newest first", len(ids))
st, body = get(adm, "/api/v1/admin/users", q=mark, limit=1000)
ok(st == 200 and len(body["items"]) == 500 and body["next"] == body["items"][-1]["id"],
   "users: a search page is at most 500 and says where the next begins", (st, len(body.get("items", []))))
st, body = get(fin, "/api/v1/orders", q=mark)
ok(st == 400 and error_of(body).get("field") == "q" and "超过" in error_of(body).get("message", ""),
   "orders: a text naming more than 500 customers is refused with the reason, not cut short", body)

# ---- orders (订单) ----
st, body = get(fin, "/api/v1/orders", q=no)
ok(st == 200 and [o["order_no"] for o in body["items"]] == [no] and "suggestions" not in body,
   "orders: the number finds the order", body)
typo = no[:7] + str((int(no[7]) + 1) % 10)
st, body = get(fin, "/api/v1/orders", q=typo)
ok(st == 200 and body["items"] == [] and no in body.get("suggestions", []),
   "orders: a wrong check digit (%s) offers the order it was meant to be" % typo, body)
i = next(k for k in range(7) if no[k] != no[k + 1])
swapped = no[:i] + no[i + 1] + no[i] + no[i + 2:]
if not damm_ok(swapped):
    st, body = get(fin, "/api/v1/orders", q=swapped)
    ok(st == 200 and no in body.get("suggestions", []), "orders: two digits swapped (%s) too" % swapped, body)
st, body = get(fin, "/api/v1/orders", q="付检%d" % seed)
ok(st == 200 and no in ids_of(body, "order_no"), "orders: the payer's name as it starts finds the order", body)
st, body = get(fin, "/api/v1/orders", q="检%d数字" % seed)
ok(st == 200 and no in ids_of(body, "order_no"), "orders: the customer's name finds the order", body)
st, body = get(fin, "/api/v1/orders", q=lic)
ok(st == 200 and no in ids_of(body, "order_no"), "orders: the customer's licence code too", body)
st, body = get(fin, "/api/v1/orders", q="检%d数字" % seed, status="awaiting_payment")
ok(st == 200 and no in ids_of(body, "order_no") and all(o["status"] == "awaiting_payment" for o in body["items"]),
   "orders: with a status, those of that status", body)
st, body = get(fin, "/api/v1/orders", q="检%d数字" % seed, status="completed")
ok(st == 200 and no not in ids_of(body, "order_no"), "orders: and not the others", body)
def cn_day(iso):
    """The day of a UTC time in Asia/Shanghai, as people there count days (and the search does)."""
    return (datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")) + datetime.timedelta(hours=8)).date().isoformat()


today = cn_day(order["created_at"])
st, body = get(fin, "/api/v1/orders", q="检%d数字" % seed, **{"from": today, "to": today})
ok(st == 200 and no in ids_of(body, "order_no"), "orders: made on the day asked for", body)
st, body = get(fin, "/api/v1/orders", status="awaiting_payment", **{"from": today, "to": today})
ok(st == 200 and body["items"] and
   all(o["status"] == "awaiting_payment" and cn_day(o["created_at"]) == today for o in body["items"]),
   "orders: days and status without a text", len(body.get("items", [])))
st, body = get(fin, "/api/v1/orders", **{"from": "2001-01-01", "to": "2001-01-31"})
ok(st == 200 and body["items"] == [], "orders: none from days before any order", body)
for params, field in (({"from": "2026-02-30"}, "from"), ({"to": "12/01/2026"}, "to"),
                      ({"from": "2026-12-02", "to": "2026-12-01"}, "to"), ({"status": "nonsense"}, "status")):
    st, body = get(fin, "/api/v1/orders", **params)
    ok(st == 400 and error_of(body).get("field") == field, "orders: %s is refused, naming %s" % (params, field), body)

# A customer finds their own order by number and days, and never another account's through a suggestion.
st, body = get(cust, "/api/v1/orders", q=no)
ok(st == 200 and ids_of(body, "order_no") == [no], "customer: their order by its number", body)
st, body = get(cust, "/api/v1/orders", **{"from": today, "to": today, "limit": 500})
ok(st == 200 and no in ids_of(body, "order_no"), "customer: their orders of a day", len(body.get("items", [])))
other = Client(); other.login(login2, "search-password-1")
st, body = get(other, "/api/v1/orders", q=no)
ok(st == 200 and body["items"] == [], "customer: another account's number finds nothing", body)
st, body = get(other, "/api/v1/orders", q=typo)
ok(st == 200 and body.get("suggestions") == [], "customer: and a typo of it suggests nothing of another's", body)

# ---- credits (对账) ----
odd = 100000 + seed % 9000 * 7 + 3       # an amount of its own: 1,0xx.xx
ref = "SRCHREF-%d" % seed
p = statement((odd, "货款", payer, ref), (order["amount_fen"], "订单%s" % no, payer, ref + "-PAY"))
rc, res, err = import_statement(p)
ok(rc == 0, "a statement with two credits of the payer is imported", err)
yuan = "%d.%02d" % (odd // 100, odd % 100)
for q, what in ((yuan, "the amount"), ("¥" + yuan, "the amount with ¥"),
                ("{:,}".format(odd // 100) + ".%02d" % (odd % 100), "the amount with a thousands comma"),
                (ref, "the bank reference"), (payer[:6], "the payer's name as it starts")):
    st, body = get(fin, "/api/v1/payments", q=q)
    ok(st == 200 and any(c["reference"] == ref for c in body["items"]), "credits: %s (%s) finds the credit" % (what, q),
       (st, [c["reference"] for c in body.get("items", [])][:5]))
st, body = get(fin, "/api/v1/payments", q=no)
ok(st == 200 and [c["reference"] for c in body["items"]] == [ref + "-PAY"], "credits: the order number finds what paid it",
   body)
st, body = get(fin, "/api/v1/payments", q=payer, status="matched")
ok(st == 200 and [c["reference"] for c in body["items"]] == [ref + "-PAY"], "credits: with a status, that status only",
   [c["reference"] for c in body.get("items", [])])
booked = next(c for c in get(fin, "/api/v1/payments", q=ref)[1]["items"] if c["reference"] == ref)["booking_date"]
st, body = get(fin, "/api/v1/payments", q=payer, **{"from": booked, "to": booked})
ok(st == 200 and len(body["items"]) == 2, "credits: booked on the day asked for", body)
day_after = (datetime.date.fromisoformat(booked) + datetime.timedelta(days=1)).isoformat()
st, body = get(fin, "/api/v1/payments", q=payer, **{"from": day_after})
ok(st == 200 and body["items"] == [], "credits: none booked after it", body)
st, body = get(fin, "/api/v1/payments", status="nonsense", q=payer)
ok(st == 400 and error_of(body).get("field") == "status", "credits: an unknown status is refused", body)
ids = [c["id"] for c in all_items(fin, "/api/v1/payments?from=%s&to=%s" % (booked, booked), 50)]
want = int(sql("SELECT COUNT(*) FROM credits WHERE booking_date = '%s'" % booked)[0][0])
ok(len(ids) == want and len(set(ids)) == want, "credits: a day's credits read whole through pages of 50 (%d)" % want,
   (len(ids), want))

# ---- the review queue and a customer's applications ----
st, body = get(rev, "/api/v1/review/applications", status="approved", q="检%d数字" % seed)
ok(st == 200 and app_id in ids_of(body), "review: the customer's name finds the application", body)
st, body = get(rev, "/api/v1/review/applications", status="approved", q="#%d" % app_id)
ok(st == 200 and ids_of(body) == [app_id], "review: #number finds it alone", body)
st, body = get(rev, "/api/v1/review/applications", status="submitted", q="#%d" % app_id)
ok(st == 200 and body["items"] == [], "review: not under another status", body)
st, body = get(cust, "/api/v1/applications", q="#%d" % app_id)
ok(st == 200 and ids_of(body) == [app_id], "customer: an application by its number", body)
st, body = get(cust, "/api/v1/applications", q=no, period="all")
ok(st == 200 and ids_of(body) == [app_id], "customer: an application by its order's number", body)
st, body = get(cust, "/api/v1/applications", q="检%d数字" % seed, period="all")
ok(st == 200 and ids_of(body) == [app_id], "customer: an application by the company's name", body)
st, body = get(cust, "/api/v1/applications", period="all", **{"from": "2001-01-01", "to": "2001-12-31"})
ok(st == 200 and body["items"] == [], "customer: none made in days before any", body)

p = ctl("ledger", "check")
ok(p.returncode == 0, "certrenewctl ledger check finds nothing", p.stdout[-2000:])
done()
