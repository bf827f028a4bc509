// Money given back, in real browsers (issue 19): finance sees an online payment above what its order owed among
// 在线支付待退款 with its surplus; records the refund of a bank overpayment it made by hand (reference and day);
// cancels a paid order not yet issued with all its money given back; the 对账报表 closes each day against the
// statements; the customer is told.
"use strict";
const { BASE, ok, run, shot, login, withCrtest, visit } = require("./lib");

// Three orders of the demo enterprise, through the API: one paid online over what it owed (a trade for the whole
// price, then 50.00 by bank, then the trade paid), one paid by a bank transfer 30.00 too much, one paid by bank
// and not yet issued.
function setUp() {
  return withCrtest(`
sim = conf_value("alipay", "gateway").split("/alipay/")[0]
seed = int(time.time()) % 100000 * 10 + 1
a = approved_order(cust, rev, seed=seed)
st, r = cust.json("POST", "/api/v1/orders/%s/pay" % a["order_no"], {"method": "alipay"})
import_statement(statement((5000, "订单%s" % a["order_no"], "我是测试企业", "E2E-PART-%s" % a["order_no"])))
page = urllib.request.urlopen(r["redirect_url"], timeout=30).read().decode()
t = re.search(r"name=t value=([\\w-]+)", page).group(1)
try:
    urllib.request.urlopen(urllib.request.Request(sim + "/alipay/pay", data=urllib.parse.urlencode({"t": t}).encode()), timeout=30)
except urllib.error.HTTPError:
    pass
wait_for(lambda: sql("SELECT 1 FROM online_payments p JOIN orders o ON o.id = p.order_id WHERE o.order_no = '%s'" % a["order_no"]), 20)
b = approved_order(cust, rev, seed=seed + 1)
import_statement(statement((b["amount_fen"] + 3000, "订单%s" % b["order_no"], "我是测试企业", "E2E-OVER-%s" % b["order_no"])))
c = approved_order(cust, rev, seed=seed + 2)
import_statement(statement((c["amount_fen"], "订单%s" % c["order_no"], "我是测试企业", "E2E-PAID-%s" % c["order_no"])))
# A day of this run's own on the agency's account, with one statement of it: the report closes it.
import datetime
day = (datetime.date(2012, 1, 1) + datetime.timedelta(days=int(time.time()) % 1400)).isoformat()
import_statement(statement((4321, "无订单号 E2E", "某公司", "E2E-DAY-%d" % seed), opening=100000, date=day))
print(json.dumps([a["order_no"], b["order_no"], c["order_no"], c["amount_fen"], day]))
`);
}

run(async (browser) => {
  const [online, over, paid, paidFen, day] = setUp();
  const errors = [];
  const finance = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  finance.on("pageerror", (e) => errors.push(e.message));
  await login(finance, "finance");
  await finance.waitForSelector("#staff-nav a");

  // 在线支付待退款: the overpaid online payment, with what is refundable.
  await visit(finance, BASE + "/staff.html#/payments?status=online");
  const row = finance.locator("#online-payments tbody tr", { hasText: online });
  await row.waitFor({ timeout: 10000 });
  const text = await row.textContent();
  ok(text.includes("多付 50.00") && (await row.locator("[data-surplus]").count()) === 1,
     "在线支付待退款 lists the online payment the order took only part of, with its 50.00 surplus", text);
  await shot(finance, "refunds-1-online-overpaid");
  // Refunding it: a reason is required, then a dialog names the customer and the amount before the money moves.
  await row.locator("[data-refund]").click();
  ok((await row.textContent()).includes("请填写退款原因"), "an online refund without a reason is refused on the page");
  await row.locator('input[aria-label="退款原因"]').fill("多付退回");
  await row.locator("[data-refund]").click();
  await finance.waitForSelector("#refund-preview");
  const preview = await finance.textContent("#refund-preview");
  ok(preview.includes("我是测试企业") && preview.includes("50.00") && preview.includes(online),
     "the dialog names the customer, the order and 50.00 before refunding", preview);
  await shot(finance, "refunds-1b-online-refund-dialog", { viewport: true });
  await finance.click("#ask-cancel");
  ok((await finance.locator("#ask").count()) === 0 && (await row.textContent()).includes("多付 50.00"),
     "取消 closes it and nothing is refunded");

  // The bank overpayment: finance refunded it by hand and records the transfer.
  await visit(finance, BASE + "/staff.html#/payments");
  const credit = finance.locator("#credits tbody tr", { hasText: over });
  await credit.waitFor({ timeout: 10000 });
  ok((await credit.textContent()).includes("需退款 30.00"), "the bank overpayment waits with 需退款 30.00");
  await credit.locator("[data-refund-open]").click();
  await credit.locator('input[aria-label="退款的银行流水号"]').fill("HAND-" + over);
  await shot(finance, "refunds-2-bank-refund-form");
  await credit.locator("[data-refund-credit]").click();
  await credit.waitFor({ state: "detached", timeout: 10000 });
  await visit(finance, BASE + "/staff.html#/payments?status=refunded");
  const done = finance.locator("#credits tbody tr", { hasText: over });
  await done.waitFor({ timeout: 10000 });
  const doneText = await done.textContent();
  ok(doneText.includes("已退款") && doneText.includes("已退回 30.00") && doneText.includes("HAND-" + over),
     "recorded: it moves to 已退款 with the amount and the bank's reference", doneText);

  // 撤单退款: a paid order not yet issued, cancelled with all its money given back.
  await visit(finance, BASE + "/staff.html#/payments?status=cancel");
  await finance.fill("#cancel-order-no", paid);
  await finance.click("#cancel-find button[type=submit]");
  await finance.waitForSelector("#cancel-go");
  ok((await finance.textContent("#cancel-order")).includes("已付款"), "the order is found and shown 已付款");
  await finance.click("#cancel-go");
  ok((await finance.textContent("#cancel-find ~ .field-error, [role=alert]")).includes("撤单原因"),
     "撤单 without a reason is refused on the page, saying what is missing");
  await finance.fill('input[aria-label="撤单原因"]', "客户不再需要");
  await finance.click("#cancel-go");
  await finance.waitForSelector("#ask");
  const asked = await finance.textContent("#ask");
  ok(asked.includes(paid) && asked.includes((paidFen / 100).toFixed(2)) && asked.includes("不可撤销"),
     "a dialog names the order, the amount and that it cannot be undone before anything happens", asked);
  await shot(finance, "refunds-3-cancel-dialog", { viewport: true });
  await finance.click("#ask-confirm");
  await finance.waitForSelector(`[data-cancelled="${paid}"]`);
  const result = await finance.textContent(`[data-cancelled="${paid}"]`);
  ok(result.includes("已撤单退款") && result.includes((paidFen / 100).toFixed(2)) && result.includes("登记退款"),
     "cancelled: the page says what goes back and that the bank part is to be refunded by hand", result);
  await shot(finance, "refunds-3-order-cancelled");
  await visit(finance, BASE + "/staff.html#/payments");
  await finance.locator("#credits tbody tr", { hasText: paid }).waitFor({ timeout: 10000 });
  ok((await finance.locator("#credits tbody tr", { hasText: paid }).textContent()).includes("撤单退款"),
     "its bank transfer now waits under 待处理 to be refunded, saying why");

  // 对账报表: each day closed against the statements.
  await visit(finance, BASE + "/staff.html#/report");
  await finance.waitForSelector("#report tbody tr");
  const heads = await finance.textContent("#report thead");
  ok(["已退回", "当日退款", "对账单收入", "对平", "期末余额"].every((t) => heads.includes(t)),
     "对账报表 shows refunds by hand and closes each day against the statements", heads);
  await shot(finance, "refunds-4-report");
  await visit(finance, BASE + "/staff.html#/report?from=" + day + "&to=" + day);
  const dayRow = finance.locator("#report tbody tr", { hasText: day });
  await dayRow.waitFor({ timeout: 10000 });
  const closed = await dayRow.textContent();
  ok(closed.includes("43.21") && (await dayRow.locator('[data-closed="yes"]').count()) === 1,
     "a day whose statement was imported says 已对平 (" + day + ")", closed);

  // The customer is told.
  const customer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  customer.on("pageerror", (e) => errors.push(e.message));
  await login(customer, "我是测试企业");
  await customer.waitForSelector("#cert-table");
  await customer.click('a[data-nav="messages"]');
  await customer.waitForSelector("#messages");
  const msgs = await customer.textContent("#messages");
  ok(msgs.includes("订单 " + paid + " 已撤销") && msgs.includes("订单 " + over + " 退款 30.00 元已退回"),
     "the customer's messages say the order was cancelled and the 30.00 went back");
  await shot(customer, "refunds-5-customer-told");
  ok(errors.length === 0, "no script errors", errors.join("\n"));
});
