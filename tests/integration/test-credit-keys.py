"""One transfer, one credit (issue 19): the agency's account is part of a credit's identity as its digits
alone, so a transfer in a camt file that writes the account with spaces and again in an export (or another
camt) that writes it without is booked once; and migration 014 re-keys what was booked before with the
account as written, keeping every row and reporting a transfer the old key let in twice."""
import hashlib
import os
import shutil
import subprocess
import tempfile

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
account = conf_value("bank", "account")
spaced = " ".join(account[i:i + 4] for i in range(0, len(account), 4))
hyphens = "-".join(account[i:i + 4] for i in range(0, len(account), 4))
tag = str(int(time.time() * 1000) % 10**9)
tmp = tempfile.mkdtemp(prefix="cr-keys-")


def status(o):
    return cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]


def export(name, fen, remark, ref):
    lines = ["账户明细", "查询账号,%s" % account,
             "交易日期,交易时间,借方发生额（支取）,贷方发生额（收入）,余额,对方户名,对方账号,摘要,交易流水号",
             "20261126,101010,,%d.%02d,0.00,我是测试企业,,%s,%s" % (fen // 100, fen % 100, remark, ref)]
    path = os.path.join(tmp, name)
    open(path, "wb").write("\r\n".join(lines).encode("gbk") + b"\r\n")
    return path


# camt with the account spaced, then an export writing it plain: one transfer of half the price.
o = approved_order(cust, rev, seed=311)
half = o["amount_fen"] // 2
rc, res, err = import_statement(statement((half, "订单%s" % o["order_no"], "我是测试企业", "K1-" + tag), account=spaced))
ok(rc == 0 and res[0]["partial"] == 1, "a camt file writing the account as '%s' pays half the order" % spaced, (res, err))
rc, res, err = import_statement(export("k1.csv", half, "订单%s" % o["order_no"], "K1-" + tag))
ok(rc == 0 and res[0]["duplicate"] == 1 and res[0]["partial"] == 0,
   "the same transfer in an export writing the account plain is a duplicate", (res, err))
s = status(o)
ok(s["status"] == "partially_paid" and s["paid_fen"] == half, "the order is paid half, once", s)

# camt then camt: spaces, then hyphens.
o2 = approved_order(cust, rev, seed=312)
rc, res, _ = import_statement(statement((o2["amount_fen"], "订单%s" % o2["order_no"], "我是测试企业", "K2-" + tag),
                                        account=spaced))
rc2, res2, _ = import_statement(statement((o2["amount_fen"], "订单%s" % o2["order_no"], "我是测试企业", "K2-" + tag),
                                          account=hyphens))
ok(rc == 0 and res[0]["matched"] == 1 and rc2 == 0 and res2[0]["duplicate"] == 1 and status(o2)["paid_fen"] ==
   o2["amount_fen"], "camt then camt, the account written '%s' then '%s': booked once" % (spaced, hyphens), (res, res2))

# Migration 014 on a database that was keyed the old way.
ROOT = ["mariadb", "--socket", conf_value("db", "socket"), "-uroot", "-N", "-B"]
db = "certrenew_mig_" + tag


def root(query, database=None):
    p = subprocess.run(ROOT + ([database] if database else []) + ["-e", query], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return [line.split("\t") for line in p.stdout.splitlines()]


def put(*fields):
    return "".join("%d:%s|" % (len(f.encode()), f) for f in fields)


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


def ref_key(acct, ref, tx=None):
    return sha(put("ref", acct, ref) + (put(str(tx)) if tx is not None else ""))


def content_key(acct, day, fen, text, debtor, n):
    return sha(put("content", acct, sha(put(day, str(fen), text, debtor)), str(n)))


schema13 = os.path.join(tmp, "schema13")
os.makedirs(schema13)
for f in sorted(os.listdir(os.path.join(TOP, "schema"))):
    if f.endswith(".sql") and f < "014":
        shutil.copy(os.path.join(TOP, "schema", f), schema13)


def conf_for(schema_dir):
    """The stack's configuration with the scratch database and schema_dir."""
    out, section = [], ""
    for line in open(CONF, encoding="utf-8").read().splitlines():
        if line.startswith("["):
            section = line.strip()
        elif section == "[db]" and line.startswith("name = "):
            line = "name = " + db
        elif section == "[paths]" and line.startswith("schema_dir = "):
            line = "schema_dir = " + schema_dir
        out.append(line)
    path = os.path.join(tmp, "mig-%s.conf" % os.path.basename(schema_dir))
    open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")
    return path


root("CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; GRANT ALL ON %s.* TO '%s'@'localhost'"
     % (db, db, conf_value("db", "user")))
try:
    p = ctl("migrate", conf=conf_for(schema13))
    ok(p.returncode == 0, "a database at migration 013", p.stderr)
    root("INSERT INTO statements (id, file_sha256, source, file_name, status, created_at, updated_at)"
         " VALUES (1, REPEAT('a', 64), 'cli', 'old.xml', 'done', NOW(), NOW())", db)
    rows = [  # id, account, ref, key, day, fen, remittance, debtor
        (1, spaced, "M1", ref_key(spaced, "M1"), "2026-11-01", 100, "a", "x"),
        (2, account, "M2", ref_key(account, "M2"), "2026-11-02", 200, "b", "x"),  # booked later from an export
        (3, hyphens, "M2", ref_key(hyphens, "M2"), "2026-11-02", 200, "b", "x"),  # the same transfer, camt
        (4, spaced, "BATCH-9", ref_key(spaced, "BATCH-9", 3), "2026-11-03", 300, "c", "y"),
        (5, spaced, "", content_key(spaced, "2026-11-04", 400, "零钱 订单", "某人", 2), "2026-11-04", 400, "零钱 订单",
         "某人"),
        (6, account, "M6", ref_key(account, "M6"), "2026-11-05", 500, "d", "x"),
    ]
    for r in rows:
        root("INSERT INTO credits (id, credit_key, statement_id, entry_no, account, amount_fen, currency,"
             " booking_date, acct_svcr_ref, remittance, debtor_name, status, created_at) VALUES"
             " (%d, '%s', 1, %d, '%s', %d, 'CNY', '%s', '%s', '%s', '%s', 'unmatched', NOW())"
             % (r[0], r[3], r[0], r[1], r[5], r[4], r[2], r[6], r[7]), db)
    p = ctl("migrate", conf=conf_for(os.path.join(TOP, "schema")))
    ok(p.returncode == 0, "migration 014 applies", p.stdout + p.stderr)
    got = {int(r[0]): (r[1], r[2]) for r in root("SELECT id, credit_key, IFNULL(duplicate_of, '') FROM credits", db)}
    ok(len(got) == 6, "every row is kept", got)
    ok(got[1] == (ref_key(account, "M1"), ""), "a credit keyed by its own reference is re-keyed with the digits",
       got[1])
    ok(got[4] == (ref_key(account, "BATCH-9", 3), ""), "one keyed by its entry's reference and place likewise",
       got[4])
    ok(got[5] == (content_key(account, "2026-11-04", 400, "零钱 订单", "某人", 2), ""),
       "one keyed by its content and occurrence likewise", got[5])
    ok(got[3] == (ref_key(hyphens, "M2"), "2") and got[2] == (ref_key(account, "M2"), ""),
       "a transfer the old key let in twice keeps its old key and names the credit it repeats", (got[2], got[3]))
    ok(got[6] == (ref_key(account, "M6"), ""), "a credit already keyed by the digits is left as it is", got[6])
finally:
    root("DROP DATABASE IF EXISTS %s" % db)
    shutil.rmtree(tmp, ignore_errors=True)
done()
