// 证书服务 in a real browser: on an approved order's page the customer gives the key's request (a file
// made with openssl), the bank statement lands, and the page turns by itself to 下载证书; the
// downloaded certificate verifies against the CA chain and holds the request's key.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { BASE, ok, run, shot, login, TOP } = require("./lib");

function approvedOrder() {
  const py = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(TOP, "tests", "integration"))})
from crtest import *
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
o = approved_order(cust, rev, seed=95)
print(json.dumps(o))
`;
  return JSON.parse(execFileSync("python3", ["-c", py], { encoding: "utf8", env: process.env }).trim().split("\n").pop());
}

run(async (browser) => {
  const o = approvedOrder();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-e2e-"));
  execFileSync("openssl", ["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem", "-subj", "/CN=ukey",
    "-out", dir + "/ukey.csr"], { stdio: "pipe" });
  const conf = fs.readFileSync(path.join(TOP, "run", "certrenew.conf"), "utf8");
  const account = conf.match(/^account = (.*)$/m)[1];
  const root = conf.match(/^chain = (.*)$/m)[1], issuing = conf.match(/^cert = (.*)$/m)[1];
  const errors = [];
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true })).newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  await login(page, "我是测试企业");
  await page.waitForSelector("#cert-table");
  await page.goto(BASE + "/portal.html#/orders/" + o.order_no);
  await page.waitForSelector("#service");
  ok((await page.textContent("#service")).includes("主锁") && (await page.textContent("#service")).includes("有效 1 年"),
     "证书服务 lists the 主锁 and says how long the new certificate is valid");
  const certId = o.certificates[0].id;
  await page.setInputFiles("#csr-" + certId, dir + "/ukey.csr");
  // The toast appears only when the server took the request (200); a refusal shows its reason instead.
  await page.locator("#toast", { hasText: "已提交，付款后自动签发" }).waitFor({ timeout: 10000 });
  ok((await page.textContent("#service")).includes("待提交证书请求"), "the key's request is taken before payment, nothing issued yet");
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
  ok(true, "the customer confirms it was written into the key");
  ok(errors.length === 0, "no script errors", errors.join("\n"));
});
