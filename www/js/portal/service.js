/* 证书服务 on an order's page: each new certificate (主锁 and 副锁, each add-on) with what the customer
   can do now.  With the local UKey helper (ukey.js) one button does the seed's 更新证书: a key and its
   request made in the key, the request sent, issue awaited, the certificate written into the key and the
   installation confirmed, with each step shown.  Without it: give the key's request as a file (PKCS#10,
   from approval on), download the issued certificate (PEM, DER, or p7b with the chain), and confirm it
   was written into the key.  Keys are done one at a time, as the seed asks. */
import { Api, sendFile } from "../api.js";
import { call, date, h, toast } from "../ui.js";
import { ctx, tokenLabel } from "./context.js";
import { helperContainers, helperTokens, makeRequest, reprobe, writeCertificate } from "./ukey.js";

let busy = false; /* one key at a time */

/* Sends a request (a File, or PEM text) as it is; resolves to the answer or null after saying why. */
async function sendRequest(certId, body, err) {
  const r = await sendFile("POST", "/api/v1/certificates/" + certId + "/csr", body, "application/pkcs10", null);
  if (r.error) err.textContent = r.error;
  return r.error ? null : r.body;
}

const plusYears = (d, y) => { const t = new Date(d); t.setUTCFullYear(t.getUTCFullYear() + y); return t; };

/* When the new certificate will be valid, were it issued now (SPEC 9's ca.validity_from). */
function expectedValidity(o, c) {
  let from = new Date();
  if (ctx.settings.validity_from === "old_expiry" && c.renews_not_after && new Date(c.renews_not_after) > from)
    from = new Date(c.renews_not_after);
  return "新证书有效期：" + date(from.toISOString()) + " 至 " + date(plusYears(from, o.years).toISOString()) +
    (ctx.settings.validity_from === "old_expiry" ? "（自原证书到期日起计）" : "（自签发之日起计，以实际签发日为准）");
}

function validityText(o) {
  const from = ctx.settings.validity_from === "old_expiry" ? "原证书到期日（如已过期则为签发之日）" : "签发之日";
  return "新证书自" + from + "起有效 " + o.years + " 年";
}

const STEPS = ["在证书锁中生成密钥（请在证书锁助手的窗口中输入 PIN 码）", "提交证书请求", "等待签发",
  "写入证书锁", "确认完成"];

/* The progress list of a one-button renewal; mark(i, state) with state done|current|failed|waiting. */
function progress() {
  const items = STEPS.map((s) => h("li", {}, s));
  const list = h("ol", { class: "ukey-steps", "aria-live": "polite" }, items);
  list.mark = (i, state, note) => {
    items[i].className = state;
    if (note) items[i].append(h("span", { class: "muted small" }, "　" + note));
  };
  return list;
}

async function waitIssued(o, c, secs) {
  const until = Date.now() + secs * 1000;
  while (Date.now() < until) {
    const cur = (await Api.call("GET", "/api/v1/orders/" + o.order_no)).certificates.find((x) => x.id === c.id);
    if (cur && (cur.status === "issued" || cur.status === "installed")) return cur;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return null;
}

async function fetchPem(c) {
  const r = await fetch("/api/v1/certificates/" + c.id + "/issued?format=pem", { credentials: "same-origin" });
  if (!r.ok) throw new Error("下载证书失败（" + r.status + "）");
  return r.text();
}

/* The seed's 更新证书, from wherever this certificate stands. */
async function renewWithKey(o, c, box, err, refresh) {
  const token = c.token || "primary";
  const steps = progress();
  box.replaceChildren(steps);
  let i = 0;
  try {
    if (c.status === "awaiting_csr") {
      steps.mark(0, "current");
      const csr = await makeRequest(token, c);
      steps.mark(0, "done");
      steps.mark((i = 1), "current");
      const r = await sendRequest(c.id, new Blob([csr]), err);
      if (!r) throw new Error(err.textContent);
      steps.mark(1, "done");
      if (!["paid", "issuing"].includes(r.order_status)) {
        steps.mark(2, "waiting", "付款到账后自动签发，届时回到本页点「写入证书锁」");
        toast("证书请求已提交，付款到账即自动签发");
        return;
      }
    } else {
      steps.mark(0, "done");
      steps.mark(1, "done");
    }
    steps.mark((i = 2), "current");
    const cur = c.status === "issued" ? c : await waitIssued(o, c, 120);
    if (!cur) throw new Error("签发时间超出预期，请稍后刷新本页查看");
    steps.mark(2, "done");
    steps.mark((i = 3), "current");
    await writeCertificate(token, c.id, await fetchPem(c));
    steps.mark(3, "done");
    steps.mark((i = 4), "current");
    await call("POST", "/api/v1/certificates/" + c.id + "/installed", {});
    steps.mark(4, "done");
    toast("证书已更新并写入证书锁");
    setTimeout(refresh, 800);
  } catch (e) {
    steps.mark(i, "failed");
    err.textContent = e.message;
    reprobe();
  }
}

function helperButton(o, c, box, err, refresh) {
  const text = c.status === "awaiting_csr" ? "更新证书" : "写入证书锁";
  const b = h("button", { type: "button", class: "small primary", "data-ukey": c.id }, text);
  b.addEventListener("click", async () => {
    if (busy) return;
    busy = true;
    document.querySelectorAll("[data-ukey]").forEach((x) => { x.disabled = true; });
    err.textContent = "";
    try { await renewWithKey(o, c, box, err, refresh); }
    finally {
      busy = false;
      document.querySelectorAll("[data-ukey]").forEach((x) => { x.disabled = false; });
    }
  });
  return b;
}

function row(o, c, refresh, tokens, held) {
  const err = h("p", { class: "field-error", role: "alert" });
  const box = h("div", { class: "ukey-box" });
  const withKey = tokens && tokens.includes(c.token || "primary");
  /* Written by the helper only when its key holds this certificate's key (the request was made there); a
     request given as a file came from elsewhere: download, write with the driver's tool, and confirm. */
  const keyHolds = withKey && held && held.has((c.token || "primary") + "/" + c.id);
  const input = h("input", { type: "file", id: "csr-" + c.id, accept: ".csr,.req,.pem,.der,.p10", class: "file-input" });
  input.addEventListener("change", async () => {
    if (!input.files.length) return;
    err.textContent = "";
    const r = await sendRequest(c.id, input.files[0], err);
    input.value = "";
    if (r) {
      toast(r.order_status === "paid" || r.order_status === "issuing" ? "已提交，正在签发" : "已提交，付款后自动签发");
      refresh();
    }
  });
  const base = "/api/v1/certificates/" + c.id + "/issued?format=";
  let body;
  if (c.status === "awaiting_csr") {
    const paid = ["paid", "issuing"].includes(o.status);
    body = [withKey ? [helperButton(o, c, box, err, refresh), " "] : null,
      h("label", { class: "button small" + (withKey ? " subtle" : ""), for: "csr-" + c.id },
        withKey ? "或上传证书请求文件" : "提交证书请求"), input,
      h("div", { class: "muted small" }, withKey
        ? "插入这把证书锁后点「更新证书」，" + (paid ? "立即签发并写入。" : "证书请求现在提交，付款到账即自动签发。")
        : "用证书驱动为这把锁生成证书请求（PKCS#10），上传后" + (paid ? "立即签发。" : "付款到账即自动签发，无需等待。")),
      h("div", { class: "muted small" }, expectedValidity(o, c)), box];
  } else if (c.status === "issued" || c.status === "installed") {
    body = [keyHolds && c.status === "issued" ? [helperButton(o, c, box, err, refresh), " "] : null,
      h("a", { class: "button small" + (keyHolds ? "" : " primary"), href: base + "pem", "data-download": c.id }, "下载证书"), " ",
      h("a", { class: "small", href: base + "der" }, "DER"), " · ", h("a", { class: "small", href: base + "p7b" }, "含证书链（p7b）"),
      c.status === "issued" && !keyHolds
        ? [" ", h("button", { type: "button", class: "small", "data-installed": c.id, onclick: async () => {
            try { await call("POST", "/api/v1/certificates/" + c.id + "/installed", {}); toast("已确认写入"); refresh(); }
            catch (e) { err.textContent = e.message; } } }, "已写入证书锁"),
          h("div", { class: "muted small" }, "证书请求是以文件提交的：请下载证书，用证书锁驱动自带的工具写入生成请求的那把锁，写入后点「已写入证书锁」。")]
        : null,
      h("div", { class: "muted small" }, "有效期 " + date(c.not_before) + " 至 " + date(c.not_after)), box];
  }
  return h("tr", { "data-certificate": c.id },
    h("td", { "data-label": "证书" }, tokenLabel(c)),
    h("td", { "data-label": "状态" }, h("span", { class: "badge badge-cert-" + c.status }, c.status_label)),
    h("td", { "data-label": "操作" }, body, err));
}

/* The section, for an order from approval on (its certificates exist then). */
export function serviceSection(o, refresh) {
  if (!o.certificates || !o.certificates.length || ["expired", "cancelled"].includes(o.status)) return null;
  const byToken = (t) => o.certificates.filter((c) => (c.token || "primary") === t);
  const note = h("p", { class: "hint", id: "ukey-status" });
  const tables = h("div", {});
  const fill = (tokens, held) => {
    note.textContent = tokens ? "已连接证书锁助手" + (tokens.length ? "（" + tokens.map((t) => (t === "secondary" ? "副锁" : "主锁")).join("、") + "）" : "，但未检测到证书锁") + "。"
      : ctx.settings.ukey_helper ? "未检测到证书锁助手：可上传证书请求文件，签发后下载证书。" : "";
    tables.replaceChildren(...["primary", "secondary"].filter((t) => byToken(t).length).map((t) =>
      h("div", {}, h("h3", {}, t === "secondary" ? "副锁" : "主锁"),
        h("table", { class: "table" }, h("tbody", {}, byToken(t).map((c) => row(o, c, refresh, tokens, held)))))));
  };
  fill(null, null);
  helperTokens().then(async (tokens) => { if (tokens) fill(tokens, await helperContainers()); });
  return h("section", { class: "panel", id: "service" },
    h("h2", {}, "证书服务"),
    h("p", { class: "hint" }, validityText(o), "。主锁、副锁请分别办理，一次一把。更新过程中会两次弹出口令框（间隔 2 至 30 秒），请及时输入。",
      h("a", { href: "#/help", id: "service-guide" }, "查看更新指南"), "（新版驱动和离线盖章工具下载、遇到问题怎么办）"), note, tables);
}
