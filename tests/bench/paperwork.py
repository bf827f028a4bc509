"""Paperwork (issue 24) against the running stack, through nginx: how long a filled form and a payment notice take
to draw, how many forms a second the workers draw together, and what reading the QR code adds to an upload (the
same scan uploaded as a printed form, which is read, and as the company seal, which is not), for the scans people
send: 150 dpi grey JPEG, 300 dpi colour JPEG, a 12-megapixel phone photo, a scanner's PDF.  Prints figures; fails
only when an answer is wrong.  Run by contrib/dev.sh bench."""
import concurrent.futures
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from crtest import Client, approved_order, new_cert, scanner_pdf, step1, step3  # noqa: E402

N = int(os.environ.get("BENCH_PAPER_N", "40"))
tmp = tempfile.mkdtemp(prefix="cr-bench-paper-")


def timed(fn, n):
    ms = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1000)
    ms.sort()
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]


def check(cond, what):
    if not cond:
        print("FAILED: " + what)
        sys.exit(1)


cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
st, app = cust.json("POST", "/api/v1/applications", step1(new_cert(), seed=990001))
check(st == 201, "a draft: %s %s" % (st, app))
aid = app["id"]
cust.json("PATCH", "/api/v1/applications/%d" % aid, step3(centres=[1, 2], years=2))
order = approved_order(cust, rev, seed=990002)

print("# paperwork: %d requests each, one at a time (p50 / p99 ms)" % N)
for kind in ("application_form", "responsibility_letter", "power_of_attorney"):
    def get(kind=kind):
        st, body, _ = cust.raw("GET", "/api/v1/applications/%d/forms/%s.pdf" % (aid, kind))
        check(st == 200 and body[:5] == b"%PDF-", kind)
    p50, p99 = timed(get, N)
    print("form %-22s %7.1f / %7.1f" % (kind, p50, p99))


def notice():
    st, body, _ = cust.raw("GET", "/api/v1/orders/%s/notice.pdf" % order["order_no"])
    check(st == 200 and body[:5] == b"%PDF-", "notice")


p50, p99 = timed(notice, N)
print("payment notice               %7.1f / %7.1f" % (p50, p99))

# Forms a second with four clients at once (the workers draw in parallel).
clients = []
for _ in range(4):
    c = Client(); c.login("我是测试企业"); clients.append(c)
t0 = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(4) as ex:
    list(ex.map(lambda i: clients[i % 4].raw("GET", "/api/v1/applications/%d/forms/application_form.pdf" % aid),
                range(N * 4)))
print("forms drawn a second, 4 clients: %.0f" % (N * 4 / (time.perf_counter() - t0)))

# Scans as people send them.
st, pdf, _ = cust.raw("GET", "/api/v1/applications/%d/forms/application_form.pdf" % aid)
src = os.path.join(tmp, "form.pdf")
open(src, "wb").write(pdf)


def render(name, *args):
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-singlefile", *args, src, os.path.join(tmp, name)], check=True)


render("grey150", "-r", "150", "-gray", "-jpeg")
render("colour300", "-r", "300", "-jpeg")
render("phone", "-scale-to-x", "3000", "-scale-to-y", "4000", "-jpeg", "-jpegopt", "quality=85")
render("scan200", "-r", "200", "-gray", "-jpeg")
scan200 = scanner_pdf(open(os.path.join(tmp, "scan200.jpg"), "rb").read())
# The three forms scanned into one PDF, the application form last: three pages read before its code is found.
pages = []
for kind in ("responsibility_letter", "power_of_attorney"):
    st, other, _ = cust.raw("GET", "/api/v1/applications/%d/forms/%s.pdf" % (aid, kind))
    open(os.path.join(tmp, kind + ".pdf"), "wb").write(other)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-singlefile", "-r", "200", "-gray", "-jpeg",
                    os.path.join(tmp, kind + ".pdf"), os.path.join(tmp, kind)], check=True)
    pages.append(os.path.join(tmp, kind + "-scan.pdf"))
    open(pages[-1], "wb").write(scanner_pdf(open(os.path.join(tmp, kind + ".jpg"), "rb").read()))
pages.append(os.path.join(tmp, "scan200.pdf"))
open(pages[-1], "wb").write(scan200)
subprocess.run(["pdfunite", *pages, os.path.join(tmp, "three.pdf")], check=True)

print("# uploads: a printed form (its QR code read) against the company seal (not read), p50 ms of %d" % (N // 4))
scans = [("150 dpi grey JPEG", open(os.path.join(tmp, "grey150.jpg"), "rb").read(), "image/jpeg"),
         ("300 dpi colour JPEG", open(os.path.join(tmp, "colour300.jpg"), "rb").read(), "image/jpeg"),
         ("12 MP phone photo", open(os.path.join(tmp, "phone.jpg"), "rb").read(), "image/jpeg"),
         ("scanner's PDF, 200 dpi", scan200, "application/pdf"),
         ("3 forms in 1 PDF, 3rd", open(os.path.join(tmp, "three.pdf"), "rb").read(), "application/pdf")]
for name, data, ctype in scans:
    res = {}
    for kind in ("application_form", "company_seal"):
        def put(kind=kind):
            st, _, _ = cust.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (aid, kind), data, ctype=ctype)
            check(st == 201, "upload %s as %s: %s" % (name, kind, st))
        res[kind] = timed(put, max(3, N // 4))[0]
    st, got = cust.json("GET", "/api/v1/applications/%d" % aid)
    state = got["attachments"]["application_form"]["paper"]["state"]
    check(state == "ok", "%s: read as %s" % (name, state))
    print("%-24s %7d KB  form %6.0f  seal %6.0f  QR read adds %5.0f" % (name, len(data) // 1024, res["application_form"],
                                                                       res["company_seal"],
                                                                       res["application_form"] - res["company_seal"]))
cust.json("DELETE", "/api/v1/applications/%d" % aid)
