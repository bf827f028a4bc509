"""Years of data (issue 23): every staff and customer page and every search, first and deep pages, measured at a
small size (about 1,000 rows of each) and again at full size: BENCH_ACCOUNTS (50,000) accounts, BENCH_ORDERS
(300,000) applications with their orders and invoices, BENCH_CREDITS (2,000,000) credits and BENCH_AUDIT
(10,000,000) audit rows, made by SQL in bulk (sequence tables; seconds to minutes, not hours).

Each page is asked BENCH_TIMES (100) times one after another through nginx (keep-alive), after a few to warm up;
p50 and p99 are printed for both sizes with their ratio (goal: p99 under 20 ms at full size, no page above 1.5x its
small-database cost).  Then the customer's applications page (an account with 300 applications) against the static
login page with wrk through the same nginx (goal: at least 0.10x).

Runs on a database of its own (certrenew_bench, dropped at the end) with the stack's MariaDB, a certrenew-fcgi of
its own and an nginx of its own on 127.0.0.1:BENCH_PORT (8190), both from the stack's build and configuration.
Prints figures; never fails for being slow.  Run by contrib/dev.sh bench."""
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

TOP = os.environ.get("CR_TOP", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
CONF = os.environ.get("CR_CONF", os.path.join(TOP, "run", "certrenew.conf"))
BUILD = os.environ.get("CR_BUILD", os.path.join(TOP, "run", "build"))
FULL = {"accounts": int(os.environ.get("BENCH_ACCOUNTS", "50000")),
        "orders": int(os.environ.get("BENCH_ORDERS", "300000")),
        "credits": int(os.environ.get("BENCH_CREDITS", "2000000")),
        "audit": int(os.environ.get("BENCH_AUDIT", "10000000"))}
SMALL = {"accounts": 1000, "orders": 1000, "credits": 1000, "audit": 1000}
TIMES = int(os.environ.get("BENCH_TIMES", "100"))
PORT = int(os.environ.get("BENCH_PORT", "8190"))
DB = "certrenew_bench"
PW = "bench-password-1"
FIRST = 101  # the bulk accounts' first id (the staff and the measured customer come before)
MINE = 300  # the measured customer's applications

sys.path.insert(0, os.path.dirname(__file__))
from matcher import conf_value, order_no, root_sql  # noqa: E402  (the same helpers)

# Pieces of company names: a region, a 字号 of two characters, an industry, a form (64,000 字号).
REGIONS = "兰州 天水 白银 酒泉 张掖 武威 定西 陇南 平凉 庆阳 嘉峪关 金昌 临夏 甘南".split()
CHARS = "华兴盛达信通恒泰丰源鑫宏安康瑞祥云海金辉隆昌明德佳和长荣新鹏博远创智汇美嘉天宇"
INDUSTRIES = "建设工程 交通工程 水利工程 电力 信息技术 环保科技 市政工程 园林绿化 装饰工程 机电设备 医疗器械 物业管理".split()


def sql_list(words):
    return ",".join("'%s'" % w for w in words)


def company(seq):
    """SQL of the company name of account number seq (an SQL expression)."""
    return ("CONCAT(ELT(1 + {s} % {nr}, {r}), SUBSTRING('{c}', 1 + {s} DIV 7 % 40, 1), SUBSTRING('{c}', 1 + {s} DIV 280 % 40, 1),"
            " SUBSTRING('{c}', 1 + {s} DIV 11200 % 40, 1), ELT(1 + {s} % {ni}, {i}), '有限公司')").format(
        s=seq, nr=len(REGIONS), r=sql_list(REGIONS), c=CHARS, ni=len(INDUSTRIES), i=sql_list(INDUSTRIES))


def grow(have, want, say):
    """Adds rows until the database holds want (a dict like FULL) of each; have: what it holds."""
    t0 = time.time()
    bq = lambda q: root_sql("SET foreign_key_checks = 0, unique_checks = 0; " + q, DB)
    span = 5 * 365 * 86400  # five years of history
    a0, a1 = have["accounts"], want["accounts"]
    if a1 > a0:
        bq("INSERT INTO users (id, login, display_name, role, password_hash, created_at) SELECT %d + seq, CONCAT('c', seq),"
           " %s, IF(seq %% 10 = 0, 'individual', 'enterprise'), 'x', UTC_TIMESTAMP(6) - INTERVAL %d - seq * %d SECOND"
           " FROM seq_%d_to_%d" % (FIRST - 1, company("seq"), span, span // a1, a0 + 1, a1))
        bq("INSERT IGNORE INTO account_grams (gram, account_id) SELECT SUBSTRING(u.display_name, s.seq, 2), u.id"
           " FROM users u JOIN seq_1_to_200 s ON s.seq < CHAR_LENGTH(u.display_name) WHERE u.id BETWEEN %d AND %d"
           % (FIRST + a0, FIRST + a1 - 1))
    o0, o1 = have["orders"], want["orders"]
    if o1 > o0:
        # Each application renews a certificate of its own; the measured customer has MINE of them.
        acct = "IF(seq <= %d, %d, %d + seq %% %d)" % (MINE, MINE_ID, FIRST, a1)
        when = "UTC_TIMESTAMP(6) - INTERVAL %d - seq * %d SECOND" % (span, span // o1)
        bq("INSERT INTO certificates (id, account_id, subject, status, not_after) SELECT seq, %s, CONCAT('CN=', seq),"
           " IF(seq %% 5 = 0, 'active', 'superseded'), UTC_TIMESTAMP() + INTERVAL seq %% 700 DAY FROM seq_%d_to_%d"
           % (acct, o0 + 1, o1))
        bq("INSERT INTO applications (id, account_id, status, closed, certificate_id, company_name, license_no,"
           " applicant_name, id_card_no, phone, payer_name, years, created_at, updated_at, submitted_at)"
           " SELECT seq, %s, ELT(1 + (seq %% 50 = 0) + (seq %% 50 = 1), 'approved', 'submitted', 'rejected'),"
           " seq %% 50 > 1, seq, (SELECT display_name FROM users WHERE id = %s), CONCAT('91620100', LPAD(seq, 10, '0')),"
           " '李四', CONCAT('620102', LPAD(seq, 12, '0')), CONCAT('139', LPAD(seq, 8, '0')),"
           " (SELECT display_name FROM users WHERE id = %s), 1, %s, %s, %s FROM seq_%d_to_%d"
           % (acct, acct, acct, when, when, when, o0 + 1, o1))
        # Order numbers carry a Damm check digit: made here, joined to the applications there.
        bq("CREATE TABLE IF NOT EXISTS bench_order_nos (id BIGINT PRIMARY KEY, no CHAR(8) NOT NULL)")
        for lo in range(o0 + 1, o1 + 1, 20000):
            bq("INSERT INTO bench_order_nos VALUES %s" % ",".join(
                "(%d,'%s')" % (i, order_no(i)) for i in range(lo, min(o1, lo + 19999) + 1)))
        # Approved applications have an order: most completed, one in 97 still awaiting payment.
        bq("INSERT INTO orders (id, order_no, application_id, account_id, status, amount_fen, paid_fen, payer_name,"
           " years, created_at, expires_at, updated_at) SELECT a.id, n.no, a.id, a.account_id,"
           " IF(a.id %% 97 = 0, 'awaiting_payment', 'completed'), 20000 * (1 + a.id %% 3),"
           " IF(a.id %% 97 = 0, 0, 20000 * (1 + a.id %% 3)), a.payer_name, 1, a.created_at, a.created_at + INTERVAL 7 DAY,"
           " a.created_at FROM applications a JOIN bench_order_nos n ON n.id = a.id"
           " WHERE a.id BETWEEN %d AND %d AND a.status = 'approved'" % (o0 + 1, o1))
        # Each paid order's invoice, due since the order was paid (as certrenew keeps it): one in 20 pending.
        bq("INSERT INTO invoices (order_id, invoice_type, title, delivery_method, status, invoice_no, issued_at,"
           " due_at) SELECT o.id, 'normal', o.payer_name, 'pickup', IF(o.id %% 20 = 0, 'pending', 'issued'),"
           " IF(o.id %% 20 = 0, NULL, CONCAT('FP', o.id)), IF(o.id %% 20 = 0, NULL, o.created_at + INTERVAL 1 DAY),"
           " o.created_at FROM orders o WHERE o.id BETWEEN %d AND %d AND o.status = 'completed'" % (o0 + 1, o1))
    c0, c1 = have["credits"], want["credits"]
    if c1 > c0:
        s0, s1 = c0 // 1000, (c1 + 999) // 1000  # a statement of 1,000 credits each day
        bq("INSERT INTO statements (id, file_sha256, source, status, created_at, updated_at) SELECT seq,"
           " SHA2(CONCAT('st', seq), 256), 'inbox', 'done', UTC_TIMESTAMP(6) - INTERVAL %d - seq * %d SECOND,"
           " UTC_TIMESTAMP(6) FROM seq_%d_to_%d" % (span, span // s1, s0 + 1, s1))
        for lo in range(c0 + 1, c1 + 1, 500000):
            hi = min(c1, lo + 499999)
            bq("INSERT INTO credits (id, credit_key, statement_id, entry_no, account, amount_fen, currency, booking_date,"
               " acct_svcr_ref, remittance, debtor_name, status, created_at) SELECT seq, SHA2(CONCAT('cr', seq), 256),"
               " 1 + (seq - 1) DIV 1000, seq %% 1000, '6217', IF(seq %% 3 = 0, 20000, 100 + seq %% 99991), 'CNY',"
               " DATE(UTC_TIMESTAMP() - INTERVAL %d - seq * %d SECOND), CONCAT('REF', seq),"
               " IF(seq %% 3 = 0, CONCAT('订单', seq), '货款'), (SELECT display_name FROM users WHERE id = %d + seq %% %d),"
               " ELT(1 + (seq %% 100 = 0) + (seq %% 100 = 1), 'matched', 'unmatched', 'needs_review'),"
               " UTC_TIMESTAMP(6) - INTERVAL %d - seq * %d SECOND FROM seq_%d_to_%d"
               % (span, span // c1, FIRST, a1, span, span // c1, lo, hi))
    u0, u1 = have["audit"], want["audit"]
    if u1 > u0:
        for lo in range(u0 + 1, u1 + 1, 1000000):
            hi = min(u1, lo + 999999)
            bq("INSERT INTO audit_log (at, actor_id, actor, action, object_type, object_id, ip, before_state,"
               " after_state, prev_hash, hash, hash_v) SELECT DATE_FORMAT(UTC_TIMESTAMP(6) - INTERVAL %d - seq * %d"
               " SECOND, '%%Y-%%m-%%d %%H:%%i:%%s.%%f'), IF(seq %% 4 = 0, NULL, %d + seq %% %d), IF(seq %% 4 = 0, 'system',"
               " CONCAT('c', seq %% %d)), ELT(1 + seq %% 6, 'login.success', 'application.submit', 'order.paid',"
               " 'certificate.issue', 'credit.matched', 'application.update'), ELT(1 + seq %% 6, 'user', 'application',"
               " 'order', 'certificate', 'credit', 'application'), seq %% 300000, '10.0.0.1', NULL,"
               " '{\"status\": \"done\"}', SHA2(seq - 1, 256), SHA2(seq, 256), 3 FROM seq_%d_to_%d"
               % (span, span // u1, FIRST, a1, a1, lo, hi))
    say("  grown to %s in %.0f s" % (", ".join("%d %s" % (want[k], k) for k in want), time.time() - t0))


def login(account):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    c.request("POST", "/api/v1/session", json.dumps({"account": account, "password": PW}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    cookie = re.search(r"certrenew_session=[0-9a-f]+", r.getheader("Set-Cookie") or "")
    if r.status != 200 or not cookie:
        raise RuntimeError("login %s: %s %s" % (account, r.status, body[:200]))
    c.close()
    return cookie.group(0)


def timed(cookie, path, times):
    """(p50 ms, p99 ms, rows of the answer) of path asked times times on one connection."""
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    lat, rows = [], 0
    for k in range(times + 5):
        t0 = time.perf_counter()
        c.request("GET", path, headers={"Cookie": cookie})
        r = c.getresponse()
        body = r.read()
        if k >= 5:
            lat.append((time.perf_counter() - t0) * 1000)
        if r.status != 200:
            raise RuntimeError("%s: %s %s" % (path, r.status, body[:300]))
        if k == 0:
            try:
                rows = len(json.loads(body).get("items", []))
            except ValueError:
                rows = body.count(b"\n")
    c.close()
    lat.sort()
    return statistics.median(lat), lat[min(len(lat) - 1, int(len(lat) * 0.99))], rows


def pages(size):
    """The pages to measure at a size: (who, name, path).  Deep pages go on from the middle of their lists."""
    mid = lambda table: int(root_sql("SELECT MAX(id) DIV 2 FROM %s" % table, DB)[0][0] or 0)
    q = urllib.parse.quote
    name = root_sql("SELECT display_name FROM users WHERE id = %d" % (FIRST + size["accounts"] // 2 + 3), DB)[0][0]
    part = name[len(name) - len(name.lstrip("兰州天水白银酒泉张掖武威定西陇南平凉庆阳嘉峪关金昌临夏甘南")):][:3]
    app = size["orders"] // 2 + 7
    no = order_no(app if app % 50 > 1 else app + 2)
    typo = no[:7] + str((int(no[7]) + 1) % 10)
    day = root_sql("SELECT booking_date FROM credits WHERE id = %d" % (size["credits"] // 2), DB)[0][0]
    week = root_sql("SELECT DATE(created_at) FROM orders WHERE id = %d" % (size["orders"] // 2 + 2), DB)[0][0]
    return [
        ("admin", "users", "/api/v1/admin/users?limit=50"),
        ("admin", "users deep", "/api/v1/admin/users?limit=50&after=%d" % (FIRST + size["accounts"] // 2)),
        ("admin", "users: name part", "/api/v1/admin/users?q=" + q(part)),
        ("admin", "users: licence code", "/api/v1/admin/users?q=91620100%010d" % app),
        ("admin", "users: phone", "/api/v1/admin/users?q=139%08d" % app),
        ("finance", "orders", "/api/v1/orders"),
        ("finance", "orders deep", "/api/v1/orders?after=%d" % mid("orders")),
        ("finance", "orders: number", "/api/v1/orders?q=" + no),
        ("finance", "orders: typo", "/api/v1/orders?q=" + typo),
        ("finance", "orders: payer", "/api/v1/orders?q=" + q(name)),
        ("finance", "orders: status", "/api/v1/orders?status=awaiting_payment"),
        ("finance", "orders: a week", "/api/v1/orders?from=%s&to=%s" % (week, week[:8] + "%02d" % min(28, int(week[8:]) + 6))),
        ("finance", "credits open", "/api/v1/payments?status=open&limit=50"),
        ("finance", "credits deep", "/api/v1/payments?status=matched&limit=50&after=%d" % mid("credits")),
        ("finance", "credits: amount", "/api/v1/payments?q=" + q("%d.%02d" % divmod(100 + (size["credits"] // 2) % 99991, 100))),
        ("finance", "credits: reference", "/api/v1/payments?q=REF%d" % (size["credits"] // 2)),
        ("finance", "credits: payer", "/api/v1/payments?q=" + q(name[:6]) + "&limit=50"),
        ("finance", "credits: a day", "/api/v1/payments?from=%s&to=%s&limit=50" % (day, day)),
        ("finance", "invoices pending", "/api/v1/invoices?status=pending&limit=50"),
        ("finance", "imports", "/api/v1/statements"),
        ("reviewer", "review queue", "/api/v1/review/applications?status=submitted&limit=50"),
        ("reviewer", "review: company", "/api/v1/review/applications?status=approved&q=" + q(part)),
        ("admin", "audit", "/api/v1/admin/audit"),
        ("admin", "audit deep", "/api/v1/admin/audit?after=%d" % mid("audit_log")),
        ("admin", "audit: action", "/api/v1/admin/audit?action=order.paid"),
        ("admin", "audit: object", "/api/v1/admin/audit?object_type=order&object_id=%d" % (app % 300000)),
        ("admin", "audit: actor", "/api/v1/admin/audit?actor=c%d" % (app % size["accounts"])),
        ("admin", "audit: a day", "/api/v1/admin/audit?from=%s&to=%s" % (week, week)),
        ("customer", "my applications", "/api/v1/applications?period=all"),
        ("customer", "my orders", "/api/v1/orders"),
        ("customer", "my certificates", "/api/v1/certificates"),
    ]


def measure(size, cookies, say):
    out = {}
    for who, name, path in pages(size):
        p50, p99, rows = timed(cookies[who], path, TIMES)
        out[name] = (p50, p99, rows)
    return out


def wrk(cookie, path):
    p = subprocess.run(["wrk", "-t2", "-c64", "-d5s", "--latency"] + (["-H", "Cookie: " + cookie] if cookie else []) +
                       ["http://127.0.0.1:%d%s" % (PORT, path)], capture_output=True, text=True)
    m = re.search(r"Requests/sec:\s+([\d.]+)", p.stdout)
    return float(m.group(1)) if m else 0.0


def main():
    say = lambda s: print(s, flush=True)
    tmp = tempfile.mkdtemp(prefix="cr-bench-volume-")
    conf = os.path.join(tmp, "bench.conf")
    text = open(CONF, encoding="utf-8").read()
    text = re.sub(r"(?ms)^(\[db\].*?^name *= *)\S+", r"\g<1>" + DB, text, count=1)
    text = re.sub(r"(?ms)^(\[web\].*?^socket *= *)\S+", r"\g<1>" + os.path.join(tmp, "fcgi.sock"), text, count=1)
    text = re.sub(r"(?ms)^(\[web\].*?^workers *= *)\S+", r"\g<1>2", text, count=1)
    open(conf, "w", encoding="utf-8").write(text)
    root_sql("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
             " GRANT ALL ON %s.* TO '%s'@'localhost';" % (DB, DB, DB, conf_value("db", "user")))
    procs = []
    try:
        ctl = lambda *a, **kw: subprocess.run([os.path.join(BUILD, "certrenewctl"), "-c", conf, *a], capture_output=True,
                                              text=True, timeout=3600, **kw)
        p = ctl("migrate")
        if p.returncode != 0:
            raise RuntimeError(p.stderr)
        for login_, role in (("admin", "admin"), ("finance", "finance"), ("reviewer", "reviewer"),
                             ("bench-customer", "enterprise")):
            p = ctl("user", "add", "--role", role, "--name", login_, login_, input=PW + "\n")
            if p.returncode != 0:
                raise RuntimeError(p.stderr)
        global MINE_ID
        MINE_ID = int(root_sql("SELECT id FROM users WHERE login = 'bench-customer'", DB)[0][0])
        # The stack's programs on the bench database: a certrenew-fcgi and an nginx of their own.
        os.makedirs(os.path.join(tmp, "nginx", "tmp"))
        os.makedirs(os.path.join(tmp, "log"))
        procs.append(subprocess.Popen([os.path.join(BUILD, "certrenew-fcgi"), "-c", conf],
                                      stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "log", "fcgi.log"), "w")))
        site = subprocess.run([os.path.join(TOP, "contrib", "nginx-conf.sh"), conf, os.path.join(tmp, "nginx", "snippets"),
                               "WWW=" + os.path.join(TOP, "www")], capture_output=True, text=True, check=True)
        nconf = open(os.path.join(TOP, "conf", "nginx.conf.in"), encoding="utf-8").read()
        for k, v in (("@RUN@", tmp), ("@PORT@", str(PORT)), ("@USER_LINE@", "user root;" if os.getuid() == 0 else ""),
                     ("@SNIPPETS@", os.path.join(tmp, "nginx", "snippets"))):
            nconf = nconf.replace(k, v)
        open(os.path.join(tmp, "nginx", "nginx.conf"), "w").write(nconf)
        subprocess.run(["nginx", "-p", os.path.join(tmp, "nginx"), "-c", os.path.join(tmp, "nginx", "nginx.conf")],
                       check=True)
        for _ in range(100):
            if os.path.exists(os.path.join(tmp, "fcgi.sock")):
                break
            time.sleep(0.1)

        have = {k: 0 for k in FULL}
        results = {}
        for label, size in (("small", SMALL), ("full", FULL)):
            grow(have, size, say)
            have = dict(size)
            root_sql("ANALYZE TABLE users, applications, orders, credits, audit_log, account_grams, invoices", DB)
            cookies = {who: login(acct) for who, acct in (("admin", "admin"), ("finance", "finance"),
                                                           ("reviewer", "reviewer"), ("customer", "bench-customer"))}
            results[label] = measure(size, cookies, say)
            static = wrk(None, "/")
            mine = wrk(cookies["customer"], "/api/v1/applications?period=all")
            me = wrk(cookies["customer"], "/api/v1/me")
            results[label]["_rate"] = (static, mine, me)
        say("volume: each page %d times through nginx, one after another (ms); small = about 1,000 rows of each,"
            " full = %d accounts, %d applications and orders, %d credits, %d audit rows" % (
                TIMES, FULL["accounts"], FULL["orders"], FULL["credits"], FULL["audit"]))
        say("  %-22s %8s %8s   %8s %8s %6s  %s" % ("page", "p50", "p99", "p50", "p99", "x p99", "rows"))
        say("  %-22s %17s   %17s" % ("", "small", "full"))
        for name in results["full"]:
            if name.startswith("_"):
                continue
            s, f = results["small"][name], results["full"][name]
            say("  %-22s %8.2f %8.2f   %8.2f %8.2f %6.2f  %d" % (name, s[0], s[1], f[0], f[1], f[1] / s[1], f[2]))
        for label in ("small", "full"):
            static, mine, me = results[label]["_rate"]
            say("  %s: the customer's applications (%d of them, pages of 50) %.0f req/s, the static login page %.0f req/s:"
                " %.3fx (goal: at least 0.10x); GET /api/v1/me %.0f req/s (%.3fx)" % (
                    label, MINE, mine, static, mine / static if static else 0, me, me / static if static else 0))
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        if os.path.exists(os.path.join(tmp, "nginx", "nginx.pid")):
            subprocess.run(["nginx", "-p", os.path.join(tmp, "nginx"), "-c", os.path.join(tmp, "nginx", "nginx.conf"),
                            "-s", "stop"])
        for p in procs:
            p.wait(timeout=30)
        if not os.environ.get("BENCH_KEEP"):
            root_sql("DROP DATABASE IF EXISTS %s" % DB)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
