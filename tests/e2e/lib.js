// Shared by the browser tests: start Debian's chromium headless, print TAP, keep screenshots.
"use strict";
const path = require("path");
const { chromium } = require("playwright-core");

const BASE = process.env.CR_BASE || "http://127.0.0.1:8080";
const SHOTS = __dirname;
let n = 0;
let failed = 0;

function ok(cond, name, diag) {
  n++;
  console.log(`${cond ? "" : "not "}ok ${n} - ${name}`);
  if (!cond) {
    failed++;
    if (diag !== undefined) String(diag).split("\n").slice(0, 20).forEach((l) => console.log("#   " + l));
  }
  return !!cond;
}

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
}

// The whole page; with { viewport: true } only what is on the screen (a dialog over a long list).
async function shot(page, name, opts = {}) {
  await page.screenshot({ path: path.join(SHOTS, name + ".png"), fullPage: !opts.viewport });
}

function finish() {
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}

// Runs main(browser); any exception is a failed test, never a silent pass.
async function run(main) {
  let browser;
  try {
    browser = await launch();
    await main(browser);
  } catch (e) {
    ok(false, "the test ran to its end", e && e.stack);
  } finally {
    if (browser) await browser.close();
  }
  finish();
}

module.exports = { BASE, ok, run, shot };

const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const TOP = process.env.CR_TOP || path.resolve(__dirname, "..", "..");

// A certificate of account's expiring in days, imported with certrenewctl; returns its id.
function importCert(account, days, token) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "cr-e2e-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", d + "/k.pem", "-out", d + "/c.pem", "-days", String(days), "-utf8",
    "-subj", `/C=CN/O=${account}/CN=${account}`, "-addext", "basicConstraints=critical,CA:FALSE"], { stdio: "pipe" });
  const out = execFileSync(path.join(TOP, "contrib", "dev.sh"),
    ["ctl", "cert", "import", "--account", account, "--token", token || "primary", d + "/c.pem"], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()).id;
}

function uscc(seed) {
  const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let body = "91620100";
  for (let i = 0; i < 9; i++) body += chars[(seed * 7 + i * 13) % 31];
  let s = 0;
  for (let i = 0; i < 17; i++) s += chars.indexOf(body[i]) * w[i];
  return body + chars[(31 - (s % 31)) % 31];
}

async function login(page, account) {
  await page.goto(BASE + "/");
  await page.fill("#account", account);
  await page.fill("#password", "demo-password-1");
  await page.press("#password", "Enter");
}

// An order of 我是测试企业 approved by the reviewer (through the API, tests/integration/crtest.py), paid by an
// imported bank statement when paid; returns the order as the customer sees it.
// Runs a snippet of Python against the stack through tests/integration/crtest.py, with the demo enterprise (cust)
// and the reviewer (rev) logged in; returns what its last line printed, parsed as JSON.
function withCrtest(snippet) {
  const py = `
import json, re, sys, time, urllib.parse, urllib.request
sys.path.insert(0, ${JSON.stringify(path.join(TOP, "tests", "integration"))})
from crtest import *
cust = Client(); cust.login("我是测试企业")
rev = Client(); rev.login("reviewer")
` + snippet;
  return JSON.parse(execFileSync("python3", ["-c", py], { encoding: "utf8", env: process.env }).trim().split("\n").pop());
}

function approvedOrder(seed, paid, addons = 0) {
  return withCrtest(`
centres = [c["id"] for c in cust.json("GET", "/api/v1/trading-centres")[1]["items"]][:${addons}]
o = approved_order(cust, rev, seed=${seed}, centres=centres)
if ${paid ? "True" : "False"}:
    p = statement((o["amount_fen"], "订单%s" % o["order_no"], "我是测试企业", "SVC-%s" % o["order_no"]))
    rc, res, err = import_statement(p)
    assert rc == 0 and res[0]["matched"] == 1, (res, err)
    o = cust.json("GET", "/api/v1/orders/%s" % o["order_no"])[1]
print(json.dumps(o))
`);
}

// 我的证书 showing certificate id alone, as its successor link does (the account may hold thousands): the page
// must be open on the portal.
async function showCert(page, id) {
  await page.evaluate((cid) => sessionStorage.setItem("cr_cert_id", String(cid)), id);
  await page.goto(BASE + "/portal.html#/orders");
  await page.goto(BASE + "/portal.html#/certs");
  await page.waitForSelector(`tr[data-cert="${id}"]`);
}

// Goes to url and returns once the page has drawn it. A change of the hash alone (staff.html#/a to
// staff.html#/b) keeps the document, so what was drawn before (its search box, its list) is still there while the
// new page loads: the view's children are marked first and the page counts as drawn when an unmarked one is there.
async function visit(page, url) {
  await page.evaluate(() => { for (const e of (document.getElementById("view") || { children: [] }).children) e.dataset.before = "1"; })
    .catch(() => {}); /* no page yet (about:blank) */
  if (page.url() === url) await page.reload(); /* the same address again: no navigation would happen */
  else await page.goto(url);
  await page.waitForFunction(() => {
    const v = document.getElementById("view");
    return v && [...v.children].some((e) => !e.dataset.before);
  }, null, { timeout: 15000 });
}

module.exports.showCert = showCert;
module.exports.visit = visit;
module.exports.importCert = importCert;
module.exports.uscc = uscc;
module.exports.login = login;
module.exports.TOP = TOP;
module.exports.approvedOrder = approvedOrder;
module.exports.withCrtest = withCrtest;
