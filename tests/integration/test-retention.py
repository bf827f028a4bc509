"""Keeping and deleting (issue 23): with the clock moved forward (the applications' last change moved back by SQL),
the daily purge_documents job deletes the documents of drafts untouched for retention.draft_days (90) and of
rejected or cancelled applications untouched for retention.closed_days (180): rows and files, each application
with an audit row naming the kinds, sizes and SHA-256 of what went, never the content.  Recent drafts, submitted
and approved applications keep theirs; the application rows, their audit rows and the certificates stay; a second
run deletes nothing more; the customer can delete an unsubmitted draft with its files at once.  Old audit rows
move to audit_archive (certrenewctl audit archive; the daily job after [retention] audit_live_days) and audit
verify still checks them as one chain with the live rows, finding a changed archived row."""
import json
import os

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
files_dir = conf_value("attachments", "dir")
jpg = fixture("scan.jpg")


def draft(seed, kinds=("business_license", "company_seal")):
    cert = new_cert()
    st, app = cust.json("POST", "/api/v1/applications", step1(cert, seed=seed))
    for k in kinds:
        st, _, _ = cust.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (app["id"], k), jpg, ctype="image/jpeg")
    return app["id"]


def stored(app_id):
    return [r[0] for r in sql("SELECT stored_name FROM attachments WHERE application_id = %d ORDER BY kind" % app_id)]


def age(app_id, days):
    """Moves the application's last change back days (the clock forward for it)."""
    sql("UPDATE applications SET updated_at = updated_at - INTERVAL %d DAY WHERE id = %d" % (days, app_id))


def purge():
    p = ctl("jobs", "add", "purge_documents", "{}")
    jid = json.loads(p.stdout)["id"]
    return wait_for(lambda: sql("SELECT status FROM jobs WHERE id = %d" % jid)[0][0] in ("done", "dead"), 60) and \
        sql("SELECT status FROM jobs WHERE id = %d" % jid)[0][0] == "done"


seed = int(time.time()) % 100000 + 300000
old_draft = draft(seed)
young_draft = draft(seed + 1)
# A rejected one, a cancelled one and a submitted one, all documents in, all long untouched.
rejected = submitted_application(cust, seed=seed + 2)["id"]
rev.json("POST", "/api/v1/review/applications/%d/reject" % rejected, {"reason": "营业执照扫描件不清晰"})
cancelled = submitted_application(cust, seed=seed + 3)["id"]
cust.json("POST", "/api/v1/applications/%d/cancel" % cancelled, {})
waiting = submitted_application(cust, seed=seed + 4)["id"]
rejected_young = submitted_application(cust, seed=seed + 5)["id"]
rev.json("POST", "/api/v1/review/applications/%d/reject" % rejected_young, {"reason": "营业执照扫描件不清晰"})
status = dict(sql("SELECT id, status FROM applications WHERE id IN (%d, %d, %d)" % (rejected, cancelled, waiting)))
ok(status == {str(rejected): "rejected", str(cancelled): "cancelled", str(waiting): "submitted"},
   "set up: a rejected, a cancelled and a submitted application", status)
files = {a: stored(a) for a in (old_draft, young_draft, rejected, cancelled, waiting, rejected_young)}
ok(all(files.values()) and all(os.path.exists(os.path.join(files_dir, n)) for v in files.values() for n in v),
   "each has its documents, rows and files")

age(old_draft, 91)
age(young_draft, 89)
age(rejected, 181)
age(cancelled, 181)
age(waiting, 400)
age(rejected_young, 179)
audit_before = int(sql("SELECT MAX(id) FROM audit_log")[0][0])
ok(purge(), "the purge_documents job runs")
for app_id, what in ((old_draft, "a draft untouched 91 days"), (rejected, "a rejected application untouched 181 days"),
                     (cancelled, "a cancelled application untouched 181 days")):
    ok(stored(app_id) == [] and not any(os.path.exists(os.path.join(files_dir, n)) for n in files[app_id]),
       "%s: its documents are deleted, rows and files" % what)
    rows = sql("SELECT action, before_state, after_state FROM audit_log WHERE id > %d AND object_type = 'application'"
               " AND object_id = '%d'" % (audit_before, app_id))
    before = json.loads(rows[0][1]) if len(rows) == 1 else {}
    ok(len(rows) == 1 and rows[0][0] == "application.documents_purged" and
       len(before.get("documents", [])) == len(files[app_id]) and
       all(len(d["sha256"]) == 64 and d["bytes"] > 0 and d["kind"] for d in before["documents"]) and
       "content" not in rows[0][1] and "stored_name" not in rows[0][1],
       "%s: one audit row names each document (kind, size, SHA-256), not its content" % what, rows)
    ok(sql("SELECT COUNT(*) FROM applications WHERE id = %d" % app_id)[0][0] == "1",
       "%s: the application itself stays" % what)
for app_id, what in ((young_draft, "a draft untouched 89 days"), (waiting, "a submitted application, 400 days"),
                     (rejected_young, "a rejected application untouched 179 days")):
    ok(stored(app_id) == files[app_id] and all(os.path.exists(os.path.join(files_dir, n)) for n in files[app_id]),
       "%s keeps its documents" % what)
st, body, _ = rev.raw("GET", "/api/v1/applications/%d/attachments/company_seal" % rejected)
ok(st == 404, "a deleted document is gone for the reviewer too (404)", st)
st, app = cust.json("GET", "/api/v1/applications/%d" % old_draft)
ok(st == 200, "the customer still sees the old draft (its documents to upload again)", st)

n = int(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'application.documents_purged'")[0][0])
ok(purge() and int(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'application.documents_purged'")[0][0]) == n,
   "a second run deletes nothing more")

# The customer deletes an unsubmitted draft with its files at once.
now = draft(seed + 6)
names = stored(now)
st, _ = cust.json("DELETE", "/api/v1/applications/%d" % now)
ok(st in (200, 204) and sql("SELECT COUNT(*) FROM applications WHERE id = %d" % now)[0][0] == "0" and
   not any(os.path.exists(os.path.join(files_dir, n)) for n in names),
   "the customer deletes a draft: the application, its documents and their files at once", st)
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies after the deletions", p.stdout[-500:] + p.stderr[-500:])

# Old audit rows move out of the live table into audit_archive, one chain still: the oldest live rows here.
total = json.loads(p.stdout)["rows"]
first = int(sql("SELECT MIN(id) FROM audit_log")[0][0])
# The second after the 301st oldest live row's (a cut is to the second): that row and those before it move.
cut = sql("SELECT DATE_FORMAT(CAST(LEFT(at, 19) AS DATETIME) + INTERVAL 1 SECOND, '%Y-%m-%d %H:%i:%s')"
          " FROM audit_log ORDER BY id LIMIT 1 OFFSET 300")[0][0]
for bad in ("2026-13-01", "yesterday", "2026-12-01 25:00:00"):
    p = ctl("audit", "archive", "--before", bad)
    ok(p.returncode != 0 and "before" in p.stderr, "archive --before %s is refused" % bad, p.stderr)
archived_before = int(sql("SELECT COUNT(*) FROM audit_archive")[0][0])
p = ctl("audit", "archive", "--before", cut)
moved = json.loads(p.stdout)["archived"] if p.returncode == 0 else -1
ok(p.returncode == 0 and moved >= 301 and int(sql("SELECT MIN(id) FROM audit_log")[0][0]) > first and
   int(sql("SELECT COUNT(*) FROM audit_archive")[0][0]) == archived_before + moved,
   "audit archive --before %s moves the oldest rows (%d) out of the live table" % (cut, moved), p.stdout + p.stderr)
ok(sql("SELECT COUNT(*) FROM audit_archive a JOIN audit_log l ON l.id = a.id")[0][0] == "0",
   "no row is in both tables")
ok(sql("SELECT COUNT(*) FROM audit_log WHERE id < (SELECT id FROM audit_log WHERE at >= '%s'"
       " ORDER BY at, id LIMIT 1)" % cut)[0][0] == "0", "every row before the first one made at the cut moved")
p = ctl("audit", "verify")
ok(p.returncode == 0 and json.loads(p.stdout)["rows"] >= total + 1,
   "audit verify walks the archive and the live rows as one chain (%s rows)" % json.loads(p.stdout or "{}").get("rows"),
   p.stdout + p.stderr)
row = sql("SELECT id, ip FROM audit_archive ORDER BY id DESC LIMIT 1")[0]
sql("UPDATE audit_archive SET ip = '6.6.6.6' WHERE id = %s" % row[0])
p = ctl("audit", "verify")
ok(p.returncode == 1 and json.loads(p.stdout).get("broken_id") == int(row[0]),
   "an archived row changed is found by verify, naming it", p.stdout)
sql("UPDATE audit_archive SET ip = '%s' WHERE id = %s" % (row[1], row[0]))
p = ctl("audit", "verify")
ok(p.returncode == 0, "and the chain is whole again once it is put back", p.stdout + p.stderr)
adm = Client(); adm.login("admin")
st, live = adm.json("GET", "/api/v1/admin/audit?limit=5")
st2, old = adm.json("GET", "/api/v1/admin/audit?archived=1&limit=5")
newest_archived = int(sql("SELECT MAX(id) FROM audit_archive")[0][0])
ok(st == 200 and st2 == 200 and old["items"] and old["items"][0]["id"] == newest_archived and
   all(r["id"] > newest_archived for r in live["items"]),
   "审计日志 reads the archived rows too (?archived=1), newest first", (st2, old.get("items", [])[:1]))
p = ctl("audit", "archive", "--before", cut)
ok(p.returncode == 0 and json.loads(p.stdout)["archived"] == 0, "archiving again to the same time moves nothing",
   p.stdout)
done()
