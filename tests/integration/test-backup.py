"""Backups that restore (issue 22): contrib/backup.sh (installed as certrenew-backup) takes the running stack's
database as one snapshot and its files (audit key, CA, attachments, bank statements); contrib/restore.sh puts
them into an empty database and a scratch root; there the audit chain verifies, the ledger check passes, every
row the snapshot held is there and every attachment's file has its recorded SHA-256.  A backup that does not
match its sums, and a database that is not empty, are refused."""
import hashlib
import os
import shutil
import subprocess
import tempfile

from crtest import *

for table in ("orders", "payments", "certificates", "audit_log"):
    ok(int(sql("SELECT COUNT(*) FROM %s" % table)[0][0]) > 0, "the stack has %s to back up" % table)

work = tempfile.mkdtemp(prefix="cr-backup-")
bk = os.path.join(work, "backup")
p = subprocess.run([os.path.join(TOP, "contrib", "backup.sh"), "-c", CONF, bk], capture_output=True, text=True,
                   timeout=600)
ok(p.returncode == 0 and sorted(os.listdir(bk)) == ["SHA256SUMS", "db.sql.gz", "files.tar.gz"],
   "certrenew-backup writes the dump, the files and their sums", p.stderr[-500:])
ok(oct(os.stat(bk).st_mode & 0o777) == "0o700" and all(os.stat(os.path.join(bk, f)).st_mode & 0o077 == 0
                                                         for f in os.listdir(bk)),
   "the backup (it holds the CA key) is readable by its owner only")
ok(conf_value("db", "password") not in p.stdout + p.stderr, "the database password is not printed")

# An empty database and a scratch root, named by a copy of the configuration.
root_sql = ["mariadb", "--socket", conf_value("db", "socket"), "-uroot", "-e"]
r = subprocess.run(root_sql + ["DROP DATABASE IF EXISTS certrenew_restore; CREATE DATABASE certrenew_restore "
                               "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; GRANT ALL ON certrenew_restore.* "
                               "TO '%s'@'localhost'" % conf_value("db", "user")], capture_output=True, text=True)
ok(r.returncode == 0, "an empty database to restore into", r.stderr)
root = os.path.join(work, "root")
conf2 = os.path.join(work, "certrenew.conf")
lines, section = [], None
for line in open(CONF, encoding="utf-8"):
    s = line.strip()
    if s.startswith("["):
        section = s.strip("[]")
    key = s.split("=", 1)[0].strip() if "=" in s else None
    val = s.split("=", 1)[1].strip() if "=" in s else ""
    if section == "db" and key == "name":
        line = "name = certrenew_restore\n"
    elif key in ("data_dir", "dir", "inbox", "archive_dir", "failed_dir", "cert", "key", "chain") and \
            section in ("paths", "attachments", "bank", "ca") and val.startswith("/"):
        line = "%s = %s%s\n" % (key, root, val)
    lines.append(line)
open(conf2, "w", encoding="utf-8").write("".join(lines))

p = subprocess.run([os.path.join(TOP, "contrib", "restore.sh"), "-c", conf2, "--root", root, bk], capture_output=True,
                   text=True, timeout=900)
ok(p.returncode == 0, "certrenew-restore loads it into the empty database and the scratch root", p.stderr[-800:])


def rsql(q):
    out = subprocess.run(["mariadb", "--socket", conf_value("db", "socket"), "-uroot", "-N", "-B", "certrenew_restore",
                          "-e", q], capture_output=True, text=True, timeout=120)
    return [l.split("\t") for l in out.stdout.splitlines()]


# Every row of the snapshot: the restored table holds exactly the source's rows up to its highest id (rows the
# running stack added after the snapshot are the only difference).
short = []
for table in ("applications", "attachments", "orders", "payments", "credits", "online_payments", "certificates",
              "statements", "audit_log", "invoices", "refunds", "users", "jobs"):
    n, top = rsql("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM %s" % table)[0]
    src = sql("SELECT COUNT(*) FROM %s WHERE id <= %s" % (table, top))[0][0]
    if n != src:
        short.append((table, n, src))
ok(not short, "every table holds every row of the snapshot", short)
seq_src, seq_dst = sql("SELECT next_not_cached_value FROM order_no_seq")[0][0], \
    rsql("SELECT next_not_cached_value FROM order_no_seq")[0][0]
ok(int(seq_dst) > 0 and int(seq_dst) <= int(seq_src), "the order-number sequence comes back with its position",
   (seq_dst, seq_src))

m = ctl("migrate", conf=conf2)
ok(m.returncode == 0, "certrenewctl migrate on the restored database: nothing to do or done", m.stderr[-300:])
a = ctl("audit", "verify", conf=conf2)
ok(a.returncode == 0, "certrenewctl audit verify passes on the restored database (the audit key came back too)",
   (a.stdout[-300:], a.stderr[-300:]))
lc = ctl("ledger", "check", conf=conf2)
ok(lc.returncode == 0, "certrenewctl ledger check passes on the restored database", (lc.stdout[-400:], lc.stderr[-300:]))

files_dir = root + conf_value("attachments", "dir")
bad = []
for stored, sha in rsql("SELECT stored_name, sha256 FROM attachments ORDER BY id DESC LIMIT 300"):
    path = os.path.join(files_dir, stored)
    if not os.path.isfile(path) or hashlib.sha256(open(path, "rb").read()).hexdigest() != sha:
        bad.append(stored)
ok(not bad, "every attachment's file is restored with its recorded SHA-256", bad[:5])
ca_key = root + conf_value("ca", "key")
ok(os.path.isfile(ca_key) and os.stat(ca_key).st_mode & 0o077 == 0, "the CA key is restored, still private")

p = subprocess.run([os.path.join(TOP, "contrib", "restore.sh"), "-c", conf2, "--root", root, bk], capture_output=True,
                   text=True, timeout=120)
ok(p.returncode != 0 and "not empty" in p.stderr, "a second restore over the now full database is refused", p.stderr)
with open(os.path.join(bk, "files.tar.gz"), "r+b") as f:
    f.seek(100)
    b = f.read(1)
    f.seek(100)
    f.write(bytes([b[0] ^ 1]))
p = subprocess.run([os.path.join(TOP, "contrib", "restore.sh"), "-c", conf2, "--root", root + "2", bk],
                   capture_output=True, text=True, timeout=120)
ok(p.returncode != 0 and "SHA256SUMS" in p.stderr and not os.path.exists(root + "2"),
   "a backup changed by one bit is refused before anything is restored", p.stderr)

subprocess.run(root_sql + ["DROP DATABASE certrenew_restore"], capture_output=True)
shutil.rmtree(work, ignore_errors=True)
done()
