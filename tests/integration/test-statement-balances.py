"""Statements that add up (issue 19): a camt statement's opening and closing balances (Bal OPBD, CLBD) are
checked to add up with its booked entries, and each to continue the last one of the account; a statement
that does not add up, or a gap (a statement missing between two), is shown on the statements list."""
from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
fin = Client(); fin.login("finance")
# An account of this run's own (its credits are not the agency's and book nothing), so that the chain is this
# test's alone.
account = "6217%015d" % (int(time.time() * 1000) % 10**15)
base = 100000000


def imported(path):
    """Imports a statement of the run's account; its row as the API shows it."""
    rc, res, err = import_statement(path)
    assert rc == 0, (res, err)
    return fin.json("GET", "/api/v1/statements/%d" % res[0]["statement_id"])[1]


d1 = imported(statement((12000, "货款", "某公司"), debits=[(500, "手续费")], opening=base, date="2026-10-01", account=account))
b1 = d1.get("balance") or {}
ok(b1.get("opening_fen") == base and b1.get("closing_fen") == base + 11500 and b1.get("net_fen") == 11500 and
   b1.get("adds_up") is True and b1.get("opening_date") == "2026-10-01",
   "a statement's balances are read and add up: opening + credits - debits = closing", b1)
d2 = imported(statement((3000, "货款", "某公司"), opening=base + 11500, date="2026-10-02", account=account))
b2 = d2.get("balance") or {}
ok(b2.get("continues") is True and b2.get("previous_closing_fen") == base + 11500 and
   b2.get("previous_closing_date") == "2026-10-01", "the next day's statement continues it", b2)
# 10-03 is never imported: 10-04 opens with more than 10-02 closed.
d4 = imported(statement((100, "货款", "某公司"), opening=base + 14500 + 7700, date="2026-10-04", account=account))
b4 = d4.get("balance") or {}
ok(b4.get("continues") is False and b4.get("previous_closing_fen") == base + 14500 and
   b4.get("previous_closing_date") == "2026-10-02",
   "a statement opening with another balance than the last closed: a gap, with the dates", b4)
d5 = imported(statement((100, "货款", "某公司"), opening=base + 22300, closing=base + 99999, date="2026-10-05",
                         account=account))
b5 = d5.get("balance") or {}
ok(b5.get("adds_up") is False and b5.get("continues") is True, "a statement whose entries do not add up is flagged", b5)
plain = imported(statement((100, "货款", "某公司"), account=account))
ok(plain.get("balance", 0) is None, "a statement without balances has none to check", plain.get("balance"))
st, lst = fin.json("GET", "/api/v1/statements")
byid = {s["id"]: s for s in lst.get("items", [])}
ok(byid.get(d4["id"], {}).get("balance", {}).get("continues") is False, "the list shows the gap too")
done()
