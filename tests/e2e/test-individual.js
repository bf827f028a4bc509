// An individual (zhangsan) renews through the wizard in a real browser: step 1 asks for what a person has
// (no company name, licence number or licence type), an ID number typed in lower case turns upper case,
// step 2 asks for 身份证 front and back and the two forms in a person's wording, step 3 fills 付款人 and
// 发票抬头 with the person's name and keeps the seed's note on multi-year validity; the application is
// submitted with nothing of a company.  On the desktop also: an empty first step makes no draft and marks
// every empty field at once; Back, Forward and reload keep each step's data.
"use strict";
const path = require("path");
const { BASE, ok, run, shot, importCert, login, TOP, visit } = require("./lib");

run(async (browser) => {
  const jpg = path.join(TOP, "tests", "fixtures", "scan.jpg");
  for (const size of [{ width: 1366, height: 768, name: "desktop" }, { width: 390, height: 844, name: "phone" }]) {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const tag = (s) => `${size.name}: ${s}`;
    const cid = importCert("zhangsan", size.name === "desktop" ? 25 : 21, size.name === "desktop" ? "primary" : "secondary");

    await login(page, "zhangsan");
    await page.waitForSelector("#cert-table");
    await page.locator(`tr[data-cert="${cid}"]`).locator('a:text-is("更新")').click();

    // Step 1: a person's fields only.
    await page.waitForSelector("#step1");
    ok(await page.locator("#f-company_name").count() === 0 && await page.locator("#f-license_no").count() === 0,
       tag("no company name or licence number is asked of a person"));
    ok((await page.inputValue("#f-applicant_name")) === "张三", tag("the name is the account's"));
    await page.fill("#f-id_card_no", "11010519491231002x");
    ok((await page.inputValue("#f-id_card_no")) === "11010519491231002X", tag("the ID number turns upper case as typed"));
    // Nothing worth keeping yet: 下一步 marks every empty field and makes no draft.
    if (size.name === "desktop") {
      /* Fields the account's last application filled in, if any, emptied for this check. */
      await page.fill("#f-phone", "");
      await page.fill("#f-email", "");
      await page.fill("#f-id_card_no", "");
      /* The newest application's id: a draft made by this click would change it. */
      const newest = () => page.evaluate(() => fetch("/api/v1/applications?period=all&limit=1").then((r) => r.json()).then((j) => j.items.length ? j.items[0].id : 0));
      const before = await newest();
      await page.click("#next");
      await page.waitForFunction(() => document.querySelectorAll("#step1 .field-error:not(:empty)").length >= 3);
      const marked = await page.locator("#step1 .field-error:not(:empty)").count();
      const after = await newest();
      ok(marked === 3 && after === before, tag("an empty first step marks all three empty fields at once and leaves no draft"), `${marked} marked, ${before} -> ${after}`);
      await page.fill("#f-id_card_no", "11010519491231002x");
    }
    if (size.name === "phone") {
      // The second key: step 1 starts from the application just made on the desktop.
      ok((await page.textContent("#prefilled")).includes("预先填好") && (await page.inputValue("#f-phone")) === "13912345678" &&
         (await page.inputValue("#f-email")) === "zhangsan@example.com", tag("step 1 is prefilled from the last application"));
    }
    await page.fill("#f-phone", "13912345678");
    await page.fill("#f-email", "zhangsan@example.com");
    await shot(page, `individual-${size.name}-1-basic`);
    await page.click("#next");

    // Step 2: 身份证 and the forms.
    await page.waitForSelector("#step2");
    ok(await page.locator('input[name="license_type"]').count() === 0, tag("no 营业执照类型 for a person"));
    const kinds = await page.locator(".slot").evaluateAll((els) => els.map((e) => e.dataset.kind));
    ok(JSON.stringify(kinds) === JSON.stringify(["id_card_front", "id_card_back", "application_form", "responsibility_letter"]),
       tag("身份证 front and back, 申请表 and 责任书 are asked for"), kinds.join(","));
    const text = await page.textContent("#step2");
    ok(!text.includes("企业") && !text.includes("公章") && text.includes("身份证人像面") && text.includes("数字证书申请表"),
       tag("the wording speaks to a person"), text.slice(0, 300));
    if (size.name === "phone") {
      // The documents uploaded on the desktop a moment ago are offered; one click takes all four.
      await page.waitForSelector("#reuse-offer");
      ok((await page.textContent("#reuse-offer")).includes("身份证人像面"), tag("step 2 offers the last application's documents"));
      await shot(page, `individual-${size.name}-2-reuse-offer`);
      await page.click("#reuse-attachments");
      await page.waitForFunction((n) => document.querySelectorAll(".slot.done").length === n, kinds.length);
      ok(await page.locator("#reuse-offer").count() === 0, tag("沿用 fills every slot, nothing uploaded twice"));
    }
    for (const k of size.name === "phone" ? [] : kinds) {
      await page.setInputFiles(`#file-${k}`, jpg);
      await page.waitForSelector(`.slot.done[data-kind="${k}"]`, { timeout: 15000 });
    }
    await shot(page, `individual-${size.name}-2-uploads`);
    // Back, Forward and reload move between steps with the draft's data (its id is in the address).
    if (size.name === "desktop") {
      await page.goBack();
      await page.waitForSelector("#step1");
      ok((await page.inputValue("#f-phone")) === "13912345678" && (await page.inputValue("#f-id_card_no")) === "11010519491231002X",
         tag("Back shows step 1 with what was typed"));
      await page.goForward();
      await page.waitForSelector("#step2");
      await page.reload();
      await page.waitForSelector(".slot.done");
      ok(await page.locator(".slot.done").count() === kinds.length, tag("Forward and reload keep step 2 with its uploads"));
    }
    await page.click("#next");

    // Step 3: the person's name as payer and invoice title.
    await page.waitForSelector("#step3");
    ok((await page.inputValue("#f-payer_name")) === "张三" && (await page.inputValue('[name="invoice.title"]')) === "张三",
       tag("付款人 and 发票抬头 default to the person's name"));
    ok((await page.textContent("#years-note")).includes("多年有效期"), tag("the seed's note on multi-year validity"));
    ok(await page.locator('input[name="invoice_type"][value="special"]').count() === 0 &&
       await page.locator('[name="invoice.tax_no"]').count() === 0 &&
       (await page.textContent("#invoice-type-person")).includes("普票"),
       tag("a person is offered 普票 only: no 专票, no 纳税人识别号"));
    await shot(page, `individual-${size.name}-3-step3`);
    await page.click("#submit");
    await page.waitForSelector("#detail");
    ok((await page.textContent("#detail-status")) === "待审核", tag("submitted: 待审核"));
    await shot(page, `individual-${size.name}-4-submitted`);
    if (size.name === "desktop") {
      // The reviewer sees a person's application in a person's words.
      const appId = /#\/applications\/(\d+)/.exec(page.url())[1];
      const rev = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
      rev.on("pageerror", (e) => errors.push(e.message));
      await login(rev, "reviewer");
      await rev.waitForSelector("#staff-nav a");
      await visit(rev, BASE + "/staff.html#/review/" + appId);
      await rev.waitForSelector("#review .reasons");
      const docs = await rev.textContent("#review .docs");
      const reasons = await rev.textContent("#review .reasons");
      ok(docs.includes("数字证书申请表") && !docs.includes("企业数字证书申请表"), tag("the reviewer sees 数字证书申请表, not 企业…"), docs);
      ok(reasons.includes("身份证") && !/营业执照|公章|法人|单位名称/.test(reasons),
         tag("and quick reasons about a person's papers, none about a company's"), reasons);
      await shot(rev, "individual-review-person");
      await rev.close();
    }
    ok(errors.length === 0, tag("no script errors"), errors.join("\n"));
    await page.close();
  }
});
