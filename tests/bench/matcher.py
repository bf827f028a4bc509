"""The matcher at volume (issue 23): a statement of BENCH_CREDITS (20,000) credits imported with 1,000 and with
BENCH_OPEN (200,000) orders awaiting payment.  Its suggestions (rules 2 and 3) come from indexed look-ups, so
booking should cost the same at both sizes.  The credits are a realistic mix: 5 % name an open order
exactly, 5 % carry a number one slip off an open order, 40 % name no order but come from an open order's payer
with its amount, and 50 % are strangers.  One credit comes from the payer of the newest open order, which the
old in-memory list (the oldest 20,000 open orders) never reached.

Runs in a database of its own (certrenew_bench, made as MariaDB's root through the stack's socket, dropped at
the end), with the stack's certrenewctl.  Prints figures; it fails only when the matcher is wrong, never for
being slow.  Run by contrib/dev.sh bench."""
import importlib.util
import os
import random
import re
import subprocess
import sys
import tempfile
import time

TOP = os.environ.get("CR_TOP", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
CONF = os.environ.get("CR_CONF", os.path.join(TOP, "run", "certrenew.conf"))
BUILD = os.environ.get("CR_BUILD", os.path.join(TOP, "run", "build"))
CREDITS = int(os.environ.get("BENCH_CREDITS", "20000"))
OPEN = int(os.environ.get("BENCH_OPEN", "200000"))
DB = "certrenew_bench"
PRICES = [20000, 40000, 60000, 30000, 50000, 80000]  # what orders cost: a handful of prices, as in life

spec = importlib.util.spec_from_file_location("camtgen", os.path.join(TOP, "contrib", "camt-gen.py"))
camtgen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(camtgen)

DAMM = [[0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
        [1, 7, 5, 0, 9, 8, 3, 4, 2, 6], [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7], [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
        [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]]


def order_no(seq):
    s, d = "%07d" % seq, 0
    for ch in s:
        d = DAMM[d][int(ch)]
    return s + str(d)


def conf_value(section, key):
    cur = None
    for line in open(CONF, encoding="utf-8"):
        line = line.strip()
        if line.startswith("["):
            cur = line.strip("[]")
        elif "=" in line and cur == section and line.split("=", 1)[0].strip() == key:
            return line.split("=", 1)[1].strip()
    return ""


def root_sql(query, db=None):
    p = subprocess.run(["mariadb", "--socket", conf_value("db", "socket"), "-u", "root", "-N", "-B"] + ([db] if db else []),
                       input=query, capture_output=True, text=True, timeout=3600)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return [line.split("\t") for line in p.stdout.splitlines()]


def ctl(conf, *args):
    return subprocess.run([os.path.join(BUILD, "certrenewctl"), "-c", conf, *args], capture_output=True, text=True,
                          timeout=3600)


def payer_of(i, newest):
    return "新企业%d" % i if i == newest else "企业%05d" % (i % 50000)


def fill(first, last):
    """Open orders first..last (sequence numbers), each of a payer 企业N (50,000 payers), a price of PRICES; the
    last of a payer of its own."""
    rows = []
    for i in range(first, last + 1):
        rows.append("(%d,'%s',%d,1,'awaiting_payment',%d,0,'%s',1,UTC_TIMESTAMP(6),UTC_TIMESTAMP(6) + INTERVAL 30 DAY,"
                    "UTC_TIMESTAMP(6))" % (i, order_no(i), i, PRICES[i % len(PRICES)], payer_of(i, last)))
        if len(rows) == 5000 or i == last:
            root_sql("SET foreign_key_checks = 0; INSERT INTO applications (id, account_id, status, certificate_id,"
                     " created_at, updated_at) VALUES %s;" % ",".join(
                         "(%d,1,'approved',%d,UTC_TIMESTAMP(6),UTC_TIMESTAMP(6))" % (j, j) for j in range(i - len(rows) + 1, i + 1))
                     + "INSERT INTO orders (id, order_no, application_id, account_id, status, amount_fen, paid_fen,"
                     " payer_name, years, created_at, expires_at, updated_at) VALUES %s" % ",".join(rows), DB)
            rows = []


def statement(path, nopen, seed):
    """CREDITS credits against the open orders 1..nopen; returns the newest order's (no, fen, payer)."""
    rnd = random.Random(seed)
    account = conf_value("bank", "account")
    date = time.strftime("%Y-%m-%d")
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
                  "<BkToCstmrStmt><GrpHdr><MsgId>BENCH%d</MsgId><CreDtTm>%sT18:00:00+08:00</CreDtTm></GrpHdr>\n"
                  "<Stmt><Id>BENCH-%d</Id><CreDtTm>%sT18:00:00+08:00</CreDtTm><Acct><Id><Othr><Id>%s</Id></Othr></Id>"
                  "<Ccy>CNY</Ccy></Acct>\n" % (seed, date, seed, date, account))
        for k in range(CREDITS):
            i = rnd.randint(1, nopen)
            fen, payer, no = PRICES[i % len(PRICES)], payer_of(i, nopen), order_no(i)
            r = rnd.random()
            if k == 0:  # the newest open order's payer
                fen, payer = PRICES[nopen % len(PRICES)], payer_of(nopen, nopen)
                t = {"fen": fen, "text": "续费", "debtor": payer}
            elif r < 0.05:
                t = {"fen": fen, "text": "订单号%s" % no, "debtor": payer}
            elif r < 0.10:
                t = {"fen": fen, "text": "订单号%s" % (no[:3] + no[4] + no[3] + no[5:] if no[3] != no[4] else no[:7] + "x"),
                     "debtor": payer}
            elif r < 0.50:
                t = {"fen": fen, "text": "证书续费", "debtor": payer}
            else:
                t = {"fen": rnd.randint(100, 5000000), "text": "货款 第%d笔" % k, "debtor": "某某公司%d" % (k % 89)}
            t["ref"] = "BENCH%d-%08d" % (seed, k)
            out.write(camtgen.entry_xml(8, [t], date, "", False))
        out.write("</Stmt>\n</BkToCstmrStmt>\n</Document>\n")
    return PRICES[nopen % len(PRICES)], payer_of(nopen, nopen)


def main():
    tmp = tempfile.mkdtemp(prefix="cr-bench-match-")
    conf = os.path.join(tmp, "bench.conf")
    text = open(CONF, encoding="utf-8").read()
    text = re.sub(r"(?ms)^(\[db\].*?^name *= *)\S+", r"\g<1>" + DB, text, count=1)
    open(conf, "w", encoding="utf-8").write(text)
    root_sql("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
             " GRANT ALL ON %s.* TO '%s'@'localhost';" % (DB, DB, DB, conf_value("db", "user")))
    failed = 0
    try:
        p = ctl(conf, "migrate")
        if p.returncode != 0:
            raise RuntimeError(p.stderr)
        root_sql("INSERT INTO users (id, login, display_name, role, password_hash) VALUES"
                 " (1, 'bench', '基准测试企业', 'enterprise', '-')", DB)  # every order's account
        print("matcher: a statement of %d credits (5 %% exact numbers, 5 %% one slip off, 40 %% an open order's payer"
              " and amount, 50 %% strangers), MariaDB on the same 2 cores" % CREDITS)
        have = 0
        for nopen in (1000, OPEN):
            t0 = time.time()
            fill(have + 1, nopen)
            have = nopen
            filled = time.time() - t0
            path = os.path.join(tmp, "st-%d.xml" % nopen)
            fen, payer = statement(path, nopen, nopen)
            t0 = time.time()
            p = ctl(conf, "import-statement", path)
            secs = time.time() - t0
            if p.returncode != 0:
                raise RuntimeError(p.stderr)
            import json
            r = json.loads(p.stdout.splitlines()[0])
            got = root_sql("SELECT o.order_no FROM credits c JOIN orders o ON o.id = c.suggested_order_id"
                           " WHERE c.acct_svcr_ref = 'BENCH%d-00000000'" % nopen, DB)
            newest = order_no(nopen)
            right = got == [[newest]]
            failed += not right
            print("  %7d open orders (made in %5.1f s): %6.2f s, %6.0f credits/s; %d matched, %d for review, %d unmatched;"
                  " the newest order's payer %s offered order %s" % (nopen, filled, secs, CREDITS / secs, r["matched"],
                                                                   r["needs_review"], r["unmatched"],
                                                                   "is" if right else "IS NOT", newest))
    finally:
        root_sql("DROP DATABASE IF EXISTS %s" % DB)
        subprocess.run(["rm", "-rf", tmp])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
