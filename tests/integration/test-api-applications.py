"""The renewal wizard over HTTP (SPEC 6, 9, 10): certificates and the renewal window,
validation naming each field, one open application per certificate, live price,
attachments judged by content, submit / cancel / delete, and nothing leaking to
another account."""
import os

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")

cust = Client(); cust.login("我是测试企业")
other = Client(); other.login("zhangsan")
rev = Client(); rev.login("reviewer")

# Certificates and the renewal window.
near = new_cert(days=30)
far = new_cert(days=300)
certs = {c["id"]: c for c in all_items(cust, "/api/v1/certificates")}
st = 200
c = certs.get(near, {})
ok(st == 200 and set(["id", "serial", "subject", "not_before", "not_after", "token", "trading_centre_id", "status",
                      "renews_id", "renewable"]) <= set(c), "a certificate has the SPEC fields", c)
ok(c.get("renewable") is True and c.get("not_after", "").endswith("Z"), "one expiring in 30 days is renewable", c)
f = certs.get(far, {})
ok(f.get("renewable") is False and "可于" in f.get("renewable_reason", ""), "one expiring in 300 days is not, and says when",
   f)
ok(near not in [x["id"] for x in all_items(other, "/api/v1/certificates")], "another account does not see them")
st, body = rev.json("GET", "/api/v1/certificates")
ok(st == 403, "staff have no certificates list", st)

# Creating: validation names the field.
cases = [("license_no", "91350100M000100Y44", "校验位"), ("id_card_no", "110105194912310021", "校验位"),
         ("phone", "1234", "手机"), ("email", "not-an-email", "邮箱"), ("applicant_name", "李" * 51, "最多"),
         ("company_name", "a\tb", "无效字符")]
for field, value, words in cases:
    st, body = cust.json("POST", "/api/v1/applications", step1(near, **{field: value}))
    e = error_of(body)
    ok(st == 400 and e.get("field") == field and words in e.get("message", ""), "bad %s refused, naming it" % field, body)
st, body = cust.json("POST", "/api/v1/applications", step1(near, colour="red"))
ok(st == 400 and error_of(body).get("field") == "colour", "an unknown field is refused, not dropped", body)
st, body = cust.json("POST", "/api/v1/applications", step1(far))
ok(st == 400 and error_of(body).get("field") == "certificate_id" and "可于" in error_of(body).get("message", ""),
   "a certificate outside its renewal window is refused with the reason", body)
theirs = new_cert(account="zhangsan", days=30, subject="/C=CN/CN=张三")
st, body = cust.json("POST", "/api/v1/applications", step1(theirs))
ok(st == 400 and error_of(body).get("field") == "certificate_id", "another account's certificate is refused", body)
st, body = cust.json("POST", "/api/v1/applications", {"company_name": "我是测试企业"})
ok(st == 400 and error_of(body).get("field") == "certificate_id", "certificate_id is required", body)

st, app = cust.json("POST", "/api/v1/applications", step1(near, license_no=uscc(3).lower()))
ok(st == 201 and app["status"] == "draft" and app["status_label"] == "草稿", "a draft is created", app)
aid = app["id"]
ok(app["license_no"] == uscc(3), "codes are stored in their canonical form", app.get("license_no"))
ok(app["price_fen"] == 20000 and app["years"] == 1, "a new draft costs 200.00 for one year", app.get("price_fen"))
ok(any(m["field"] == "attachments.business_license" for m in app["missing"]), "it lists what is still missing")
ok(app["history"] and app["history"][0]["to"] == "draft", "its history starts with the draft")

st, body = cust.json("POST", "/api/v1/applications", step1(near))
ok(st == 409 and error_of(body).get("field") == "certificate_id" and str(aid) in error_of(body).get("message", ""),
   "a second application for the same certificate is refused, naming the first", body)
c = [x for x in all_items(cust, "/api/v1/certificates") if x["id"] == near][0]
ok(c["renewable"] is False and c["open_application_id"] == aid, "the certificate shows its open application", c)

# Step 3 and the live price.
st, body = cust.json("GET", "/api/v1/trading-centres")
tcs = [t["id"] for t in body["items"]]
ok(len(tcs) == 8 and "武威市公共资源交易中心" in [t["name"] for t in body["items"]], "eight trading centres")
st, app = cust.json("PATCH", "/api/v1/applications/%d" % aid, step3(tcs[:3], years=2))
ok(st == 200 and app["price_fen"] == 2 * (20000 + 3 * 10000), "2 years with 3 add-ons: 1000.00", app.get("price_fen"))
ok(app["trading_centre_ids"] == sorted(tcs[:3]), "the centres are kept", app.get("trading_centre_ids"))
for patch, field in [({"years": 0}, "years"), ({"years": 6}, "years"), ({"years": "2"}, "years"),
                     ({"trading_centre_ids": [999999]}, "trading_centre_ids"),
                     ({"trading_centre_ids": [tcs[0], tcs[0]]}, "trading_centre_ids"),
                     ({"trading_centre_ids": "1,2"}, "trading_centre_ids"),
                     ({"invoice_type": "vat"}, "invoice_type"), ({"license_type": "both"}, "license_type"),
                     ({"invoice": {"tax_no": "12"}}, "invoice.tax_no"), ({"invoice": "x"}, "invoice"),
                     ({"delivery": {"method": "drone"}}, "delivery.method")]:
    st, body = cust.json("PATCH", "/api/v1/applications/%d" % aid, patch)
    ok(st == 400 and error_of(body).get("field") == field, "PATCH %s refused naming %s" % (json.dumps(patch), field), body)
st, app = cust.json("GET", "/api/v1/applications/%d" % aid)
ok(app["years"] == 2 and app["price_fen"] == 100000, "refused changes left nothing behind", app.get("price_fen"))

# Special invoice and courier delivery need their fields at submit.
cust.json("PATCH", "/api/v1/applications/%d" % aid, {"invoice_type": "special", "delivery": {"method": "courier"}})
st, app = cust.json("GET", "/api/v1/applications/%d" % aid)
missing = [m["field"] for m in app["missing"]]
ok({"invoice.address", "invoice.phone", "invoice.bank", "invoice.bank_account", "delivery.address"} <= set(missing),
   "专票 and courier add their required fields", missing)

# Attachments are judged by content.
url = "/api/v1/applications/%d/attachments/" % aid
jpg, pdf = fixture("scan.jpg"), make_pdf()
for name, data, ctype in [("a Windows executable named .jpg", b"MZ\x90\x00" + os.urandom(4000), "image/jpeg"),
                          ("a PNG signature and noise", b"\x89PNG\r\n\x1a\n" + os.urandom(100), "image/png"),
                          ("a truncated PNG", fixture("scan.png")[:40000], "image/png"),
                          ("a truncated PDF", pdf[: len(pdf) // 2], "application/pdf"),
                          ("a truncated JPEG", jpg[: len(jpg) // 2], "image/jpeg"),
                          ("an empty body", b"", "image/jpeg"),
                          ("HTML", b"<html><script>alert(1)</script></html>", "application/pdf")]:
    st, body, _ = cust.raw("PUT", url + "business_license", data, ctype=ctype)
    e = error_of(json.loads(body))
    ok(st == 422 and e.get("code") == "invalid_file" and e.get("message"), "%s is refused: %s" % (name, e.get("message")),
       body)
st, body, _ = cust.raw("PUT", url + "passport", jpg, ctype="image/jpeg")
ok(st == 404, "an unknown kind is 404", body)
st, body, _ = cust.raw("PUT", url + "business_license", jpg, ctype="application/octet-stream")
ok(st == 201 and json.loads(body)["content_type"] == "image/jpeg", "a JPEG is taken whatever its Content-Type says", body)
first_sha = json.loads(body)["sha256"]
files_dir = conf_value("attachments", "dir")
def stored():
    return sorted(r[0] for r in sql("SELECT stored_name FROM attachments WHERE application_id = %d" % aid))
before = stored()
st, body, _ = cust.raw("PUT", url + "business_license", pdf, ctype="application/pdf")
ok(st == 201 and json.loads(body)["sha256"] != first_sha and json.loads(body)["content_type"] == "application/pdf",
   "a replacement upload", body)
after = stored()
st, png, hd = cust.raw("GET", url + "business_license/preview")
ok(st == 200 and hd.get("Content-Type") == "image/png" and png[:8] == b"\x89PNG\r\n\x1a\n" and
   int.from_bytes(png[16:20], "big") == 1000, "a PDF's first page is drawn on the server as a PNG 1000 pixels wide",
   (st, hd.get("Content-Type"), png[:20]))
st, body, _ = Client().raw("GET", url + "business_license/preview")
ok(st == 401, "not for strangers", st)
replaced = os.path.join(files_dir, before[0])
ok(len(after) == 1 and after != before and os.path.exists(replaced) and
   abs(os.path.getmtime(replaced) - time.time()) < 60 and os.path.exists(os.path.join(files_dir, after[0])),
   "the replaced file stays a while for downloads under way (its time set to now; the sweep takes it later)",
   (before, after))
# A PNG scan (what phones and scanners often make), decoded whole: taken, and served back as it is.
st, body, _ = cust.raw("PUT", url + "company_seal", fixture("scan.png"), ctype="application/octet-stream")
ok(st == 201 and json.loads(body)["content_type"] == "image/png", "a PNG scan is taken as image/png", body)
st, got, hd = cust.raw("GET", url + "company_seal")
ok(st == 200 and hd.get("Content-Type") == "image/png" and got == fixture("scan.png") and
   "company_seal.png" in hd.get("Content-Disposition", ""), "and served back as it is, named .png",
   (st, hd.get("Content-Type"), hd.get("Content-Disposition")))
after = stored()
ok(not files_dir.startswith(os.path.join(TOP, "www")), "attachments are stored outside the web root")
st, got, hd = cust.raw("GET", url + "business_license")
ok(st == 200 and got == pdf and hd.get("Content-Type") == "application/pdf", "the owner reads it back byte for byte")
st, got, _ = rev.raw("GET", url + "business_license")
ok(st == 200 and got == pdf, "staff can read it")
st, _, _ = other.raw("GET", url + "business_license")
ok(st == 404, "another account gets 404")
st, _, _ = other.raw("PUT", url + "company_seal", jpg, ctype="image/jpeg")
ok(st == 404, "another account cannot upload into it")
st, _, _ = cust.raw("PUT", url + "company_seal", jpg, ctype="image/jpeg", csrf=False)
ok(st == 403, "an upload without the CSRF token is refused")
big = jpg[:-2] + b"\0" * (11 * 1024 * 1024) + b"\xff\xd9"
p = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "PUT", "-H", "Content-Type: image/jpeg",
                    "-H", "X-CSRF-Token: " + cust.csrf, "-H", "Cookie: certrenew_session=" + cust.cookie().value,
                    "--data-binary", "@-", BASE + url + "company_seal"], input=big, capture_output=True, timeout=60)
data, _, code = p.stdout.rpartition(b"\n")
ok(code == b"413" and json.loads(data)["error"]["code"] == "body_too_large", "an 11 MiB upload gets 413", p.stdout[-200:])
ok(stored() == after, "and leaves nothing behind")

# Submit: incomplete, then complete.
st, body = cust.json("POST", "/api/v1/applications/%d/submit" % aid, {})
e = error_of(body)
ok(st == 422 and e.get("code") == "incomplete" and len(e.get("missing", [])) >= 6, "an incomplete submit lists every gap",
   body)
cust.json("PATCH", "/api/v1/applications/%d" % aid, {"invoice_type": "normal", "delivery": {"method": "pickup"},
                                                    "license_type": "separate"})
for k in KINDS:
    cust.raw("PUT", url + k, jpg, ctype="image/jpeg")
st, body = cust.json("POST", "/api/v1/applications/%d/submit" % aid, {})
fields = [m["field"] for m in error_of(body).get("missing", [])]
ok(st == 422 and fields == ["attachments.org_code_cert", "attachments.tax_registration_cert"],
   "非三证合一 also needs the organisation code and tax registration certificates", body)
cust.json("PATCH", "/api/v1/applications/%d" % aid, {"license_type": "three_in_one"})
st, app = cust.json("POST", "/api/v1/applications/%d/submit" % aid, {})
ok(st == 200 and app["status"] == "submitted" and app["status_label"] == "待审核" and app["submitted_at"],
   "a complete application is submitted: 待审核", app)
st, body = cust.json("PATCH", "/api/v1/applications/%d" % aid, {"years": 3})
ok(st == 409 and "待审核" in error_of(body).get("message", ""), "a submitted application cannot be edited", body)
st, body, _ = cust.raw("PUT", url + "company_seal", jpg, ctype="image/jpeg")
ok(st == 409, "nor its attachments replaced", body)
st, body = cust.json("DELETE", "/api/v1/applications/%d" % aid)
ok(st == 409, "nor deleted (only drafts are)", body)
st, body = cust.json("POST", "/api/v1/applications/%d/submit" % aid, {})
ok(st == 409, "submitting twice is refused", body)

# Lists and filters.
st, body = cust.json("GET", "/api/v1/applications?period=3m")
ok(st == 200 and aid in [a["id"] for a in body["items"]], "the list of the last three months has it")
row = [a for a in body["items"] if a["id"] == aid][0]
ok(row["company_name"] == "我是测试企业" and row["applicant_name"] == "李四" and row["status_label"] == "待审核",
   "with 企业名称, 申请人 and 状态", row)
ok(row["price_fen"] == app["price_fen"] and row["created_at"].endswith("Z") and "T" in row["created_at"],
   "and the same price as the application (%s) and ISO times" % app["price_fen"], row)
st, body = cust.json("GET", "/api/v1/applications?status=draft")
ok(st == 200 and aid not in [a["id"] for a in body["items"]], "the status filter works")
st, body = cust.json("GET", "/api/v1/applications?period=all&status=submitted")
ok(st == 200 and aid in [a["id"] for a in body["items"]], "period=all with a status")
st, body = cust.json("GET", "/api/v1/applications?period=1y")
ok(st == 400 and error_of(body).get("field") == "period", "an unknown period is refused", body)
st, body = cust.json("GET", "/api/v1/applications?status=paid")
ok(st == 400 and error_of(body).get("field") == "status", "an unknown status is refused", body)
st, body = other.json("GET", "/api/v1/applications?period=all")
ok(st == 200 and aid not in [a["id"] for a in body["items"]], "another account's list does not have it")
st, body = other.json("POST", "/api/v1/applications/%d/cancel" % aid, {})
ok(st == 404, "another account cannot cancel it", body)
for path in ["/api/v1/applications/abc", "/api/v1/applications/0", "/api/v1/applications/99999999999"]:
    st, body = cust.json("GET", path)
    ok(st == 404, "GET %s is 404" % path, body)

# Cancel frees the certificate.
st, app = cust.json("POST", "/api/v1/applications/%d/cancel" % aid, {})
ok(st == 200 and app["status"] == "cancelled" and [h["to"] for h in app["history"]] == ["draft", "submitted", "cancelled"],
   "cancel, with the whole history", app.get("history"))
st, app2 = cust.json("POST", "/api/v1/applications", step1(near))
ok(st == 201, "after a cancel the certificate can be applied for again", app2)

# Delete a draft: its files go too.
cust.raw("PUT", "/api/v1/applications/%d/attachments/company_seal" % app2["id"], jpg, ctype="image/jpeg")
names = [r[0] for r in sql("SELECT stored_name FROM attachments WHERE application_id = %d" % app2["id"])]
st, body = cust.json("DELETE", "/api/v1/applications/%d" % app2["id"])
ok(st == 200 and names and not any(os.path.exists(os.path.join(files_dir, n)) for n in names),
   "deleting a draft removes it and its files", body)
st, body = cust.json("GET", "/api/v1/applications/%d" % app2["id"])
ok(st == 404, "a deleted draft is gone")

# Files a crash left behind (written, never recorded) are swept; recorded ones stay.
import secrets, time as _t
kept = sql("SELECT stored_name FROM attachments ORDER BY id DESC LIMIT 1")[0][0]
orphan = secrets.token_hex(16)
os.makedirs(os.path.join(files_dir, orphan[:2]), exist_ok=True)
paths = [os.path.join(files_dir, orphan[:2], orphan), os.path.join(files_dir, orphan[:2], secrets.token_hex(16) + ".tmp"),
         os.path.join(files_dir, orphan[:2], secrets.token_hex(16))]
for i, pth in enumerate(paths):
    open(pth, "wb").write(b"x")
    if i < 2:
        os.utime(pth, (_t.time() - 7200, _t.time() - 7200))
os.utime(os.path.join(files_dir, kept), (_t.time() - 7200, _t.time() - 7200))
os.utime(replaced, (_t.time() - 7200, _t.time() - 7200))  # replaced two hours ago
p = ctl("jobs", "add", "sweep_uploads", "{}")
jid = json.loads(p.stdout)["id"]
ok(wait_for(lambda: sql("SELECT status FROM jobs WHERE id = %d" % jid)[0][0] == "done", 30), "the upload sweep runs")
ok(not os.path.exists(paths[0]) and not os.path.exists(paths[1]) and not os.path.exists(replaced),
   "old orphan files, unfinished writes and files replaced long ago are removed")
ok(os.path.exists(paths[2]) and os.path.exists(os.path.join(files_dir, kept)),
   "a fresh file (maybe an upload in progress) and every recorded file stay")
os.unlink(paths[2])
done()
