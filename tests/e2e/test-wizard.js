// A customer renews a certificate through the three-step wizard in a real browser:
// 我的证书 → 更新 → 基本信息 (with a wrong ID number first) → 上传附件 (a renamed
// executable is refused with its reason, real JPEGs and a PDF printed by Chromium are
// taken) → 加开地州市证书 with the live price and 专票 fields → 提交 → 待审核.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { BASE, ok, run, shot, importCert, uscc, login, showCert, TOP, visit } = require("./lib");

run(async (browser) => {
  const certId = importCert("我是测试企业", 25);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cr-e2e-files-"));
  const jpg = path.join(TOP, "tests", "fixtures", "scan.jpg");
  const exe = path.join(tmp, "营业执照.jpg");
  fs.writeFileSync(exe, Buffer.concat([Buffer.from("MZ\x90\x00", "binary"), Buffer.alloc(3000, 7)]));

  // A real PDF, printed by Chromium itself.
  const printer = await browser.newPage();
  await printer.setContent("<h1>企业数字证书申请表</h1><p>我是测试企业</p>");
  const pdf = path.join(tmp, "申请表.pdf");
  fs.writeFileSync(pdf, await printer.pdf({ format: "A4" }));
  await printer.close();

  for (const size of [{ width: 1366, height: 768, name: "desktop" }, { width: 390, height: 844, name: "phone" }]) {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const tag = (s) => `${size.name}: ${s}`;
    const cid = size.name === "desktop" ? certId : importCert("我是测试企业", 20, "secondary");

    await login(page, "我是测试企业");
    await page.waitForSelector("#cert-table");
    ok(page.url().includes("/portal.html"), tag("the customer lands on 我的证书"));
    await shot(page, `wizard-${size.name}-0-certificates`);
    await showCert(page, cid); // the account holds many: shown alone, as its successor link would
    const row = page.locator(`tr[data-cert="${cid}"]`);
    ok(await row.locator('a:text-is("更新")').isVisible(), tag("the certificate near expiry offers 更新"));
    await row.locator('a:text-is("更新")').click();

    // Step 1
    await page.waitForSelector("#step1");
    ok((await page.textContent("#step-title")).includes("第 1 / 3 步"), tag("第 1 / 3 步: 基本信息"));
    ok((await page.inputValue("#f-company_name")) === "我是测试企业", tag("the company name is filled in"));
    await page.fill("#f-license_no", uscc(size.width));
    await page.fill("#f-applicant_name", "李四");
    await page.fill("#f-id_card_no", "110105194912310021");
    await page.fill("#f-phone", "0931-2909277");
    await page.fill("#f-email", "lisi@example.com");
    await page.fill("#f-department", "招投标部");
    await page.click("#next");
    const idErr = page.locator('.field-error[data-for="id_card_no"]');
    await idErr.filter({ hasText: "校验位" }).waitFor();
    ok(true, tag("a wrong ID check digit is shown next to the field"));
    await shot(page, `wizard-${size.name}-1-error`);
    await page.fill("#f-id_card_no", "11010519491231002X");
    await page.click("#next");

    // Step 2
    await page.waitForSelector("#step2");
    ok((await page.textContent("#step-title")).includes("第 2 / 3 步"), tag("第 2 / 3 步: 上传附件"));
    await page.setInputFiles("#file-business_license", exe);
    const refusal = page.locator('.slot[data-kind="business_license"] .field-error');
    await refusal.filter({ hasText: "未接受" }).waitFor();
    ok((await refusal.textContent()).includes("JPG"), tag("a renamed executable is refused with the reason"),
       await refusal.textContent());
    const kinds = ["business_license", "bank_account_permit", "company_seal", "legal_person_seal", "application_form",
                   "responsibility_letter", "power_of_attorney"];
    for (const k of kinds) {
      await page.setInputFiles(`#file-${k}`, k === "application_form" ? pdf : jpg);
      await page.waitForSelector(`.slot.done[data-kind="${k}"]`, { timeout: 15000 });
    }
    ok(await page.locator(".slot.done").count() === 7, tag("seven documents uploaded"));
    ok(await page.locator('.slot[data-kind="agent_id_card"]').count() === 1 &&
       await page.locator('.slot[data-kind="agent_id_card"] .req').count() === 0,
       tag("经办人身份证 is offered, optional (no *) as configured by default"));
    ok(await page.locator('.slot[data-kind="business_license"] img.thumb').isVisible(), tag("a JPEG shows a preview"));
    ok(await page.locator('.slot[data-kind="application_form"] .pdf-badge').isVisible(), tag("the PDF shows as PDF"));
    await shot(page, `wizard-${size.name}-2-uploads`);
    await page.click('input[name="license_type"][value="separate"]');
    await page.waitForSelector('.slot[data-kind="org_code_cert"]');
    ok(true, tag("非三证合一 adds the organisation code and tax registration slots"));
    await page.click('input[name="license_type"][value="three_in_one"]');
    await page.waitForSelector('.slot[data-kind="org_code_cert"]', { state: "detached" });
    await page.click("#next");

    // Step 3
    await page.waitForSelector("#step3");
    ok((await page.textContent("#step-title")).includes("第 3 / 3 步"), tag("第 3 / 3 步: 加开地州市证书"));
    await page.check('label.centre:has-text("武威市") input');
    await page.check('label.centre:has-text("敦煌市") input');
    await page.selectOption("#f-years", "2");
    await page.locator("#price").filter({ hasText: "800.00" }).waitFor({ timeout: 5000 });
    ok(true, tag("2 years with 2 add-ons shows 订单金额 800.00 live"));
    ok((await page.textContent("#validity")).includes("2 年"), tag("the new validity is shown before submitting"));
    await page.click('input[name="invoice_type"][value="special"]');
    ok(await page.locator("#special-fields").isVisible(), tag("专票 shows its fields"));
    await page.click("#submit");
    await page.waitForSelector("#submit-missing:not([hidden])");
    ok((await page.textContent("#submit-missing")).includes("开户银行"), tag("submit lists what 专票 still needs"));
    await shot(page, `wizard-${size.name}-3-missing`);
    await page.fill('[name="invoice.address"]', "兰州市城关区雁滩路 1 号");
    await page.fill('[name="invoice.phone"]', "0931-2909277");
    await page.fill('[name="invoice.bank"]', "甘肃省农商银行雁兴路支行");
    await page.fill('[name="invoice.bank_account"]', "6200 0012 3456 7890");
    await page.fill('[name="invoice.tax_no"]', uscc(size.width));
    await page.locator('[name="invoice.tax_no"]').blur();
    await shot(page, `wizard-${size.name}-3-step3`);
    if (size.name === "desktop") {
      // The admin raises the price while the page shows 800.00: submitting puts the new price to the customer.
      const admin = await browser.newPage();
      await login(admin, "admin");
      await admin.waitForSelector("#staff-nav a");
      const setPrices = (base) => admin.evaluate(async (b) => (await fetch("/api/v1/admin/prices", {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": sessionStorage.getItem("certrenew_csrf") },
        body: JSON.stringify({ base_per_year_fen: b, addon_per_year_fen: 10000 }) })).status, base);
      ok((await setPrices(26000)) === 200, tag("the admin sets 260.00 a year meanwhile"));
      await page.click("#submit");
      await page.waitForSelector("#price-changed");
      const said = await page.textContent("#price-changed");
      ok(said.includes("920.00") && said.includes("800.00") && (await page.textContent("#price")) === "920.00" &&
         (await page.textContent("#rates")).includes("260.00"),
         tag("submit is held: the page shows the new price 920.00 (260.00 a year) and says it changed from 800.00"), said);
      await shot(page, `wizard-${size.name}-3-price-changed`);
      ok((await setPrices(20000)) === 200, tag("the admin sets the price back"));
      await admin.close();
      await page.click("#submit");
      await page.waitForSelector("#price-changed");
      ok((await page.textContent("#price")) === "800.00", tag("and the page follows it again"));
    }
    await page.click("#submit");

    // Submitted
    await page.waitForSelector("#detail");
    ok((await page.textContent("#detail-status")) === "待审核", tag("the application is 待审核"));
    ok((await page.textContent("#history")).includes("待审核"), tag("its history shows the submission"));
    await shot(page, `wizard-${size.name}-4-submitted`);
    await visit(page, BASE + "/portal.html#/");
    await page.waitForSelector("#app-table");
    ok((await page.locator("#app-table tbody tr").first().textContent()).includes("待审核"),
       tag("the list on 我的证书 shows 待审核"));
    ok(errors.length === 0, tag("no script errors"), errors.join("\n"));
    await page.close();
  }
});
