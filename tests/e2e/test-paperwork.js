// Paperwork in the browser (issue 24): in step 2 the customer downloads each form already filled, prints, stamps
// and scans it (here: the PDF drawn to a 150 dpi grey JPEG by pdftoppm, as a scanner gives it back) and uploads
// the scan; the page says at once that the scan belongs to this application, or that it is another form. The
// reviewer sees for each form whether its scan belongs to this application, and is warned of another
// application's. The order page (and finance's 订单 page) offers the payment notice; the administrator edits
// the forms' wording beside the help page.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { BASE, ok, run, shot, importCert, uscc, login, TOP, approvedOrder, visit } = require("./lib");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cr-e2e-paper-"));

// The form of application id, kind, downloaded as the customer's browser would, then "scanned".
async function scanOf(page, id, kind) {
  const res = await page.context().request.get(`${BASE}/api/v1/applications/${id}/forms/${kind}.pdf`);
  const pdf = path.join(tmp, `${id}-${kind}.pdf`);
  fs.writeFileSync(pdf, await res.body());
  execFileSync("pdftoppm", ["-r", "150", "-gray", "-jpeg", "-singlefile", "-f", "1", "-l", "1", pdf, pdf.replace(/\.pdf$/, "")]);
  return pdf.replace(/\.pdf$/, ".jpg");
}

run(async (browser) => {
  const certId = importCert("我是测试企业", 28), otherCert = importCert("我是测试企业", 28);
  const jpg = fs.readFileSync(path.join(TOP, "tests", "fixtures", "scan.jpg")).toString("base64");
  const customer = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  const reviewer = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  const errors = [];
  for (const p of [customer, reviewer]) p.on("pageerror", (e) => errors.push(e.message));

  await login(customer, "我是测试企业");
  await customer.waitForSelector("#cert-table");
  // Two drafts: this one, and another whose form will be uploaded here by mistake.
  const [appId, otherId] = await customer.evaluate(async ({ certId, otherCert, jpg, license }) => {
    const app = await Api.call("POST", "/api/v1/applications", { company_name: "我是测试企业", license_no: license,
      applicant_name: "赵六", id_card_no: "11010519491231002X", phone: "13912345678", email: "zhaoliu@example.com",
      department: "招标部", certificate_id: certId });
    const bytes = Uint8Array.from(atob(jpg), (c) => c.charCodeAt(0));
    for (const k of ["business_license", "bank_account_permit", "company_seal", "legal_person_seal"]) {
      const r = await fetch(`/api/v1/applications/${app.id}/attachments/${k}`, { method: "PUT", body: bytes,
        headers: { "Content-Type": "image/jpeg", "X-CSRF-Token": Api.csrf } });
      if (!r.ok) throw new Error("upload " + k + ": " + r.status);
    }
    await Api.call("PATCH", `/api/v1/applications/${app.id}`, { license_type: "three_in_one", trading_centre_ids: [1],
      payer_name: "我是测试企业", years: 2, invoice_type: "normal", invoice: { title: "我是测试企业", tax_no: license },
      delivery: { method: "pickup" } });
    const other = await Api.call("POST", "/api/v1/applications", { company_name: "我是测试企业", license_no: license,
      applicant_name: "钱七", id_card_no: "11010519491231002X", phone: "13912345678", email: "qianqi@example.com",
      certificate_id: otherCert });
    return [app.id, other.id];
  }, { certId, otherCert, jpg, license: uscc(2424) });
  ok(appId > 0 && otherId > 0, `drafts #${appId} and #${otherId}`);

  // Step 2: a download beside each form.
  await customer.goto(`${BASE}/portal.html#/apply/${appId}/2`);
  await customer.waitForSelector("#step2");
  const links = await customer.$$eval("a[data-form]", (as) => as.map((a) => [a.dataset.form, a.getAttribute("href")]));
  ok(links.length === 3 && links.some(([k, h]) => k === "power_of_attorney" && h === `/api/v1/applications/${appId}/forms/power_of_attorney.pdf`),
     "step 2 offers 下载已填好的表格 for the three forms", JSON.stringify(links));
  ok((await customer.textContent("#forms-hint")).includes("无需手填"), "and says the forms need no handwriting");
  const head = await customer.evaluate(async (href) => {
    const r = await fetch(href);
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get("content-type"), magic: String.fromCharCode(...b.slice(0, 5)) };
  }, links[0][1]);
  ok(head.status === 200 && head.type === "application/pdf" && head.magic === "%PDF-", "the link gives the filled PDF", JSON.stringify(head));

  // The scans come back.
  await customer.setInputFiles("#file-application_form", await scanOf(customer, appId, "application_form"));
  await customer.waitForSelector('.slot[data-kind="application_form"] [data-paper="ok"]');
  ok((await customer.textContent('.slot[data-kind="application_form"] [data-paper]')).includes("属于本申请"),
     "the stamped application form, scanned and uploaded: 属于本申请");
  await customer.setInputFiles("#file-power_of_attorney", await scanOf(customer, appId, "responsibility_letter"));
  await customer.waitForSelector('.slot[data-kind="power_of_attorney"] [data-paper="other_form"]');
  ok((await customer.textContent('.slot[data-kind="power_of_attorney"] [data-paper]')).includes("另一种表格"),
     "the responsibility letter put where the power of attorney goes: the customer is told at once");
  await shot(customer, "paperwork-1-wizard-scans");
  await customer.setInputFiles("#file-power_of_attorney", await scanOf(customer, appId, "power_of_attorney"));
  await customer.waitForSelector('.slot[data-kind="power_of_attorney"] [data-paper="ok"]');
  ok((await customer.textContent('.slot[data-kind="power_of_attorney"] [data-paper]')).includes("属于本申请"),
     "uploaded again, the right form is recognised");
  // Another application's form, which the reviewer must notice.
  await customer.setInputFiles("#file-responsibility_letter", await scanOf(customer, otherId, "responsibility_letter"));
  await customer.waitForSelector('.slot[data-kind="responsibility_letter"] [data-paper="other_application"]');
  ok((await customer.textContent('.slot[data-kind="responsibility_letter"] [data-paper]')).includes("另一份申请"),
     "another application's responsibility letter: the customer is warned");
  await customer.evaluate((id) => Api.call("POST", `/api/v1/applications/${id}/submit`, {}), appId);

  await login(reviewer, "reviewer");
  await reviewer.waitForSelector("#queue");
  await reviewer.goto(`${BASE}/staff.html#/review/${appId}`);
  await reviewer.waitForSelector('.doc[data-kind="application_form"] [data-paper]');
  const seen = {};
  for (const k of ["application_form", "responsibility_letter", "power_of_attorney"])
    seen[k] = await reviewer.textContent(`.doc[data-kind="${k}"] [data-paper]`);
  ok(seen.application_form.includes(`属于本申请 #${appId}`) && seen.power_of_attorney.includes(`属于本申请 #${appId}`),
     "the reviewer sees at a glance that the two forms belong to this application", JSON.stringify(seen));
  ok(seen.responsibility_letter.includes(`属于申请 #${otherId}`), "and is warned that the letter belongs to #" + otherId, seen.responsibility_letter);
  await reviewer.locator('.doc[data-kind="responsibility_letter"]').scrollIntoViewIfNeeded();
  await shot(reviewer, "paperwork-2-review", { viewport: true });

  // The payment notice for whoever pays.
  const order = approvedOrder(2425, false);
  await customer.goto(`${BASE}/portal.html#/orders/${order.order_no}`);
  await customer.waitForSelector("#payment-notice");
  const href = await customer.getAttribute("#payment-notice", "href");
  const notice = await customer.evaluate(async (h) => {
    const r = await fetch(h);
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get("content-type"), magic: String.fromCharCode(...b.slice(0, 5)), bytes: b.length };
  }, href);
  ok(href === `/api/v1/orders/${order.order_no}/notice.pdf` && notice.status === 200 && notice.magic === "%PDF-",
     "the order page offers 打印付款通知书, a PDF", JSON.stringify({ href, notice }));
  await shot(customer, "paperwork-3-order-notice");
  // Finance finds the order and has the same notice for a caller from the company.
  const finance = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  finance.on("pageerror", (e) => errors.push(e.message));
  await login(finance, "finance");
  await finance.waitForSelector("#staff-nav a");
  await finance.goto(`${BASE}/staff.html#/orders?q=${order.order_no}`);
  await finance.waitForSelector(`a[data-notice="${order.order_no}"]`);
  ok((await finance.getAttribute(`a[data-notice="${order.order_no}"]`, "href")) === href, "finance's 订单 page links the same notice");

  // The administrator edits the forms' wording where the help page is edited.
  const admin = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  admin.on("pageerror", (e) => errors.push(e.message));
  await login(admin, "admin");
  await admin.waitForSelector("#staff-nav a");
  await visit(admin, BASE + "/staff.html#/help");
  await admin.waitForSelector("#help-page");
  await admin.selectOption("#help-page", "form-responsibility_letter");
  await admin.waitForFunction(() => document.querySelector("#help-title") && document.querySelector("#help-title").value === "数字证书责任书");
  ok((await admin.textContent("#help-form")).includes("{company}"), "the forms' wording is edited beside the help page, its fields named");
  await shot(admin, "paperwork-4-admin-forms");
  ok(errors.length === 0, "no script errors", errors.join("\n"));
  fs.rmSync(tmp, { recursive: true, force: true });
});
