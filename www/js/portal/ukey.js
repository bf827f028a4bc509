/* The customer's local UKey helper (docs/ukey-helper.md), when the agency configured one
   (settings.ukey_helper): it lists the key's certificates, makes a request for a certificate in the key
   (asking for the PIN in its own window) and writes an issued certificate into the key.  It answers only
   this portal's origin. */
import { ctx } from "./context.js";

let probed = null;

async function helperCall(method, path, body, ms) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), ms);
  try {
    const r = await fetch(ctx.settings.ukey_helper.replace(/\/$/, "") + path, {
      method, signal: ctl.signal, cache: "no-store",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((data.error && data.error.message) || "证书锁助手出错（" + r.status + "）");
    return data;
  } catch (e) {
    if (e.name === "AbortError") throw new Error("证书锁助手没有响应，请确认证书锁已插好、助手正在运行");
    if (e instanceof TypeError) throw new Error("无法连接证书锁助手，请确认已安装并启动");
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/* The helper's tokens (["primary", ...]), or null when there is none; asked once a page load. */
export async function helperTokens() {
  if (!ctx.settings.ukey_helper) return null;
  if (!probed) probed = helperCall("GET", "/v1/info", null, 1500).then((i) => i.tokens || [], () => null);
  return probed;
}

/* What the helper's keys hold: a Set of "token/container" (a key made for a certificate, waiting for it or with
   it written), or null when there is no helper. */
export async function helperContainers() {
  if (!(await helperTokens())) return null;
  try {
    const r = await helperCall("GET", "/v1/certificates", null, 3000);
    return new Set((r.items || []).map((x) => x.token + "/" + x.container));
  } catch (e) {
    return new Set();
  }
}

/* Makes a key in the token for certificate c (of the algorithm the agency chose for its kind: the company's own
   certificate, or an add-on one); resolves to its PKCS#10 request (PEM). */
export async function makeRequest(token, c) {
  const algs = ctx.settings.ukey_key_alg || {};
  const alg = (c.trading_centre ? algs.addon : algs.main) || "rsa";
  const r = await helperCall("POST", "/v1/requests", { token, container: String(c.id), alg }, 120000);
  return r.csr;
}

/* Writes the issued certificate (PEM) into the token. */
export async function writeCertificate(token, certId, pem) {
  return helperCall("POST", "/v1/certificates", { token, container: String(certId), certificate: pem }, 30000);
}

/* Forget the probe (after the customer plugs the key in). */
export function reprobe() {
  probed = null;
}
