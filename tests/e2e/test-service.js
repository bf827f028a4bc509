// 证书服务 in a real browser.  Without a key helper: on an approved order's page the customer gives the
// key's request (a file made with openssl), the bank statement lands, and the page turns by itself to
// 下载证书; the downloaded certificate verifies against the CA chain and holds the request's key.
// With contrib/ukey-sim as the local key helper (started by contrib/dev.sh up): a paid order's 更新证书
// does everything with its steps shown, to a certificate in the key that verifies; a page of another
// origin cannot use the helper.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { BASE, ok, run, shot, login, approvedOrder, showCert, TOP, visit } = require("./lib");

run(async (browser) => {
  const o = approvedOrder(95, false);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-e2e-"));
  execFileSync("openssl", ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem", "-subj", "/CN=ukey",
    "-out", dir + "/ukey.csr"], { stdio: "pipe" });
  const conf = fs.readFileSync(path.join(TOP, "run", "certrenew.conf"), "utf8");
  const account = conf.match(/^account = (.*)$/m)[1];
  const root = conf.match(/^chain = (.*)$/m)[1], issuing = conf.match(/^cert = (.*)$/m)[1];
  const helper = conf.match(/^helper_url = (.*)$/m)[1];
  const errors = [];
  const plain = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  // This customer has no key helper installed.
  await plain.route(helper + "/**", (route) => route.abort("connectionrefused"));
  const page = await plain.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  await login(page, "我是测试企业");
  await page.waitForSelector("#cert-table");
  await visit(page, BASE + "/portal.html#/orders/" + o.order_no);
  await page.waitForSelector("#service");
  ok((await page.textContent("#service")).includes("主锁") && (await page.textContent("#service")).includes("有效 1 年"),
     "证书服务 lists the 主锁 and says how long the new certificate is valid");
  const certId = o.certificates[0].id;
  await page.setInputFiles("#csr-" + certId, dir + "/ukey.csr");
  // The toast appears only when the server took the request (200); a refusal shows its reason instead.
  await page.locator("#toast", { hasText: "已提交，付款后自动签发" }).waitFor({ timeout: 10000 });
  ok((await page.textContent("#service")).includes("待更新"), "the key's request is taken before payment, nothing issued yet");
  await shot(page, "service-1-request");

  // The bank statement lands (imported from the command line); the page changes by itself.
  const st = dir + "/statement.xml";
  execFileSync("python3", [path.join(TOP, "contrib", "camt-gen.py"), "--account", account, "--seed", String(Date.now() % 1e9),
    "--credit", `${o.amount_fen}:订单号${o.order_no}:我是测试企业:SVC-${o.order_no}`, "-o", st]);
  execFileSync(path.join(TOP, "contrib", "dev.sh"), ["ctl", "import-statement", st], { stdio: "pipe" });
  await page.waitForSelector(`a[data-download="${certId}"]`, { timeout: 20000 });
  ok((await page.textContent("#service")).includes("已签发"), "the page turns to 已签发 with 下载证书 by itself");
  await shot(page, "service-2-issued");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(`a[data-download="${certId}"]`)]);
  const file = dir + "/issued.pem";
  await download.saveAs(file);
  let verified = false;
  try {
    execFileSync("openssl", ["verify", "-CAfile", root, "-untrusted", issuing, file], { stdio: "pipe" });
    verified = true;
  } catch (e) { /* not verified */ }
  ok(verified, "the downloaded certificate verifies against the CA chain");
  const pubCert = execFileSync("openssl", ["x509", "-in", file, "-noout", "-pubkey"]).toString();
  const pubKey = execFileSync("openssl", ["pkey", "-in", dir + "/key.pem", "-pubout"]).toString();
  ok(pubCert === pubKey, "and holds the key's public key");
  await page.click("text=已写入证书锁");
  await page.locator("#service", { hasText: "已写入" }).waitFor({ timeout: 10000 });
  ok((await page.textContent(`tr[data-certificate="${certId}"]`)).includes("已写入"),
     "the customer confirms it was written into the key");

  // With the key helper: a paid order, one button.
  const o2 = approvedOrder(96, true);
  const id2 = o2.certificates[0].id;
  ok(o2.status === "paid", "a second order, paid before anything was done with the key", o2.status);
  const kpage = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  kpage.on("pageerror", (e) => errors.push(e.message));
  await login(kpage, "我是测试企业");
  await kpage.waitForSelector("#cert-table");
  await visit(kpage, BASE + "/portal.html#/orders/" + o2.order_no);
  await kpage.locator("#ukey-status", { hasText: "已连接证书锁助手" }).waitFor({ timeout: 10000 });
  ok((await kpage.textContent("#service")).includes("新证书有效期"), "before issue the page says from when to when it will be valid");
  await kpage.click(`button[data-ukey="${id2}"]`);
  await kpage.locator(".ukey-steps li.done", { hasText: "提交证书请求" }).waitFor({ timeout: 30000 });
  await shot(kpage, "service-3-ukey-progress");
  await kpage.locator("#toast", { hasText: "证书已更新并写入证书锁" }).waitFor({ timeout: 60000 });
  ok((await kpage.locator(".ukey-steps li.done").count()) === 5, "all five steps done: key, request, issue, write, confirm");
  await kpage.locator(`tr[data-certificate="${id2}"]`, { hasText: "已写入" }).waitFor({ timeout: 10000 });
  const text2 = await kpage.textContent(`tr[data-certificate="${id2}"]`);
  ok(/有效期 \d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}/.test(text2), "after issue it shows the validity", text2);
  await shot(kpage, "service-4-ukey-installed");
  const inKey = path.join(TOP, "run", "ukey", "keys", "primary", String(id2), "cert.pem");
  let keyOk = false;
  try {
    execFileSync("openssl", ["verify", "-CAfile", root, "-untrusted", issuing, inKey], { stdio: "pipe" });
    keyOk = true;
  } catch (e) { /* missing or not verified */ }
  ok(keyOk, "the certificate written into the key verifies against the chain");
  const [dl] = await Promise.all([kpage.waitForEvent("download"), kpage.click(`a[data-download="${id2}"]`)]);
  await dl.saveAs(dir + "/issued2.pem");
  ok(fs.readFileSync(dir + "/issued2.pem", "utf8") === fs.readFileSync(inKey, "utf8"), "and is the one offered for download");

  // An add-on (地州市) certificate: the key is the one the agency configured for add-ons (SM2 on the dev stack,
  // ukey.key_alg_addon), and the certificate written into the key verifies.
  const o4 = approvedOrder(98, true, 1);
  const addon = o4.certificates.find((c) => c.trading_centre);
  await visit(kpage, BASE + "/portal.html#/orders/" + o4.order_no);
  await kpage.locator("#ukey-status", { hasText: "已连接证书锁助手" }).waitFor({ timeout: 10000 });
  await kpage.click(`button[data-ukey="${addon.id}"]`);
  await kpage.locator(`tr[data-certificate="${addon.id}"]`, { hasText: "已写入" }).waitFor({ timeout: 60000 });
  const addonPem = path.join(TOP, "run", "ukey", "keys", "primary", String(addon.id), "cert.pem");
  const text4 = fs.existsSync(addonPem) ? execFileSync("openssl", ["x509", "-in", addonPem, "-noout", "-text"]).toString() : "";
  let addonOk = false;
  try {
    execFileSync("openssl", ["verify", "-CAfile", root, "-untrusted", issuing, addonPem], { stdio: "pipe" });
    addonOk = true;
  } catch (e) { /* missing or not verified */ }
  ok(/SM2/.test(text4) && addonOk, "the add-on certificate's key is SM2, as configured, and it verifies",
     (/Public Key Algorithm: .*/.exec(text4) || [""])[0] + " / " + (/ASN1 OID: .*/.exec(text4) || [""])[0]);

  // With the helper connected, a request given as a file (made elsewhere): no 写入证书锁 (the key does not hold
  // that key), but download and 已写入证书锁, as the guide says.
  const o3 = approvedOrder(97, true);
  const id3 = o3.certificates[0].id;
  await visit(kpage, BASE + "/portal.html#/orders/" + o3.order_no);
  await kpage.locator("#ukey-status", { hasText: "已连接证书锁助手" }).waitFor({ timeout: 10000 });
  await kpage.setInputFiles("#csr-" + id3, dir + "/ukey.csr");
  await kpage.waitForSelector(`a[data-download="${id3}"]`, { timeout: 20000 });
  await kpage.locator("#ukey-status", { hasText: "已连接证书锁助手" }).waitFor({ timeout: 10000 });
  await kpage.waitForSelector(`button[data-installed="${id3}"]`, { timeout: 10000 });
  ok((await kpage.locator(`button[data-ukey="${id3}"]`).count()) === 0,
     "helper connected, request given as a file: no 写入证书锁 for a key the helper's key does not hold");
  await shot(kpage, "service-4b-manual-with-helper", { viewport: true });
  await kpage.click(`button[data-installed="${id3}"]`);
  await kpage.locator(`tr[data-certificate="${id3}"]`, { hasText: "已写入" }).waitFor({ timeout: 10000 });
  ok(true, "已写入证书锁 confirms it, and the certificate reads 已写入");

  // 我的证书 after the renewal: the old certificate reads 已更新 and leads to the new one; nothing is 待更新 any more.
  const oldId = o2.certificates[0].renews_id;
  await showCert(kpage, oldId); // the account holds many: shown alone
  await kpage.waitForSelector(`tr[data-cert="${oldId}"]`);
  const oldRow = await kpage.textContent(`tr[data-cert="${oldId}"]`);
  ok(oldRow.includes("已更新") && !oldRow.includes("待更新") && !oldRow.includes("付款到账后即可更新"),
     "我的证书: the renewed certificate reads 已更新, not 待更新", oldRow);
  await kpage.click(`tr[data-cert="${oldId}"] a[data-successor="${id2}"]`);
  await kpage.waitForSelector(`tr.highlight[data-cert="${id2}"]`, { timeout: 10000 }).catch(() => null);
  ok(await kpage.locator(`tr.highlight[data-cert="${id2}"]`).count() === 1, "and leads to its successor, shown in the list");
  await shot(kpage, "service-5-certs-after-renewal");

  // A page of another origin (localhost is not 127.0.0.1) cannot reach the key.
  const evil = await (await browser.newContext()).newPage();
  await evil.goto(BASE.replace("127.0.0.1", "localhost") + "/");
  const probe = await evil.evaluate(async (h) => {
    const out = [];
    for (const [m, p, b] of [["GET", "/v1/certificates"], ["POST", "/v1/requests", { token: "primary", container: "999999999" }]]) {
      try {
        const r = await fetch(h + p, { method: m, headers: b ? { "Content-Type": "application/json" } : {}, body: b ? JSON.stringify(b) : undefined });
        out.push("answered " + r.status);
      } catch (e) { out.push("blocked"); }
    }
    return out;
  }, helper);
  const helperLog = fs.readFileSync(path.join(TOP, "run", "log", "ukey-helper.log"), "utf8");
  ok(probe.every((x) => x === "blocked") && !fs.existsSync(path.join(TOP, "run", "ukey", "keys", "primary", "999999999")) &&
     helperLog.includes("refused a request from origin '" + BASE.replace("127.0.0.1", "localhost") + "'"),
     "another origin's page is refused by the helper itself and makes no key", probe.join(", "));
  ok(errors.length === 0, "no script errors", errors.join("\n"));
});
