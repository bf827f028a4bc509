"""Trust (issue 13, first part): a log line cannot be forged through the account field (control characters
escaped) and a password typed into the account field never reaches the log in full; a failed login with a
long account name is still audited (cut, with a marker); `certrenewctl audit verify` reads one snapshot and
never reports a break that is not there, run 20 times while logins write to the audit trail; media types
compare without regard to case; a login ends the session that made the request; the chain is keyed (HMAC under
audit.key_file): a row rewritten with its hash recomputed, or passed off in the unkeyed form, is found."""
import os
import subprocess
import threading

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
log = os.path.join(TOP, "run", "log", "certrenew-fcgi.log")


def unthrottle():
    """Failed logins from this address are throttled; each case here starts afresh (and leaves none behind)."""
    sql("DELETE FROM login_attempts WHERE ip IN ('127.0.0.1', '::1')")



def log_tail(since):
    with open(log, "rb") as f:
        f.seek(since)
        return f.read().decode("utf-8", "replace")


unthrottle()
start = os.path.getsize(log)
forged = "nobody\n2026-11-25T00:00:00Z certrenew-fcgi[1] info: login: admin (admin) from 10.0.0.1"
st, _ = Client().login(forged, "wrong-password-1")
secret = "MyS3cret-Passw0rd-typed-in-the-wrong-box"
unthrottle()
st2, _ = Client().login(secret, "x")
unthrottle()
st3, _ = Client().login("Pa55word!", "x")
time.sleep(0.5)
tail = log_tail(start)
ok(st == 401 and "'no…(86 bytes)'" in tail and not any(l.startswith("2026-11-25T00:00:00Z") for l in tail.splitlines()),
   "a line break in the account field forges no log line", tail[-400:])
ok(st2 == 401 and st3 == 401 and secret not in tail and "'My…(%d bytes)'" % len(secret) in tail and
   "Pa55word!" not in tail and "'Pa…(9 bytes)'" in tail,
   "an unknown account (perhaps a password typed into the account field) is logged by two characters and its length",
   tail[-300:])

before = int(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failure'")[0][0])
long_name = "企业" * 30
unthrottle()
Client().login(long_name, "wrong-password-1")
rows = sql("SELECT object_id FROM audit_log WHERE action = 'login.failure' ORDER BY id DESC LIMIT 1")
after = int(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failure'")[0][0])
ok(after == before + 1 and rows[0][0].endswith("…") and rows[0][0].startswith("企业企业"),
   "a failed login with a 60-character account is audited, the name cut with a marker", rows)

# Account names: invisible characters refused before any lookup; names compared exactly.
unthrottle()
n_before = int(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failure' AND object_id LIKE 'admin%'")[0][0])
st, b = Client().login("admin" + "\u200b" * 40, "wrong-password-1")
n_after = int(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failure' AND object_id LIKE 'admin%'")[0][0])
ok(st == 400 and error_of(b).get("code") == "invalid_account" and n_after == n_before,
   "admin + 40 zero-width spaces is refused as an account, not taken for admin", b)
p = ctl("user", "add", "--role", "enterprise", "trust\u202eadmin", stdin="long-enough-1\n")
ok(p.returncode != 0 and "不可见" in p.stderr, "such a name cannot be created either", p.stderr)
name = "TrustCase%d" % (int(time.time()) % 100000)
ctl("user", "add", "--role", "enterprise", name, stdin="long-enough-1\n")
unthrottle()
st_exact, _ = Client().login(name, "long-enough-1")
st_other, _ = Client().login(name.lower(), "long-enough-1")
unthrottle()
ok(st_exact == 200 and st_other == 401, "an account name is compared exactly", (st_exact, st_other))

# Media types compare without regard to case.
unthrottle()
st, b, _ = Client().raw("POST", "/api/v1/session", json.dumps({"account": "我是测试企业", "password": PW}),
                        ctype="Application/JSON; Charset=UTF-8")
ok(st == 200, "Application/JSON is JSON", b[:200])

# A login ends the session that made the request.
unthrottle()
c = Client()
c.login("我是测试企业")
first = c.cookie().value
c.login("我是测试企业")
second = c.cookie().value
st_old, _, _ = Client().raw("GET", "/api/v1/me", headers={"Cookie": "certrenew_session=%s" % first})
st_new, _, _ = Client().raw("GET", "/api/v1/me", headers={"Cookie": "certrenew_session=%s" % second})
ok(first and second and first != second and st_old == 401 and st_new == 200,
   "logging in again ends the session the request came with", (st_old, st_new))

# nginx's own errors speak JSON; the attachment location keeps every security header.
sock = conf_value("web", "socket")
os.rename(sock, sock + ".away")
try:
    st, b, hd = Client().raw("GET", "/api/v1/me")
finally:
    os.rename(sock + ".away", sock)
ok(st == 502 and (hd.get("Content-Type") or "").startswith("application/json") and
   json.loads(b)["error"]["code"] == "unavailable", "the application unreachable: 502 in the API's JSON", (st, b[:120]))
ok(Client().raw("GET", "/api/v1/me")[0] == 401, "and back")
st, b, hd = Client().raw("GET", "/api/v1/applications/1/attachments/business_license")
csp = hd.get("Content-Security-Policy") or ""
ok(hd.get("Referrer-Policy") == "same-origin" and hd.get("X-Content-Type-Options") == "nosniff" and
   "default-src 'none'" in csp, "attachments keep every security header", dict(hd))

# The chain is sealed with the audit key: a row rewritten by someone who can write to MariaDB (but has no key)
# is found, even with its hash recomputed, and so is a tail rewritten in the older, unkeyed form.
import hashlib
unthrottle()
Client().login("chain-probe", "wrong-password-1")
row = sql("SELECT id, prev_hash, at, IFNULL(actor_id, 0), actor, action, object_type, object_id, ip, hash, hash_v"
          " FROM audit_log ORDER BY id DESC LIMIT 1")[0]
rid, prev, at, aid, actor, action, otype, oid, ip, orig_hash, orig_v = row
ok(orig_v == "3" and oid == "chain-probe", "new rows are sealed with the key (version 3)", row)


def plain(after):
    enc = "".join("%d:%s" % (len(f.encode()), f) for f in (prev, at, aid, actor, action, otype, oid, ip)) + "-"
    enc += "%d:%s" % (len(after.encode()), after)
    return hashlib.sha256(enc.encode()).hexdigest()


forged_after = '{"forged":true}'
head = sql("SELECT last_id, last_hash FROM audit_head WHERE id = 1")[0]
try:
    sql("UPDATE audit_log SET after_state = '%s', hash = '%s' WHERE id = %s" % (forged_after, plain(forged_after), rid))
    p1 = ctl("audit", "verify")
    sql("UPDATE audit_log SET hash_v = 2 WHERE id = %s" % rid)
    sql("UPDATE audit_head SET last_hash = '%s' WHERE id = 1 AND last_id = %s" % (plain(forged_after), rid))
    p2 = ctl("audit", "verify")
finally:
    sql("UPDATE audit_log SET after_state = NULL, hash = '%s', hash_v = %s WHERE id = %s" % (orig_hash, orig_v, rid))
    sql("UPDATE audit_head SET last_hash = '%s' WHERE id = 1 AND last_id = %s" % (head[1], head[0]))
ok(p1.returncode == 1 and ("row %s was changed" % rid) in p1.stderr, "a row changed and its SHA-256 recomputed: found",
   p1.stderr)
ok(p2.returncode == 1 and ("row %s" % rid) in p2.stderr, "the same row passed off as unkeyed (version 2): found",
   p2.stderr)
ok(ctl("audit", "verify").returncode == 0, "restored, the chain verifies")

# Nobody can lock a customer out: a browser that has logged into the account keeps its own budget.
unthrottle()
victim = "LockoutCase%d" % (int(time.time() * 1000) % 10**8)
ctl("user", "add", "--role", "enterprise", victim, stdin="victims-password-1\n")
own = Client()
st, _ = own.login(victim, "victims-password-1")
dev = own.cookie("certrenew_device")
ok(st == 200 and dev is not None and dev.path == "/api/v1/session" and dev.has_nonstandard_attr("HttpOnly") and
   dev.expires and dev.expires - time.time() > 300 * 86400,
   "a login gives the browser a device cookie (HttpOnly, only for the login URL, a year)", dev and vars(dev))
own.json("DELETE", "/api/v1/session")
attacker = [Client().login(victim, "guess-%d" % i)[0] for i in range(12)]
ok(attacker[:5] == [401] * 5 and attacker[-1] == 429, "a stranger guessing is slowed down after five tries", attacker)
# The guesses seem to come from elsewhere now, so the address's own budgets do not hide the account's ...
sql("UPDATE login_attempts SET ip = '192.0.2.66' WHERE account = '%s'" % victim)
# and five more strangers' failures from other addresses: ten in all on the account.
sql("INSERT INTO login_attempts (account, ip, outcome, at) SELECT '%s', CONCAT('198.51.100.', seq), 'failure',"
    " UTC_TIMESTAMP(6) FROM seq_1_to_5" % victim)
st, b = own.login(victim, "victims-password-1")
ok(st == 200 and own.cookie("certrenew_device").value == dev.value,
   "the customer's own browser still logs in with the right password (and keeps its cookie)", b)
st, b = Client().login(victim, "victims-password-1")
ok(st == 429 and error_of(b).get("code") == "too_many_attempts",
   "an unknown browser shares the account's slowdown (ten strangers' failures in 15 minutes)", b)
sql("DELETE FROM login_attempts WHERE account = '%s'" % victim)
own.json("DELETE", "/api/v1/session")
mine = [own.login(victim, "my-typo-%d" % i)[0] for i in range(6)]
ok(mine[:5] == [401] * 5 and mine[5] == 429, "the known browser's own failures slow that browser down", mine)
st, _ = Client().login(victim, "victims-password-1")
ok(st == 200, "and only that browser: an unknown one from elsewhere is not held up by them", st)
unthrottle()

# The check and the record of a try are one step: 40 simultaneous guesses get exactly five answers.
sql("DELETE FROM login_attempts WHERE account = '%s'" % victim)
answers = []


def guess(i):
    answers.append(Client().login(victim, "parallel-guess-%d" % i)[0])


threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ok(answers.count(401) == 5 and answers.count(429) == 35,
   "40 simultaneous wrong guesses: 5 are tried, 35 refused unhashed", sorted(answers))
unthrottle()

# Successful logins cost a hash each: so many a minute per account, then 429.
limit = int(conf_value("web", "logins_per_minute") or "30")
sql("DELETE FROM login_attempts WHERE account = '%s'" % victim)
sql("INSERT INTO login_attempts (account, ip, outcome, at) SELECT '%s', '192.0.2.67', 'success', UTC_TIMESTAMP(6)"
    " FROM seq_1_to_%d" % (victim, limit - 1))
st1, _ = Client().login(victim, "victims-password-1")
st2, b, hd = Client().raw("POST", "/api/v1/session", json.dumps({"account": victim, "password": "victims-password-1"}))
ok(st1 == 200 and st2 == 429 and int(hd.get("Retry-After", "0")) > 0 and "登录过于频繁" in b.decode(),
   "the %d-th successful login in a minute passes, the next must wait (429, Retry-After)" % limit, (st1, st2, b[:200]))
sql("DELETE FROM login_attempts WHERE account = '%s'" % victim)
unthrottle()

# A failed login whose audit row cannot be written is logged loudly and counted in /metrics.
def audit_failures():
    st, b, _ = Client().raw("GET", "/metrics")
    for line in b.decode().splitlines():
        if line.startswith("certrenew_audit_append_failures_total "):
            return int(line.split()[1])
    return None


unthrottle()
n0 = audit_failures()
start = os.path.getsize(log)
sql("RENAME TABLE audit_head TO audit_head_away")
try:
    st, b = Client().login("audit-probe", "wrong-password-1")
finally:
    sql("RENAME TABLE audit_head_away TO audit_head")
time.sleep(0.3)
tail = log_tail(start)
ok(st == 401 and n0 is not None and audit_failures() == n0 + 1 and "error: audit: a failed login could not be recorded" in tail,
   "a failed login's audit row that cannot be written: still 401, an error in the log, counted in /metrics",
   (st, n0, audit_failures(), tail[-300:]))
ok(ctl("audit", "verify").returncode == 0, "and the chain is whole (nothing half written)")
unthrottle()

# Downloading an attachment while it is being replaced never answers 500: the replaced file outlives the
# readers that read its row a moment before.
unthrottle()
cust = Client()
cust.login("我是测试企业")
cert = new_cert()
st, app = cust.json("POST", "/api/v1/applications", step1(cert, seed=913))
url = "/api/v1/applications/%d/attachments/business_license" % app["id"]
jpg, pdf = fixture("scan.jpg"), make_pdf()
cust.raw("PUT", url, jpg, ctype="image/jpeg")
stop_race = threading.Event()
uploads = []


def replacer():
    i = 0
    while not stop_race.is_set():
        uploads.append(cust.raw("PUT", url, pdf if i % 2 else jpg, ctype="application/octet-stream")[0])
        i += 1


reader = Client()
reader.login("我是测试企业")
t = threading.Thread(target=replacer)
t.start()
got = []
try:
    deadline = time.time() + 8
    while time.time() < deadline:
        st, body, hd = reader.raw("GET", url)
        got.append((st, body[:4] in (b"%PDF", jpg[:4])))
finally:
    stop_race.set()
    t.join()
bad = [g for g in got if g[0] != 200 or not g[1]]
ok(len(got) > 50 and len(uploads) > 20 and not bad and set(uploads) <= {200, 201},
   "%d downloads during %d replacements: every one 200 with a whole file" % (len(got), len(uploads)),
   (bad[:5], set(uploads)))
cust.json("DELETE", "/api/v1/applications/%d" % app["id"])

# audit verify under concurrent writes.
stop = threading.Event()


def writer():
    # Logins that succeed: each appends login.success to the audit trail (clearing the per-minute budget).
    while not stop.is_set():
        Client().login("我是测试企业")
        sql("DELETE FROM login_attempts WHERE account = '我是测试企业'")


successes = int(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'login.success'")[0][0])


def appended():
    return int(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'login.success'")[0][0]) - successes


threads = [threading.Thread(target=writer) for _ in range(3)]
for t in threads:
    t.start()
results = []
try:
    # At least 20 verifies, and on until more than 20 rows were appended while they ran (on a short
    # chain a verify is quicker than a login), for a minute at most.
    deadline = time.time() + 60
    while len(results) < 20 or (appended() <= 20 and time.time() < deadline):
        p = ctl("audit", "verify")
        results.append((p.returncode, p.stderr.strip()[-200:]))
finally:
    stop.set()
    for t in threads:
        t.join()
unthrottle()
bad = [r for r in results if r[0] != 0]
grew = appended()
ok(not bad and grew > 20, "audit verify %d times under concurrent logins (%d rows appended meanwhile): never a false break"
   % (len(results), grew),
   bad[:3])
done()
