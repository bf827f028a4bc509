"""Concurrent staff and customers: two reviewers approving one application make one
order; parallel approvals get distinct order numbers; parallel logins and decisions
leave an audit chain without forks."""
import threading
import time

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

cust = Client(); cust.login("我是测试企业")
r1 = Client(); r1.login("reviewer")
r2 = Client(); r2.login("reviewer")


def parallel(fns):
    out = [None] * len(fns)

    def run(i, f):
        out[i] = f()
    ts = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(fns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    return out


# Two reviewers press 审核通过 on the same application at the same moment.
app = submitted_application(cust, seed=501)
res = parallel([lambda c=c: c.json("POST", "/api/v1/review/applications/%d/approve" % app["id"], {}) for c in (r1, r2)])
codes = sorted(st for st, _ in res)
ok(codes == [200, 409], "one approval wins, the other is refused (%s)" % codes, res)
ok(sql("SELECT COUNT(*) FROM orders WHERE application_id = %d" % app["id"])[0][0] == "1", "exactly one order exists")

# Ten applications approved at once: ten distinct, valid order numbers.
apps = [submitted_application(cust, seed=510 + i) for i in range(10)]
res = parallel([lambda a=a, c=(r1 if i % 2 else r2): c.json("POST", "/api/v1/review/applications/%d/approve" % a["id"], {})
                for i, a in enumerate(apps)])
nos = [body.get("order_no") for st, body in res if st == 200]
ok(len(nos) == 10 and len(set(nos)) == 10 and all(damm_ok(n) for n in nos), "ten approvals, ten distinct valid order numbers",
   res)

# Logins, failed logins and decisions all at once; then the chain must still verify.
sql("DELETE FROM login_attempts WHERE ip IN ('127.0.0.1', '::1')")
work = [lambda: Client().login("zhangsan")[0] for _ in range(12)]
work += [lambda: Client().login("zhangsan", "wrong-password")[0] for _ in range(3)]
more = [submitted_application(cust, seed=530 + i) for i in range(4)]
work += [lambda a=a: r1.json("POST", "/api/v1/review/applications/%d/reject" % a["id"], {"reason": "并发测试"})[0] for a in more]
res = parallel(work)
ok(res.count(200) == 16 and res.count(401) == 3, "concurrent logins and rejections all answered (%s)" % res)
# Eight browsers of one account run the whole wizard at once, six applications each (create, seven uploads,
# step 3 with trading centres, submit): deadlocks between them are retried whole, so nobody sees a 5xx.
centres = [int(r[0]) for r in sql("SELECT id FROM trading_centres WHERE active = 1 ORDER BY id LIMIT 3")]
certs = [[new_cert() for _ in range(6)] for _ in range(8)]
jpg = fixture("scan.jpg")


def wizard(k):
    c = Client()
    c.login("我是测试企业")
    codes = []
    for j, cert in enumerate(certs[k]):
        st, app = c.json("POST", "/api/v1/applications", step1(cert, seed=700 + k * 10 + j))
        codes.append(("create", st))
        if st != 201:
            continue
        for kind in KINDS:
            codes.append(("upload", c.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (app["id"], kind), jpg,
                                          ctype="image/jpeg")[0]))
        codes.append(("step3", c.json("PATCH", "/api/v1/applications/%d" % app["id"],
                                      step3(centres[:1 + (k + j) % len(centres)] if centres else ()))[0]))
        codes.append(("submit", c.json("POST", "/api/v1/applications/%d/submit" % app["id"], {})[0]))
    return codes


t0 = time.time()
res = parallel([lambda k=k: wizard(k) for k in range(8)])
codes = [c for r in res if r for c in r]
ok(len(codes) == 8 * 6 * 10, "8 customers × 6 applications: every step answered (%d requests in %.1f s)" %
   (len(codes), time.time() - t0), len(codes))
ok(not [c for c in codes if c[1] >= 500], "no answer is a 5xx (deadlocks retried whole)",
   sorted(set(c for c in codes if c[1] >= 500)))
ok(codes.count(("create", 201)) == 48 and codes.count(("submit", 200)) == 48 and
   all(st < 300 for _, st in codes), "all 48 applications were created, filled in and submitted",
   sorted(set(codes)))
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain has no fork after concurrent writes", p.stdout + p.stderr)
sql("DELETE FROM login_attempts WHERE ip IN ('127.0.0.1', '::1')")
done()
