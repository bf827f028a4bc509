"""Bank exports (issue 11): a 交易明细 CSV in GBK (and an XLSX workbook), as finance downloads it from 企业网银, pays the orders it names
through the command line, the upload and the inbox alike; a re-downloaded export overlapping the last books
nothing twice; the same payment in a camt statement and in an export (one bank reference) books once; two
identical transfers without a reference stay two; an unrecognisable file is refused whole, saying what was
looked for, and lands in the failed directory with its report; the statements list shows the layout."""
import hashlib
import os
import subprocess
import tempfile
import urllib.parse

from crtest import *

if not healthy():
    bail("the stack is not running (contrib/dev.sh up)")
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
fin = Client(); fin.login("finance")
account = conf_value("bank", "account")
tag = str(int(time.time() * 1000) % 10**9)
tmp = tempfile.mkdtemp(prefix="cr-export-")


def export(name, rows, preamble=True, enc="gbk"):
    """A 农商银行-like export: rows of (date, credit fen or None, debit fen or None, payer, remark, ref)."""
    lines = []
    if preamble:
        lines += ["账户明细", "查询账号,%s" % account, "户名,甘肃成兴信息科技有限公司", "币种,人民币"]
    lines.append("交易日期,交易时间,借方发生额（支取）,贷方发生额（收入）,余额,对方户名,对方账号,摘要,交易流水号")
    for d, cr, dr, payer, remark, ref in rows:
        y = lambda f: "" if f is None else '"{:,.2f}"'.format(f / 100)
        lines.append("%s,101010,%s,%s,0.00,%s,,%s,%s" % (d, y(dr), y(cr), payer, remark, ref))
    lines.append("合计,,,,,,,,")
    path = os.path.join(tmp, name)
    open(path, "wb").write("\r\n".join(lines).encode(enc) + b"\r\n")
    return path


def status(o):
    return cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]


a = approved_order(cust, rev, seed=301)
b = approved_order(cust, rev, seed=302)
day1 = export("day1.csv", [("20261125", a["amount_fen"], None, "我是测试企业", "订单%s" % a["order_no"], "E1-" + tag),
                           ("20261125", None, 1500, "银行", "手续费", "E2-" + tag)])
rc, res, err = import_statement(day1)
r = res[0] if res else {}
ok(rc == 0 and r.get("kind") == "csv/gbk" and r.get("matched") == 1 and r.get("ignored") == 1,
   "a GBK export pays the order it names, the fee ignored", (r, err))
ok(status(a)["status"] == "paid", "the order is 已付款")

# The next download overlaps the first.
day2 = export("day2.csv", [("20261125", a["amount_fen"], None, "我是测试企业", "订单%s" % a["order_no"], "E1-" + tag),
                           ("20261125", None, 1500, "银行", "手续费", "E2-" + tag),
                           ("20261126", b["amount_fen"], None, "我是测试企业", "付%s证书" % b["order_no"], "E3-" + tag)])
rc, res, err = import_statement(day2)
r = res[0] if res else {}
ok(rc == 0 and r.get("duplicate") == 1 and r.get("matched") == 1, "an overlapping export books only what is new", r)
ok(status(a)["paid_fen"] == a["amount_fen"] and status(b)["status"] == "paid", "nothing is paid twice")

# One payment in a camt statement and in an export: one bank reference, booked once.
c = approved_order(cust, rev, seed=303)
camt = statement((c["amount_fen"], "订单%s" % c["order_no"], "我是测试企业", "X-" + tag))
rc, res, _ = import_statement(camt)
ok(rc == 0 and res[0]["matched"] == 1, "a camt statement pays a third order")
dup = export("dup.csv", [("20261126", c["amount_fen"], None, "我是测试企业", "订单%s" % c["order_no"], "X-" + tag)])
rc, res, _ = import_statement(dup)
ok(rc == 0 and res[0]["duplicate"] == 1 and res[0]["matched"] == 0 and status(c)["paid_fen"] == c["amount_fen"],
   "the export of the same payment (same reference) books nothing", res)

# No reference column: two identical transfers on one day stay two; the same file again books none.
no_ref = os.path.join(tmp, "noref.csv")
open(no_ref, "wb").write(("会计日期,发生额,交易类型,收(付)方名称,交易附言\r\n"
                          "20261126,33.00,来账,某人,零钱%s\r\n20261126,33.00,来账,某人,零钱%s\r\n" % (tag, tag)).encode("gbk"))
rc, res, _ = import_statement(no_ref)
ok(rc == 0 and res[0]["credits"] == 2 and res[0]["unmatched"] == 2, "two identical transfers stay two", res)
again = no_ref.replace(".csv", "-again.csv")
open(again, "wb").write(open(no_ref, "rb").read() + "合计,66.00,,,\r\n".encode("gbk"))
rc, res, _ = import_statement(again)
ok(rc == 0 and res[0]["duplicate"] == 2, "and are not booked again from another download", res)

# An XLSX workbook (Excel's own format) pays its order too.
import zipfile
x = approved_order(cust, rev, seed=306)
cells = [["交易日期", "贷方发生额", "借方发生额", "对方户名", "摘要", "交易流水号"],
         ["2026-11-26", "%.2f" % (x["amount_fen"] / 100), "", "我是测试企业", "订单%s" % x["order_no"], "EX-" + tag]]
rows = "".join('<row r="%d">%s</row>' % (i + 1, "".join('<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>'
                                                    % (chr(65 + j), i + 1, v) for j, v in enumerate(r) if v))
               for i, r in enumerate(cells))
book = os.path.join(tmp, "明细.xlsx")
with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/worksheets/sheet1.xml", '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetData>%s</sheetData></worksheet>' % rows)
rc, res, err = import_statement(book)
ok(rc == 0 and res[0].get("kind") == "xlsx/utf-8" and res[0].get("matched") == 1 and status(x)["status"] == "paid",
   "an XLSX export pays its order", (res, err))

# An Excel 97-2003 workbook (python3-xlwt writes it the way bank back ends do) pays its order too.
y = approved_order(cust, rev, seed=307)
xls = os.path.join(tmp, "明细.xls")
subprocess.run(["/usr/bin/python3", os.path.join(TOP, "tests", "fixtures", "exports", "make-xls.py"), xls,
                str(y["amount_fen"]), y["order_no"], "XL-" + tag], check=True)
rc, res, err = import_statement(xls)
ok(rc == 0 and res[0].get("kind") == "xls/utf-16" and res[0].get("matched") == 1 and status(y)["status"] == "paid",
   "an XLS export pays its order", (res, err))

# A web page saved as .xls (as several 企业网银 do), in GBK, pays its order too; the upload takes it as well.
for seed, via in ((308, "import"), (309, "upload")):
    z = approved_order(cust, rev, seed=seed)
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><table>'
            '<tr><td colspan="6">账户明细</td></tr><tr><td colspan="6">账号：%s</td></tr>'
            '<tr><th>交易日期</th><th>收入金额</th><th>支出金额</th><th>对方户名</th><th>交易附言</th><th>流水号</th></tr>'
            '<tr><td>2026-11-27</td><td>%s</td><td>&nbsp;</td><td>我是测试企业</td><td>订单%s</td><td>HT-%s-%d</td></tr>'
            '<tr><td>本页合计</td><td>%s</td><td>0.00</td><td></td><td></td><td></td></tr></table></body></html>'
            % (conf_value("bank", "account"), "{:,.2f}".format(z["amount_fen"] / 100), z["order_no"], tag, seed,
               "{:,.2f}".format(z["amount_fen"] / 100)))
    web = os.path.join(tmp, "交易明细%d.xls" % seed)
    open(web, "wb").write(page.encode("gb18030"))
    if via == "import":
        rc, res, err = import_statement(web)
        ok(rc == 0 and res[0].get("kind") == "html/gbk" and res[0].get("matched") == 1 and status(z)["status"] == "paid",
           "an HTML table named .xls pays its order", (res, err))
    else:
        st, body, _ = fin.raw("POST", "/api/v1/statements?name=" + urllib.parse.quote("交易明细.xls"), open(web, "rb").read(),
                              ctype="application/vnd.ms-excel")
        ok(st in (200, 201, 202) and wait_for(lambda: status(z)["status"] == "paid", 30),
           "and uploaded by finance, too", body[:300])

# Refused whole.
bad = os.path.join(tmp, "bad.csv")
open(bad, "wb").write("这不是对账单\r\n姓名,年龄\r\n张三,30\r\n".encode("gbk"))
rc, res, err = import_statement(bad)
ok(rc == 1 and "交易日期" in err and "姓名" in err, "an unrecognisable file is refused, saying what was looked for", err)

# Through the upload and the inbox.
d = approved_order(cust, rev, seed=304)
up = export("upload.csv", [("20261126", d["amount_fen"], None, "我是测试企业", "订单%s" % d["order_no"], "E4-" + tag)])
st, s, _ = fin.raw("POST", "/api/v1/statements?name=%E4%BA%A4%E6%98%93%E6%98%8E%E7%BB%86.csv", open(up, "rb").read(),
                   ctype="text/csv")
s = json.loads(s)
ok(st == 202, "finance uploads an export", s)
ok(wait_for(lambda: fin.json("GET", "/api/v1/statements/%d" % s["id"])[1].get("status") == "done", 30),
   "certrenewd imports it")
got = fin.json("GET", "/api/v1/statements/%d" % s["id"])[1]
ok(got.get("kind") == "csv/gbk" and got.get("matched") == 1 and status(d)["status"] == "paid",
   "the list shows the layout recognised; the order is paid", got)
e = approved_order(cust, rev, seed=305)
inbox = conf_value("bank", "inbox")
src = export("inbox.csv", [("20261126", e["amount_fen"], None, "我是测试企业", "订单%s" % e["order_no"], "E5-" + tag)])
sha = hashlib.sha256(open(src, "rb").read()).hexdigest()
os.rename(src, os.path.join(inbox, "交易明细-%s.csv" % tag))
ok(wait_for(lambda: status(e)["status"] == "paid", 30), "an export dropped into the inbox pays its order")
archive = conf_value("bank", "archive_dir")
ok(wait_for(lambda: os.path.exists(os.path.join(archive, sha + ".csv")), 10),
   "and is archived under its SHA-256 with the extension it came with (.csv)", sorted(os.listdir(archive))[-3:])
failed_dir = conf_value("bank", "failed_dir")
open(os.path.join(tmp, "junk.csv"), "wb").write("随便\r\n写点\r\n".encode("gbk"))
os.rename(os.path.join(tmp, "junk.csv"), os.path.join(inbox, "junk-%s.csv" % tag))
ok(wait_for(lambda: os.path.exists(os.path.join(failed_dir, "junk-%s.csv.err" % tag)), 30),
   "an unrecognisable file in the inbox goes to the failed directory with its report")
report = open(os.path.join(failed_dir, "junk-%s.csv.err" % tag), encoding="utf-8").read() \
    if os.path.exists(os.path.join(failed_dir, "junk-%s.csv.err" % tag)) else ""
ok("表头" in report, "which says what was looked for", report)

# A 中国银行 export: labels with their English in brackets (it was refused as 无法识别的对账单).
f = approved_order(cust, rev, seed=306)
boc = os.path.join(tmp, "boc.csv")
head = ["交易类型[ Transaction Type ]", "付款人账号[ Debit Account No. ]", "付款人名称[ Payer's Name ]",
        "收款人账号[ Payee's Account Number ]", "收款人名称[ Payee's Name ]", "交易日期[ Transaction Date ]",
        "交易货币[ Trade Currency ]", "交易金额[ Trade Amount ]", "交易后余额[ After-transaction balance ]",
        "交易流水号[ Transaction reference number ]", "用途[ Purpose ]", "交易附言[ Remark ]"]
row = ["来账", "6217850000000000001", "我是测试企业", account, "甘肃成兴信息科技有限公司", "20261126", "人民币",
       "%d.%02d" % (f["amount_fen"] // 100, f["amount_fen"] % 100), "0.00", "BOC-" + tag, "证书费",
       "订单%s" % f["order_no"]]
open(boc, "wb").write(("查询账号[ Inquirer account number ],%s\r\n\r\n%s\r\n%s\r\n"
                       % (account, ",".join(head), ",".join(row))).encode("gbk"))
st, s, _ = fin.raw("POST", "/api/v1/statements?name=boc.csv", open(boc, "rb").read(), ctype="text/csv")
s = json.loads(s)
ok(st == 202 and wait_for(lambda: fin.json("GET", "/api/v1/statements/%d" % s["id"])[1].get("status") == "done", 30)
   and status(f)["status"] == "paid", "a 中国银行 export with bilingual labels is recognised and pays its order",
   fin.json("GET", "/api/v1/statements/%d" % s.get("id", 0))[1])
done()
