// 对账 in real browsers: finance uploads a bank statement and watches it imported; one credit pays an
// order by its number at once, another with a mistyped number waits with the right order suggested and
// finance confirms it in one click; the customer's payment page, left open, turns to 已付款 by itself.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { BASE, ok, run, shot, login, TOP, visit } = require("./lib");

// Two approved orders of the demo enterprise, made through the API by the integration helpers.
function orders() {
  const py = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(TOP, "tests", "integration"))})
from crtest import *
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
tcs = [c["id"] for c in cust.json("GET", "/api/v1/trading-centres")[1]["items"]][:3]
a = approved_order(cust, rev, seed=61)
b = approved_order(cust, rev, seed=62, centres=tcs, years=5)
print(json.dumps([a["order_no"], a["amount_fen"], b["order_no"], b["amount_fen"]]))
`;
  return JSON.parse(execFileSync("python3", ["-c", py], { encoding: "utf8", env: process.env }).trim().split("\n").pop());
}

// The order number with two neighbouring digits swapped (or one digit changed when they are equal).
function typo(no) {
  const d = no.split("");
  if (d[5] !== d[6]) [d[5], d[6]] = [d[6], d[5]];
  else d[6] = String((Number(d[6]) + 1) % 10);
  return d.join("");
}

run(async (browser) => {
  const [no1, amount1, no2, amount2] = orders();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cr-e2e-")), "对账单-" + no1 + ".xml");
  const account = fs.readFileSync(path.join(TOP, "run", "certrenew.conf"), "utf8").match(/^account = (.*)$/m)[1];
  execFileSync("python3", [path.join(TOP, "contrib", "camt-gen.py"), "--account", account, "--seed", String(Date.now() % 1e9),
    "--credit", `${amount1}:证书续期 订单号${no1}:我是测试企业:E2E1-${no1}`,
    "--credit", `${amount2}:订单号${typo(no2)}:我是测试企业:E2E2-${no2}`, "-o", file]);
  const errors = [];

  // The customer opens the payment page of the second order and leaves it open.
  const customer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  customer.on("pageerror", (e) => errors.push(e.message));
  await login(customer, "我是测试企业");
  await customer.waitForSelector("#cert-table");
  await visit(customer, BASE + "/portal.html#/orders/" + no2);
  await customer.waitForSelector("#pay");
  ok((await customer.textContent("#pay")).includes("等待付款"), "the customer's payment page says 等待付款");

  // Finance uploads the statement.
  const finance = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  finance.on("pageerror", (e) => errors.push(e.message));
  await login(finance, "finance");
  await finance.waitForSelector("#staff-nav a");
  ok((await finance.textContent("#staff-nav")).includes("对账"), "finance has 对账 in the navigation");
  await visit(finance, BASE + "/staff.html#/statements");
  await finance.waitForSelector("#statement-file", { state: "attached" });
  const accept = (await finance.getAttribute("#statement-file", "accept")).split(",");
  ok([".xml", ".csv", ".txt", ".xls", ".xlsx", ".html"].every((x) => accept.includes(x)),
     "the file picker offers every kind of file the importer reads (Excel and saved web pages too)", accept.join(","));
  await finance.setInputFiles("#statement-file", file);
  const row = finance.locator("#statements tbody tr", { hasText: path.basename(file) });
  await row.filter({ hasText: "已完成" }).waitFor({ timeout: 20000 });
  const text = await row.textContent();
  ok(text.includes("已完成") && text.includes("上传"), "the upload is imported and shown 已完成", text);
  await shot(finance, "reconcile-1-imported");

  // The exact payment is booked; the mistyped one waits with the order suggested.
  await visit(finance, BASE + "/staff.html#/payments");
  const credit = finance.locator("#credits tbody tr", { hasText: typo(no2) });
  await credit.waitFor({ timeout: 10000 });
  ok((await credit.textContent()).includes(no2), "the mistyped credit suggests order " + no2, await credit.textContent());
  ok(await finance.locator("#credits tbody tr", { hasText: "订单号" + no1 }).count() === 0,
     "the credit that named its order exactly is not in the queue");
  await shot(finance, "reconcile-2-queue");
  await credit.locator(`button[data-confirm="${no2}"]`).click();
  await credit.waitFor({ state: "detached", timeout: 10000 });
  ok((await finance.locator(`button[data-confirm="${no2}"]`).count()) === 0, "one click confirms it and it leaves the queue");

  // The day's reconciliation shows what came in.
  await visit(finance, BASE + "/staff.html#/report");
  await finance.waitForSelector("#report tbody tr");
  const report = await finance.textContent("#report");
  ok(report.includes("合计") && /\d+\.\d\d/.test(report), "对账报表 shows the days with their sums");
  const heads = await finance.textContent("#report thead");
  ok(["银行到账", "已匹配", "应退款", "已退回", "支付宝", "微信支付", "在线多付", "当日退款"].every((t) => heads.includes(t)),
     "对账报表 counts every kind of money: bank credits by outcome, online payments by provider, surplus, refunds", heads);
  await shot(finance, "reconcile-4-report");
  // On a phone: each value says its column, the 合计 row fits, and headers elsewhere never wrap a character a line.
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  phone.on("pageerror", (e) => errors.push(e.message));
  await login(phone, "finance");
  await phone.waitForSelector("#staff-nav a");
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  await visit(phone, BASE + "/staff.html#/report?from=" + today + "&to=" + today);
  await phone.waitForSelector("#report tbody tr");
  const unlabelled = await phone.locator("#report tbody td:not([data-label])").count();
  ok(unlabelled === 0, "phone: every value of 对账报表 says which column it is", String(unlabelled));
  const overflow = await phone.locator("#report tfoot th").evaluateAll((els) =>
    els.filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > window.innerWidth).map((e) => e.textContent));
  ok(overflow.length === 0 && (await phone.locator('#report tfoot th[data-label="银行到账"]').count()) === 1,
     "phone: the 合计 row fits the screen, labelled", overflow.join(" | "));
  await shot(phone, "reconcile-4b-report-phone");
  await visit(phone, BASE + "/staff.html#/statements");
  await phone.waitForSelector("#statement-file", { state: "attached" });
  await visit(finance, BASE + "/staff.html#/statements");
  await finance.waitForSelector("#statements thead th");
  const wrapped = await finance.locator("#statements thead th, #report thead th").evaluateAll((els) =>
    els.filter((e) => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length > 1; })
      .map((e) => e.textContent));
  ok(wrapped.length === 0, "desktop: no table header wraps a character a line", wrapped.join(","));
  await visit(finance, BASE + "/staff.html#/payments"); /* so that coming back to #/statements renders it anew */
  await finance.waitForSelector("#credits, #view p.muted");
  await phone.close();

  // Two statements of one account with a day missing between them: the list says so, with the dates.
  const gapAccount = "6217" + String(Date.now()).slice(-15).padStart(15, "0");
  for (const [day, opening] of [["2026-09-01", 100000], ["2026-09-03", 150000]]) {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cr-e2e-")), "balance-" + day + ".xml");
    execFileSync("python3", [path.join(TOP, "contrib", "camt-gen.py"), "--account", gapAccount, "--seed",
      String(Date.now() % 1e9), "--date", day, "--opening", String(opening), "--credit", "2000:货款:某公司", "-o", f]);
    execFileSync(path.join(process.env.CR_BUILD || path.join(TOP, "run", "build"), "certrenewctl"),
      ["-c", process.env.CR_CONF || path.join(TOP, "run", "certrenew.conf"), "import-statement", f]);
  }
  await visit(finance, BASE + "/staff.html#/statements");
  await finance.waitForSelector('[data-balance="gap"]');
  const gap = await finance.textContent('[data-balance="gap"]');
  ok(gap.includes("缺少对账单") && gap.includes("2026-09-01") && gap.includes("2026-09-03") && gap.includes("1020.00"),
     "对账单导入 names a missing statement: the last closing and the next opening, with their dates", gap);
  ok((await finance.locator('[data-balance="ok"]').count()) > 0, "and says when a statement's balances agree");
  await shot(finance, "reconcile-5-statement-gap");

  // A statement the bank drops into the inbox while the page is open shows up on it by itself.
  const conf = fs.readFileSync(process.env.CR_CONF || path.join(TOP, "run", "certrenew.conf"), "utf8");
  const inbox = conf.match(/^inbox = (.*)$/m)[1];
  const pushed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cr-e2e-")), "推送-" + Date.now() + ".xml");
  execFileSync("python3", [path.join(TOP, "contrib", "camt-gen.py"), "--account", account, "--seed",
    String(Date.now() % 1e9), "--credit", "3000:货款:某公司", "-o", pushed]);
  fs.copyFileSync(pushed, path.join(inbox, ".tmp-" + path.basename(pushed)));
  fs.renameSync(path.join(inbox, ".tmp-" + path.basename(pushed)), path.join(inbox, path.basename(pushed)));
  const arrived = finance.locator("#statements tbody tr", { hasText: path.basename(pushed) });
  await arrived.filter({ hasText: "已完成" }).waitFor({ timeout: 20000 });
  ok((await arrived.textContent()).includes("银行推送"),
     "a statement dropped into the inbox appears on the open page by itself, 银行推送", await arrived.textContent());
  await shot(finance, "reconcile-6-inbox-arrived");

  // The customer's page turns to 已付款 by itself.
  await customer.waitForSelector("#paid-notice", { timeout: 15000 });
  ok((await customer.textContent("#paid-notice")).includes("已付款"), "the customer's page turns to 已付款 by itself");
  await shot(customer, "reconcile-3-customer-paid");
  await visit(customer, BASE + "/portal.html#/orders/" + no1);
  await customer.waitForSelector("#paid-notice");
  ok((await customer.textContent("#paid-notice")).includes("已付款"), "the first order is 已付款 too");
  await customer.click('a[data-nav="messages"]');
  await customer.waitForSelector("#messages");
  const msgs = await customer.textContent("#messages");
  ok(msgs.includes(no1 + " 已付款") && msgs.includes(no2 + " 已付款"), "the message list says 已付款 for both");
  ok(errors.length === 0, "no script errors", errors.join("\n"));
});
