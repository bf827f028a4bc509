"""The disk of the attachment store and of uploaded statements full (issue 22): a certrenew-fcgi of this test
keeps its files on a small tmpfs that is filled to the last byte.  A customer's upload and finance's statement
upload are answered 507 with a clear Chinese message (code storage_full), nothing is half-written (no file, no
temporary file, no row), and once space returns the same uploads go through."""
import errno
import os
import shutil
import subprocess
import tempfile
import time

import sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from crtest import *  # noqa: E402

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
d = tempfile.mkdtemp(prefix="cr-full-")
m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", d], capture_output=True, text=True)
if m.returncode != 0:
    bail("cannot mount a small tmpfs here (%s): run as root" % m.stderr.strip())
try:
    sock = os.path.join(RUN, "fcgi-full.sock")
    conf = os.path.join(RUN, "certrenew-full.conf")
    lines, section = [], None
    for line in open(CONF, encoding="utf-8"):
        s = line.strip()
        if s.startswith("["):
            section = s.strip("[]")
        key = s.split("=", 1)[0].strip() if "=" in s else None
        if section == "web" and key == "socket":
            line = "socket = %s\n" % sock
        elif section == "web" and key == "workers":
            line = "workers = 2\n"
        elif section == "paths" and key == "data_dir":
            line = "data_dir = %s\n" % d
        elif section == "attachments" and key == "dir":
            line = "dir = %s/attachments\n" % d
        lines.append(line)
    open(conf, "w", encoding="utf-8").write("".join(lines))
    log = open(os.path.join(RUN, "log", "certrenew-fcgi-full.log"), "a")
    master = subprocess.Popen([os.path.join(BUILD, "certrenew-fcgi"), "-c", conf], stdout=log, stderr=log)
    ok(wait_for(lambda: os.path.exists(sock), 10), "a certrenew-fcgi keeping its files on a 512 KiB tmpfs starts")

    cust = Client(); cust.login("我是测试企业")
    fin = Client(); fin.login("finance")
    st, app = cust.json("POST", "/api/v1/applications", step1(new_cert(), seed=int(time.time()) % 100000))
    ok(st == 201, "an application to upload to", app)

    def as_(c, extra=None):
        h = {"HTTP_COOKIE": "certrenew_session=" + c.cookie().value, "HTTP_X_CSRF_TOKEN": c.csrf}
        h.update(extra or {})
        return h

    def answer(out):
        head, _, body = out.partition(b"\r\n\r\n")
        status = int(head.split(b"\r\n")[0].split()[1])
        try:
            return status, json.loads(body)
        except ValueError:
            return status, {"_raw": body[:200]}

    def upload():
        return answer(fcgi_request(sock, "PUT", "/api/v1/applications/%d/attachments/business_license" % app["id"],
                                   as_(cust, {"CONTENT_TYPE": "image/jpeg"}), fixture("scan.jpg")))

    def statement_upload(text):
        return answer(fcgi_request(sock, "POST", "/api/v1/statements", as_(fin, {
            "CONTENT_TYPE": "application/xml", "HTTP_X_FILE_NAME": "full.xml"}), text))

    # Fill the disk to the last byte.
    os.makedirs(os.path.join(d, "attachments"), exist_ok=True)
    os.makedirs(os.path.join(d, "statements"), exist_ok=True)
    filler = os.path.join(d, "filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as e:
        ok(e.errno == errno.ENOSPC, "the tmpfs is full")
    try:  # and the last partial block
        while True:
            os.write(fd, b"\0")
    except OSError:
        pass
    os.close(fd)
    files_before = sorted(os.path.relpath(os.path.join(r, n), d) for r, _, ns in os.walk(d) for n in ns)

    st, body = upload()
    ok(st == 507 and error_of(body).get("code") == "storage_full" and "存储空间不足" in error_of(body).get("message", ""),
       "an attachment upload on a full disk: 507 storage_full in Chinese (%s)" % error_of(body).get("message"), (st, body))
    rows = sql("SELECT COUNT(*) FROM attachments WHERE application_id = %d" % app["id"])[0][0]
    ok(rows == "0", "no attachment row was written", rows)
    path = statement((12345, "无关的转账", "某公司", "FULL-%d" % time.time()))
    text = open(path, "rb").read()
    before = sql("SELECT COUNT(*) FROM statements")[0][0]
    st, body = statement_upload(text)
    ok(st == 507 and error_of(body).get("code") == "storage_full", "a statement upload on a full disk: 507 storage_full",
       (st, body))
    ok(sql("SELECT COUNT(*) FROM statements")[0][0] == before, "no import was queued for it")
    files_after = sorted(os.path.relpath(os.path.join(r, n), d) for r, _, ns in os.walk(d) for n in ns)
    ok(files_after == files_before, "nothing half-written is left on the disk (no file, no temporary file)",
       sorted(set(files_after) - set(files_before)))
    p = subprocess.run(["grep", "-c", "507", os.path.join(RUN, "log", "certrenew-fcgi-full.log")], capture_output=True,
                       text=True)
    ok(int(p.stdout.strip() or 0) >= 2, "the operator sees each refusal in the log (an error line with the reason)")

    # Space comes back: the same uploads go through.
    os.unlink(filler)
    st, body = upload()
    ok(st in (200, 201), "with space again the attachment is stored (%d)" % st, body)
    ok(sql("SELECT COUNT(*) FROM attachments WHERE application_id = %d" % app["id"])[0][0] == "1", "and recorded")
    st, body = statement_upload(text)
    ok(st == 202 and body.get("status") in ("queued", "running", "done"), "and the statement is taken (%d)" % st, body)
    if st == 202:
        ok(wait_for(lambda: sql("SELECT status FROM statements WHERE id = %d" % body["id"])[0][0] == "done", 60),
           "and imported", sql("SELECT status, error FROM statements WHERE id = %d" % body["id"]))
    master.terminate()
    master.wait(20)
    # What was stored on the tmpfs joins the stack's own stores, so that every row still names a file
    # (test-backup checks each attachment's).
    for sub, dest in (("attachments", conf_value("attachments", "dir")),
                      ("statements", os.path.join(conf_value("paths", "data_dir"), "statements"))):
        for root, _, names in os.walk(os.path.join(d, sub)):
            for n in names:
                rel = os.path.relpath(os.path.join(root, n), os.path.join(d, sub))
                os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
                shutil.copy2(os.path.join(root, n), os.path.join(dest, rel))
finally:
    subprocess.run(["umount", "-l", d])
    shutil.rmtree(d, ignore_errors=True)
    for f in (os.path.join(RUN, "certrenew-full.conf"),):
        if os.path.exists(f):
            os.unlink(f)
p = ctl("audit", "verify")
ok(p.returncode == 0, "the audit chain verifies", p.stdout + p.stderr)
done()
