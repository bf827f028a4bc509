/* 证书服务 on an order's page: each new certificate (主锁 and 副锁, each add-on) with what the customer
   can do now — give the key's request (a PKCS#10 file made by the key's tool) from approval on, download
   the issued certificate (PEM, DER, or p7b with the chain), and confirm it was written into the key. */
import { sendFile } from "../api.js";
import { call, date, h, toast } from "../ui.js";
import { ctx, tokenLabel } from "./context.js";

/* Sends the request file as it is (PEM or DER); resolves to the answer or null after saying why. */
async function sendRequest(certId, file, err) {
  const r = await sendFile("POST", "/api/v1/certificates/" + certId + "/csr", file, "application/pkcs10", null);
  if (r.error) err.textContent = r.error;
  return r.error ? null : r.body;
}

function validityText(o) {
  const from = ctx.settings.validity_from === "old_expiry" ? "原证书到期日（如已过期则为签发之日）" : "签发之日";
  return "新证书自" + from + "起有效 " + o.years + " 年";
}

function row(o, c, refresh) {
  const err = h("p", { class: "field-error", role: "alert" });
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
    body = [h("label", { class: "button small", for: "csr-" + c.id }, "提交证书请求"), input,
      h("div", { class: "muted small" }, "用证书驱动为这把锁生成证书请求（PKCS#10），上传后" +
        (["paid", "issuing"].includes(o.status) ? "立即签发。" : "付款到账即自动签发，无需等待。"))];
  } else if (c.status === "issued" || c.status === "installed") {
    body = [h("a", { class: "button small primary", href: base + "pem", "data-download": c.id }, "下载证书"), " ",
      h("a", { class: "small", href: base + "der" }, "DER"), " · ", h("a", { class: "small", href: base + "p7b" }, "含证书链（p7b）"),
      c.status === "issued"
        ? [" ", h("button", { type: "button", class: "small", onclick: async () => {
            try { await call("POST", "/api/v1/certificates/" + c.id + "/installed", {}); toast("已确认写入"); refresh(); }
            catch (e) { err.textContent = e.message; } } }, "已写入证书锁")]
        : null,
      h("div", { class: "muted small" }, "有效期 " + date(c.not_before) + " 至 " + date(c.not_after))];
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
  return h("section", { class: "panel", id: "service" },
    h("h2", {}, "证书服务"),
    h("p", { class: "hint" }, validityText(o), "。主锁、副锁请分别办理，一次一把。"),
    ["primary", "secondary"].filter((t) => byToken(t).length).map((t) =>
      h("div", {}, h("h3", {}, t === "secondary" ? "副锁" : "主锁"),
        h("table", { class: "table" }, h("tbody", {}, byToken(t).map((c) => row(o, c, refresh)))))));
}
