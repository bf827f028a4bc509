"""Lists read whole through paging (issue 23): finance's credits, the imports, the orders and the online payments
that wait for finance come a page at a time by key (?limit, ?after = the page's "next"), newest first, every row
once, however many there are (the old lists stopped at 1,000, 200, 500 and 200 silently; by this point of the
suite the inbox import of the fault tests has booked tens of thousands of credits); bad paging parameters are
refused naming them; the invoice export holds every invoice (it stopped at 5,000)."""
import time
import urllib.parse

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

fin = Client(); fin.login("finance")

for bad, field in (("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"), ("after=-3", "after"),
                   ("after=1e3", "after")):
    st, body = fin.json("GET", "/api/v1/payments?status=open&" + bad)
    ok(st == 400 and error_of(body).get("field") == field, "?%s is refused, naming %s" % (bad, field), body)

st, first = fin.json("GET", "/api/v1/payments?status=open&limit=7")
ok(st == 200 and len(first["items"]) <= 7 and (first["next"] is None or first["next"] == first["items"][-1]["id"]),
   "a page of 7 says where the next begins (its last credit)", first.get("next"))

want = int(sql("SELECT COUNT(*) FROM credits WHERE status IN ('needs_review', 'unmatched', 'overpaid')")[0][0])
ids, after, pages = [], None, 0
while True:
    st, page = fin.json("GET", "/api/v1/payments?status=open&limit=1000" + ("&after=%d" % after if after else ""))
    if st != 200:
        break
    ids += [c["id"] for c in page["items"]]
    pages += 1
    after = page["next"]
    if after is None or pages > 1000:
        break
ok(st == 200 and len(ids) == want and len(set(ids)) == len(ids) and ids == sorted(ids, reverse=True),
   "paging reads every open credit once, newest first: %d in %d pages (SQL counts %d)" % (len(ids), pages, want))
print("# %d open credits in %d pages of 1,000" % (len(ids), pages))



def read_all(client, url, limit):
    """The keys of every item of a paged list (ids, or order numbers), with the number of pages read."""
    items = all_items(client, url, limit)
    return [x.get("id") or x.get("order_no") for x in items], -(-len(items) // limit) if items else 1, 200


# The imports and the orders page the same way (staff see every order; a customer their own).
adm = Client(); adm.login("admin")
cust = Client(); cust.login("我是测试企业")
ids, pages, st = read_all(fin, "/api/v1/statements", 7)
want = int(sql("SELECT COUNT(*) FROM statements")[0][0])
ok(st == 200 and len(ids) == want and len(set(ids)) == want and ids == sorted(ids, reverse=True),
   "the imports read whole through pages of 7: %d in %d pages" % (len(ids), pages), (len(ids), want))
nos, pages, st = read_all(adm, "/api/v1/orders", 500)
want = int(sql("SELECT COUNT(*) FROM orders")[0][0])
ok(st == 200 and len(nos) == want and len(set(nos)) == want, "staff read every order (%d, the old list stopped at 500)"
   % len(nos), (len(nos), want))
ids, pages, st = read_all(fin, "/api/v1/online-payments", 3)
want = int(sql("SELECT COUNT(*) FROM online_payments WHERE status IN ('unapplied', 'overpaid')")[0][0])
ok(st == 200 and len(ids) == want and len(set(ids)) == want and ids == sorted(ids, reverse=True),
   "online payments that wait for finance read whole through pages of 3: %d (the old list stopped at 200)" % want,
   (len(ids), want))
mine, _, st = read_all(cust, "/api/v1/orders", 100)
want = int(sql("SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.account_id WHERE u.login = '我是测试企业'")[0][0])
ok(st == 200 and len(mine) == want and set(mine) <= set(nos), "a customer reads their own orders, all of them (%d)" % want,
   (len(mine), want))

ids, pages, st = read_all(cust, "/api/v1/applications?period=all", 20)
want = int(sql("SELECT COUNT(*) FROM applications a JOIN users u ON u.id = a.account_id WHERE u.login = '我是测试企业'")[0][0])
ok(st == 200 and len(ids) == want and len(set(ids)) == want and ids == sorted(ids, reverse=True),
   "a customer's applications read whole, newest first: %d in %d pages" % (len(ids), pages), (len(ids), want))
rev = Client(); rev.login("reviewer")
ids, pages, st = read_all(rev, "/api/v1/review/applications?status=approved", 50)
waited = [int(r[0]) for r in sql("SELECT id FROM applications WHERE status = 'approved'"
                                  " ORDER BY IFNULL(submitted_at, created_at), id")]
ok(st == 200 and ids == waited, "the review queue reads whole in its own order, oldest first: %d in %d pages"
   % (len(ids), pages), (len(ids), len(waited)))
ids, pages, st = read_all(adm, "/api/v1/admin/users", 10)
want = int(sql("SELECT COUNT(*) FROM users")[0][0])
ok(st == 200 and len(ids) == want and len(set(ids)) == want, "the users read whole, staff first: %d in %d pages"
   % (len(ids), pages), (len(ids), want))
ids, pages, st = read_all(adm, "/api/v1/admin/audit?action=certificate.issue", 1000)
want = int(sql("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'certificate.issue%'")[0][0])
ok(st == 200 and len(ids) == want and len(set(ids)) == want and ids == sorted(ids, reverse=True),
   "the audit log, filtered, reads whole: %d rows in %d pages (it showed 100 and a link)" % (len(ids), pages),
   (len(ids), want))

ids, pages, st = read_all(cust, "/api/v1/messages", 100)
want = int(sql("SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.account_id WHERE u.login = '我是测试企业'")[0][0])
unread = int(sql("SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.account_id WHERE u.login = '我是测试企业'"
                 " AND m.read_at IS NULL")[0][0])
ok(st == 200 and len(ids) == want and len(set(ids)) == want and ids == sorted(ids, reverse=True) and
   cust.json("GET", "/api/v1/messages?limit=1")[1]["unread"] == unread,
   "a customer's messages read whole (%d, the list stopped at 200); the unread count is of all (%d)" % (want, unread),
   (len(ids), want))
for st_ in ("pending", "issued"):
    ids, pages, st = read_all(fin, "/api/v1/invoices?status=" + st_, 100)
    want = [int(r[0]) for r in sql("SELECT i.id FROM invoices i JOIN orders o ON o.id = i.order_id"
                                   " WHERE o.status IN ('paid', 'issuing', 'completed') AND i.status = '%s'"
                                   " ORDER BY IFNULL(o.paid_at, o.created_at), i.id" % st_)]
    ok(st == 200 and ids == want, "the %s invoices read whole in their order: %d in %d pages (the list stopped at"
       " 5,000)" % (st_, len(ids), pages), (len(ids), len(want)))

# 我的证书: a page at a time (it was one unbounded list), those with a renewal under way first, then the held
# ones, then the history, each soonest to expire first; filtered by expiry, status and text.
certs = all_items(cust, "/api/v1/certificates", 50)
want = int(sql("SELECT COUNT(*) FROM certificates c JOIN users u ON u.id = c.account_id WHERE u.login = '我是测试企业'"
               " AND c.status <> 'awaiting_csr'")[0][0])
ids = [c["id"] for c in certs]
ok(len(ids) == want and len(set(ids)) == want, "a customer's certificates read whole in pages of 50 (%d)" % want,
   (len(ids), want))
group = [2 if c["status"] in ("superseded", "revoked") else 0 if c.get("open_application_id") else 1 for c in certs]
ok(group == sorted(group) and all(a["not_after"] <= b["not_after"] for a, b, g, h in
                                  zip(certs, certs[1:], group, group[1:]) if g == h and a["not_after"] and b["not_after"]),
   "renewals under way first, then the held ones, then the history; soonest to expire first in each")
soon = all_items(cust, "/api/v1/certificates?expiring_days=30", 50)
limit = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 30 * 86400 + 60))
want = int(sql("SELECT COUNT(*) FROM certificates c JOIN users u ON u.id = c.account_id WHERE u.login = '我是测试企业'"
               " AND c.status <> 'awaiting_csr' AND c.not_after < UTC_TIMESTAMP() + INTERVAL 30 DAY")[0][0])
ok(len(soon) == want and all(c["not_after"] < limit for c in soon), "?expiring_days=30: the %d expiring within 30 days"
   " (or expired)" % want, (len(soon), want))
old = all_items(cust, "/api/v1/certificates?status=superseded", 50)
ok(old and all(c["status"] == "superseded" for c in old), "?status=superseded: the renewed ones only (%d)" % len(old))
one = certs[-1]
st, found = cust.json("GET", "/api/v1/certificates?q=" + urllib.parse.quote(one["serial"] or "none"))
ok(st == 200 and one["id"] in [c["id"] for c in found["items"]] and len(found["items"]) <= 3,
   "?q= finds a certificate by its serial", found)
for bad, field in (("after=x", "after"), ("after=0.20270101000000.-1", "after"), ("after=3.20270101000000.5", "after"),
                   ("status=awaiting_csr", "status"), ("status=nope", "status"), ("expiring_days=0", "expiring_days"),
                   ("expiring_days=9999", "expiring_days"), ("limit=501", "limit"),
                   ("q=" + urllib.parse.quote("证" * 51), "q")):
    st, body = cust.json("GET", "/api/v1/certificates?" + bad)
    ok(st == 400 and error_of(body).get("field") == field, "?%s is refused, naming %s" % (bad[:30], field), body)

import csv
import io
st, data, headers = fin.raw("GET", "/api/v1/invoices.csv")
rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
inv = int(sql("SELECT COUNT(*) FROM invoices i JOIN orders o ON o.id = i.order_id"
              " WHERE o.status IN ('paid', 'issuing', 'completed')")[0][0])
ok(len(rows) == inv, "the invoice export holds every invoice of a paid order (%d)" % inv, len(rows))
ok(st == 200 and headers.get("Content-Length") is None and headers.get("Transfer-Encoding") == "chunked" and
   "invoices.csv" in headers.get("Content-Disposition", ""),
   "it is streamed as it is read (chunked, no length known before), %d bytes" % len(data), dict(headers))
st, body = fin.json("GET", "/api/v1/invoices.csv?status=nonsense")
ok(st == 400 and error_of(body).get("field") == "status", "an export of an unknown status is refused before it begins",
   body)
done()
