"""Lists read whole through paging (issue 23): finance's credits come a page at a time by key (?limit, ?after =
the page's "next"), newest first, every credit once, however many there are (the old list stopped at 1,000
silently; by this point of the suite the inbox import of the fault tests has booked tens of thousands); bad
paging parameters are refused naming them; the invoice export holds every invoice (it stopped at 5,000)."""
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

import csv
import io
rows = list(csv.reader(io.StringIO(fin.raw("GET", "/api/v1/invoices.csv")[1].decode("utf-8-sig"))))[1:]
inv = int(sql("SELECT COUNT(*) FROM invoices i JOIN orders o ON o.id = i.order_id"
              " WHERE o.status IN ('paid', 'issuing', 'completed')")[0][0])
ok(len(rows) == inv, "the invoice export holds every invoice of a paid order (%d)" % inv, len(rows))
done()
