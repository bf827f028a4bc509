// Staff search in a real browser (issue 23), one box per page: the administrator finds a customer by a part of the
// company's name, its licence code, ID number and phone; finance finds an order by its number (a wrong check digit
// offers the number meant), by payer with a status and days, and the credits by amount, bank reference, payer
// over days, payer with a status, and days alone; the reviewer finds an application by company and by number; the
// administrator the audit rows of an order and of an actor on a day; the customer their own order by number and
// days, and an application by its number and days. Screenshots of each.
"use strict";
const { BASE, ok, run, shot, login, visit, withCrtest } = require("./lib");

function setUp() {
  return withCrtest(`
import datetime
seed = int(time.time()) % 100000 + 700000
company = "滇池检%d光电有限公司" % seed
payer = "付检%d结算中心" % seed
phone = "137%08d" % (seed * 7919 % 10 ** 8)
lic, idno = uscc(seed), id_card(seed)
o = approved_order(cust, rev, seed=seed, first={"company_name": company, "license_no": lic, "id_card_no": idno,
                   "phone": phone}, payer_name=payer)
odd = 100000 + seed % 9000 * 7 + 1
ref = "E2ESRCH-%d" % seed
rc, res, err = import_statement(statement((odd, "货款", payer, ref)))
assert rc == 0, err
cid = int(sql("SELECT id FROM users WHERE login = '我是测试企业'")[0][0])
print(json.dumps({"no": o["order_no"], "app": o["application_id"], "part": "检%d光电" % seed, "lic": lic, "idno": idno,
                  "phone": phone, "payer": payer, "ref": ref, "yuan": "%d.%02d" % (odd // 100, odd % 100),
                  "today": (datetime.datetime.fromisoformat(o["created_at"].replace("Z", "+00:00")) +
                            datetime.timedelta(hours=8)).date().isoformat(), "booked": (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date().isoformat(),
                  "utcday": datetime.datetime.utcnow().date().isoformat(),
                  "cust": cid}))
`);
}

// Fills the search form's fields and searches; returns once the page has drawn the answer (its panels replaced),
// so that what follows never reads the list that was there before.
async function search(page, form, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const el = page.locator(`#${form} [name="${name}"]`);
    if ((await el.evaluate((e) => e.tagName)) === "SELECT") await el.selectOption(value);
    else await el.fill(value);
  }
  await page.evaluate(() => document.querySelectorAll("section.panel").forEach((s) => { s.dataset.before = "1"; }));
  await page.click(`#${form} button[type="submit"]`);
  await page.waitForFunction(() => document.querySelector("section.panel") &&
    !document.querySelector("section.panel[data-before]"), null, { timeout: 10000 });
}

run(async (browser) => {
  const d = setUp();
  const errors = [];
  const page = async (account) => {
    const p = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    p.on("pageerror", (e) => errors.push(e.message));
    await login(p, account);
    await p.waitForSelector(account === "我是测试企业" ? "#cert-table" : "#staff-nav a");
    return p;
  };

  // 用户: the administrator finds the customer by each thing a caller may say.
  const admin = await page("admin");
  await visit(admin, BASE + "/staff.html#/users");
  await admin.waitForSelector("#user-search");
  for (const [q, what, name] of [[d.part, "a part of the company's name", "search-1-users-name"], [d.lic, "the licence code"],
    [d.idno, "the ID number"], [d.phone, "the phone"]]) {
    await search(admin, "user-search", { q });
    const row = admin.locator(`#users tr[data-user="${d.cust}"]`);
    await row.waitFor({ timeout: 10000 });
    ok((await admin.locator("#users tbody tr").count()) >= 1 && (await admin.inputValue("#user-search [name=q]")) === q,
      "用户: " + what + " (" + q + ") finds the customer, the box keeps the text");
    if (name) await shot(admin, name);
  }
  await search(admin, "user-search", { q: "检" });
  await admin.locator("#user-search-error", { hasText: "两个字" }).waitFor({ timeout: 10000 });
  ok(true, "用户: one character is refused under the box: " + await admin.textContent("#user-search-error"));
  await shot(admin, "search-2-users-refused");
  await admin.click("#user-search-clear");
  await admin.waitForFunction(() => location.hash === "#/users");
  ok(true, "用户: 清除 goes back to every user");

  // 订单: finance by number, by a typo of it, by payer with status and days.
  const fin = await page("finance");
  await visit(fin, BASE + "/staff.html#/orders");
  await fin.waitForSelector("#order-search");
  await search(fin, "order-search", { q: d.no });
  await fin.locator(`#orders tr[data-order="${d.no}"]`).waitFor({ timeout: 10000 });
  ok((await fin.locator("#orders tbody tr").count()) === 1, "订单: the number finds the order alone");
  const typo = d.no.slice(0, 7) + String((Number(d.no[7]) + 1) % 10);
  await search(fin, "order-search", { q: typo });
  await fin.locator("#order-suggestions").waitFor({ timeout: 10000 });
  ok((await fin.textContent("#order-suggestions")).includes(d.no), "订单: a wrong check digit (" + typo + ") offers " + d.no);
  await shot(fin, "search-3-orders-typo");
  await fin.click(`#order-suggestions a:text("${d.no}")`);
  await fin.locator(`#orders tr[data-order="${d.no}"]`).waitFor({ timeout: 10000 });
  ok(true, "订单: following the offer shows the order");
  await search(fin, "order-search", { q: d.payer.slice(0, 7), status: "awaiting_payment", from: d.today, to: d.today });
  await fin.locator(`#orders tr[data-order="${d.no}"]`).waitFor({ timeout: 10000 });
  ok((await fin.locator("#orders tbody tr .badge").allTextContents()).every((t) => t === "等待付款"),
    "订单: the payer with 等待付款 and today's days finds it, and only orders waiting");
  await shot(fin, "search-4-orders-payer-status-days");
  await search(fin, "order-search", { q: "", status: "", from: "2001-01-01", to: "2001-01-31" });
  await fin.locator("#orders-none").waitFor({ timeout: 10000 });
  ok(true, "订单: days before any order: 没有符合条件的订单");

  // 对账: the credit by amount, by the bank's reference, by payer over days.
  for (const [q, what, name] of [[d.yuan, "the amount", "search-5-credits-amount"], [d.ref, "the bank reference"],
    [d.payer.slice(0, 5), "the payer's name as it starts"]]) {
    await visit(fin, BASE + "/staff.html#/payments");
    await fin.waitForSelector("#credit-search");
    await search(fin, "credit-search", name ? { q } : { q, from: d.booked });
    await fin.locator("#credits tbody tr", { hasText: d.ref }).waitFor({ timeout: 10000 });
    ok(true, "对账: " + what + " (" + q + ") finds the credit");
    if (name) await shot(fin, name);
  }
  // A status chosen with the payer: that status only.
  await search(fin, "credit-search", { q: d.payer.slice(0, 5), status: "unmatched", from: "", to: "" });
  await fin.locator("#credits tbody tr", { hasText: d.ref }).waitFor({ timeout: 10000 });
  ok((await fin.locator("#credits tbody tr .badge").allTextContents()).every((t) => t === "未匹配"),
    "对账: the payer with 未匹配 finds the credit, and only unmatched ones");
  await shot(fin, "search-5b-credits-payer-status");
  await search(fin, "credit-search", { status: "matched" });
  await fin.locator("#credits-none").waitFor({ timeout: 10000 });
  ok(true, "对账: the same payer with 已匹配: none");
  // Days alone: the credits booked that day, and no other day.
  await search(fin, "credit-search", { q: "", status: "", from: d.booked, to: d.booked });
  await fin.locator("#credits tbody tr").first().waitFor({ timeout: 10000 });
  const days = await fin.locator("#credits tbody tr td:first-child").allTextContents();
  ok(days.length > 0 && days.every((t) => t === d.booked), "对账: a day's credits alone (" + days.length + " on the first page)",
    days.slice(0, 5).join(","));

  // 审核: the reviewer by the company's name, then by number.
  const rev = await page("reviewer");
  await visit(rev, BASE + "/staff.html#/review?status=approved");
  await rev.waitForSelector("#queue-search");
  await search(rev, "queue-search", { q: d.part });
  await rev.locator(`#queue tr[data-app="${d.app}"]`).waitFor({ timeout: 10000 });
  // The list is drawn again when the answer comes: wait until it shows only what was asked (or time out and say).
  await rev.waitForFunction((id) => {
    const rows = document.querySelectorAll("#queue tbody tr");
    return rows.length === 1 && rows[0].dataset.app === String(id);
  }, d.app, { timeout: 10000 }).catch(() => {});
  ok((await rev.locator("#queue tbody tr").count()) === 1, "审核: the company's name finds its application",
     (await rev.locator("#queue tbody tr").allTextContents()).slice(0, 5).join("\n"));
  await shot(rev, "search-6-review-company");
  await search(rev, "queue-search", { q: "#" + d.app });
  await rev.locator(`#queue tr[data-app="${d.app}"]`).waitFor({ timeout: 10000 });
  ok(rev.url().includes("status=approved"), "审核: #number finds it, on the tab it is on");

  // 审计日志: the administrator, the rows of the order.
  await visit(admin, BASE + "/staff.html#/audit?object_id=" + d.no);
  await admin.waitForSelector("#audit tbody tr");
  const objects = await admin.locator("#audit td.object").allTextContents();
  ok(objects.length >= 1 && objects.every((t) => t.includes(d.no)), "审计日志: the order's rows (" + objects.length + ")");
  await shot(admin, "search-7-audit-order");
  // By who did it, over days.
  await visit(admin, BASE + "/staff.html#/audit?actor=finance&from=" + d.utcday + "&to=" + d.utcday);
  await admin.waitForFunction(() => document.querySelector('#audit-filter input[name="actor"]')?.value === "finance" &&
    document.querySelector("#audit tbody tr"), null, { timeout: 10000 });
  const actors = await admin.locator("#audit td.actor").allTextContents();
  ok(actors.length >= 1 && actors.every((t) => t.includes("finance")), "审计日志: finance's rows of the day (" + actors.length + ")",
    actors.slice(0, 3).join(" | "));
  await shot(admin, "search-7b-audit-actor-day");

  // The customer: their order by number, an application by number.
  const cust = await page("我是测试企业");
  await visit(cust, BASE + "/portal.html#/orders");
  await cust.waitForSelector("#order-search");
  await search(cust, "order-search", { q: d.no });
  await cust.locator("#order-table tbody tr", { hasText: d.no }).waitFor({ timeout: 10000 });
  ok((await cust.locator("#order-table tbody tr").count()) === 1, "订单信息: the customer finds their order by number");
  await shot(cust, "search-8-customer-order");
  await search(cust, "order-search", { q: "", from: d.today, to: d.today });
  await cust.locator("#order-table tbody tr", { hasText: d.no }).waitFor({ timeout: 10000 });
  ok(true, "订单信息: the customer's orders of today hold it");
  await search(cust, "order-search", { from: "2001-01-01", to: "2001-01-02" });
  await cust.locator("#orders-none").waitFor({ timeout: 10000 });
  ok(true, "订单信息: none on days before any order");
  await visit(cust, BASE + "/portal.html#/");
  await cust.waitForSelector("#app-search");
  await search(cust, "app-search", { q: "#" + d.app });
  await cust.waitForFunction((id) => document.querySelectorAll("#app-table tbody tr").length === 1 &&
    document.querySelector("#app-table tbody tr a[href='#/applications/" + id + "']"), d.app, { timeout: 10000 });
  ok(true, "证书更新申请: the customer finds an application by its number");
  await search(cust, "app-search", { q: "", from: d.today, to: d.today });
  await cust.locator(`#app-table a[href='#/applications/${d.app}']`).waitFor({ timeout: 10000 });
  ok(true, "证书更新申请: and among those made today");
  await cust.locator("#app-search").scrollIntoViewIfNeeded();
  await shot(cust, "search-9-customer-application", { viewport: true });

  ok(errors.length === 0, "no script errors on any page", errors.join("\n"));
});
