// The login page in a real browser: a wrong password shows a Chinese error next to the
// form, every demo account logs in (customers land on 我的证书, staff on their work), a reload keeps the
// session, logout ends it.
"use strict";
const fs = require("fs");
const path = require("path");
const { BASE, ok, run, shot, TOP } = require("./lib");

run(async (browser) => {
  for (const size of [{ width: 1366, height: 768, name: "desktop" }, { width: 390, height: 844, name: "phone" }]) {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    await page.goto(BASE + "/");
    ok((await page.title()).includes("登录"), `${size.name}: the page is the login page`);
    const button = page.locator("#login-button");
    ok(await button.isVisible(), `${size.name}: the 登录 button is visible`);
    const box = await page.locator(".login-card").boundingBox();
    ok(box && box.x >= 0 && box.x + box.width <= size.width, `${size.name}: the form fits the screen`, JSON.stringify(box));
    await shot(page, `login-${size.name}`);

    await page.click("#login-button");
    ok((await page.locator('.field-error[data-for="account"]').textContent()).includes("请输入账号"),
       `${size.name}: an empty form asks for the account`);
    await page.fill("#account", "我是测试企业");
    await page.fill("#password", "not-the-password");
    await page.click("#login-button");
    await page.waitForSelector("#form-error:not(:empty)");
    ok((await page.locator("#form-error").textContent()).includes("账号或密码错误"),
       `${size.name}: a wrong password says 账号或密码错误`);
    await shot(page, `login-${size.name}-error`);
    await page.close();
  }

  const accounts = [["我是测试企业", "企业用户"], ["zhangsan", "个人用户"], ["reviewer", "审核员"], ["finance", "财务"], ["admin", "管理员"]];
  for (const [account, label] of accounts) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(BASE + "/");
    await page.fill("#account", account);
    await page.fill("#password", "demo-password-1");
    await page.press("#password", "Enter");
    if (label === "企业用户" || label === "个人用户") {
      await page.waitForURL(/\/portal\.html/, { timeout: 10000 });
      await page.locator("#account-name").filter({ hasText: /./ }).waitFor({ timeout: 10000 });
      ok(page.url().includes("/portal.html"), `${account} (${label}) logs in and lands on 我的证书`);
    } else {
      await page.waitForURL(/\/staff\.html/, { timeout: 10000 });
      await page.locator("#account-name").filter({ hasText: label }).waitFor({ timeout: 10000 });
      ok(true, `${account} logs in as ${label} and lands on the staff pages`);
    }
    if (account === "我是测试企业") {
      await shot(page, "login-signed-in");
      await page.reload();
      await page.waitForSelector("#cert-table", { timeout: 10000 });
      ok(true, "after a reload the session is still there");
      await page.click("#logout");
      await page.waitForSelector("#login-form:not([hidden])");
      const me = await page.evaluate(async () => (await fetch("/api/v1/me")).status);
      ok(me === 401, "logout ends the session on the server", me);
    }
    await page.close();
  }

  // Enter pressed before login.js runs (or when it fails to load): the browser submits the form itself. It must
  // POST, so that the password is in no address and no access log.
  const bare = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await bare.route("**/js/login.js", (route) => route.abort());
  const secret = "no-script-" + Date.now();
  const sent = [];
  bare.on("request", (req) => sent.push([req.method(), req.url()]));
  await bare.goto(BASE + "/");
  await bare.fill("#account", "我是测试企业");
  await bare.fill("#password", secret);
  await Promise.all([bare.waitForEvent("requestfinished", (req) => req.isNavigationRequest()), bare.press("#password", "Enter")]);
  const nav = sent.filter(([m, u]) => u.startsWith(BASE + "/") && !u.includes("/js/") && !u.includes("/css/"));
  ok(nav.some(([m]) => m === "POST"), "without login.js, Enter sends the form by POST", JSON.stringify(nav));
  ok(!sent.some(([, u]) => u.includes(secret) || u.includes("password=")), "no address the browser asked for carries the password",
     JSON.stringify(sent));
  await new Promise((res) => setTimeout(res, 2500)); // nginx flushes its access log every 2 s
  const access = fs.readFileSync(path.join(TOP, "run", "log", "nginx-access.log"), "utf8");
  ok(access.includes("POST / ") && !access.includes(secret), "nginx logged the POST and not the password");
  await bare.close();
});
