/* The three-step renewal wizard: #/apply/new[?cert=ID], #/apply/ID/STEP. */
import { sendFile } from "../api.js";
import { add, call, cn, date, datetime, failPage, fen, h, loadRefData, render, toast } from "../ui.js";
import { ctx, navActive, tokenLabel } from "./context.js";

const STEP1 = [
  ["company_name", "单位名称", "如：我是测试企业", "text"],
  ["license_no", "营业执照号", "18 位统一社会信用代码", "text"],
  ["applicant_name", "姓名", "申请人姓名", "text"],
  ["id_card_no", "身份证号", "申请人 18 位身份证号", "text"],
  ["phone", "电话", "手机号或固定电话", "tel"],
  ["email", "电子邮箱", "申请人电子邮箱", "email"],
  ["department", "部门", "申请人所在部门（选填）", "text"],
];
const STEP_NAMES = ["基本信息", "上传附件", "加开地州市证书"];
/* A person has no company: its fields are not asked of an individual. */
const COMPANY_ONLY = new Set(["company_name", "license_no", "department"]);
const isEnterprise = () => ctx.me.role === "enterprise";
const step1Fields = () => STEP1.filter(([k]) => isEnterprise() || !COMPANY_ONLY.has(k));
/* Which step holds a field the server names. */
const stepOf = (field) => field.startsWith("attachments.") ? 2 : field === "license_type" ? 2 : STEP1.some(([k]) => k === field) || field === "certificate_id" ? 1 : 3;
const kindLabel = (k) => isEnterprise() ? k.label : k.label_individual;

function stepHeader(n) {
  return h("div", { class: "steps" },
    h("h2", { id: "step-title" }, "第 " + n + " / 3 步: " + STEP_NAMES[n - 1]),
    h("ol", { class: "stepper" }, STEP_NAMES.map((s, i) => h("li", { class: i + 1 === n ? "current" : i + 1 < n ? "done" : "" }, s))));
}

function fieldError(form, field, message) {
  const p = form.querySelector('.field-error[data-for="' + field + '"]');
  if (p) {
    p.textContent = message;
    const input = form.querySelector('[name="' + field + '"]');
    if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
    return true;
  }
  return false;
}

function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((p) => (p.textContent = ""));
  form.querySelectorAll("[aria-invalid]").forEach((i) => i.removeAttribute("aria-invalid"));
  const fe = form.querySelector(".form-error");
  if (fe) fe.textContent = "";
}

/* Marks every field the server named (e.fields) at once, focusing the first; what has no field
   on this form is said above the buttons. */
function showError(form, e) {
  const fields = e.fields && e.fields.length ? e.fields : [{ field: e.field, message: e.message }];
  const elsewhere = [...fields].reverse().filter((f) => !fieldError(form, f.field, f.message)).reverse();
  if (elsewhere.length) form.querySelector(".form-error").textContent = elsewhere.map((f) => f.message).join("；");
}

function field(name, label, input, hint) {
  return h("div", { class: "field" }, h("label", { for: "f-" + name }, label), input,
    hint ? h("p", { class: "hint" }, hint) : null, h("p", { class: "field-error", "data-for": name, role: "alert" }));
}

export async function wizard(id, step, certId) {
  navActive("certs");
  let app = null;
  try {
    if (id) app = await call("GET", "/api/v1/applications/" + id);
  } catch (e) {
    return failPage(e, "申请 #" + id);
  }
  if (app && app.status !== "draft" && app.status !== "rejected") {
    location.hash = "#/applications/" + app.id;
    return;
  }
  if (!app) step = 1;
  if (step === 1) return step1(app, certId);
  if (step === 2) return step2(app);
  return step3(app);
}

/* The account's latest application, whose form a new one starts from (the second key is the same company). */
/* Every certificate of the account, page by page (held ones first): the ones step 1 may renew are among them. */
async function allCerts() {
  const all = [];
  for (let page = await call("GET", "/api/v1/certificates?limit=500"); ; ) {
    all.push(...page.items);
    if (!page.next) return all;
    page = await call("GET", "/api/v1/certificates?limit=500&after=" + encodeURIComponent(page.next));
  }
}

async function lastApplication() {
  try {
    const list = (await call("GET", "/api/v1/applications?period=all")).items || [];
    return list.length ? await call("GET", "/api/v1/applications/" + list[0].id) : null;
  } catch (e) { return null; }
}

async function step1(app, certId) {
  let certs;
  try { certs = await allCerts(); } catch (e) { return failPage(e); }
  const last = app ? null : await lastApplication();
  const choices = certs.filter((c) => c.renewable || (app && c.id === app.certificate_id));
  const current = app ? app.certificate_id : Number(certId) || (choices[0] && choices[0].id);
  const form = h("form", { class: "wizard", novalidate: true, id: "step1" });
  const grid = h("div", { class: "grid2" });
  for (const [key, label, ph, type] of step1Fields()) {
    let value = app ? app[key] : last ? last[key] : "";
    if (!app && !value && key === "company_name") value = ctx.me.name;
    if (!app && key === "applicant_name" && !isEnterprise()) value = ctx.me.name;
    grid.append(field(key, label, h("input", { id: "f-" + key, name: key, type, placeholder: isEnterprise() ? ph : ph.replace("申请人", "本人"), value: value || "",
      autocomplete: key === "email" ? "email" : key === "phone" ? "tel" : "off",
      /* Codes are kept in upper case whatever is typed (the server does the same). */
      oninput: key === "license_no" || key === "id_card_no" ? (ev) => { const p = ev.target.selectionStart; ev.target.value = ev.target.value.toUpperCase(); ev.target.setSelectionRange(p, p); } : null })));
  }
  const sel = h("select", { id: "f-certificate_id", name: "certificate_id" },
    choices.map((c) => h("option", { value: c.id, selected: c.id === current }, cn(c.subject) + "（" + tokenLabel(c) + "，" + date(c.not_after) + " 到期）")));
  grid.append(field("certificate_id", "待更新数字证书", sel, choices.length ? null : "没有可更新的证书：证书到期前 " + ctx.settings.renew_before_days + " 天内方可办理更新。"));
  add(form, last ? h("p", { class: "notice", id: "prefilled" }, "已按您 " + date(last.created_at) + " 的申请 #" + last.id + " 预先填好，请核对，有变化的请修改。") : null,
    grid, h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, "取消"),
      h("button", { type: "submit", class: "primary", id: "next" }, "下一步")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const data = {};
    for (const [key] of step1Fields()) data[key] = form.elements[key].value.trim();
    if (!sel.value) return fieldError(form, "certificate_id", "请选择待更新的数字证书");
    /* No draft until there is something worth keeping: a new application is created only once every
       required field of this step has been filled in (the server then checks what was typed). */
    if (!app) {
      const empty = step1Fields().filter(([k]) => k !== "department" && !data[k]);
      if (empty.length) {
        [...empty].reverse().forEach(([k, label]) => fieldError(form, k, "请填写" + label));
        return;
      }
    }
    data.certificate_id = Number(sel.value);
    if (!app && last && last.license_type && isEnterprise()) data.license_type = last.license_type;
    try {
      const saved = app ? await call("PATCH", "/api/v1/applications/" + app.id, data)
                        : await call("POST", "/api/v1/applications", data);
      const gaps = saved.missing.filter((m) => STEP1.some(([k]) => k === m.field));
      if (gaps.length) {
        gaps.forEach((m) => fieldError(form, m.field, m.message));
        fieldError(form, gaps[0].field, gaps[0].message);
        if (!app) history.replaceState(null, "", "#/apply/" + saved.id + "/1");
        app = saved;
        return;
      }
      /* The new draft's own address replaces #/apply/new, so that Back returns to its step 1. */
      if (!app) history.replaceState(null, "", "#/apply/" + saved.id + "/1");
      location.hash = "#/apply/" + saved.id + "/2";
    } catch (e) {
      showError(form, e);
    }
  });
  render(h("section", { class: "panel" }, stepHeader(1), app && app.status === "rejected" ? rejectBox(app) : null, form));
}

export function rejectBox(app) {
  return h("div", { class: "notice notice-error" }, h("strong", {}, "已驳回："), app.reject_reason || "", h("br"),
    "请按要求修改后重新提交。");
}

function upload(app, kind, file, slot) {
  const bar = slot.querySelector("progress");
  const err = slot.querySelector(".field-error");
  err.textContent = "";
  if (file.size > ctx.settings.attachment_max_bytes) {
    err.textContent = "文件过大：" + (file.size / 1048576).toFixed(1) + " MB，单个文件不能超过 " + Math.floor(ctx.settings.attachment_max_bytes / 1048576) + " MB";
    return Promise.resolve(false);
  }
  return sendFile("PUT", "/api/v1/applications/" + app.id + "/attachments/" + kind, file, null, bar).then((r) => {
    if (!r.error) return true;
    err.textContent = "未接受：" + (r.status === 413 ? "文件过大，单个文件不能超过 " + Math.floor(ctx.settings.attachment_max_bytes / 1048576) + " MB" : r.error);
    return false;
  });
}

/* What the QR code on an uploaded form says: this application's current printing, or what is wrong with it. */
function paperNote(p) {
  return h("p", { class: p.state === "ok" ? "paper-ok small" : "warn small", "data-paper": p.state }, p.state === "ok" ? "✓ " + p.message : p.message +
    (p.state === "outdated" || p.state === "other_application" || p.state === "other_form" ? "。请下载本申请的表格，盖章后重新上传。" : ""));
}

async function step2(app) {
  const separate = app.license_type === "separate";
  const kinds = ctx.settings.attachment_kinds.filter((k) => (isEnterprise() ? k.enterprise : k.individual) && (!k.separate_only || separate));
  const required = new Set(app.required_attachments);
  const form = h("form", { class: "wizard", novalidate: true, id: "step2" });

  const typeRadios = h("div", { class: "radios", role: "radiogroup", "aria-label": "营业执照类型" },
    [["three_in_one", "三证合一"], ["separate", "非三证合一"]].map(([v, l]) =>
      h("label", {}, h("input", { type: "radio", name: "license_type", value: v, checked: (app.license_type || "three_in_one") === v,
        onchange: async () => {
          try { await call("PATCH", "/api/v1/applications/" + app.id, { license_type: v }); } catch (e) { return toast(e.message); }
          step2(await call("GET", "/api/v1/applications/" + app.id));
        } }), " ", l)));
  if (!app.license_type && isEnterprise()) {
    call("PATCH", "/api/v1/applications/" + app.id, { license_type: "three_in_one" }).then((a) => (app.license_type = a.license_type), () => {});
  }

  const slots = kinds.map((k) => {
    const have = app.attachments[k.kind];
    const url = "/api/v1/applications/" + app.id + "/attachments/" + k.kind;
    const input = h("input", { type: "file", id: "file-" + k.kind, accept: ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf", class: "file-input" });
    const preview = have
      ? have.content_type.startsWith("image/")
        ? h("a", { href: url, target: "_blank", rel: "noopener" }, h("img", { class: "thumb", src: url + "?v=" + have.sha256.slice(0, 12), alt: kindLabel(k) }))
        : h("a", { href: url, target: "_blank", rel: "noopener", class: "pdf-badge" }, "PDF")
      : h("div", { class: "thumb empty" }, "未上传");
    const slot = h("div", { class: "slot" + (have ? " done" : ""), "data-kind": k.kind },
      preview,
      h("div", { class: "slot-body" },
        h("div", { class: "slot-title" }, kindLabel(k), required.has(k.kind) ? h("span", { class: "req" }, " *") : null),
        h("div", { class: "muted small" }, have ? "已上传 " + (have.bytes / 1024).toFixed(0) + " KB，" + datetime(have.uploaded_at) : "JPG、PNG 或 PDF，不超过 " + Math.floor(ctx.settings.attachment_max_bytes / 1048576) + " MB"),
        k.printed ? h("a", { class: "button small", href: "/api/v1/applications/" + app.id + "/forms/" + k.kind + ".pdf", target: "_blank", rel: "noopener", "data-form": k.kind }, "下载已填好的表格") : null,
        h("label", { class: "button small", for: "file-" + k.kind }, have ? "重新上传" : "选择文件"), input,
        have && have.paper ? paperNote(have.paper) : null,
        h("progress", { max: 100, value: 0, hidden: true }),
        h("p", { class: "field-error", role: "alert" })));
    input.addEventListener("change", async () => {
      if (!input.files.length) return;
      if (await upload(app, k.kind, input.files[0], slot)) step2(await call("GET", "/api/v1/applications/" + app.id));
      else input.value = "";
    });
    return slot;
  });

  const missing = kinds.filter((k) => required.has(k.kind) && !app.attachments[k.kind]);
  /* The second key needs the same papers: those of the account's last application, if recent, in one click. */
  const reuse = app.reusable && app.reusable.kinds.length ? (() => {
    const names = app.reusable.kinds.map((kind) => { const k = kinds.find((x) => x.kind === kind); return k ? kindLabel(k) : kind; });
    const err = h("span", { class: "field-error" });
    const b = h("button", { type: "button", class: "small primary", id: "reuse-attachments" }, "沿用这 " + names.length + " 份材料");
    b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        const a = await call("POST", "/api/v1/applications/" + app.id + "/reuse-attachments", { from: app.reusable.from });
        toast("已沿用 " + names.length + " 份材料");
        step2(a);
      } catch (e) { err.textContent = e.message; b.disabled = false; }
    });
    return h("div", { class: "notice", id: "reuse-offer" },
      "您在 " + date(app.reusable.uploaded_at) + " 为申请 #" + app.reusable.from + " 上传过：" + names.join("、") +
      "。材料没有变化的，可直接沿用，无需再次上传。", h("div", { class: "actions left" }, b, err));
  })() : null;
  add(form,
    reuse,
    isEnterprise() ? field("license_type", "营业执照类型", typeRadios) : null,
    h("p", { class: "hint" }, isEnterprise() ? "请上传加盖企业公章（鲜章）的扫描件，格式为 JPG、PNG 或 PDF。"
      : "请上传本人身份证正反面，以及本人签字的申请表和责任书的扫描件或清晰照片，格式为 JPG、PNG 或 PDF。"),
    h("p", { class: "hint", id: "forms-hint" }, (isEnterprise() ? "申请表、责任书和授权委托书" : "申请表和责任书") +
      "无需手填：点“下载已填好的表格”，打印后" + (isEnterprise() ? "盖章" : "签字") + "、扫描上传即可。表格上的二维码让审核人员确认扫描件属于本申请。" +
      (app.years ? "" : "表格会填入第 3 步选择的开通年限和加开证书，建议先完成第 3 步再打印。")),
    h("div", { class: "slots" }, slots),
    missing.length ? h("p", { class: "notice", id: "missing-uploads" }, "还有 " + missing.length + " 份材料未上传，提交前需补齐。") : null,
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "actions" }, h("a", { class: "button", href: "#/apply/" + app.id + "/1" }, "上一步"),
      h("a", { class: "button primary", href: "#/apply/" + app.id + "/3", id: "next" }, "下一步")));
  render(h("section", { class: "panel" }, stepHeader(2), app.status === "rejected" ? rejectBox(app) : null, form));
}

function addYears(years) {
  const d = new Date();
  d.setFullYear(d.getFullYear() + years);
  return date(d.toISOString());
}

async function step3(app) {
  const form = h("form", { class: "wizard", novalidate: true, id: "step3" });
  const priceEl = h("strong", { id: "price" }, fen(app.price_fen));
  const validity = h("span", { id: "validity" });
  let pending = {};
  let timer = null;
  let saving = Promise.resolve();

  function showValidity(years) {
    validity.textContent = "新证书自签发之日起有效 " + years + " 年（如今天签发，有效期至 " + addYears(years) + "）";
  }

  function queue(part) {
    for (const [k, v] of Object.entries(part)) {
      if (k === "invoice" || k === "delivery") pending[k] = Object.assign(pending[k] || {}, v);
      else pending[k] = v;
    }
    clearTimeout(timer);
    timer = setTimeout(flush, 250);
  }

  function flush() {
    clearTimeout(timer);
    const body = pending;
    pending = {};
    if (!Object.keys(body).length) return saving;
    saving = saving.then(async () => {
      try {
        const a = await call("PATCH", "/api/v1/applications/" + app.id, body);
        app = a;
        priceEl.textContent = fen(a.price_fen);
        clearErrors(form);
      } catch (e) {
        showError(form, e);
      }
    });
    return saving;
  }

  const checks = h("div", { class: "centres", role: "group", "aria-label": "加开地州市证书" },
    ctx.centres.map((c) => h("label", { class: "centre" },
      h("input", { type: "checkbox", name: "centre", value: c.id, checked: app.trading_centre_ids.includes(c.id),
        onchange: () => queue({ trading_centre_ids: [...form.querySelectorAll('input[name="centre"]:checked')].map((i) => Number(i.value)) }) }),
      " ", c.name)));
  const years = h("select", { id: "f-years", name: "years", onchange: (ev) => { showValidity(Number(ev.target.value)); queue({ years: Number(ev.target.value) }); } },
    Array.from({ length: ctx.settings.max_years }, (_, i) => h("option", { value: i + 1, selected: app.years === i + 1 }, i + 1 + " 年")));
  const text = (name, label, value, ph, part, hint) =>
    field(name, label, h("input", { id: "f-" + name, name, type: "text", value: value || "", placeholder: ph || "",
      onchange: (ev) => queue(part(ev.target.value.trim())) }), hint);
  const inv = app.invoice || {};
  const special = h("div", { class: "grid2", id: "special-fields", hidden: app.invoice_type !== "special" },
    text("invoice.address", "地址", inv.address, "注册地址", (v) => ({ invoice: { address: v } })),
    text("invoice.phone", "电话", inv.phone, "注册电话", (v) => ({ invoice: { phone: v } })),
    text("invoice.bank", "开户银行", inv.bank, "如：甘肃省农商银行雁兴路支行", (v) => ({ invoice: { bank: v } })),
    text("invoice.bank_account", "银行账号", inv.bank_account, "", (v) => ({ invoice: { bank_account: v } })));
  /* A person gets 普票 only: 专票 and 纳税人识别号 are for taxpayers. */
  const invType = !isEnterprise() ? h("div", { id: "invoice-type-person" }, "普票", h("span", { class: "muted small" }, "（个人只能开具普通发票）")) : h("div", { class: "radios", role: "radiogroup", "aria-label": "发票类型" },
    [["normal", "普票"], ["special", "专票"]].map(([v, l]) => h("label", {},
      h("input", { type: "radio", name: "invoice_type", value: v, checked: (app.invoice_type || "normal") === v,
        onchange: () => { special.hidden = v !== "special"; queue({ invoice_type: v }); } }), " ", l)));
  const del = app.delivery || {};
  const address = h("div", { id: "courier-fields", hidden: del.method !== "courier" },
    text("delivery.address", "邮寄地址", del.address, "省市区、街道、收件人、电话", (v) => ({ delivery: { address: v } }), "发票以到付方式寄送"));
  const delivery = h("div", { class: "radios", role: "radiogroup", "aria-label": "发票领取方式" },
    [["pickup", "现场领取"], ["courier", "邮寄（到付）"]].map(([v, l]) => h("label", {},
      h("input", { type: "radio", name: "delivery_method", value: v, checked: (del.method || "pickup") === v,
        onchange: () => { address.hidden = v !== "courier"; queue({ delivery: { method: v } }); } }), " ", l)));
  if (!app.invoice_type || !del.method || (!isEnterprise() && app.invoice_type === "special"))
    queue({ invoice_type: isEnterprise() ? app.invoice_type || "normal" : "normal", delivery: { method: del.method || "pickup" } });
  /* 付款人 and 发票抬头 default to the account's name (a company's or a person's); 纳税人识别号 to the licence's code. */
  if (!app.payer_name) queue({ payer_name: ctx.me.name });

  const missingBox = h("div", { class: "notice notice-error", id: "submit-missing", hidden: true });
  const rates = h("div", { class: "muted small", id: "rates" });
  const showRates = () => { rates.textContent = "每年 " + fen(ctx.settings.base_per_year_fen) + " 元，每个地州市证书每年加 " + fen(ctx.settings.addon_per_year_fen) + " 元"; };
  showRates();
  add(form,
    field("trading_centre_ids", "选择加开的地州市证书（选填）", checks),
    h("div", { class: "grid2" },
      text("payer_name", "付款人", app.payer_name || ctx.me.name, "银行转账的付款人名称", (v) => ({ payer_name: v }), "须与向银行转账的付款人一致"),
      field("years", "开通年限", years)),
    h("div", { class: "price-box" }, "订单金额：", priceEl, " 元", h("br"), validity,
      rates),
    h("p", { class: "hint", id: "years-note" }, "备注：本着提供便捷服务的宗旨，我公司已开展多年有效期数字证书业务，用户可以根据不同情况，自行选择办理。"),
    field("invoice_type", "发票类型", invType),
    h("div", { class: "grid2" },
      text("invoice.title", "发票抬头", inv.title || ctx.me.name, isEnterprise() ? "单位名称" : "个人姓名", (v) => ({ invoice: { title: v } })),
      isEnterprise() ? text("invoice.tax_no", "纳税人识别号", inv.tax_no || app.license_no, "统一社会信用代码", (v) => ({ invoice: { tax_no: v } }),
        "三证合一的即营业执照号；普票可不填，专票必填") : null),
    special,
    field("delivery.method", "发票领取方式", delivery),
    address,
    missingBox,
    h("p", { class: "form-error", role: "alert" }),
    h("div", { class: "actions" },
      h("a", { class: "button", href: "#/apply/" + app.id + "/2", onclick: () => flush() }, "上一步"),
      h("button", { type: "submit", class: "primary", id: "submit" }, "提交申请")));
  if (!inv.title) queue({ invoice: { title: ctx.me.name } });
  if (!inv.tax_no && isEnterprise() && app.license_no) queue({ invoice: { tax_no: app.license_no } });
  showValidity(app.years);

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    await flush();
    missingBox.hidden = true;
    const button = form.querySelector("#submit");
    button.disabled = true;
    try {
      /* The price shown is the price asked: changed meanwhile, the customer sees the new one before submitting. */
      await call("POST", "/api/v1/applications/" + app.id + "/submit", { price_fen: app.price_fen });
      toast("已提交，等待审核");
      location.hash = "#/applications/" + app.id;
    } catch (e) {
      if (e.field === "price_fen") {
        try {
          app = await call("GET", "/api/v1/applications/" + app.id);
          ({ settings: ctx.settings } = await loadRefData());
          showRates();
        } catch (_) { /* the message says it */ }
        priceEl.textContent = fen(app.price_fen);
        priceEl.parentNode.classList.add("price-changed");
        missingBox.replaceChildren(h("strong", { id: "price-changed" }, e.message));
        missingBox.hidden = false;
      } else if (e.code === "incomplete" || (e.missing && e.missing.length)) {
        /* In step order, each linking to the step that holds it. */
        const list = (e.missing || []).map((m, i) => [stepOf(m.field), i, m]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
          .map(([step, , m]) => h("li", {}, h("a", { href: "#/apply/" + app.id + "/" + step }, "第 " + step + " 步：" + m.message)));
        missingBox.replaceChildren(h("strong", {}, e.message), h("ul", {}, list));
        missingBox.hidden = false;
        (e.missing || []).forEach((m) => fieldError(form, m.field, m.message));
      } else {
        showError(form, e);
      }
    } finally {
      button.disabled = false;
    }
  });
  render(h("section", { class: "panel" }, stepHeader(3), app.status === "rejected" ? rejectBox(app) : null, form));
}
