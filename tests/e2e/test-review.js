// The review flow in real browsers, customer and staff side by side: the customer submits,
// the reviewer opens the application, looks at a document and rejects it with a common
// reason; the customer sees the reason, fixes the document and resubmits; the reviewer
// approves; the customer sees 审核通过, the order 等待付款 and the payment page with the
// order number; the admin finds the approval in the audit log.
"use strict";
const fs = require("fs");
const path = require("path");
const { BASE, ok, run, shot, importCert, uscc, login, TOP, visit } = require("./lib");

run(async (browser) => {
  const certId = importCert("我是测试企业", 28);
  const jpg = fs.readFileSync(path.join(TOP, "tests", "fixtures", "scan.jpg")).toString("base64");
  const customer = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  const reviewer = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  const errors = [];
  for (const p of [customer, reviewer]) p.on("pageerror", (e) => errors.push(e.message));

  // The customer applies (through the API from the portal page, the wizard has its own test).
  await login(customer, "我是测试企业");
  await customer.waitForSelector("#cert-table");
  const appId = await customer.evaluate(async ({ certId, jpg, license }) => {
    const app = await Api.call("POST", "/api/v1/applications", { company_name: "我是测试企业", license_no: license,
      applicant_name: "王五", id_card_no: "11010519491231002X", phone: "13912345678", email: "wangwu@example.com",
      department: "招标部", certificate_id: certId });
    const bytes = Uint8Array.from(atob(jpg), (c) => c.charCodeAt(0));
    for (const k of ["business_license", "bank_account_permit", "company_seal", "legal_person_seal", "application_form",
                     "responsibility_letter", "power_of_attorney"]) {
      const r = await fetch(`/api/v1/applications/${app.id}/attachments/${k}`, { method: "PUT", body: bytes,
        headers: { "Content-Type": "image/jpeg", "X-CSRF-Token": Api.csrf } });
      if (!r.ok) throw new Error("upload " + k + ": " + r.status);
    }
    await Api.call("PATCH", `/api/v1/applications/${app.id}`, { license_type: "three_in_one", trading_centre_ids: [],
      payer_name: "我是测试企业", years: 1, invoice_type: "normal", invoice: { title: "我是测试企业", tax_no: license },
      delivery: { method: "pickup" } });
    await Api.call("POST", `/api/v1/applications/${app.id}/submit`, {});
    return app.id;
  }, { certId, jpg, license: uscc(77) });
  ok(appId > 0, "the customer submitted application #" + appId);

  // The reviewer rejects it.
  await login(reviewer, "reviewer");
  await reviewer.waitForSelector("#queue");
  ok(reviewer.url().includes("/staff.html"), "the reviewer lands on the review queue");
  await reviewer.click(`tr[data-app="${appId}"] >> text=审核`);
  await reviewer.waitForSelector("#review");
  const img = reviewer.locator('.doc[data-kind="company_seal"] img');
  await img.waitFor();
  ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), "an attachment is shown inline");
  await shot(reviewer, "review-1-application");
  await reviewer.click("#reject");
  ok((await reviewer.textContent(".decide .form-error")).includes("驳回原因"), "rejecting without a reason asks for one");
  await reviewer.click("text=公章扫描件不清晰或未加盖鲜章");
  await reviewer.click("#reject");
  await reviewer.locator("#review-status").filter({ hasText: "已驳回" }).waitFor();
  ok(true, "the reviewer rejects it with a common reason");

  // The customer sees why, fixes and resubmits.
  await visit(customer, BASE + "/portal.html#/applications/" + appId);
  await customer.waitForSelector("#detail");
  ok((await customer.textContent("#detail-status")) === "已驳回", "the customer sees 已驳回");
  ok((await customer.textContent("#detail")).includes("公章扫描件不清晰"), "with the reason");
  await shot(customer, "review-2-rejected");
  await customer.click("text=修改并重新提交");
  await customer.waitForSelector("#step1");
  await customer.click("#next");
  await customer.waitForSelector("#step2");
  await customer.setInputFiles("#file-company_seal", path.join(TOP, "tests", "fixtures", "scan-progressive-gray.jpg"));
  await customer.waitForSelector('.slot.done[data-kind="company_seal"]');
  await customer.click("#next");
  await customer.waitForSelector("#step3");
  await customer.click("#submit");
  await customer.waitForSelector("#detail");
  ok((await customer.textContent("#detail-status")) === "待审核", "resubmitted: 待审核 again");

  // The reviewer approves.
  await visit(reviewer, BASE + "/staff.html#/review");
  await reviewer.waitForSelector(`tr[data-app="${appId}"]`);
  ok((await reviewer.locator(`tr[data-app="${appId}"] [data-resubmitted]`).count()) === 1,
     "the queue marks it 重新提交", await reviewer.textContent(`tr[data-app="${appId}"]`));
  await shot(reviewer, "review-3a-queue-resubmitted", { viewport: true });
  await reviewer.click(`tr[data-app="${appId}"] >> text=审核`);
  await reviewer.waitForSelector("#approve");
  ok((await reviewer.textContent("#review-history")).includes("公章扫描件不清晰"),
     "the reviewer sees the earlier rejection and its reason in the history");
  const resub = await reviewer.textContent("#review-resubmitted");
  ok(resub.includes("重新提交") && resub.includes("公章扫描件不清晰") && resub.includes("驳回后更换的材料：企业公章扫描件") &&
     !resub.includes("营业执照"), "and, on top, that it is resubmitted and which documents were replaced since", resub);
  ok((await reviewer.locator('[data-replaced="company_seal"]').count()) === 1 && (await reviewer.locator("[data-replaced]").count()) === 1,
     "the replaced document is marked 驳回后重新上传, the others not");
  await shot(reviewer, "review-3b-resubmitted", { viewport: true });
  ok((await reviewer.textContent("#review-applicant")).includes("到期"), "and the certificate being renewed with its expiry");
  // Every approval the page sends is counted: the cancelled click must send none, the confirmed one exactly one.
  const approvals = [];
  reviewer.on("request", (q) => {
    if (q.method() === "POST" && /\/api\/v1\/review\/applications\/\d+\/approve$/.test(q.url())) approvals.push(q.url());
  });
  const asked = reviewer.waitForEvent("dialog");
  const clicked = reviewer.click("#approve");
  const dialog = await asked;
  const confirmText = dialog.message();
  await dialog.dismiss();
  await clicked;
  // A request the page makes now comes after any the cancelled click made: once it is answered, every earlier
  // request has been reported to the listener above (the protocol keeps their order).
  await reviewer.evaluate(() => fetch("/api/v1/me").then((res) => res.status));
  ok(confirmText.includes("审核通过") && approvals.length === 0 &&
     (await reviewer.textContent("#review-status")) !== "审核通过" && await reviewer.isEnabled("#approve"),
     "审核通过 asks for confirmation; cancelled, no approval is sent and the page stays as it was",
     JSON.stringify({ confirmText, approvals }));
  reviewer.once("dialog", (d) => d.accept());
  await reviewer.click("#approve");
  await reviewer.locator("#review-status").filter({ hasText: "审核通过" }).waitFor();
  ok(approvals.length === 1, "only the confirmed click sent an approval", JSON.stringify(approvals));
  const orderNo = (await reviewer.textContent("#review-order")).trim();
  ok(/^\d{8}$/.test(orderNo), "approved: order number " + orderNo);
  await shot(reviewer, "review-3-approved");

  // The customer sees 审核通过, 等待付款 and how to pay.
  await visit(customer, BASE + "/portal.html#/");
  await customer.waitForSelector(`tr[data-app="${appId}"]`);
  ok((await customer.textContent(`tr[data-app="${appId}"]`)).includes("审核通过"), "the list shows 审核通过");
  await customer.click("text=订单信息");
  await customer.waitForSelector("#order-table");
  const orderRow = customer.locator("#order-table tr", { hasText: orderNo });
  ok((await orderRow.textContent()).includes("等待付款"), "订单信息 shows the order 等待付款");
  await orderRow.locator("text=支付订单").click();
  await customer.waitForSelector("#pay");
  ok((await customer.textContent("#order-no")) === orderNo, "the payment page shows the order number");
  const pay = await customer.textContent("#pay");
  ok(pay.includes("务必在备注栏填写此8位订单号") && pay.includes("200.00") && pay.includes("6228480012345678901"),
     "with the reminder, the amount and the account to pay");
  await shot(customer, "review-4-payment");
  await customer.click('a[data-nav="messages"]');
  await customer.waitForSelector("#messages");
  const msgs = await customer.textContent("#messages");
  ok(msgs.includes("已驳回") && msgs.includes("审核通过：订单号 " + orderNo), "the message list says 已驳回 and 审核通过 with the order number");

  // The admin finds the approval in the audit log.
  const admin = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await login(admin, "admin");
  await admin.waitForSelector("#staff-nav a");
  await visit(admin, BASE + "/staff.html#/audit?action=application.approve&object_id=" + appId);
  await admin.waitForSelector("#audit tbody tr");
  ok((await admin.textContent("#audit tbody")).includes("reviewer"), "the audit log names the reviewer who approved");
  await shot(admin, "review-5-audit");
  ok(errors.length === 0, "no script errors", errors.join("\n"));
});
