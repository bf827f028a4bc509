"""certrenewctl ledger check (issue 19): run last, over everything the suite did to the test database, it finds
nothing; and it does find what it claims to, naming each violation, when the books are made wrong on purpose
(and put right again)."""
from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")


def check():
    p = ctl("ledger", "check")
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = {}
    return p.returncode, out, p.stderr


rc, out, err = check()
ok(rc == 0 and out.get("ok") is True and out.get("count") == 0 and len(out.get("checks", [])) >= 6,
   "after the whole suite the books hold: %d checks, no violation" % len(out.get("checks", [])), err[-2000:])

paid = sql("SELECT order_no, paid_fen FROM orders WHERE status = 'paid' ORDER BY id DESC LIMIT 1")
if paid:
    no, fen = paid[0]
    sql("UPDATE orders SET paid_fen = paid_fen + 1 WHERE order_no = '%s'" % no)
    try:
        rc, out, err = check()
    finally:
        sql("UPDATE orders SET paid_fen = %s WHERE order_no = '%s'" % (fen, no))
    named = [v for v in out.get("violations", []) if v["check"] == "order_paid" and no in v["subject"]]
    ok(rc == 1 and out.get("ok") is False and named and "order " + no in err,
       "an order's paid_fen one fen off its payments is named, and the check fails", (rc, named, err[-500:]))
    rc, out, err = check()
    ok(rc == 0 and out.get("ok") is True, "put right, the books hold again", err[-500:])
else:
    ok(False, "a paid order to make wrong on purpose")
done()
