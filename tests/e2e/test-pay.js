// 在线支付 in a real browser (issue 10): on an approved order the customer chooses 支付宝支付, pays on the
// simulated Alipay cashier (contrib/paysim, started by contrib/dev.sh up), comes back to the order and sees
// 支付结果确认中 turn into 已付款 by itself, on a desktop and on a phone (手机网站支付); then 微信支付: the QR code
// is read from the page and "scanned" by opening it on a phone, and the order page turns to 已付款.
"use strict";
const { BASE, ok, run, shot, login, approvedOrder } = require("./lib");

run(async (browser) => {
  const errors = [];
  const seed = (Date.now() % 100000) * 10 + 7;
  for (const [name, viewport, method] of [["desktop", { width: 1366, height: 900 }, "alipay.trade.page.pay"],
    ["phone", { width: 390, height: 844 }, "alipay.trade.wap.pay"]]) {
    const o = approvedOrder(seed + (name === "phone" ? 1 : 0), false);
    const page = await (await browser.newContext({ viewport, isMobile: name === "phone" })).newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await login(page, "我是测试企业");
    await page.waitForSelector("#cert-table");
    await page.goto(BASE + "/portal.html#/orders/" + o.order_no);
    await page.waitForSelector('#online-pay button[data-pay="alipay"]');
    ok((await page.textContent("#pay")).includes("或银行转账") && (await page.textContent("#pay")).includes("6228480012345678901"),
       name + ": the order offers 支付宝支付 beside the bank details");
    await shot(page, "pay-" + name + "-1-order");
    if (name === "desktop") {
      // Back from a cashier whose payment is not confirmed yet: 支付结果确认中, and no second payment can start.
      await page.goto(BASE + "/portal.html#/orders/" + o.order_no + "?paying=alipay");
      await page.waitForSelector("#paying-notice");
      ok(await page.locator('#online-pay button[data-pay="alipay"]').isDisabled() &&
         (await page.textContent("#online-pay")).includes("不要重复付款"),
         name + ": while 支付结果确认中 the pay buttons wait, saying why");
      await shot(page, "pay-desktop-1b-confirming", { viewport: true });
      await page.goto(BASE + "/portal.html#/orders/" + o.order_no);
      await page.waitForSelector('#online-pay button[data-pay="alipay"]:not([disabled])');
    }
    await Promise.all([page.waitForURL(/alipay\/gateway\.do/), page.click('#online-pay button[data-pay="alipay"]')]);
    ok(page.url().includes("method=" + method), name + ": sent to the gateway with " + method, page.url().slice(0, 160));
    ok((await page.textContent("#out-trade-no")) === o.order_no && (await page.textContent("#amount")).includes("200.00"),
       name + ": the cashier shows the order and its amount");
    await shot(page, "pay-" + name + "-2-cashier");
    await Promise.all([page.waitForURL(/portal\.html#\/orders\//), page.click("#pay")]);
    ok(page.url().includes("#/orders/" + o.order_no), name + ": back on the order page after paying", page.url());
    await page.locator("#paid-notice").waitFor({ timeout: 20000 });
    ok((await page.textContent("#paid-notice")).includes("已付款"), name + ": the page turns to 已付款 by itself");
    ok(!(await page.locator("#online-pay").count()), name + ": and offers no payment any more");
    await page.waitForSelector("#payments tbody tr");
    const paidRow = await page.textContent("#payments tbody tr");
    ok(paidRow.includes("支付宝") && paidRow.includes("200.00") && /20\d{2}-\d{2}-\d{2} \d{2}:\d{2}/.test(paidRow) && /\d{6,}/.test(paidRow),
       name + ": 付款记录 shows the channel, amount, time and 交易号", paidRow);
    ok((await page.textContent("#paid-notice")).includes("更新证书"), name + ": and says the customer presses 更新证书 next");
    await shot(page, "pay-" + name + "-3-paid");
  }

  // 微信支付: the QR code on the order page; the test "scans" it by opening its URL on a phone.
  const o = approvedOrder(seed + 2, false);
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  await login(page, "我是测试企业");
  await page.waitForSelector("#cert-table");
  await page.goto(BASE + "/portal.html#/orders/" + o.order_no);
  await page.click('#online-pay button[data-pay="wechat"]');
  await page.waitForSelector("#wechat-qr");
  const codeUrl = await page.getAttribute("#wechat-qr", "data-code-url");
  const size = await page.evaluate(() => { const i = document.getElementById("wechat-qr"); return [i.naturalWidth, i.complete]; });
  ok(codeUrl && size[1] && size[0] > 0 && (await page.textContent("#wechat-pay")).includes("200.00") &&
     (await page.textContent("#wechat-pay")).includes(o.order_no),
     "微信支付 shows the QR code with the amount and the order number beside it", codeUrl);
  await shot(page, "pay-wechat-1-qr");
  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await phone.goto(codeUrl);
  ok((await phone.textContent("#out-trade-no")) === o.order_no, "scanning the code opens the payment of this order");
  await phone.click("#pay");
  await phone.waitForSelector("#done");
  await page.locator("#paid-notice").waitFor({ timeout: 20000 });
  ok((await page.textContent("#paid-notice")).includes("已付款"), "the order page turns to 已付款 by itself");
  await shot(page, "pay-wechat-2-paid");

  // 微信支付 on a phone: no code to scan on its own screen, but H5: the phone's browser pays and comes back.
  const o2 = approvedOrder(seed + 3, false);
  const mobile = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  mobile.on("pageerror", (e) => errors.push(e.message));
  await login(mobile, "我是测试企业");
  await mobile.waitForSelector("#cert-table");
  await mobile.goto(BASE + "/portal.html#/orders/" + o2.order_no);
  await mobile.waitForSelector('#online-pay button[data-pay="wechat"]:not([disabled])');
  await Promise.all([mobile.waitForURL(/\/wechat\/h5\?/), mobile.click('#online-pay button[data-pay="wechat"]')]);
  ok((await mobile.textContent("#out-trade-no")) === o2.order_no && (await mobile.locator("#wechat-qr").count()) === 0,
     "phone: 微信支付 opens its H5 cashier for this order, no QR code");
  await shot(mobile, "pay-wechat-3-phone-h5");
  await Promise.all([mobile.waitForURL(/portal\.html#\/orders\//), mobile.click("#pay")]);
  await mobile.locator("#paid-notice").waitFor({ timeout: 20000 });
  ok((await mobile.textContent("#paid-notice")).includes("已付款"), "phone: back on the order, it turns to 已付款 by itself");
  await shot(mobile, "pay-wechat-4-phone-paid");
  ok(errors.length === 0, "no script errors", errors.join("\n"));
});
