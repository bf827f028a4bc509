"""Statements that add up (issue 19): a camt statement's opening and closing balances (Bal OPBD, CLBD) are
checked to add up with its booked entries, and each to continue the last one of the account; a statement
that does not add up, or a gap (a statement missing between two), is shown on the statements list.  A bank
export's running 余额 does the same, naming the line where a row is missing.  The daily report closes each day
against what the bank's statements say arrived that day, and shows a day that does not close."""
import datetime
import tempfile
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

# A bank export, newest first, with its running 余额: one row (a 30.00 credit) is missing between lines 4 and 5.
fd, path = tempfile.mkstemp(prefix="cr-export-", suffix=".csv")
with os.fdopen(fd, "w", encoding="gbk") as f:
    f.write("账号：%s\n交易日期,借方发生额,贷方发生额,余额,摘要,交易流水号\n" % account)
    f.write("20261012,,10.00,1220.00,d,EX-%s-4\n" % account[-6:])
    f.write("20261012,,200.00,1210.00,c,EX-%s-3\n" % account[-6:])
    f.write("20261011,50.00,,980.00,b,EX-%s-2\n" % account[-6:])
    f.write("20261011,,30.00,1030.00,a,EX-%s-1\n" % account[-6:])
ex = imported(path)
be = ex.get("balance") or {}
ok(be.get("opening_fen") == 100000 and be.get("closing_fen") == 122000 and be.get("net_fen") == 19000 and
   be.get("adds_up") is False and be.get("break_line") == 5 and be.get("opening_date") == "2026-10-11",
   "an export's running balance: opening 1,000.00, closing 1,220.00, a missing row found at line 5", be)

# The daily report closes a day against the statements: a day of this run's own on the agency's account.
day = (datetime.date(2016, 1, 1) + datetime.timedelta(days=int(time.time()) % 3000)).isoformat()
tag = "%d" % (int(time.time() * 1000) % 10**9)
imported(statement((12345, "无订单号 A" + tag, "某公司甲", "DAY-A-" + tag), (67800, "无订单号 B" + tag, "某公司乙", "DAY-B-" + tag),
                   debits=[(1000, "手续费")], opening=5000000, date=day))


def day_row():
    st, rep = fin.json("GET", "/api/v1/reports/daily?from=%s&to=%s" % (day, day))
    return rep["items"][0] if st == 200 and rep.get("items") else {}


r = day_row()
ok(r.get("stated_fen") == 80145 and r.get("received_fen") == 80145 and r.get("unreconciled_fen") == 0 and
   r.get("closing_fen") == 5000000 + 80145 - 1000, "the day closes: the statement stated 801.45, 801.45 counted, "
   "and its closing balance", r)
st, csv, _ = fin.raw("GET", "/api/v1/reports/daily.csv?from=%s&to=%s" % (day, day))
text = csv.decode("utf-8-sig") if st == 200 else ""
ok("未对平金额" in text and "对账单收入" in text and ",801.45," in text, "and so does the CSV", text[:400])
# A credit the books lost (removed behind the product's back): the day no longer closes, by its amount.
sql("DELETE FROM credits WHERE acct_svcr_ref = 'DAY-B-%s'" % tag)
r = day_row()
ok(r.get("stated_fen") == 80145 and r.get("received_fen") == 12345 and r.get("unreconciled_fen") == 67800,
   "a credit missing from the books: the day is 678.00 short of what the bank stated", r)
done()
