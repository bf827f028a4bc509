/* Approval by rule (issue 25): the administrator's 自动审核 page (#/rules), the reviewer's list of what the rules
   approved (#/review/rules) with 撤回, and the verdict box on an application's page. */
import { call, datetime, failPage, fen, h, pager, render, toast } from "../ui.js";

/* What the rules checked of an application, as the reviewer reads it (null when they did not look). */
export function ruleCheckBox(app) {
  const c = app.rule_check;
  if (!c || !c.conditions) return null;
  const failed = c.conditions.filter((x) => !x.ok);
  const head = app.rule_approved === "withdrawn" ? "自动审核通过，已被撤回"
    : app.rule_approved === "approved" ? "自动审核通过：每项条件都满足"
    : c.approved ? "条件均满足，但未能自动通过（见日志），需人工审核"
    : "自动审核未通过，需人工审核：" + failed.map((x) => x.label).join("、");
  return h("div", { class: "notice" + (c.approved ? "" : " notice-error"), id: "rule-check", "data-approved": String(!!c.approved) },
    h("strong", {}, head),
    c.relied_on ? h("div", { class: "small" }, "依据：申请 ", h("a", { href: "#/review/" + c.relied_on.application_id }, "#" + c.relied_on.application_id),
      "（" + datetime(c.relied_on.approved_at) + (c.relied_on.reviewer ? " 由" + c.relied_on.reviewer : "") + "审核通过）") : null,
    h("ul", { class: "rule-conditions small" }, c.conditions.map((x) =>
      h("li", { "data-condition": x.name, "data-ok": String(x.ok), class: x.ok ? "paper-ok" : "warn" },
        (x.ok ? "✓ " : "✗ ") + x.label + "：" + x.detail))));
}

/* 撤回 of a rule's approval, asking the reason. */
async function withdraw(id, after) {
  const reason = prompt("撤回申请 #" + id + " 的自动审核：订单将取消，客户会收到通知。请填写原因：");
  if (reason === null) return;
  try {
    await call("POST", "/api/v1/review/applications/" + id + "/withdraw", { reason: reason.trim() });
    toast("已撤回，订单已取消，已通知客户");
    after();
  } catch (e) { toast(e.message); }
}

export function withdrawButton(app, after) {
  return app.rule_approved === "approved" && app.order_status === "awaiting_payment"
    ? h("button", { type: "button", id: "withdraw", onclick: () => withdraw(app.id, after) }, "撤回自动审核")
    : null;
}

/* #/review/rules: what the rules approved in the last days. */
export async function ruleApprovedPage(nav, params, canWithdraw) {
  nav("#/review");
  const days = Number(params.get("days")) || 7;
  const url = "/api/v1/review/rule-approved?days=" + days;
  let list;
  try { list = await call("GET", url); } catch (e) { return failPage(e); }
  const again = () => ruleApprovedPage(nav, params, canWithdraw);
  const row = (a) => h("tr", { "data-app": a.id },
    h("td", { "data-label": "编号" }, h("a", { href: "#/review/" + a.id }, "#" + a.id)),
    h("td", { "data-label": "单位名称 / 个人" }, a.company_name || "个人"),
    h("td", { "data-label": "申请人" }, a.applicant_name),
    h("td", { "data-label": "提交时间" }, datetime(a.submitted_at)),
    h("td", { "data-label": "订单" }, a.order_no || "—", " ", a.order_status_label ? h("span", { class: "badge badge-" + a.order_status }, a.order_status_label) : null),
    h("td", { "data-label": "金额" }, a.amount_fen === null ? "—" : fen(a.amount_fen)),
    h("td", {}, a.withdrawn ? h("span", { class: "muted", "data-withdrawn": a.id }, "已撤回")
      : canWithdraw && a.order_status === "awaiting_payment" ? h("button", { type: "button", class: "small", "data-withdraw": a.id, onclick: () => withdraw(a.id, again) }, "撤回")
      : null));
  const body = h("tbody", {}, list.items.map(row));
  render(h("section", { class: "panel" },
    h("h2", {}, "自动审核通过的申请（最近 " + days + " 天）"),
    h("div", { class: "toolbar" }, [1, 7, 30].map((d) => h("a", { class: "button small" + (d === days ? " primary" : ""), href: "#/review/rules?days=" + d }, d + " 天")),
      h("a", { class: "button small", href: "#/review" }, "返回审核队列")),
    h("p", { class: "hint" }, "订单未付款前可撤回：订单随即取消，客户收到撤回原因，需重新提交申请由审核人员审核。"),
    list.items.length
      ? [h("table", { class: "table", id: "rule-approved" },
          h("thead", {}, h("tr", {}, ["编号", "单位名称 / 个人", "申请人", "提交时间", "订单", "金额", ""].map((t) => h("th", {}, t)))), body),
        pager(list, url, (a) => body.append(row(a)), "份申请", "rule-approved")]
      : h("p", { class: "muted", id: "rule-approved-none" }, "这段时间没有自动审核通过的申请。")));
}

/* #/rules: the administrator sets the rules. */
export async function rulesPage(nav, settings) {
  nav("#/rules");
  let r;
  try { r = await call("GET", "/api/v1/admin/approval-rules"); } catch (e) { return failPage(e); }
  /* A rule certrenew.conf's [review] sets is shown, and cannot be changed here. */
  const pinned = (member) => (r.pinned || []).includes(member);
  const pinNote = (member) => pinned(member) ? h("p", { class: "hint pinned", "data-pinned": member }, "由配置文件 certrenew.conf 的 [review] 设定，在此不能修改") : null;
  const num = (id, label, value, hint, member = id) => h("div", { class: "field" }, h("label", { for: id }, label),
    h("input", { id, name: id, type: "text", inputmode: "numeric", value: String(value), disabled: pinned(member) }), hint ? h("p", { class: "hint" }, hint) : null,
    pinNote(member), h("p", { class: "field-error", "data-for": id, role: "alert" }));
  const enabled = h("input", { type: "checkbox", id: "enabled", checked: r.enabled, disabled: pinned("enabled") });
  const kinds = settings.attachment_kinds.map((k) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "fresh", value: k.kind, checked: r.fresh_kinds.includes(k.kind), disabled: pinned("fresh_kinds") }), " ", k.label));
  const err = h("p", { class: "form-error", role: "alert" });
  const form = h("form", { class: "wizard", id: "rules-form", novalidate: true },
    h("div", { class: "field" }, h("label", { class: "check" }, enabled, " 开启自动审核"), pinNote("enabled"),
      h("p", { class: "hint" }, "开启后，老客户提交的申请若与审核人员上次审核通过的申请相比没有变化（单位名称、信用代码、申请人、身份证号相同，沿用的材料逐字节相同，须新签的材料为本次上传且表格二维码属于本申请，且未超出下列上限），提交即审核通过；否则照常进入审核队列，并列出未满足的条件。")),
    num("reuse_days", "沿用期限（天）", r.reuse_days, "距审核人员上次审核通过的天数，超过则需人工审核。"),
    h("div", { class: "field" }, h("span", { class: "label" }, "每次须新签的材料"), h("div", { class: "checks", id: "fresh-kinds" }, kinds),
      h("p", { class: "hint" }, "其余材料可沿用上次审核通过的文件，但必须逐字节相同。"), pinNote("fresh_kinds"), h("p", { class: "field-error", "data-for": "fresh_kinds", role: "alert" })),
    h("div", { class: "grid2" },
      num("max_years", "最多开通年限（年）", r.max_years),
      num("max_centres", "最多加开证书（个）", r.max_centres)),
    num("max_amount", "最高订单金额（元）", fen(r.max_amount_fen), null, "max_amount_fen"),
    err,
    h("p", { class: "muted small", id: "rules-updated" }, "最后修改：", r.updated_at ? datetime(r.updated_at) + (r.updated_by ? "，" + r.updated_by : "") : "—"),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "rules-save" }, "保存")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    err.textContent = "";
    form.querySelectorAll(".field-error").forEach((p) => (p.textContent = ""));
    const amount = form.querySelector("#max_amount").value.trim();
    if (!/^\d+(\.\d{1,2})?$/.test(amount)) { form.querySelector('[data-for="max_amount"]').textContent = "请填写金额，如 1000.00"; return; }
    const int = (id) => (/^\d+$/.test(form.querySelector("#" + id).value.trim()) ? Number(form.querySelector("#" + id).value.trim()) : -1);
    try {
      await call("PUT", "/api/v1/admin/approval-rules", {
        enabled: enabled.checked, reuse_days: int("reuse_days"), max_years: int("max_years"), max_centres: int("max_centres"),
        max_amount_fen: Math.round(Number(amount) * 100),
        fresh_kinds: [...form.querySelectorAll('input[name="fresh"]:checked')].map((i) => i.value) });
      toast(enabled.checked ? "已保存：自动审核已开启" : "已保存：自动审核已关闭");
      rulesPage(nav, settings);
    } catch (e) {
      const fields = e.fields && e.fields.length ? e.fields : [{ field: e.field, message: e.message }];
      for (const f of fields) {
        const p = form.querySelector('.field-error[data-for="' + (f.field === "max_amount_fen" ? "max_amount" : f.field) + '"]');
        if (p) p.textContent = f.message; else err.textContent = f.message;
      }
    }
  });
  render(h("section", { class: "panel" }, h("h2", {}, "自动审核"), form));
}
