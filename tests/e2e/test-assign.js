// Finance's hand decisions in 对账, in a real browser (issue 21): 指定 looks the order up and shows the customer,
// the order's payer, the amount and what is still owed before anything is booked, warning when the payer is not
// the order's; the booked credit and the order carry the payer-mismatch mark; 其他处理 asks for its reason in a
// dialog that refuses an empty one (no window.prompt, no silent nothing).
"use strict";
const { BASE, ok, run, shot, login, withCrtest, visit } = require("./lib");

// An approved order of the demo enterprise, unpaid; a transfer of its amount from 李明 with no order number; a
// stray 7.77 from a stranger.
function setUp() {
  return withCrtest(`
seed = int(time.time()) % 100000 * 10 + 7
o = approved_order(cust, rev, seed=seed)
ref = "E2E-LM-%d" % seed
stray = "E2E-STRAY-%d" % seed
import_statement(statement((o["amount_fen"], "证书费 " + ref, "李明", ref), (777, "莫名款项 " + stray, "某人", stray)))
print(json.dumps([o["order_no"], o["amount_fen"], ref, stray]))
`);
}

run(async (browser) => {
  const [no, amount, ref, stray] = setUp();
  const yuan = (amount / 100).toFixed(2);
  const errors = [];
  for (const size of [{ width: 390, height: 844, name: "phone" }, { width: 1366, height: 900, name: "desktop" }]) {
    const finance = await (await browser.newContext({ viewport: { width: size.width, height: size.height } })).newPage();
    finance.on("pageerror", (e) => errors.push(e.message));
    await login(finance, "finance");
    await finance.waitForSelector("#staff-nav a");
    await visit(finance, BASE + "/staff.html#/payments");
    const credit = finance.locator("#credits tbody tr", { hasText: ref });
    await credit.waitFor({ timeout: 10000 });
    if (size.name === "phone") {
      // The phone only looks: the dialog fits the screen.
      await credit.locator('input[aria-label="订单号"]').fill(no);
      await credit.locator("[data-assign]").click();
      await finance.waitForSelector("#assign-preview");
      const box = await finance.locator("#ask").boundingBox();
      ok(box && box.width <= size.width && box.x >= 0, "phone: the 指定 dialog fits the screen", JSON.stringify(box));
      await shot(finance, "assign-phone-preview", { viewport: true });
      await finance.click("#ask-cancel");
      await finance.close();
      continue;
    }
    await credit.locator('input[aria-label="订单号"]').fill("1234");
    await credit.locator("[data-assign]").click();
    ok((await credit.textContent()).includes("8 位订单号"), "a short number is refused on the page");
    await credit.locator('input[aria-label="订单号"]').fill(no);
    await credit.locator("[data-assign]").click();
    await finance.waitForSelector("#assign-preview");
    const preview = await finance.textContent("#assign-preview");
    ok(preview.includes("我是测试企业") && preview.includes(yuan) && preview.includes("李明") &&
       (await finance.getAttribute('#assign-preview [data-owed]', "data-owed")) === String(amount),
       "指定 shows the order's customer, payer, amount and what is still owed (" + yuan + ") first", preview);
    ok((await finance.textContent("#assign-payer-mismatch")).includes("不一致"),
       "and warns that 李明 is not the order's payer");
    ok((await finance.textContent("#ask")).includes("计入后订单付清"), "and says what the credit makes of the order");
    await shot(finance, "assign-1-preview", { viewport: true });
    await finance.click("#ask-confirm");
    await credit.waitFor({ state: "detached", timeout: 10000 });
    await visit(finance, BASE + "/staff.html#/payments?status=matched");
    const booked = finance.locator("#credits tbody tr", { hasText: ref });
    await booked.waitFor({ timeout: 10000 });
    ok((await booked.locator("[data-payer-mismatch]").count()) === 1 && (await booked.textContent()).includes(no),
       "booked: the credit is marked 付款人与订单登记的不一致 and names the order", await booked.textContent());
    await shot(finance, "assign-2-payer-mismatch");
    // 撤单退款's lookup shows the order with the mark too.
    await visit(finance, BASE + "/staff.html#/payments?status=cancel");
    await finance.fill("#cancel-order-no", no);
    await finance.click("#cancel-find button[type=submit]");
    await finance.waitForSelector("#order-payer-mismatch");
    ok(true, "the order carries the mark where finance looks it up");

    // 其他处理: a dialog; an empty reason is refused, a reason closes the credit.
    await visit(finance, BASE + "/staff.html#/payments");
    const other = finance.locator("#credits tbody tr", { hasText: stray });
    await other.waitFor({ timeout: 10000 });
    await other.locator("[data-dismiss]").click();
    await finance.waitForSelector("#ask");
    await finance.click("#ask-confirm");
    ok((await finance.textContent("#ask .form-error")).includes("请填写处理说明"), "其他处理 refuses an empty reason, saying so");
    await shot(finance, "assign-3-dismiss-dialog", { viewport: true });
    await finance.fill('#ask textarea[name="reason"]', "已与付款人联系，系误转，对方另行处理");
    await finance.click("#ask-confirm");
    await other.waitFor({ state: "detached", timeout: 10000 });
    await visit(finance, BASE + "/staff.html#/payments?status=dismissed");
    await finance.locator("#credits tbody tr", { hasText: stray }).waitFor({ timeout: 10000 });
    ok((await finance.locator("#credits tbody tr", { hasText: stray }).textContent()).includes("系误转"),
       "with a reason it moves to 已处理, the reason shown");
    await finance.close();
  }
  ok(errors.length === 0, "no script errors", errors.join("\n"));
});
