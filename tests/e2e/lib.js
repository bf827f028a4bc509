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

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, name + ".png"), fullPage: true });
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
