/* The customer portal: 我的证书, the three-step renewal wizard, application details, orders.
   Hash routes: #/  #/apply/new[?cert=ID]  #/apply/ID/STEP  #/applications/ID  #/orders  #/orders/NO */
"use strict";

(function () {
  let me = null;
  let settings = null;
  let centres = [];

  const { h, add, fen, date, datetime, cn, toast, call, render, failPage } = UI;

  const statusClass = (s) => "badge badge-" + s;
  const tokenLabel = (c) => (c.trading_centre ? c.trading_centre : c.token === "secondary" ? "副锁" : "主锁");
  const orderLabels = UI.orderLabels;

  function navActive(name) {
    document.querySelectorAll("[data-nav]").forEach((a) => a.classList.toggle("active", a.dataset.nav === name));
  }

  /* ---------- 我的证书 ---------- */

  async function certsPage() {
    navActive("certs");
    const period = sessionStorage.getItem("cr_period") || "3m";
    const status = sessionStorage.getItem("cr_status") || "";
    let certs, apps;
    try {
      [certs, apps] = await Promise.all([
        call("GET", "/api/v1/certificates"),
        call("GET", "/api/v1/applications?period=" + period + (status ? "&status=" + status : "")),
      ]);
    } catch (e) {
      return failPage(e);
    }
    const certRows = certs.items.map((c) =>
      h("tr", { "data-cert": c.id },
        h("td", { "data-label": "证书" }, cn(c.subject)),
        h("td", { "data-label": "类型" }, tokenLabel(c)),
        h("td", { "data-label": "有效期至" }, date(c.not_after)),
        h("td", { "data-label": "状态" }, h("span", { class: "badge badge-cert-" + c.status }, c.status_label)),
        h("td", { "data-label": "操作" },
          c.renewable
            ? h("a", { class: "button primary small", href: "#/apply/new?cert=" + c.id }, "续期")
            : h("span", { class: "muted small" }, c.renewable_reason || "",
                c.open_application_id ? [" ", h("a", { href: "#/applications/" + c.open_application_id }, "查看申请")] : null))));

    const selected = new Set();
    const appRows = apps.items.map((a) => {
      const editable = a.status === "draft" || a.status === "rejected";
      return h("tr", { "data-app": a.id },
        h("td", { class: "check" }, h("input", { type: "checkbox", "aria-label": "选择申请 " + a.id,
          onchange: (ev) => (ev.target.checked ? selected.add(a) : selected.delete(a)) })),
        h("td", { "data-label": "企业名称" }, a.company_name || "—"),
        h("td", { "data-label": "申请人" }, a.applicant_name || "—"),
        h("td", { "data-label": "状态" }, h("span", { class: statusClass(a.status) }, a.status_label)),
        h("td", { "data-label": "金额" }, fen(a.price_fen)),
        h("td", { "data-label": "详情" },
          h("a", { href: "#/applications/" + a.id }, "查看详情"),
          editable ? [" · ", h("a", { href: "#/apply/" + a.id + "/1" }, a.status === "draft" ? "继续填写" : "修改")] : null));
    });

    async function removeSelected() {
      if (!selected.size) return toast("请先勾选要删除的申请");
      const drafts = [...selected].filter((a) => a.status === "draft");
      if (drafts.length < selected.size) return toast("只能删除草稿；已提交的申请请在详情中撤销");
      if (!confirm("确定删除选中的 " + drafts.length + " 份草稿？")) return;
      for (const a of drafts) {
        try { await call("DELETE", "/api/v1/applications/" + a.id); } catch (e) { toast(e.message); }
      }
      certsPage();
    }

    const periodSel = h("select", { "aria-label": "时间范围", onchange: (ev) => { sessionStorage.setItem("cr_period", ev.target.value); certsPage(); } },
      h("option", { value: "3m", selected: period === "3m" }, "最近三个月"),
      h("option", { value: "all", selected: period === "all" }, "全部"));
    const statusSel = h("select", { "aria-label": "状态", onchange: (ev) => { sessionStorage.setItem("cr_status", ev.target.value); certsPage(); } },
      [["", "全部状态"], ["draft", "草稿"], ["submitted", "待审核"], ["approved", "审核通过"], ["rejected", "已驳回"], ["cancelled", "已撤销"]]
        .map(([v, l]) => h("option", { value: v, selected: status === v }, l)));

    render(
      h("section", { class: "panel" },
        h("h2", {}, "我的数字证书"),
        certs.items.length
          ? h("table", { class: "table", id: "cert-table" },
              h("thead", {}, h("tr", {}, ["证书", "类型", "有效期至", "状态", "操作"].map((t) => h("th", {}, t)))),
              h("tbody", {}, certRows))
          : h("p", { class: "muted" }, "您的账号下还没有证书。")),
      h("section", { class: "panel" },
        h("h2", {}, "证书更新申请"),
        h("div", { class: "toolbar" },
          h("a", { class: "button primary", href: "#/apply/new", id: "add-app" }, "+ 添加"),
          h("button", { type: "button", onclick: certsPage }, "刷新"),
          h("button", { type: "button", onclick: removeSelected }, "删除"),
          h("span", { class: "spacer" }), periodSel, statusSel),
        apps.items.length
          ? h("table", { class: "table", id: "app-table" },
              h("thead", {}, h("tr", {}, h("th", { class: "check" }, ""), ["企业名称", "申请人", "状态", "金额", "详情"].map((t) => h("th", {}, t)))),
              h("tbody", {}, appRows))
          : h("p", { class: "muted" }, "没有符合条件的申请。点“添加”开始续期。")));
  }

  /* ---------- the wizard ---------- */

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

  function showError(form, e) {
    if (!fieldError(form, e.field, e.message)) form.querySelector(".form-error").textContent = e.message;
  }

  function field(name, label, input, hint) {
    return h("div", { class: "field" }, h("label", { for: "f-" + name }, label), input,
      hint ? h("p", { class: "hint" }, hint) : null, h("p", { class: "field-error", "data-for": name, role: "alert" }));
  }

  async function wizard(id, step, certId) {
    navActive("certs");
    let app = null;
    try {
      if (id) app = await call("GET", "/api/v1/applications/" + id);
    } catch (e) {
      return failPage(e);
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

  async function step1(app, certId) {
    let certs;
    try { certs = (await call("GET", "/api/v1/certificates")).items; } catch (e) { return failPage(e); }
    const choices = certs.filter((c) => c.renewable || (app && c.id === app.certificate_id));
    const current = app ? app.certificate_id : Number(certId) || (choices[0] && choices[0].id);
    const form = h("form", { class: "wizard", novalidate: true, id: "step1" });
    const grid = h("div", { class: "grid2" });
    for (const [key, label, ph, type] of STEP1) {
      let value = app ? app[key] : "";
      if (!app && key === "company_name" && me.role === "enterprise") value = me.name;
      const optional = me.role !== "enterprise" && (key === "company_name" || key === "license_no");
      grid.append(field(key, label, h("input", { id: "f-" + key, name: key, type, placeholder: optional ? "个人用户选填" : ph, value: value || "",
        autocomplete: key === "email" ? "email" : key === "phone" ? "tel" : "off" })));
    }
    const sel = h("select", { id: "f-certificate_id", name: "certificate_id" },
      choices.map((c) => h("option", { value: c.id, selected: c.id === current }, cn(c.subject) + "（" + tokenLabel(c) + "，" + date(c.not_after) + " 到期）")));
    grid.append(field("certificate_id", "待更新数字证书", sel, choices.length ? null : "没有可续期的证书：证书到期前 " + settings.renew_before_days + " 天内方可续期。"));
    add(form, grid, h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, "取消"),
        h("button", { type: "submit", class: "primary", id: "next" }, "下一步")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const data = {};
      for (const [key] of STEP1) data[key] = form.elements[key].value.trim();
      if (!sel.value) return fieldError(form, "certificate_id", "请选择待更新的数字证书");
      data.certificate_id = Number(sel.value);
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
        location.hash = "#/apply/" + saved.id + "/2";
      } catch (e) {
        showError(form, e);
      }
    });
    render(h("section", { class: "panel" }, stepHeader(1), app && app.status === "rejected" ? rejectBox(app) : null, form));
  }

  function rejectBox(app) {
    return h("div", { class: "notice notice-error" }, h("strong", {}, "已驳回："), app.reject_reason || "", h("br"),
      "请按要求修改后重新提交。");
  }

  function upload(app, kind, file, slot) {
    const bar = slot.querySelector("progress");
    const err = slot.querySelector(".field-error");
    err.textContent = "";
    if (file.size > settings.attachment_max_bytes) {
      err.textContent = "文件过大：" + (file.size / 1048576).toFixed(1) + " MB，单个文件不能超过 " + Math.floor(settings.attachment_max_bytes / 1048576) + " MB";
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", "/api/v1/applications/" + app.id + "/attachments/" + kind);
      xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
      xhr.setRequestHeader("X-CSRF-Token", Api.csrf);
      bar.hidden = false;
      bar.value = 0;
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total); };
      xhr.onload = () => {
        bar.hidden = true;
        if (xhr.status === 201 || xhr.status === 200) return resolve(true);
        let msg = "上传失败（" + xhr.status + "）";
        try { msg = JSON.parse(xhr.responseText).error.message || msg; } catch (e) { /* not JSON */ }
        if (xhr.status === 413) msg = "文件过大，单个文件不能超过 " + Math.floor(settings.attachment_max_bytes / 1048576) + " MB";
        err.textContent = "未接受：" + msg;
        resolve(false);
      };
      xhr.onerror = () => { bar.hidden = true; err.textContent = "网络错误，请重试"; resolve(false); };
      xhr.send(file);
    });
  }

  async function step2(app) {
    const separate = app.license_type === "separate";
    const kinds = settings.attachment_kinds.filter((k) => !k.separate_only || separate);
    const required = new Set(app.required_attachments);
    const form = h("form", { class: "wizard", novalidate: true, id: "step2" });

    const typeRadios = h("div", { class: "radios", role: "radiogroup", "aria-label": "营业执照类型" },
      [["three_in_one", "三证合一"], ["separate", "非三证合一"]].map(([v, l]) =>
        h("label", {}, h("input", { type: "radio", name: "license_type", value: v, checked: (app.license_type || "three_in_one") === v,
          onchange: async () => {
            try { await call("PATCH", "/api/v1/applications/" + app.id, { license_type: v }); } catch (e) { return toast(e.message); }
            step2(await call("GET", "/api/v1/applications/" + app.id));
          } }), " ", l)));
    if (!app.license_type) {
      call("PATCH", "/api/v1/applications/" + app.id, { license_type: "three_in_one" }).then((a) => (app.license_type = a.license_type), () => {});
    }

    const slots = kinds.map((k) => {
      const have = app.attachments[k.kind];
      const url = "/api/v1/applications/" + app.id + "/attachments/" + k.kind;
      const input = h("input", { type: "file", id: "file-" + k.kind, accept: ".jpg,.jpeg,.pdf,image/jpeg,application/pdf", class: "file-input" });
      const preview = have
        ? have.content_type === "image/jpeg"
          ? h("a", { href: url, target: "_blank", rel: "noopener" }, h("img", { class: "thumb", src: url + "?v=" + have.sha256.slice(0, 12), alt: k.label }))
          : h("a", { href: url, target: "_blank", rel: "noopener", class: "pdf-badge" }, "PDF")
        : h("div", { class: "thumb empty" }, "未上传");
      const slot = h("div", { class: "slot" + (have ? " done" : ""), "data-kind": k.kind },
        preview,
        h("div", { class: "slot-body" },
          h("div", { class: "slot-title" }, k.label, required.has(k.kind) ? h("span", { class: "req" }, " *") : null),
          h("div", { class: "muted small" }, have ? "已上传 " + (have.bytes / 1024).toFixed(0) + " KB，" + datetime(have.uploaded_at) : "JPG 或 PDF，不超过 " + Math.floor(settings.attachment_max_bytes / 1048576) + " MB"),
          h("label", { class: "button small", for: "file-" + k.kind }, have ? "重新上传" : "选择文件"), input,
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
    add(form,
      field("license_type", "营业执照类型", typeRadios),
      h("p", { class: "hint" }, "请上传加盖企业公章（鲜章）的扫描件，格式为 JPG 或 PDF。"),
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
      centres.map((c) => h("label", { class: "centre" },
        h("input", { type: "checkbox", name: "centre", value: c.id, checked: app.trading_centre_ids.includes(c.id),
          onchange: () => queue({ trading_centre_ids: [...form.querySelectorAll('input[name="centre"]:checked')].map((i) => Number(i.value)) }) }),
        " ", c.name)));
    const years = h("select", { id: "f-years", name: "years", onchange: (ev) => { showValidity(Number(ev.target.value)); queue({ years: Number(ev.target.value) }); } },
      Array.from({ length: settings.max_years }, (_, i) => h("option", { value: i + 1, selected: app.years === i + 1 }, i + 1 + " 年")));
    const text = (name, label, value, ph, part, hint) =>
      field(name, label, h("input", { id: "f-" + name, name, type: "text", value: value || "", placeholder: ph || "",
        onchange: (ev) => queue(part(ev.target.value.trim())) }), hint);
    const inv = app.invoice || {};
    const special = h("div", { class: "grid2", id: "special-fields", hidden: app.invoice_type !== "special" },
      text("invoice.address", "地址", inv.address, "注册地址", (v) => ({ invoice: { address: v } })),
      text("invoice.phone", "电话", inv.phone, "注册电话", (v) => ({ invoice: { phone: v } })),
      text("invoice.bank", "开户银行", inv.bank, "如：甘肃省农商银行雁兴路支行", (v) => ({ invoice: { bank: v } })),
      text("invoice.bank_account", "银行账号", inv.bank_account, "", (v) => ({ invoice: { bank_account: v } })));
    const invType = h("div", { class: "radios", role: "radiogroup", "aria-label": "发票类型" },
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
    if (!app.invoice_type || !del.method) queue({ invoice_type: app.invoice_type || "normal", delivery: { method: del.method || "pickup" } });
    if (!app.payer_name && me.role === "enterprise") queue({ payer_name: me.name });

    const missingBox = h("div", { class: "notice notice-error", id: "submit-missing", hidden: true });
    add(form,
      field("trading_centre_ids", "选择加开的地州市证书（选填）", checks),
      h("div", { class: "grid2" },
        text("payer_name", "付款人", app.payer_name || (me.role === "enterprise" ? me.name : ""), "银行转账的付款人名称", (v) => ({ payer_name: v }), "须与向银行转账的付款人一致"),
        field("years", "开通年限", years)),
      h("div", { class: "price-box" }, "订单金额：", priceEl, " 元", h("br"), validity,
        h("div", { class: "muted small" }, "每年 " + fen(settings.base_per_year_fen) + " 元，每个地州市证书每年加 " + fen(settings.addon_per_year_fen) + " 元")),
      field("invoice_type", "发票类型", invType),
      h("div", { class: "grid2" },
        text("invoice.title", "发票抬头", inv.title || (me.role === "enterprise" ? me.name : ""), "单位名称", (v) => ({ invoice: { title: v } })),
        text("invoice.tax_no", "纳税人识别号", inv.tax_no, "统一社会信用代码", (v) => ({ invoice: { tax_no: v } }))),
      special,
      field("delivery.method", "发票领取方式", delivery),
      address,
      missingBox,
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "actions" },
        h("a", { class: "button", href: "#/apply/" + app.id + "/2", onclick: () => flush() }, "上一步"),
        h("button", { type: "submit", class: "primary", id: "submit" }, "提交申请")));
    if (!inv.title && me.role === "enterprise") queue({ invoice: { title: me.name } });
    showValidity(app.years);

    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      await flush();
      missingBox.hidden = true;
      const button = form.querySelector("#submit");
      button.disabled = true;
      try {
        await call("POST", "/api/v1/applications/" + app.id + "/submit", {});
        toast("已提交，等待审核");
        location.hash = "#/applications/" + app.id;
      } catch (e) {
        if (e.code === "incomplete" || (e.missing && e.missing.length)) {
          const list = (e.missing || []).map((m) => {
            const step = m.field.startsWith("attachments.") ? 2 : STEP1.some(([k]) => k === m.field) ? 1 : 3;
            return h("li", {}, h("a", { href: "#/apply/" + app.id + "/" + step }, "第 " + step + " 步：" + m.message));
          });
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

  /* ---------- an application's details ---------- */

  async function detail(id) {
    navActive("certs");
    let app;
    try { app = await call("GET", "/api/v1/applications/" + id); } catch (e) { return failPage(e); }
    const row = (label, value) => [h("dt", {}, label), h("dd", {}, value === null || value === undefined || value === "" ? "—" : value)];
    const centreNames = app.trading_centre_ids.map((cid) => (centres.find((c) => c.id === cid) || { name: "#" + cid }).name);
    const kinds = settings.attachment_kinds.filter((k) => app.attachments[k.kind]);
    const act = async (what, confirmText) => {
      if (confirmText && !confirm(confirmText)) return;
      try {
        if (what === "delete") { await call("DELETE", "/api/v1/applications/" + app.id); location.hash = "#/"; return; }
        await call("POST", "/api/v1/applications/" + app.id + "/" + what, {});
        detail(app.id);
      } catch (e) { toast(e.message); }
    };
    const actions = [];
    if (app.status === "draft" || app.status === "rejected")
      actions.push(h("a", { class: "button primary", href: "#/apply/" + app.id + "/1" }, app.status === "draft" ? "继续填写" : "修改并重新提交"));
    if (["draft", "submitted", "rejected"].includes(app.status))
      actions.push(h("button", { type: "button", onclick: () => act("cancel", "确定撤销这份申请？") }, "撤销申请"));
    if (app.status === "draft")
      actions.push(h("button", { type: "button", onclick: () => act("delete", "确定删除这份草稿？") }, "删除草稿"));
    render(h("section", { class: "panel", id: "detail" },
      h("div", { class: "detail-head" }, h("h2", {}, "申请详情 #" + app.id), h("span", { class: statusClass(app.status), id: "detail-status" }, app.status_label)),
      app.status === "rejected" ? rejectBox(app) : null,
      app.order_no ? h("div", { class: "notice" }, "订单号：", h("strong", {}, app.order_no), " ", h("a", { href: "#/orders/" + app.order_no }, "查看订单与支付方式")) : null,
      h("div", { class: "cols" },
        h("div", {},
          h("h3", {}, "基本信息"),
          h("dl", { class: "dl" },
            row("单位名称", app.company_name), row("营业执照号", app.license_no), row("姓名", app.applicant_name),
            row("身份证号", app.id_card_no), row("电话", app.phone), row("电子邮箱", app.email), row("部门", app.department)),
          h("h3", {}, "加开地州市证书"),
          h("dl", { class: "dl" },
            row("地州市证书", centreNames.join("、") || "无"), row("付款人", app.payer_name), row("开通年限", app.years + " 年"),
            row("订单金额", fen(app.price_fen) + " 元"), row("发票类型", app.invoice_type === "special" ? "专票" : app.invoice_type === "normal" ? "普票" : "—"),
            row("发票抬头", app.invoice.title), row("纳税人识别号", app.invoice.tax_no),
            row("发票领取", app.delivery.method === "courier" ? "邮寄：" + app.delivery.address : app.delivery.method === "pickup" ? "现场领取" : "—"))),
        h("div", {},
          h("h3", {}, "附件"),
          kinds.length ? h("ul", { class: "files" }, kinds.map((k) => h("li", {},
            h("a", { href: "/api/v1/applications/" + app.id + "/attachments/" + k.kind, target: "_blank", rel: "noopener" }, k.label),
            h("span", { class: "muted small" }, " " + (app.attachments[k.kind].content_type === "application/pdf" ? "PDF" : "JPG"))))) : h("p", { class: "muted" }, "尚未上传"),
          h("h3", {}, "办理进度"),
          h("ol", { class: "timeline", id: "history" }, app.history.map((e) => h("li", {},
            h("span", { class: "when" }, datetime(e.at)), " ", h("strong", {}, e.label), e.note ? h("div", { class: "muted" }, e.note) : null))))),
      h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, "返回"), actions)));
  }

  /* ---------- orders ---------- */

  async function orders() {
    navActive("orders");
    let list;
    try {
      list = await call("GET", "/api/v1/orders");
    } catch (e) {
      if (e.status === 404) list = { items: [] };
      else return failPage(e);
    }
    const items = list.items || list.orders || [];
    render(h("section", { class: "panel" },
      h("h2", {}, "订单信息"),
      items.length
        ? h("table", { class: "table", id: "order-table" },
            h("thead", {}, h("tr", {}, ["订单名称", "订单号", "订单价格", "订单状态", ""].map((t) => h("th", {}, t)))),
            h("tbody", {}, items.map((o) => h("tr", {},
              h("td", { "data-label": "订单名称" }, (o.company_name || me.name) + "的证书更新申请订单"),
              h("td", { "data-label": "订单号" }, o.order_no),
              h("td", { "data-label": "订单价格" }, fen(o.amount_fen)),
              h("td", { "data-label": "订单状态" }, h("span", { class: "badge badge-" + o.status }, orderLabels[o.status] || o.status)),
              h("td", {}, h("a", { href: "#/orders/" + o.order_no }, ["awaiting_payment", "partially_paid"].includes(o.status) ? "支付订单" : "查看"))))))
        : h("p", { class: "muted" }, "暂无订单。申请审核通过后，订单会出现在这里。"),
      h("p", { class: "hint" }, "备注：请务必保证付款人信息和向银行转账人一致。")));
  }

  async function payPage(no) {
    navActive("orders");
    let o;
    try { o = await call("GET", "/api/v1/orders/" + encodeURIComponent(no)); } catch (e) { return failPage(e); }
    const bank = o.bank || {};
    const outstanding = (o.amount_fen || 0) - (o.paid_fen || 0);
    render(h("section", { class: "panel", id: "pay" },
      h("h2", {}, "支付订单"),
      h("dl", { class: "dl" },
        h("dt", {}, "订单名称"), h("dd", {}, (o.company_name || me.name) + "的证书更新申请订单"),
        h("dt", {}, "订单金额"), h("dd", {}, h("strong", {}, fen(o.amount_fen)), " 元", o.paid_fen ? "（已付 " + fen(o.paid_fen) + " 元，尚需 " + fen(outstanding) + " 元）" : ""),
        h("dt", {}, "订单号"), h("dd", {}, h("strong", { class: "order-no", id: "order-no" }, o.order_no), h("div", { class: "warn" }, "*请您付款时务必在备注栏填写此8位订单号！")),
        h("dt", {}, "订单状态"), h("dd", {}, orderLabels[o.status] || o.status),
        h("dt", {}, "收款户名"), h("dd", {}, bank.account_name || "—"),
        h("dt", {}, "付款账户"), h("dd", {}, bank.account || "—"),
        h("dt", {}, "开户行"), h("dd", {}, bank.bank_name || "—"),
        h("dt", {}, "付款人"), h("dd", {}, o.payer_name || "—", h("div", { class: "muted small" }, "请务必保证付款人信息和向银行转账人一致。"))),
      h("div", { class: "actions" }, h("a", { class: "button primary", href: "#/orders" }, "确定"))));
  }

  /* ---------- messages ---------- */

  async function refreshUnread() {
    try {
      const m = await call("GET", "/api/v1/messages");
      const b = document.getElementById("unread");
      b.textContent = m.unread;
      b.hidden = !m.unread;
      return m;
    } catch (e) {
      return null;
    }
  }

  async function messages() {
    navActive("messages");
    const m = await refreshUnread();
    if (!m) return failPage({ message: "消息加载失败" });
    render(h("section", { class: "panel" }, h("h2", {}, "消息"),
      m.items.length
        ? h("ul", { class: "messages", id: "messages" }, m.items.map((x) => h("li", { class: x.unread ? "unread" : "" },
            h("div", { class: "when" }, datetime(x.at)),
            h("div", {}, x.link ? h("a", { href: x.link }, x.title) : h("strong", {}, x.title)),
            x.body ? h("div", { class: "muted" }, x.body) : null)))
        : h("p", { class: "muted" }, "暂无消息。")));
    if (m.unread) {
      try { await call("POST", "/api/v1/messages/read", {}); } catch (e) { /* stays unread */ }
      document.getElementById("unread").hidden = true;
    }
  }

  /* ---------- routing ---------- */

  function route() {
    const hash = location.hash || "#/";
    let m;
    if ((m = /^#\/apply\/new(?:\?cert=(\d+))?$/.exec(hash))) return wizard(null, 1, m[1]);
    if ((m = /^#\/apply\/(\d+)\/([123])$/.exec(hash))) return wizard(Number(m[1]), Number(m[2]));
    if ((m = /^#\/applications\/(\d+)$/.exec(hash))) return detail(Number(m[1]));
    if ((m = /^#\/orders\/(\d{8})$/.exec(hash))) return payPage(m[1]);
    if (hash === "#/orders") return orders();
    if (hash === "#/messages") return messages();
    return certsPage();
  }

  async function boot() {
    me = await UI.whoami();
    if (me.is_staff) {
      location.href = "/staff.html";
      return;
    }
    document.getElementById("account-name").textContent = me.name;
    UI.bindLogout(document.getElementById("logout"));
    try {
      ({ settings, centres } = await UI.loadRefData());
    } catch (e) {
      return failPage(e);
    }
    window.addEventListener("hashchange", route);
    route();
    refreshUnread();
  }

  boot();
})();
