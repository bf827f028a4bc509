// What surrounds the renewal (issue 12), in a real browser: the login page and footer carry the agency from
// [agency]; a certificate whose renewal is approved shows 待更新 with its order (the new certificates are not
// listed yet); 确定 on the payment page says what happens next and how long it takes; the 更新指南 holds the
// seed's guidance and the admin edits it in the browser; the audit log speaks Chinese; staff headers read
// "审核员 reviewer"; a refused or missing page says so and leads back to the right home.
"use strict";
const fs = require("fs");
const path = require("path");
const { BASE, ok, run, shot, login, approvedOrder, showCert, TOP, visit } = require("./lib");

// [agency] as configured for the running stack; an option not set there has its default.
const conf = fs.readFileSync(path.join(TOP, "run", "certrenew.conf"), "utf8");
const agencySection = (conf.split(/^\[agency\]$/m)[1] || "").split(/^\[/m)[0];
const DEFAULTS = { service_hours: "8:30-12:00 14:30-18:00", driver_url: "http://www.gsggzyjy.cn" };
const agency = (k) => ((agencySection.match(new RegExp("^" + k + " = (.*)$", "m")) || [])[1] || DEFAULTS[k] || "").trim();

run(async (browser) => {
  const errors = [];
  const fresh = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    return page;
  };

  // The login page: the agency's name, hotline, address and copyright, as the seed's.
  const anon = await fresh();
  await anon.goto(BASE + "/");
  await anon.waitForFunction(() => document.querySelector("#footer").textContent.length > 0);
  ok((await anon.textContent("#welcome")).includes(agency("name")), "the login page welcomes to the agency's system", agency("name"));
  ok((await anon.textContent("#forgot")).includes(agency("hotline")), "forgotten passwords: the agency's hotline");
  const foot = await anon.textContent("#footer");
  ok(foot.includes(agency("hotline")) && foot.includes(agency("address")) && foot.includes(agency("copyright")),
     "the footer: hotline, address and copyright from the configuration", foot);
  await shot(anon, "guide-1-login");
  // A failed login by a name that is no account: the audit log shows the name as typed.
  const typed = "没有这个账号" + Date.now() % 100000;
  await anon.fill("#account", typed);
  await anon.fill("#password", "wrong-password-1");
  await anon.press("#password", "Enter");
  await anon.waitForFunction(() => document.querySelector("#form-error").textContent.length > 0);

  // The customer: the renewed certificate is 待更新 with its order; the new ones are not listed yet.
  const o = approvedOrder(97, false);
  const cust = await fresh();
  await login(cust, "我是测试企业");
  await cust.waitForSelector("#cert-table");
  // On the unfiltered first page (renewals under way first, so this order's rows would be there if listed).
  let listed = 0;
  for (const c of o.certificates) listed += await cust.locator(`tr[data-cert="${c.id}"]`).count();
  ok(listed === 0, "the certificates still to be issued are not rows of 我的数字证书");
  // The account holds many: the certificate being renewed is shown alone.
  await showCert(cust, o.certificates[0].renews_id);
  const oldRow = cust.locator(`tr[data-cert="${o.certificates[0].renews_id}"]`);
  ok((await oldRow.textContent()).includes("待更新"), "the certificate being renewed shows 待更新", await oldRow.textContent());
  ok(await oldRow.locator(`a[data-renewal="${o.order_no}"]`).count() === 1, "with a link to its order's 证书服务");
  ok(!(await cust.textContent("#cert-table")).includes("待提交证书请求"), "no jargon: 待提交证书请求 is gone");
  await shot(cust, "guide-2-certs-pending");

  await oldRow.locator(`a[data-renewal="${o.order_no}"]`).click();
  await cust.waitForSelector("#next-steps");
  const next = await cust.textContent("#next-steps");
  ok(await cust.locator("#next-steps").isVisible() && next.includes("二十分钟") && next.includes("自动"),
     "the payment page says what happens next without a click: the transfer is confirmed automatically within about twenty minutes", next);
  const dl = await cust.textContent("#pay .dl");
  ok(dl.includes("收款账号") && !dl.includes("付款账户") && (await cust.textContent("#pay-deadline")).includes("逾期未付款") &&
     /^主锁证书更新 · 1 年 · \d{4}-\d{2}-\d{2}$/.test(await cust.textContent("#order-name")),
     "the agency's account is 收款账号, the deadline is on the order, and the order is named by what it renews and when", dl);
  ok(next.includes("即时") || !(await cust.locator("#online-pay").count()), "and online payment at once");
  ok((await cust.textContent("#service")).includes("待更新") && await cust.locator("#service-guide").count() === 1,
     "证书服务 shows the new certificate as 待更新, with a link to the guide");
  await shot(cust, "guide-3-next-steps");

  // The guide: every step of the seed's guidance, with the agency's links and numbers filled in.
  await cust.click("#guide-link");
  await cust.waitForSelector("#help");
  const help = await cust.textContent("#help");
  for (const [what, words] of [["the new driver and the offline seal tool", ["驱动", "离线盖章工具"]],
    ["how 证书服务 works", ["证书服务", "更新证书"]], ["two PIN prompts 2 to 30 seconds apart", ["2 秒至 30 秒"]],
    ["primary and secondary keys one at a time", ["主锁", "副锁", "逐个"]], ["the hotline for failed pushes", ["推送", agency("hotline")]],
    ["the service hours", [agency("service_hours")]]])
    ok(words.every((w) => help.includes(w)), "the guide says: " + what, words.filter((w) => !help.includes(w)).join(","));
  ok(await cust.locator(`#help a[href="${agency("driver_url")}"]`).count() === 1, "the driver's site is a link", agency("driver_url"));
  ok(!help.includes("{"), "no placeholder is left unfilled");
  await shot(cust, "guide-4-help");

  // The admin edits the guide in the browser; the customer sees it on the next visit.
  const admin = await fresh();
  await login(admin, "admin");
  await admin.waitForSelector("#staff-nav");
  const who = await admin.textContent("#account-name");
  ok(!/(.+)（\1）/.test(who) && who.includes("admin"), "the header names the admin without repeating the role", who);
  await visit(admin, BASE + "/staff.html#/help");
  await admin.waitForSelector("#help-body");
  const original = await admin.inputValue("#help-body");
  const line = "测试补充说明 " + Date.now();
  await admin.fill("#help-body", original + "\n\n- " + line);
  ok((await admin.textContent("#help-preview")).includes(line), "the preview follows the text as it is typed");
  await Promise.all([admin.waitForResponse((r) => r.url().includes("/api/v1/admin/help/") && r.status() === 200), admin.click("#help-save")]);
  await admin.locator("#toast", { hasText: "已保存" }).waitFor({ timeout: 10000 });
  await shot(admin, "guide-5-admin-help");
  await cust.reload();
  await cust.waitForSelector("#help");
  ok((await cust.textContent("#help")).includes(line), "the customer's guide shows the admin's edit (no rebuild)");
  await admin.waitForSelector("#help-body");
  await admin.fill("#help-body", original);
  await Promise.all([admin.waitForResponse((r) => r.url().includes("/api/v1/admin/help/") && r.status() === 200), admin.click("#help-save")]);
  await admin.locator("#toast", { hasText: "已保存" }).waitFor({ timeout: 10000 });

  // The audit log in Chinese: labelled actions, the actor's name, changes as fields, dates as YYYY-MM-DD.
  await visit(admin, BASE + "/staff.html#/audit?action=help.update");
  await admin.waitForSelector("#audit tbody tr");
  const row = admin.locator("#audit tbody tr").first();
  ok((await row.locator(".action").textContent()) === "帮助页面修改", "actions have Chinese labels", await row.locator(".action").textContent());
  ok((await row.locator(".actor").textContent()).includes("管理员"), "the actor is named", await row.locator(".actor").textContent());
  ok((await row.locator(".changes").textContent()).includes("正文：") && (await row.locator(".changes").textContent()).includes("测试补充说明"),
     "before and after read as field changes, a long text by the part that changed",
     await row.locator(".changes").textContent());
  await visit(admin, BASE + "/staff.html#/audit?action=login.failure");
  await admin.waitForSelector('#audit tbody tr[data-action="login.failure"]');
  const failRow = admin.locator("#audit tbody tr", { hasText: typed });
  ok(await failRow.count() >= 1 && (await failRow.first().locator(".actor").textContent()).includes("输入的账号"),
     "a failed login shows the account name as typed, not 'anonymous'", await admin.textContent("#audit tbody"));
  ok(!(await admin.textContent("#audit")).includes("anonymous"), "nobody is called anonymous");
  await admin.fill('#audit-filter input[name="from"]', "2026/12/01");
  await admin.click('#audit-filter button[type="submit"]');
  ok((await admin.textContent("#audit-filter .form-error")).includes("YYYY-MM-DD"), "a date in another form is explained");
  await visit(admin, BASE + "/staff.html#/audit");
  await admin.waitForFunction(() => !document.querySelector('#audit-filter select[name="action"]').value);
  const raw = await admin.locator("#audit tbody .action").evaluateAll((els) => els.map((e) => e.textContent).filter((t) => /^[a-z_]+[.a-z_]*$/.test(t)));
  ok(raw.length === 0, "no action on the first page is shown as a code", raw.join(","));
  await shot(admin, "guide-6-audit");
  // By now the audit log holds more than a page (every test before this one wrote to it): 更早的记录 is there.
  ok((await admin.locator("#audit-older").count()) === 1, "a full page of the audit log offers 更早的记录");
  const lastId = Number(await admin.locator("#audit tbody tr:last-child td").first().textContent());
  await admin.click("#audit-older");
  await admin.waitForFunction((n) => Number(document.querySelector("#audit tbody tr td").textContent) < n, lastId);
  ok(true, "更早的记录 leads to the rows before the last one shown");
  // Every field and value in Chinese, times in Asia/Shanghai, the system's parts named as such.
  for (const action of ["certificate.issue", "certificate.create", "payment.refunded", "credit.book", "order.paid"]) {
    // Only the hash changes: the page before is marked, and its table must be gone before this one is read.
    await admin.evaluate(() => document.querySelectorAll("section.panel").forEach((s) => { s.dataset.before = "1"; }));
    await visit(admin, BASE + "/staff.html#/audit?action=" + action);
    await admin.waitForFunction(() => document.querySelector("section.panel") && !document.querySelector("section.panel[data-before]"));
    await admin.waitForSelector("#audit tbody tr, #view p.muted");
    if (!(await admin.locator("#audit tbody tr").count())) continue;
    const text = await admin.locator("#audit tbody .changes").allTextContents();
    const codes = text.join(" ").match(/\b[a-z]+_[a-z0-9_]+\b|\b(primary|secondary|succeeded|wechat|alipay)\b/g) || [];
    ok(codes.length === 0, action + ": no field or value shown as a code", codes.join(","));
    const actors = await admin.locator("#audit tbody .actor").allTextContents();
    ok(!actors.some((t) => /^(inbox|alipay|wechat|system|upload|certrenewctl)/.test(t.trim()) || /财务\s*upload/.test(t)),
       action + ": the system is never shown as if it were staff", actors.slice(0, 3).join(" | "));
  }
  await visit(admin, BASE + "/staff.html#/audit?action=certificate.issue");
  // Only the hash changed: wait for this search's rows, not the last page's table still shown.
  await admin.locator("#audit tbody tr").first().filter({ hasText: "证书签发" }).waitFor({ timeout: 10000 });
  const issued = await admin.locator("#audit tbody tr").first().textContent();
  const [at, notBefore] = [/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.exec(await admin.locator("#audit tbody tr td").nth(1).textContent()),
    /生效时间：[^\d]*(\d{4}-\d{2}-\d{2} \d{2}:\d{2})/.exec(issued)];
  const minutes = (t) => Date.parse(t.replace(" ", "T") + ":00+08:00") / 60000;
  ok(issued.includes("生效时间") && issued.includes("有效期至") && at && notBefore &&
     Math.abs(minutes(at[0]) - minutes(notBefore[1])) <= 2,
     "an issued certificate's dates read in Beijing time, as the row's own time does", issued);
  await visit(admin, BASE + "/staff.html#/audit?action=certificate.issue");
  await admin.waitForSelector("#audit tbody tr");
  await shot(admin, "guide-6c-audit-issue", { viewport: true });
  await visit(admin, BASE + "/staff.html#/audit?actor=inbox");
  await admin.waitForSelector("#audit tbody tr");
  ok((await admin.locator("#audit tbody .actor").first().textContent()) === "系统：对账单收件箱", "the inbox reads 系统：对账单收件箱");
  await shot(admin, "guide-6b-audit-system", { viewport: true });

  // The reviewer: "审核员 reviewer"; a page of the admin's is refused with a way back to the queue.
  const rev = await fresh();
  await login(rev, "reviewer");
  await rev.waitForSelector("#staff-nav");
  ok((await rev.textContent("#account-name")) === "审核员 reviewer", "the header reads 审核员 reviewer", await rev.textContent("#account-name"));
  await visit(rev, BASE + "/staff.html#/users");
  await rev.waitForSelector("#fail-page");
  ok((await rev.getAttribute("#fail-home", "href")) === "#/review" && (await rev.textContent("#fail-home")).includes("工作台"),
     "a refused page leads back to the reviewer's own home, not 我的证书");
  await shot(rev, "guide-7-refused");
  await visit(rev, BASE + "/staff.html#/review/987654321");
  await rev.waitForFunction(() => (document.querySelector("#fail-page") || {}).textContent?.includes("987654321"));
  ok((await rev.textContent("#fail-page")).includes("没有找到申请 #987654321"), "a missing application is named");

  // The customer's missing page.
  await visit(cust, BASE + "/portal.html#/orders/99999999");
  await cust.waitForSelector("#fail-page");
  ok((await cust.textContent("#fail-page")).includes("没有找到订单 99999999") && (await cust.getAttribute("#fail-home", "href")) === "#/",
     "a missing order is named, with a way back to 我的证书", await cust.textContent("#fail-page"));
  await shot(cust, "guide-8-not-found");
  ok(errors.length === 0, "no script errors", errors.join("\n"));
});
