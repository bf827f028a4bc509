"""Paperwork the customer no longer types (issue 24): the three forms come as PDFs already filled from the
application, each with the application id and a QR code of it; a stamped scan uploaded back is recognised as
belonging to its application (or to another one, another form, or an older printing); the payment notice of an
order carries the order number, the amount in figures and in capitals, the agency's account and the payer.

Every PDF is read by poppler's pdftotext, drawn by pdftoppm (pages kept as tests/e2e/paper-*.png beside the
browser tests' screenshots) and its QR code decoded by zbarimg, tools that never saw our code.  Scans are made the
way a scanner makes them: the printed page drawn to JPEG, PNG or PDF at scanner resolutions, in grey, compressed."""
import atexit
import json
import os
import shutil
import subprocess
import struct
import tempfile
import zlib

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
for tool in ("pdftotext", "pdftoppm", "zbarimg"):
    if shutil.which(tool) is None:
        bail("%s is missing (apt-get install poppler-utils zbar-tools)" % tool)

SHOTS = os.path.join(TOP, "tests", "e2e")
tmp = tempfile.mkdtemp(prefix="cr-paper-")
DIGITS = "零壹贰叁肆伍陆柒捌玖"


def capitals(fen):
    """Chinese capitals, written here independently of the server's code, for the amounts a notice shows."""
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    out, started, zero = "", False, False
    groups = [(yuan // 10 ** 12) % 10000, (yuan // 10 ** 8) % 10000, (yuan // 10 ** 4) % 10000, yuan % 10000]
    for g, v in enumerate(groups):
        if v == 0:
            zero = started
            continue
        for pos, unit in enumerate("仟佰拾 "):
            d = v // 10 ** (3 - pos) % 10
            if d == 0:
                zero = zero or started
                continue
            out += ("零" if zero else "") + DIGITS[d] + unit.strip()
            started, zero = True, False
        out += ["万" if groups[1] else "万亿", "亿", "万", ""][g]
        zero = False
    if started:
        out += "元"
    if jiao == 0 and cents == 0:
        return out + ("整" if started else "零元整")
    out += DIGITS[jiao] + "角" if jiao else ("零" if started else "")
    return out + (DIGITS[cents] + "分" if cents else "整")


for fen, want in [(1, "壹分"), (1000, "壹拾元整"), (10050, "壹佰元伍角整"), (120000, "壹仟贰佰元整"),
                  (1000007, "壹万元零柒分"), (100000000, "壹佰万元整")]:
    assert capitals(fen) == want, (fen, capitals(fen), want)


def pdf_text(data):
    p = os.path.join(tmp, "t.pdf")
    open(p, "wb").write(data)
    r = subprocess.run(["pdftotext", "-layout", p, "-"], capture_output=True)
    return r.stdout.decode("utf-8", "replace") if r.returncode == 0 else None


def pdf_pages(data, name, dpi=60):
    """Draws every page as PNG into the screenshots' folder; returns the files."""
    p = os.path.join(tmp, name + ".pdf")
    open(p, "wb").write(data)
    for f in os.listdir(SHOTS):
        if f.startswith(name + "-") and f.endswith(".png"):
            os.remove(os.path.join(SHOTS, f))
    r = subprocess.run(["pdftoppm", "-r", str(dpi), "-png", p, os.path.join(SHOTS, name)], capture_output=True)
    return sorted(f for f in os.listdir(SHOTS) if f.startswith(name + "-") and f.endswith(".png")) \
        if r.returncode == 0 else []


def qr_of(data, ext="pdf"):
    p = os.path.join(tmp, "q." + ext)
    open(p, "wb").write(data)
    if ext == "pdf":  # zbarimg reads pictures: the first page drawn by poppler at 150 dpi
        subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-singlefile", "-png", p,
                        os.path.join(tmp, "q")], capture_output=True)
        p = os.path.join(tmp, "q.png")
    r = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", p], capture_output=True)
    return r.stdout.decode().strip()


def scan(data, fmt="jpeg", dpi=150, gray=True, quality=75):
    """The printed page as a scanner gives it back: drawn at dpi, in grey, compressed (JPEG), or a PDF
    of that picture when fmt is "pdf" (what a scanner's "scan to PDF" makes)."""
    p = os.path.join(tmp, "s.pdf")
    open(p, "wb").write(data)
    args = ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"] + (["-gray"] if gray else [])
    args += ["-png"] if fmt == "png" else ["-jpeg", "-jpegopt", "quality=%d" % quality]
    subprocess.run(args + [p, os.path.join(tmp, "scan")], check=True, capture_output=True)
    img = open(os.path.join(tmp, "scan." + ("png" if fmt == "png" else "jpg")), "rb").read()
    return scanner_pdf(img) if fmt == "pdf" else img


def form(client, app_id, kind):
    return client.raw("GET", "/api/v1/applications/%d/forms/%s.pdf" % (app_id, kind))


def upload(client, app_id, kind, data, ctype):
    st, body, _ = client.raw("PUT", "/api/v1/applications/%d/attachments/%s" % (app_id, kind), data, ctype=ctype)
    return st


def paper(client, app_id, kind):
    st, app = client.json("GET", "/api/v1/applications/%d" % app_id)
    return (app.get("attachments", {}).get(kind) or {}).get("paper") or {}


cust = Client(); cust.login("我是测试企业")
other = Client(); other.login("zhangsan")
rev = Client(); rev.login("reviewer")
fin = Client(); fin.login("finance")
admin = Client(); admin.login("admin")
anon = Client()

# --- The three forms of a company's draft, filled ------------------------------------------------------------
st, centres = cust.json("GET", "/api/v1/trading-centres")
centre = centres["items"][0]
fields = step1(new_cert(), seed=2401, company_name="兰州金盛源农业科技服务中心", applicant_name="王五",
               department="财务部")
st, app = cust.json("POST", "/api/v1/applications", fields)
ok(st == 201, "a company's draft", app)
aid = app["id"]
st, app = cust.json("PATCH", "/api/v1/applications/%d" % aid, step3(centres=[centre["id"]], years=3))
ok(st == 200, "with an add-on centre and three years", app)

forms = {}
for kind, title in [("application_form", "企业数字证书申请表"), ("responsibility_letter", "数字证书责任书"),
                    ("power_of_attorney", "授权委托书")]:
    st, data, headers = form(cust, aid, kind)
    forms[kind] = data
    ok(st == 200 and data[:5] == b"%PDF-" and "application/pdf" in str(headers.get("Content-Type")),
       "%s: a PDF (%d bytes)" % (kind, len(data)), (st, data[:200]))
    text = (pdf_text(data) or "").replace(" ", "")  # the layout's spaces are not the text's
    for what in (title, fields["company_name"], fields["license_no"], fields["applicant_name"],
                 fields["id_card_no"], fields["phone"], centre["name"], "3年", "申请编号：%d" % aid):
        if what not in text:
            break
    ok(what in text, "%s: pdftotext finds the title, company, licence code, applicant, ID number, phone, centre, "
       "years and the application id" % kind, "missing %r in:\n%s" % (what, text[:1500]))
    pages = pdf_pages(data, "paper-" + kind.replace("_", "-"))
    ok(len(pages) >= 1, "%s: pdftoppm draws it (%s)" % (kind, ", ".join(pages)))
    code = qr_of(data)
    ok(code.startswith("CERTRENEW-FORM:%d:%s:" % (aid, kind)) and len(code.split(":")[3]) == 8,
       "%s: its QR code decodes to the application id and the form (%s)" % (kind, code))
ok(len({qr_of(d).split(":")[3] for d in forms.values()}) == 1, "the three forms carry the same version")
text = pdf_text(forms["responsibility_letter"])
ok("妥善保管" in text and "盖章" in text, "the responsibility letter carries the agency's wording and a place for the seal")

# --- Scans come back ------------------------------------------------------------------------------------------
ok(upload(cust, aid, "application_form", scan(forms["application_form"]), "image/jpeg") == 201,
   "the stamped application form, scanned to JPEG at 150 dpi in grey, is uploaded")
p = paper(cust, aid, "application_form")
ok(p.get("state") == "ok" and p.get("application_id") == aid,
   "it is recognised as this application's form, current (%s)" % p.get("message"), p)
ok(upload(cust, aid, "responsibility_letter", scan(forms["responsibility_letter"], fmt="pdf", dpi=200), "application/pdf") == 201,
   "the responsibility letter scanned to PDF (a page picture, as scanners make it)")
p = paper(rev, aid, "responsibility_letter")
ok(p.get("state") == "ok" and p.get("application_id") == aid, "the reviewer sees it belongs to this application", p)
ok(upload(cust, aid, "power_of_attorney", scan(forms["power_of_attorney"], fmt="png", dpi=100), "image/png") == 201,
   "the power of attorney as a PNG at 100 dpi")
ok(paper(cust, aid, "power_of_attorney").get("state") == "ok", "read from the PNG too")
# A phone's photo (12 megapixels, colour) and a scan of 35 megapixels (read at a smaller scale).
for label, extra, ext, ctype in [("a 12-megapixel colour photo", ["-scale-to-x", "3000", "-scale-to-y", "4000", "-jpeg"],
                                  "jpg", "image/jpeg"),
                                 ("a 35-megapixel grey PNG", ["-scale-to-x", "5000", "-scale-to-y", "7071", "-gray", "-png"],
                                  "png", "image/png")]:
    src = os.path.join(tmp, "big.pdf")
    open(src, "wb").write(forms["application_form"])
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-singlefile", *extra, src, os.path.join(tmp, "big")], check=True)
    big = open(os.path.join(tmp, "big." + ext), "rb").read()
    ok(upload(cust, aid, "application_form", big, ctype) == 201 and paper(cust, aid, "application_form").get("state") == "ok",
       "%s (%d KB) is read too" % (label, len(big) // 1024))
low = scan(forms["application_form"], dpi=120, quality=35)
ok(qr_of(low, "jpg") != "", "a rough scan (120 dpi, JPEG quality 35) still decodes with zbarimg")

# The three stamped forms scanned in one go into one PDF, uploaded in each form's place: each finds its own page.
parts = []
for i, kind in enumerate(["responsibility_letter", "power_of_attorney", "application_form"]):
    parts.append(os.path.join(tmp, "part%d.pdf" % i))
    open(parts[-1], "wb").write(scan(forms[kind], fmt="pdf", dpi=150))
subprocess.run(["pdfunite", *parts, os.path.join(tmp, "all.pdf")], check=True)
bundle = open(os.path.join(tmp, "all.pdf"), "rb").read()
for kind in ["application_form", "responsibility_letter", "power_of_attorney"]:
    ok(upload(cust, aid, kind, bundle, "application/pdf") == 201 and paper(rev, aid, kind).get("state") == "ok"
       and paper(rev, aid, kind).get("kind") == kind,
       "one PDF of the three scanned forms in the place of %s: its own page's code is read" % kind,
       paper(rev, aid, kind))


def turned(data, quarter):
    """The form scanned at 100 dpi in grey and turned by quarter turns clockwise (paper fed sideways or upside
    down), as a PNG."""
    src = os.path.join(tmp, "turn.pdf")
    open(src, "wb").write(data)
    subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-singlefile", "-gray", src,
                    os.path.join(tmp, "turn")], check=True)
    pgm = open(os.path.join(tmp, "turn.pgm"), "rb").read()
    magic, w, h, depth, px = pgm.split(maxsplit=4)
    w, h = int(w), int(h)
    assert magic == b"P5" and depth == b"255" and len(px) == w * h
    if quarter == 2:
        rows = [px[::-1][y * w:(y + 1) * w] for y in range(h)]
    else:  # a quarter turn: the new row y is the old column y read from the bottom
        rows, w, h = [px[y::w][::-1] for y in range(w)], h, w
    chunk = lambda t, b: struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"".join(b"\0" + r for r in rows))) + chunk(b"IEND", b""))


for quarter, how in [(1, "sideways"), (2, "upside down")]:
    ok(upload(cust, aid, "application_form", turned(forms["application_form"], quarter), "image/png") == 201 and
       paper(rev, aid, "application_form").get("state") == "ok",
       "a form scanned %s is read too" % how, paper(rev, aid, "application_form"))

# The wrong form in a slot, another application's form, a document that is no form of ours.
ok(upload(cust, aid, "power_of_attorney", scan(forms["application_form"]), "image/jpeg") == 201,
   "the application form uploaded where the power of attorney belongs")
p = paper(rev, aid, "power_of_attorney")
ok(p.get("state") == "other_form" and p.get("kind") == "application_form", "it is seen to be another form", p)
st, app2 = cust.json("POST", "/api/v1/applications", step1(new_cert(), seed=2402))
st, data2, _ = form(cust, app2["id"], "application_form")
ok(upload(cust, aid, "application_form", scan(data2), "image/jpeg") == 201, "another application's form uploaded")
p = paper(rev, aid, "application_form")
ok(p.get("state") == "other_application" and p.get("application_id") == app2["id"],
   "the reviewer is warned: it belongs to application %d (%s)" % (app2["id"], p.get("message")), p)
ok(upload(cust, aid, "company_seal", fixture("scan.jpg"), "image/jpeg") == 201 and
   "paper" not in (cust.json("GET", "/api/v1/applications/%d" % aid)[1]["attachments"]["company_seal"]),
   "documents that are not printed forms carry no verdict")
ok(upload(cust, aid, "application_form", fixture("scan.jpg"), "image/jpeg") == 201 and
   paper(rev, aid, "application_form").get("state") == "none", "a form without our QR code: said so")

# A printing made before the application changed is out of date; printed again, it is current.
ok(upload(cust, aid, "application_form", scan(forms["application_form"]), "image/jpeg") == 201, "the right scan again")
st, _ = cust.json("PATCH", "/api/v1/applications/%d" % aid, {"phone": "13800138000"})
ok(st == 200, "the customer changes the phone number after printing")
p = paper(rev, aid, "application_form")
ok(p.get("state") == "outdated", "the scan is now out of date (%s)" % p.get("message"), p)
st, fresh, _ = form(cust, aid, "application_form")
ok(qr_of(fresh) != qr_of(forms["application_form"]) and "13800138000" in (pdf_text(fresh) or ""),
   "printed again: a new version with the new phone")
upload(cust, aid, "application_form", scan(fresh), "image/jpeg")
ok(paper(rev, aid, "application_form").get("state") == "ok", "its scan is current")
upload(cust, aid, "power_of_attorney", scan(forms["power_of_attorney"]), "image/jpeg")
ok(paper(rev, aid, "power_of_attorney").get("state") == "outdated", "the older printing of another form is not")

# Reading the QR code costs the upload little.
import time as _t
t0 = _t.time()
for _ in range(5):
    upload(cust, aid, "responsibility_letter", scan(forms["responsibility_letter"]), "image/jpeg")
ms = (_t.time() - t0) / 5 * 1000
print("# upload of a 150 dpi scan with its QR code read: %.0f ms (average of 5)" % ms)
t0 = _t.time()
for _ in range(10):
    form(cust, aid, "application_form")
print("# a form drawn: %.0f ms (average of 10)" % ((_t.time() - t0) / 10 * 1000))

# --- Who may have a form --------------------------------------------------------------------------------------
st, _, _ = form(other, aid, "application_form")
ok(st == 404, "another customer cannot print this application's form", st)
st, _, _ = form(anon, aid, "application_form")
ok(st == 401, "nor can anyone not logged in", st)
st, data, _ = form(rev, aid, "application_form")
ok(st == 200 and data[:5] == b"%PDF-", "the reviewer can")
st, body, _ = form(cust, aid, "business_license")
ok(st == 404 and error_of(json.loads(body)).get("message"), "a document that is no form: 404 with a reason", body)
st, body, _ = form(cust, aid, "../../etc/passwd")
ok(st == 404, "a path in the kind: 404", st)

# --- An individual's forms ------------------------------------------------------------------------------------
cid = new_cert(account="zhangsan", subject="/C=CN/CN=张三")
st, iapp = other.json("POST", "/api/v1/applications",
                      {"applicant_name": "张三", "id_card_no": id_card(2403), "phone": "13912345678",
                       "email": "zs@example.com", "certificate_id": cid})
ok(st == 201, "an individual's draft", iapp)
st, data, _ = form(other, iapp["id"], "application_form")
text = pdf_text(data) or ""
ok(st == 200 and "个人数字证书申请表" in text and "张三" in text and "单位名称" not in text and "申请人（签字）" in text,
   "a person's application form: the person's wording, no company rows, the applicant signs", text[:800])
pdf_pages(data, "paper-individual")
st, body, _ = form(other, iapp["id"], "power_of_attorney")
ok(st == 400 and "个人" in error_of(json.loads(body)).get("message", ""), "a person has no power of attorney to print: said so",
   body[:300])

# --- The administrator's wording ------------------------------------------------------------------------------
st, page = admin.json("GET", "/api/v1/help/form-responsibility_letter")
atexit.register(lambda: admin.json("PUT", "/api/v1/admin/help/form-responsibility_letter",
                                   {"title": page["title"], "body": page["body"]}))
ok(st == 200 and page["title"] == "数字证书责任书", "the forms' wording is a help page the administrator edits", page)
st, body = admin.json("PUT", "/api/v1/admin/help/form-responsibility_letter",
                      {"title": "数字证书使用责任书", "body": page["body"] + "\n\n本责任书一式两份，{company}与{agency}各执一份。"})
ok(st == 200, "the administrator changes it", body)
st, data, _ = form(cust, aid, "responsibility_letter")
text = pdf_text(data) or ""
ok("数字证书使用责任书" in text and "兰州金盛源农业科技服务中心与甘肃" in text.replace("\n", ""),
   "the next printing carries the new title and text, filled in", text[-600:])
rows = sql("SELECT COUNT(*) FROM audit_log WHERE action = 'help.update' AND object_id = 'form-responsibility_letter'")
ok(int(rows[0][0]) >= 1, "the change is audited")

# --- The payment notice ---------------------------------------------------------------------------------------
order = approved_order(cust, rev, seed=2404, years=2)
no = order["order_no"]
st, data, headers = cust.raw("GET", "/api/v1/orders/%s/notice.pdf" % no)
text = pdf_text(data) or ""
flat = text.replace(" ", "")
bank = {k: conf_value("bank", k) for k in ("account", "account_name", "bank_name")}
want = [no, capitals(order["amount_fen"]), "¥%s" % "{:,.2f}".format(order["amount_fen"] / 100).replace(".00", "") ,
        bank["account"], bank["account_name"], bank["bank_name"], order["payer_name"], "付款通知书"]
missing = [w for w in want if w.replace(" ", "") not in flat and w.replace(".00", "") not in flat]
ok(st == 200 and data[:5] == b"%PDF-" and not missing,
   "the notice of order %s: number, %s, the account, bank and name, the payer" % (no, capitals(order["amount_fen"])),
   "missing %r in:\n%s" % (missing, text[:1500]))
ok("转账备注" in text and "财务部" in text, "it tells the finance department what remark to write")
ok(len(pdf_pages(data, "paper-payment-notice")) == 1, "one page, drawn by pdftoppm")
st, data, _ = fin.raw("GET", "/api/v1/orders/%s/notice.pdf" % no)
ok(st == 200, "finance can print it too")
st, body, _ = other.raw("GET", "/api/v1/orders/%s/notice.pdf" % no)
ok(st == 404, "another customer cannot", st)
st, body, _ = cust.raw("GET", "/api/v1/orders/99999999/notice.pdf")
ok(st in (400, 404), "an order that does not exist: refused", st)

# Partly paid: the notice asks for what is still due.
part = order["amount_fen"] // 3  # a third: two equal transfers of a day would be one credit seen twice
rc, _, err = import_statement(statement((part, no, order["payer_name"])))
ok(rc == 0, "a bank credit of a third of the amount is imported", err)
wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % no)[1].get("status") == "partially_paid", secs=20)
st, data, _ = cust.raw("GET", "/api/v1/orders/%s/notice.pdf" % no)
text = (pdf_text(data) or "").replace(" ", "")
due = order["amount_fen"] - part
ok(st == 200 and capitals(due) in text and "已付" in text, "partly paid: it asks for the %s still due" % capitals(due),
   text[:800])
rc, _, err = import_statement(statement((due, no, order["payer_name"])))
ok(rc == 0, "and then the rest", err)
wait_for(lambda: cust.json("GET", "/api/v1/orders/%s" % no)[1].get("status") in ("paid", "issuing", "completed"),
         secs=20)
st, body, _ = cust.raw("GET", "/api/v1/orders/%s/notice.pdf" % no)
ok(st == 409 and "付清" in error_of(json.loads(body)).get("message", ""), "paid in full: no notice, and the reason",
   (st, body[:300], cust.json("GET", "/api/v1/orders/%s" % no)[1].get("status")))

p = ctl("ledger", "check")
ok(p.returncode == 0, "certrenewctl ledger check finds nothing", p.stdout[-2000:])
shutil.rmtree(tmp, ignore_errors=True)
done()
