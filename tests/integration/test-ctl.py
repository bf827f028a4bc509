"""certrenewctl: migrate is idempotent, user add checks its input, cert import takes
certificates of any CA but refuses CA certificates, a bad config names file, line and key."""
import os
import random
import subprocess
import tempfile

from crtest import *

p = ctl("migrate")
ok(p.returncode == 0 and json.loads(p.stdout)["applied"] == 0, "migrate again applies nothing", p.stdout + p.stderr)
rows = sql("SELECT name FROM schema_migrations ORDER BY name")
ok(rows and rows[0][0] == "001_init.sql", "applied files are recorded", rows)

p = ctl("demo-data")
ok(p.returncode == 0, "demo-data again is harmless", p.stderr)
ok(sql("SELECT COUNT(*) FROM users WHERE login IN ('我是测试企业','zhangsan','reviewer','finance','admin')")[0][0] == "5",
   "five demo accounts, once each")
ca_subject = subprocess.run(["openssl", "x509", "-in", conf_value("ca", "cert"), "-noout", "-subject", "-nameopt",
                             "RFC2253,-esc_msb"], capture_output=True, text=True).stdout.strip().split("=", 1)[1]
rows = sql("SELECT token, pem FROM certificates c JOIN users u ON u.id = c.account_id"
           " WHERE u.login = '我是测试企业' AND c.issuer = '%s' AND c.renews_id IS NULL AND c.order_id IS NULL"
           " ORDER BY c.id LIMIT 2" % ca_subject.replace("'", "''"))
ok(sorted(r[0] for r in rows) == ["primary", "secondary"],
   "the demo enterprise holds a primary and a secondary key, issued by the configured CA", (ca_subject, [r[0] for r in rows]))
for token, pem in rows:
    v = subprocess.run(["openssl", "verify", "-CAfile", conf_value("ca", "chain"), "-untrusted", conf_value("ca", "cert")],
                       input=pem.replace("\\n", "\n"), capture_output=True, text=True)
    ok(v.returncode == 0, "the demo %s certificate verifies against the CA chain" % token, v.stdout + v.stderr)

name = "ctl-test-%d" % random.randint(0, 10**9)
p = ctl("user", "add", "--role", "boss", name, stdin="long-enough-1\n")
ok(p.returncode == 2 and "role" in p.stderr, "an unknown role is refused", p.stderr)
p = ctl("user", "add", "--role", "reviewer", name, stdin="short\n")
ok(p.returncode == 1 and "8" in p.stderr, "a short password is refused", p.stderr)
p = ctl("user", "add", "--role", "reviewer", name, stdin="")
ok(p.returncode == 2 and "password" in p.stderr, "no password on stdin is refused", p.stderr)
p = ctl("user", "add", "--role", "reviewer", "--name", "测试审核员", name, stdin="long-enough-1\n")
ok(p.returncode == 0 and json.loads(p.stdout)["role"] == "reviewer", "a staff user is added", p.stderr)
p = ctl("user", "add", "--role", "reviewer", name, stdin="long-enough-1\n")
ok(p.returncode == 1 and name in p.stderr, "the same login twice is refused, naming it", p.stderr)
c = Client()
st, r = c.login(name, "long-enough-1")
ok(st == 200 and r["user"]["name"] == "测试审核员", "the new user logs in", r)
p = ctl("user", "passwd", name, stdin="another-password-2\n")
ok(p.returncode == 0, "user passwd", p.stderr)
ok(Client().login(name, "another-password-2")[0] == 200 and Client().login(name, "long-enough-1")[0] == 401,
   "only the new password works")
sql("DELETE FROM login_attempts WHERE account = '%s'" % name)
ok(sql("SELECT password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%%' FROM users WHERE login = '%s'" % name)[0][0] == "1",
   "stored as Argon2id m=19 MiB, t=2, p=1")

d = tempfile.mkdtemp(prefix="cr-ctl-")
def openssl(*args):
    return subprocess.run(["openssl", *args], capture_output=True, text=True)
openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", d + "/ca.key",
        "-out", d + "/ca.pem", "-days", "30", "-subj", "/CN=Old Agency CA")
openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/k.pem", "-out", d + "/r.csr", "-utf8",
        "-subj", "/C=CN/O=我是测试企业/CN=我是测试企业")
openssl("x509", "-req", "-in", d + "/r.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key", "-CAcreateserial",
        "-days", "40", "-out", d + "/cert.pem")
p = ctl("cert", "import", "--account", "我是测试企业", "--token", "secondary", d + "/cert.pem")
ok(p.returncode == 0, "a certificate from another CA is imported", p.stderr)
out = json.loads(p.stdout.splitlines()[-1]) if p.stdout else {}
ok(out.get("id") and out.get("created") is True and "我是测试企业" in out.get("subject", ""),
   "it prints the id and the subject", out)
p2 = ctl("cert", "import", "--account", "我是测试企业", "--token", "secondary", d + "/cert.pem")
out2 = json.loads(p2.stdout.splitlines()[-1]) if p2.stdout else {}
ok(p2.returncode == 0 and out2.get("id") == out.get("id") and out2.get("created") is False,
   "importing it again gives the same id", out2)
# Every command that changes state is audited with the operator's system user.
import pwd
me = "certrenewctl:" + pwd.getpwuid(os.getuid()).pw_name
uid = sql("SELECT id FROM users WHERE login = '%s'" % name)[0][0]
rows = sql("SELECT action, actor FROM audit_log WHERE action NOT LIKE 'login.%%' AND ((object_type = 'user' AND object_id IN ('%s', '%s'))"
           " OR (object_type = 'certificate' AND object_id = '%s')) ORDER BY id" % (uid, name, out.get("id")))
ok([r[0] for r in rows] == ["user.create", "user.password_reset", "certificate.import"] and
   all(r[1].startswith(me) for r in rows),
   "user add, user passwd and cert import are audited as %s (an import of a known certificate is not)" % me, rows)
p = ctl("cert", "import", "--account", "我是测试企业", d + "/ca.pem")
ok(p.returncode == 1 and "CA certificate" in p.stderr, "a CA certificate is refused", p.stderr)
with open(d + "/junk.pem", "w") as f:
    f.write("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
p = ctl("cert", "import", "--account", "我是测试企业", d + "/junk.pem")
ok(p.returncode == 1 and "junk.pem" in p.stderr, "an unparsable file is refused, naming it", p.stderr)
p = ctl("cert", "import", "--account", "no-such-account", d + "/cert.pem")
ok(p.returncode == 1 and "no-such-account" in p.stderr, "an unknown account is refused", p.stderr)
p = ctl("cert", "import", "--account", "reviewer", d + "/cert.pem")
ok(p.returncode == 1 and "staff" in p.stderr, "staff accounts hold no certificates", p.stderr)
sql("DELETE FROM certificates WHERE id = %d" % out.get("id", 0))

with open(d + "/bad.conf", "w") as f:
    f.write("[db]\nname = certrenew\n\n[web]\nworkers = many\n")
p = ctl("config", conf=d + "/bad.conf")
ok(p.returncode == 1 and "bad.conf:5:" in p.stderr and "[web] workers" in p.stderr,
   "a bad value stops the program naming file, line and key", p.stderr)
with open(d + "/bad.conf", "w") as f:
    f.write("[db]\nnmae = certrenew\n")
p = subprocess.run([os.path.join(BUILD, "certrenewd"), "-c", d + "/bad.conf"], capture_output=True, text=True, timeout=10)
ok(p.returncode == 1 and "bad.conf:2:" in p.stderr and "unknown option" in p.stderr, "certrenewd refuses an unknown key",
   p.stderr)
p = subprocess.run([os.path.join(BUILD, "certrenew-fcgi"), "-c", d + "/missing.conf"], capture_output=True, text=True,
                   timeout=10)
ok(p.returncode == 1 and "missing.conf" in p.stderr, "certrenew-fcgi names a missing config file", p.stderr)
p = ctl("config")
ok(p.returncode == 0 and "password = ********" in p.stdout and conf_value("db", "password") not in p.stdout,
   "config prints the configuration with the password masked")
# A bad bank.export_labels is refused when the configuration is read, naming it, not in the middle of an import.
bad = os.path.join(tempfile.mkdtemp(prefix="cr-conf-"), "bad.conf")
open(bad, "w", encoding="utf-8").write(open(CONF, encoding="utf-8").read() + "\n[bank]\nexport_labels = when:入账时间\n")
p = ctl("jobs", conf=bad)
ok(p.returncode == 1 and "bank.export_labels" in p.stderr and "unknown role 'when'" in p.stderr,
   "a bad bank.export_labels stops certrenewctl at start, naming the option", p.stderr)
daemon = subprocess.run([os.path.join(BUILD, "certrenewd"), "-c", bad, "-p", bad + ".pid"], capture_output=True,
                        text=True, timeout=20)
ok(daemon.returncode == 1 and "bank.export_labels" in daemon.stderr, "and certrenewd", daemon.stderr)
p = ctl("jobs", "add", "no-such-kind")
ok(p.returncode == 2 and "unknown job kind" in p.stderr, "jobs add refuses an unknown kind", p.stderr)
done()
