"""Login, sessions, CSRF and the failed-login slowdown (SPEC 10, 11)."""
import random
import time

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

roles = {"我是测试企业": "enterprise", "zhangsan": "individual", "reviewer": "reviewer",
         "finance": "finance", "admin": "admin"}
for account, role in roles.items():
    c = Client()
    st, r = c.login(account)
    ok(st == 200 and r["user"]["role"] == role, "demo account %s logs in as %s" % (account, role), r)
    st, me = c.json("GET", "/api/v1/me")
    ok(st == 200 and me["user"]["account"] == account, "GET /api/v1/me names %s" % account, me)

c = Client()
st, r = c.login("我是测试企业")
ck = c.cookie()
ok(ck is not None and len(ck.value) == 64 and all(x in "0123456789abcdef" for x in ck.value),
   "session cookie holds a 256-bit token")
ok(ck is not None and ck.has_nonstandard_attr("HttpOnly"), "session cookie is HttpOnly")
st, body, hd = c.raw("POST", "/api/v1/session", '{"account":"我是测试企业","password":"demo-password-1"}')
setc = hd.get("Set-Cookie", "")
c.csrf = json.loads(body)["csrf_token"]
ok("SameSite=Lax" in setc and "Path=/" in setc and "Secure" not in setc,
   "cookie is SameSite=Lax, Path=/, and not Secure over plain HTTP", setc)
ok(c.cookie().value != ck.value, "a new token at every login")
ok(len(r["csrf_token"]) == 64, "login returns a csrf_token")
rows = sql("SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX('%s')" % c.cookie().value)
ok(rows[0][0] == "0", "the token itself is not stored (only its hash)")

st, body = c.json("DELETE", "/api/v1/session", csrf=False)
ok(st == 403 and error_of(body).get("code") == "csrf_failed", "logout without X-CSRF-Token: 403", body)
st, body = c.json("DELETE", "/api/v1/session", headers={"X-CSRF-Token": "0" * 64}, csrf=False)
ok(st == 403, "logout with a wrong CSRF token: 403", body)
st, body = c.json("DELETE", "/api/v1/session")
ok(st == 200, "logout with the CSRF token", body)
st, body = c.json("GET", "/api/v1/me")
ok(st == 401 and error_of(body).get("code") == "unauthenticated", "after logout /me is 401", body)

anon = Client()
st, body = anon.json("GET", "/api/v1/me")
ok(st == 401 and "登录" in error_of(body).get("message", ""), "no cookie: 401 with a Chinese message", body)
st, body, _ = anon.raw("GET", "/api/v1/me", headers={"Cookie": "certrenew_session=" + "ab" * 32})
ok(st == 401, "a made-up token: 401")
st, body, _ = anon.raw("GET", "/api/v1/me", headers={"Cookie": "certrenew_session=../../etc/passwd"})
ok(st == 401, "a malformed token: 401")

st, body = anon.json("POST", "/api/v1/session", {"account": "我是测试企业", "password": "wrong-password"})
ok(st == 401 and error_of(body).get("code") == "invalid_credentials", "wrong password: 401", body)
st, body2 = anon.json("POST", "/api/v1/session", {"account": "no-such-account-%d" % random.randint(0, 10**9),
                                                   "password": "wrong-password"})
ok(st == 401 and error_of(body2) == error_of(body), "unknown account: the same answer as a wrong password", body2)

# Session expiry: an idle session is refused.
c = Client()
c.login("zhangsan")
sql("UPDATE sessions SET last_seen = UTC_TIMESTAMP() - INTERVAL 31 MINUTE WHERE token_hash = UNHEX(SHA2(UNHEX('%s'), 256))"
    % c.cookie().value)
st, body = c.json("GET", "/api/v1/me")
ok(st == 401, "a session idle for 31 minutes is refused", body)
c = Client()
c.login("zhangsan")
sql("UPDATE sessions SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE token_hash = UNHEX(SHA2(UNHEX('%s'), 256))"
    % c.cookie().value)
st, body = c.json("GET", "/api/v1/me")
ok(st == 401, "a session past its absolute limit is refused", body)

# Failed-login slowdown for one account (a fresh one, so the demo accounts stay usable).
name = "throttle-%d" % random.randint(0, 10**9)
p = ctl("user", "add", "--role", "individual", name, stdin="right-password-1\n")
ok(p.returncode == 0, "certrenewctl user add", p.stderr)
# Earlier failures from this address (127.0.0.1, like every test) would count too.
sql("DELETE FROM login_attempts WHERE ip IN ('127.0.0.1', '::1')")
t = Client()
sts = [t.json("POST", "/api/v1/session", {"account": name, "password": "wrong-%d" % i})[0] for i in range(5)]
ok(sts == [401] * 5, "five wrong passwords: 401 each", sts)
st, body, hd = t.raw("POST", "/api/v1/session", json.dumps({"account": name, "password": "right-password-1"}))
ok(st == 429 and int(hd.get("Retry-After", "0")) > 0, "the sixth try, even with the right password, must wait (429 + Retry-After)",
   body)
ok("秒后再试" in json.loads(body)["error"]["message"], "the wait is explained in Chinese", body)
time.sleep(int(hd.get("Retry-After", "2")) + 0.5)
st, r = t.login(name, "right-password-1")
ok(st == 200, "after the wait the right password logs in", r)
rows = sql("SELECT COUNT(*) FROM login_attempts WHERE account = '%s' AND outcome <> 'success'" % name)
ok(rows[0][0] == "0", "a successful login clears the account's failures")
# These failures came from 127.0.0.1 like every test: clear them so they slow nobody else.
sql("DELETE FROM login_attempts WHERE ip IN ('127.0.0.1', '::1')")
done()
