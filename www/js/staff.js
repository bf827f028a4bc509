/* Staff pages, by role: 审核 (reviewer), 发票 (finance), 用户 / 价格 / 交易中心 / 审计日志 (admin).
   Hash routes: #/review[?status=&q=]  #/review/ID  #/review/rules[?days=]  #/orders[?q=&status=&from=&to=]  #/invoices
   #/users[?q=]  #/prices  #/rules  #/centres  #/audit  #/help[/NAME] */
import { ask, call, cn, date, datetime, failPage, fen, h, label, labels, loadRefData, pager, render, searchBox, searchCall, setHome, toast, whoami } from "./ui.js";
import { agency, mountFooter } from "./agency.js";
import { helpBody } from "./help.js";
import { mountHeader, setAccountName } from "./header.js";
import { paymentsPage, reportPage, statementsPage } from "./staff/reconcile.js";
import { ordersPage } from "./staff/orders.js";
import { ruleApprovedPage, ruleCheckBox, rulesPage, withdrawButton } from "./staff/rules.js";

{
  let me = null;
  let navEl = null;
  let settings = null;
  let centres = [];

  const NAV = {
    reviewer: [["#/review", "审核队列"]],
    finance: [["#/payments", "对账"], ["#/orders", "订单"], ["#/statements", "对账单导入"], ["#/report", "对账报表"], ["#/invoices", "发票"]],
    admin: [["#/review", "申请一览"], ["#/orders", "订单"], ["#/users", "用户"], ["#/prices", "价格"], ["#/rules", "自动审核"], ["#/centres", "交易中心"], ["#/audit", "审计日志"], ["#/help", "帮助页面"], ["#/payments", "对账"], ["#/report", "对账报表"], ["#/invoices", "发票"]],
  };
  /* The reviewer's quick reasons: a company's papers, or a person's. */
  const COMMON_REASONS = ["营业执照扫描件不清晰", "公章扫描件不清晰或未加盖鲜章", "申请表信息与营业执照不一致", "授权委托书缺少法人签字", "付款人与单位名称不一致"];
  const PERSON_REASONS = ["身份证人像面不清晰", "身份证国徽面不清晰", "身份证已过有效期", "申请表信息与身份证不一致", "申请表或责任书缺少本人签字", "付款人与申请人姓名不一致"];

  function waited(sec) {
    if (sec < 60) return "刚刚";
    const m = Math.floor(sec / 60), hrs = Math.floor(m / 60), days = Math.floor(hrs / 24);
    if (days) return days + " 天 " + (hrs % 24) + " 小时";
    if (hrs) return hrs + " 小时 " + (m % 60) + " 分";
    return m + " 分钟";
  }

  function nav(active) {
    navEl.replaceChildren(...(NAV[me.role] || []).map(([href, label]) =>
      h("a", { href, class: active && href.startsWith(active) ? "active" : "" }, label)));
  }

  /* ---------- review ---------- */

  async function queue(status, params) {
    nav("#/review");
    const url = "/api/v1/review/applications?status=" + status + (params.get("q") ? "&q=" + encodeURIComponent(params.get("q")) : "");
    let q, error;
    try { ({ list: q, error } = await searchCall(url)); } catch (e) { return failPage(e); }
    const search = searchBox({ id: "queue-search", path: "#/review", params, keep: ["status"], error,
      placeholder: "申请编号、单位名称、申请人、信用代码或身份证号" });
    const queueRow = (a) => h("tr", { "data-app": a.id },
      h("td", { "data-label": "编号" }, "#" + a.id,
        a.rejections && status === "submitted" ? h("div", { class: "badge badge-resubmitted", "data-resubmitted": a.rejections },
          "重新提交" + (a.rejections > 1 ? "（第 " + (a.rejections + 1) + " 次）" : "")) : null),
      h("td", { "data-label": "单位名称 / 个人" }, a.company_name || (a.account_role === "individual" ? "个人" : "—")),
      h("td", { "data-label": "申请人" }, a.applicant_name),
      h("td", { "data-label": "账号" }, a.account),
      h("td", { "data-label": "提交时间" }, datetime(a.submitted_at)),
      status === "submitted" ? h("td", { "data-label": "已等待" }, waited(a.waited_seconds)) : null,
      h("td", { "data-label": "金额" }, fen(a.price_fen)),
      h("td", {}, h("a", { href: "#/review/" + a.id }, status === "submitted" && me.role === "reviewer" ? "审核" : "查看")));
    const queueBody = h("tbody", {}, q.items.map(queueRow));
    const tabs = h("div", { class: "toolbar" }, ["submitted", "rejected", "approved", "cancelled"].map((s) =>
      h("a", { class: "button small" + (s === status ? " primary" : ""), href: "#/review?status=" + s + (params.get("q") ? "&q=" + encodeURIComponent(params.get("q")) : "") }, label("application", s))),
      h("a", { class: "button small", href: "#/review/rules", id: "rule-approved-link" }, "自动审核通过"));
    render(h("section", { class: "panel" },
      h("h2", {}, status === "submitted" ? "待审核的申请（等待最久的在前）" : "申请：" + label("application", status)),
      tabs, search,
      q.items.length
        ? [h("table", { class: "table", id: "queue" },
            /* 已等待 only where applications wait: on the 待审核 tab. */
            h("thead", {}, h("tr", {}, ["编号", "单位名称 / 个人", "申请人", "账号", "提交时间", status === "submitted" ? "已等待" : null, "金额", ""]
              .filter((t) => t !== null).map((t) => h("th", {}, t)))),
            queueBody),
          pager(q, url, (a) => queueBody.append(queueRow(a)), "份申请", "queue")]
        : h("p", { class: "muted", id: "queue-none" }, params.get("q") ? "没有符合“" + params.get("q") + "”的申请。" : "没有申请。")));
  }

  /* The application's last rejection (its history's), or null. */
  const lastRejection = (app) => [...(app.history || [])].reverse().find((e) => e.to === "rejected") || null;

  const kindName = (kind) => ((settings.attachment_kinds || []).find((k) => k.kind === kind) || { label: kind }).label;

  function attachmentView(app, k) {
    const kind = app.account_type === "individual" ? Object.assign({}, k, { label: k.label_individual || k.label }) : k;
    const url = "/api/v1/applications/" + app.id + "/attachments/" + kind.kind;
    const a = app.attachments[kind.kind];
    if (!a) return h("div", { class: "doc missing" }, h("div", { class: "doc-title" }, kind.label), h("p", { class: "muted" }, "未上传"));
    const replaced = lastRejection(app) && a.since_rejection;
    return h("div", { class: "doc" + (replaced ? " replaced" : ""), "data-kind": kind.kind },
      h("div", { class: "doc-title" }, kind.label, " ",
        replaced ? h("span", { class: "badge badge-resubmitted", "data-replaced": kind.kind }, "驳回后重新上传") : null, " ",
        h("a", { href: url, target: "_blank", rel: "noopener", class: "small" }, "新窗口打开")),
      /* A printed form's QR code: whose scan this is, before the picture. */
      a.paper ? h("p", { class: a.paper.state === "ok" ? "paper-ok" : "warn", "data-paper": a.paper.state },
        a.paper.state === "ok" ? "✓ 扫描件属于本申请 #" + app.id + "，内容与当前申请一致"
          : a.paper.state === "other_application" ? "⚠ 这份扫描件属于申请 #" + a.paper.application_id + "，不是本申请"
          : a.paper.state === "other_form" ? "⚠ 这是本系统的另一种表格（" + (kindName(a.paper.kind)) + "），不是" + kind.label
          : "⚠ " + a.paper.message) : null,
      /* A PDF is shown as its first page drawn on the server: an image shows in every browser. */
      a.content_type.startsWith("image/")
        ? h("img", { class: "doc-img", src: url, alt: kind.label })
        : h("img", { class: "doc-img doc-pdf-page", src: url + "/preview?v=" + a.sha256.slice(0, 12), alt: kind.label + "（PDF 第 1 页）" }),
      a.content_type.startsWith("image/") ? null : h("div", { class: "muted small" }, "PDF 第 1 页预览，全文请点“新窗口打开”"));
  }

  async function reviewPage(id) {
    nav("#/review");
    let app;
    try { app = await call("GET", "/api/v1/applications/" + id); } catch (e) { return failPage(e, "申请 #" + id); }
    const row = (label, value) => [h("dt", {}, label), h("dd", {}, value === null || value === undefined || value === "" ? "—" : String(value))];
    const centreNames = app.trading_centre_ids.map((cid) => (centres.find((c) => c.id === cid) || { name: "#" + cid }).name);
    const kinds = settings.attachment_kinds.filter((k) => app.attachments[k.kind] || app.required_attachments.includes(k.kind));
    const reason = h("textarea", { id: "reason", rows: 3, maxlength: 500, placeholder: "驳回原因（客户会看到）" });
    const err = h("p", { class: "form-error", role: "alert" });
    const canDecide = app.status === "submitted" && me.role === "reviewer";

    async function decide(what) {
      err.textContent = "";
      try {
        if (what === "approve") {
          if (!confirm("确认审核通过申请 #" + app.id + "？通过后将生成订单（" + fen(app.price_fen) + " 元）通知客户付款。")) return;
          const r = await call("POST", "/api/v1/review/applications/" + app.id + "/approve", {});
          toast("已通过，订单号 " + r.order_no + "，金额 " + fen(r.amount_fen) + " 元");
        } else {
          if (!reason.value.trim()) { err.textContent = "请选择或填写驳回原因"; reason.focus(); return; }
          await call("POST", "/api/v1/review/applications/" + app.id + "/reject", { reason: reason.value.trim() });
          toast("已驳回");
        }
        reviewPage(app.id);
      } catch (e) {
        err.textContent = e.message;
      }
    }

    render(h("section", { class: "panel", id: "review" },
      h("div", { class: "detail-head" }, h("h2", {}, "申请 #" + app.id), h("span", { class: "badge badge-" + app.status, id: "review-status" }, app.status_label),
        app.order_no ? h("span", {}, "订单号 ", h("strong", { id: "review-order" }, app.order_no)) : null),
      app.reject_reason ? h("div", { class: "notice notice-error" }, "驳回原因：", app.reject_reason) : null,
      ruleCheckBox(app),
      app.status === "submitted" && lastRejection(app) ? h("div", { class: "notice", id: "review-resubmitted" },
        h("strong", {}, "重新提交的申请"), "（" + datetime(lastRejection(app).at) + " 驳回，原因：" + (lastRejection(app).note || "—") + "）",
        h("div", { class: "small" }, (() => {
          const changed = kinds.filter((k) => app.attachments[k.kind] && app.attachments[k.kind].since_rejection)
            .map((k) => app.account_type === "individual" ? k.label_individual || k.label : k.label);
          return changed.length ? "驳回后更换的材料：" + changed.join("、") : "驳回后没有更换任何材料。";
        })())) : null,
      h("div", { class: "cols" },
        h("dl", { class: "dl", id: "review-applicant" },
          row("更新的证书", app.certificate ? cn(app.certificate.subject) + "（" + (app.certificate.token === "secondary" ? "副锁" : "主锁") + "，" + date(app.certificate.not_after) + " 到期）" : "—"),
          app.account_type === "enterprise"
            ? [row("单位名称", app.company_name), row("营业执照号", app.license_no), row("营业执照类型", app.license_type === "separate" ? "非三证合一" : "三证合一")]
            : row("账户类型", "个人"),
          row("姓名", app.applicant_name), row("身份证号", app.id_card_no), row("电话", app.phone), row("电子邮箱", app.email),
          app.account_type === "enterprise" ? row("部门", app.department) : null),
        h("dl", { class: "dl", id: "review-order-details" },
          row("地州市证书", centreNames.join("、") || "无"), row("付款人", app.payer_name), row("开通年限", app.years + " 年"),
          row("订单金额", fen(app.price_fen) + " 元"), row("发票类型", app.invoice_type === "special" ? "专票" : "普票"),
          row("发票抬头", app.invoice.title), row("纳税人识别号", app.invoice.tax_no),
          app.invoice_type === "special"
            ? [row("专票地址", app.invoice.address), row("专票电话", app.invoice.phone), row("开户银行", app.invoice.bank), row("银行账号", app.invoice.bank_account)]
            : null,
          row("发票领取", app.delivery.method === "courier" ? "邮寄（到付）：" + app.delivery.address : "现场领取"),
          row("提交时间", datetime(app.submitted_at)))),
      h("h3", {}, "附件"),
      h("div", { class: "docs" }, kinds.map((k) => attachmentView(app, k))),
      /* For a resubmission: the earlier rejections and what happened since. */
      h("h3", {}, "办理记录"),
      h("ol", { class: "timeline", id: "review-history" }, app.history.map((e) => h("li", {},
        h("span", { class: "when" }, datetime(e.at)), " ", h("strong", {}, e.label), e.note ? h("div", { class: "muted" }, e.note) : null))),
      canDecide ? h("div", { class: "decide" },
        h("h3", {}, "审核"),
        h("div", { class: "reasons" }, (app.account_type === "individual" ? PERSON_REASONS : COMMON_REASONS).map((r) => h("button", { type: "button", class: "small", onclick: () => { reason.value = r; } }, r))),
        reason, err,
        h("div", { class: "actions" },
          h("a", { class: "button", href: "#/review" }, "返回"),
          h("button", { type: "button", id: "reject", onclick: () => decide("reject") }, "驳回"),
          h("button", { type: "button", class: "primary", id: "approve", onclick: () => decide("approve") }, "审核通过")))
        : h("div", { class: "actions" }, h("a", { class: "button", href: "#/review" }, "返回"),
          me.role === "reviewer" ? withdrawButton(app, () => reviewPage(app.id)) : null)));
  }

  /* ---------- finance: invoices ---------- */

  async function invoices(status) {
    nav("#/invoices");
    let list;
    try { list = await call("GET", "/api/v1/invoices?status=" + status); } catch (e) { return failPage(e); }
    const tabs = h("div", { class: "toolbar" },
      labels("invoice").map(([s, l]) => h("a", { class: "button small" + (s === status ? " primary" : ""), href: "#/invoices?status=" + s }, l)),
      h("span", { class: "spacer" }),
      h("a", { class: "button small", href: "/api/v1/invoices.csv?status=" + status, download: "invoices.csv" }, "导出 CSV"));
    const invoiceRow = (i) => {
      const input = h("input", { type: "text", placeholder: "发票号码", maxlength: 40, class: "inline-input", "aria-label": "发票号码" });
      const err = h("span", { class: "field-error" });
      return h("tr", { "data-invoice": i.id },
        h("td", { "data-label": "订单号" }, i.order_no),
        h("td", { "data-label": "金额" }, fen(i.amount_fen)),
        h("td", { "data-label": "类型" }, i.invoice_type === "special" ? "专票" : "普票"),
        h("td", { "data-label": "抬头" }, i.title, h("div", { class: "muted small" }, i.tax_no),
          i.invoice_type === "special" ? h("div", { class: "muted small" }, [i.address, i.phone, i.bank, i.bank_account].join(" ")) : null),
        h("td", { "data-label": "领取" }, i.delivery_method === "courier" ? "邮寄：" + i.delivery_address : "现场领取"),
        h("td", { "data-label": "状态" }, i.status === "issued" ? label("invoice", i.status) + " " + i.invoice_no : [input, " ",
          h("button", { type: "button", class: "small", onclick: async () => {
            err.textContent = "";
            try { await call("POST", "/api/v1/invoices/" + i.id + "/issue", { invoice_no: input.value.trim() }); toast("已开具"); invoices(status); }
            catch (e) { err.textContent = e.message; }
          } }, "开具"), err]));
    };
    const body = h("tbody", {}, list.items.map(invoiceRow));
    render(h("section", { class: "panel" }, h("h2", {}, "发票"), tabs,
      list.items.length ? [h("table", { class: "table", id: "invoices" },
        h("thead", {}, h("tr", {}, ["订单号", "金额", "类型", "抬头", "领取方式", "状态"].map((t) => h("th", {}, t)))), body),
        pager(list, "/api/v1/invoices?status=" + status, (i) => body.append(invoiceRow(i)), "张", "invoices")]
        : h("p", { class: "muted" }, "没有发票申请（订单付款后出现在这里）。")));
  }

  /* ---------- admin ---------- */

  async function users(params) {
    nav("#/users");
    const url = "/api/v1/admin/users" + (params.get("q") ? "?q=" + encodeURIComponent(params.get("q")) : "");
    let list, error;
    try { ({ list, error } = await searchCall(url)); } catch (e) { return failPage(e); }
    const search = searchBox({ id: "user-search", path: "#/users", params, error,
      placeholder: "账号、名称、单位名称、统一社会信用代码、身份证号或手机号" });
    const form = h("form", { class: "inline-form", id: "new-user", novalidate: true },
      h("input", { name: "account", placeholder: "账号", maxlength: 100 }),
      h("input", { name: "name", placeholder: "姓名", maxlength: 200 }),
      h("select", { name: "role" }, ["reviewer", "finance", "admin", "enterprise", "individual"].map((v) => h("option", { value: v }, label("role", v)))),
      h("input", { name: "password", type: "password", placeholder: "初始密码（至少 8 位）", autocomplete: "new-password" }),
      h("button", { type: "submit", class: "primary small" }, "添加用户"),
      h("p", { class: "form-error", role: "alert" }));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const d = Object.fromEntries(new FormData(form));
      try { await call("POST", "/api/v1/admin/users", d); toast("已添加 " + d.account); users(new URLSearchParams()); }
      catch (e) { form.querySelector(".form-error").textContent = e.message; }
    });
    const roleLabel = (r) => label("role", r);
    const userRow = (u) => h("tr", { "data-user": u.id },
          h("td", { "data-label": "账号" }, u.account), h("td", { "data-label": "姓名" }, u.name), h("td", { "data-label": "角色" }, roleLabel(u.role)),
          h("td", { "data-label": "失败登录" }, u.recent_failures ? u.recent_failures + (u.throttled ? "（已限制）" : "") : "—"),
          h("td", {},
            u.recent_failures ? h("button", { type: "button", class: "small", onclick: async () => {
              try { await call("POST", "/api/v1/admin/users/" + u.id + "/unlock", {}); toast("已解除限制"); users(params); } catch (e) { toast(e.message); }
            } }, "解除限制") : null, " ",
            h("button", { type: "button", class: "small", onclick: async () => {
              const r = await ask({ title: "重置 " + u.account + " 的密码", confirm: "重置密码",
                detail: h("p", {}, "新密码生效后，该账号已登录的设备需重新登录。请通过安全的途径把新密码告诉本人。"),
                fields: [{ name: "password", label: "新密码", type: "password", required: true, maxlength: 256,
                  check: (v) => v.length < 8 ? "密码至少 8 位" : "" }] });
              if (!r) return;
              try { await call("POST", "/api/v1/admin/users/" + u.id + "/password", { password: r.password }); toast("密码已重置"); } catch (e) { toast(e.message); }
            } }, "重置密码")));
    const userBody = h("tbody", {}, list.items.map(userRow));
    render(h("section", { class: "panel" }, h("h2", {}, "用户"), form, search,
      list.items.length ? [h("table", { class: "table", id: "users" },
        h("thead", {}, h("tr", {}, ["账号", "姓名", "角色", "最近失败登录", ""].map((t) => h("th", {}, t)))), userBody),
      pager(list, url, (u) => userBody.append(userRow(u)), "个用户", "users")]
        : h("p", { class: "muted", id: "users-none" }, params.get("q") ? "没有符合“" + params.get("q") + "”的用户。" : "没有用户。")));
  }

  async function prices() {
    nav("#/prices");
    let p;
    try { p = await call("GET", "/api/v1/admin/prices"); } catch (e) { return failPage(e); }
    const toFen = (v) => Math.round(Number(v) * 100);
    const form = h("form", { class: "wizard", id: "prices", novalidate: true },
      h("div", { class: "grid2" },
        h("div", { class: "field" }, h("label", { for: "base" }, "证书年费（元/年）"), h("input", { id: "base", type: "text", value: fen(p.base_per_year_fen) })),
        h("div", { class: "field" }, h("label", { for: "addon" }, "地州市证书年费（元/年/个）"), h("input", { id: "addon", type: "text", value: fen(p.addon_per_year_fen) }))),
      h("p", { class: "hint" }, "新价格只影响之后审核通过的订单；已生成的订单金额不变。"),
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "保存")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const b = form.querySelector("#base").value.trim(), a = form.querySelector("#addon").value.trim();
      if (!/^\d+(\.\d{1,2})?$/.test(b) || !/^\d+(\.\d{1,2})?$/.test(a)) {
        form.querySelector(".form-error").textContent = "请填写金额，如 200.00";
        return;
      }
      try { await call("PUT", "/api/v1/admin/prices", { base_per_year_fen: toFen(b), addon_per_year_fen: toFen(a) }); toast("价格已保存"); prices(); }
      catch (e) { form.querySelector(".form-error").textContent = e.message; }
    });
    render(h("section", { class: "panel" }, h("h2", {}, "价格"), form));
  }

  async function centresPage() {
    nav("#/centres");
    let list;
    try { list = await call("GET", "/api/v1/admin/trading-centres"); } catch (e) { return failPage(e); }
    const form = h("form", { class: "inline-form", novalidate: true },
      h("input", { name: "name", placeholder: "交易中心名称", maxlength: 100 }), h("button", { type: "submit", class: "primary small" }, "添加"),
      h("p", { class: "form-error", role: "alert" }));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try { await call("POST", "/api/v1/admin/trading-centres", { name: form.name.value.trim() }); centresPage(); }
      catch (e) { form.querySelector(".form-error").textContent = e.message; }
    });
    render(h("section", { class: "panel" }, h("h2", {}, "交易中心"), form,
      h("table", { class: "table" }, h("tbody", {}, list.items.map((c) => h("tr", {},
        h("td", {}, c.name), h("td", {}, c.active ? "启用" : "已停用"),
        h("td", {}, h("button", { type: "button", class: "small", onclick: async () => {
          try { await call("PATCH", "/api/v1/admin/trading-centres/" + c.id, { active: !c.active }); centresPage(); } catch (e) { toast(e.message); }
        } }, c.active ? "停用" : "启用"))))))));
  }

  /* 帮助页面: the guidance after payment, edited here and shown to customers at once (no rebuild). */
  /* The pages edited here: the guidance after payment and the wording of the forms customers print. */
  const helpPages = [["after-payment", "付款后如何更新证书"], ["form-application_form", "表格：企业数字证书申请表"],
    ["form-application_form-individual", "表格：个人数字证书申请表"], ["form-responsibility_letter", "表格：数字证书责任书"],
    ["form-power_of_attorney", "表格：授权委托书"]];
  const formWords = "{company}、{license_no}、{applicant}、{id_card_no}、{phone}、{email}、{department}、{certificate}、{centres}、{years}、{date}、{application_id}";

  async function helpAdmin(name) {
    nav("#/help");
    name = helpPages.some(([n]) => n === name) ? name : "after-payment";
    const isForm = name.startsWith("form-");
    let page, a;
    try { [page, a] = await Promise.all([call("GET", "/api/v1/help/" + name), agency()]); } catch (e) { return failPage(e); }
    const pick = h("select", { id: "help-page", "aria-label": "页面" }, helpPages.map(([n, l]) => h("option", { value: n, selected: n === name }, l)));
    pick.addEventListener("change", () => { location.hash = "#/help/" + pick.value; });
    const title = h("input", { id: "help-title", name: "title", value: page.title, maxlength: 100 });
    const body = h("textarea", { id: "help-body", name: "body", rows: 22, spellcheck: false }, page.body);
    const preview = h("div", { class: "help-body", id: "help-preview" });
    const draw = () => preview.replaceChildren(h("h2", {}, title.value), ...helpBody(body.value, a));
    title.addEventListener("input", draw);
    body.addEventListener("input", draw);
    const err = h("p", { class: "form-error", role: "alert" });
    const form = h("form", { class: "wizard", id: "help-form", novalidate: true },
      h("div", { class: "field" }, h("label", { for: "help-title" }, "标题"), title, h("p", { class: "field-error", "data-for": "title", role: "alert" })),
      h("div", { class: "field" }, h("label", { for: "help-body" }, "正文"), body,
        h("p", { class: "hint" }, "“## ”开头的行是小标题，“- ”开头的行是列表，空行分段" + (isForm
          ? "。表格上方自动列出申请信息，下方留有盖章和签字处；正文中的 " + formWords + " 和 {agency} 会在打印时替换为申请中的单位名称、统一社会信用代码、申请人、身份证号、电话、邮箱、部门、待更新证书、加开证书、年限、打印日期、申请编号和机构名称。"
          : "；网址自动成为链接。{hotline}、{service_hours}、{driver_url}、{agency} 会替换为配置中的服务热线、工作时间、驱动下载网址和机构名称。")),
        h("p", { class: "field-error", "data-for": "body", role: "alert" })),
      err,
      h("p", { class: "muted small", id: "help-updated" }, "最后修改：", page.updated_at ? datetime(page.updated_at) + (page.updated_by ? "，" + page.updated_by : "") : "—"),
      h("div", { class: "actions" }, isForm ? null : h("a", { class: "button", href: "/portal.html#/help", target: "_blank", rel: "noopener" }, "客户看到的页面"),
        h("button", { type: "submit", class: "primary", id: "help-save" }, "保存")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      err.textContent = "";
      form.querySelectorAll(".field-error").forEach((p) => (p.textContent = ""));
      try {
        const saved = await call("PUT", "/api/v1/admin/help/" + name, { title: title.value.trim(), body: body.value });
        toast(isForm ? "已保存，此后下载的表格使用新的文字" : "已保存，客户刷新页面即可看到");
        form.querySelector("#help-updated").textContent = "最后修改：" + datetime(saved.updated_at) + (saved.updated_by ? "，" + saved.updated_by : "");
      } catch (e) {
        const fields = e.fields && e.fields.length ? e.fields : [{ field: e.field, message: e.message }];
        for (const f of fields) {
          const p = form.querySelector('.field-error[data-for="' + f.field + '"]');
          if (p) p.textContent = f.message; else err.textContent = f.message;
        }
      }
    });
    draw();
    render(h("section", { class: "panel" }, h("h2", {}, "帮助页面和表格"), h("div", { class: "field" }, pick),
      h("div", { class: "cols" }, form, h("div", {}, h("h3", {}, "预览"), preview))));
  }

  /* Values that are words of the product, in the words users know. */
  const words = {
    token: { primary: "主锁", secondary: "副锁" },
    rule: { approval_rules: "自动审核规则", draft_days: "草稿保留期限", closed_days: "驳回或撤销的申请保留期限" },
    provider: { alipay: "支付宝", wechat: "微信支付", bank: "银行转账" },
    key_type: { rsa: "RSA", rsa2048: "RSA-2048", rsa3072: "RSA-3072", p256: "ECC P-256", p384: "ECC P-384", sm2: "SM2（国密）" },
    kind: { probe: "诊断任务", expire_orders: "过期订单", remind_renewals: "续期提醒", sweep_uploads: "清理上传",
      query_payments: "查询支付结果", import_inbox: "导入收件箱", import_statement: "导入对账单", issue_paid: "签发证书",
      issue_order: "签发证书" },
    status: { succeeded: "成功", failed: "失败", pending: "处理中" },
  };

  /* before/after as readable changes: "状态：等待付款 → 已付款", one line per field that changed. */
  function changes(a) {
    const b = a.before || {}, f = a.after || {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(f)])];
    const machine = { application: "application", order: "order", certificate: "certificate", invoice: "invoice", credit: "credit" }[a.object_type];
    const show = (k, v) => {
      if (v === undefined || v === null || v === "") return "—";
      if (typeof v === "boolean") return v ? "是" : "否";
      if (k === "status" && machine && label(machine, v) !== v) return label(machine, v);
      if (k === "status" && words.status[v]) return words.status[v];
      if (k === "role") return label("role", v);
      if (words[k] && words[k][v]) return words[k][v];
      /* Times are stored in UTC: shown in Asia/Shanghai, as the row's own time is. */
      if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?Z?$/.test(v))
        return datetime(v.replace(" ", "T").replace(/Z?$/, "Z"));
      if (k.endsWith("_fen") && typeof v === "number") return fen(v) + " 元";
      /* Documents by their names; the approval rules' verdict and settings as a reader takes them. */
      if ((k === "kinds" || k === "fresh_kinds") && Array.isArray(v)) return v.map(kindName).join("、") || "—";
      if (k === "pinned" && Array.isArray(v)) return v.map((m) => label("audit_field", m)).join("、") || "—";
      if (k === "conditions" && Array.isArray(v)) return v.map((c) => (c.ok ? "✓ " : "✗ ") + c.label).join("；");
      if (k === "relied_on" && v.application_id) return "申请 #" + v.application_id + "（" + datetime(v.approved_at) + " " + (v.reviewer || "") + "）";
      if (k === "rules" && typeof v === "object")
        return (v.enabled ? "开启" : "关闭") + "，沿用 " + v.reuse_days + " 天，须新签：" + (v.fresh_kinds || []).map(kindName).join("、") +
          "，上限 " + v.max_years + " 年、" + v.max_centres + " 个加开证书、" + fen(v.max_amount_fen) + " 元" +
          ((v.pinned || []).length ? "（配置文件设定：" + v.pinned.map((m) => label("audit_field", m)).join("、") + "）" : "");
      if (typeof v === "object") return JSON.stringify(v);
      const t = String(v);
      return t.length > 80 ? t.slice(0, 80) + "…（共 " + t.length + " 字）" : t;
    };
    const name = (k) => { const l = label("audit_field", k); return l === k ? k : l; };
    /* Two long texts: only the part that changed, with a little of what surrounds it. */
    const textChange = (x, y) => {
      let p = 0, q = 0;
      while (p < x.length && p < y.length && x[p] === y[p]) p++;
      while (q < x.length - p && q < y.length - p && x[x.length - 1 - q] === y[y.length - 1 - q]) q++;
      const cut = (t) => {
        const from = Math.max(0, p - 10), mid = t.slice(from, t.length - q + 10);
        return (from ? "…" : "") + (mid.length > 80 ? mid.slice(0, 80) + "…" : mid) + (t.length - q + 10 < t.length ? "…" : "");
      };
      return [cut(x) || "（空）", " → ", cut(y) || "（空）", h("span", { class: "muted small" }, "（" + x.length + " 字 → " + y.length + " 字）")];
    };
    return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(f[k]) || !(k in b) || !(k in f))
      .map((k) => h("div", { class: "change" }, name(k).replace(/（分）$/, ""), "：",
        typeof b[k] === "string" && typeof f[k] === "string" && (b[k].length > 80 || f[k].length > 80)
          ? textChange(b[k], f[k])
          : [k in b ? [show(k, b[k]), " → "] : null, k in f ? show(k, f[k]) : "（删除）"]));
  }

  /* Who did it, by name; the system's parts named as such, never as if they were staff; a failed login
     names the account typed, as typed. */
  const systemActors = { system: "系统", inbox: "系统：对账单收件箱", alipay: "系统：支付宝通知", wechat: "系统：微信支付通知",
    certrenewctl: "系统：命令行", anonymous: "未登录" };
  function actorCell(a) {
    if (a.action === "login.failure") return h("span", {}, "未登录（输入的账号：", h("q", {}, a.object_id), "）");
    if (a.actor === "upload") /* a statement finance uploaded, imported by certrenewd */
      return h("span", { class: "system-actor" }, "系统：导入 ", a.actor_name || "财务", " 上传的对账单");
    if (systemActors[a.actor]) return h("span", { class: "system-actor" }, systemActors[a.actor]);
    const ctl = /^certrenewctl:(.+)$/.exec(a.actor || "");
    if (ctl) return h("span", { class: "system-actor" }, "系统：命令行（服务器用户 " + ctl[1] + "）");
    if (a.actor_name) return h("span", {}, a.actor_name, a.actor_name !== a.actor ? h("span", { class: "muted small" }, " " + a.actor) : null);
    return a.actor || "系统";
  }

  async function audit(params) {
    nav("#/audit");
    const q = new URLSearchParams(params);
    let list;
    try { list = await call("GET", "/api/v1/admin/audit?" + q.toString()); } catch (e) { return failPage(e); }
    const input = (name, ph) => h("input", { name, placeholder: ph, value: q.get(name) || "", class: "inline-input" });
    const day = (name, ph) => h("input", { name, type: "text", inputmode: "numeric", placeholder: ph, pattern: "\\d{4}-\\d{2}-\\d{2}",
      maxlength: 10, value: q.get(name) || "", class: "inline-input date-input", "aria-label": ph });
    const actions = h("select", { name: "action", "aria-label": "动作" },
      h("option", { value: "" }, "全部动作"),
      labels("audit_action").map(([v, l]) => h("option", { value: v, selected: q.get("action") === v }, l)));
    const objects = h("select", { name: "object_type", "aria-label": "对象类型" },
      h("option", { value: "" }, "全部对象"),
      labels("audit_object").map(([v, l]) => h("option", { value: v, selected: q.get("object_type") === v }, l)));
    const err = h("p", { class: "form-error", role: "alert" });
    const form = h("form", { class: "inline-form", id: "audit-filter", novalidate: true },
      input("actor", "操作人账号"), actions, objects, input("object_id", "对象编号"),
      day("from", "起始日期 YYYY-MM-DD"), day("to", "截止日期 YYYY-MM-DD"),
      /* Rows older than the retention's live period are moved to the archive; still verified, read here. */
      h("label", { class: "inline-check", title: "超过保留期的记录已移入归档表，仍在审计链中校验" },
        h("input", { type: "checkbox", name: "archived", value: "1", checked: q.get("archived") === "1", id: "audit-archived" }), " 归档记录"),
      h("button", { type: "submit", class: "small primary" }, "筛选"), err);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const p = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (v.trim()) p.set(k, v.trim());
      for (const k of ["from", "to"])
        if (p.has(k) && !/^\d{4}-\d{2}-\d{2}$/.test(p.get(k))) { err.textContent = "日期请按 YYYY-MM-DD 填写，如 2026-12-01"; return; }
      location.hash = "#/audit?" + p.toString();
    });
    const more = new URLSearchParams(q);
    more.delete("before_id");
    if (list.next) more.set("after", list.next);
    const objLabel = (t) => { const l = label("audit_object", t); return l === t ? t : l; };
    render(h("section", { class: "panel" }, h("h2", {}, q.get("archived") === "1" ? "审计日志（归档记录）" : "审计日志"), form,
      h("div", { class: "table-wrap" }, h("table", { class: "table", id: "audit" },
        h("thead", {}, h("tr", {}, ["#", "时间", "操作人", "动作", "对象", "变更", "地址"].map((t) => h("th", {}, t)))),
        h("tbody", {}, list.items.map((a) => h("tr", { "data-action": a.action },
          h("td", {}, a.id), h("td", { class: "nowrap" }, datetime(a.at.slice(0, 19).replace(" ", "T") + "Z")),
          h("td", { class: "actor" }, actorCell(a)),
          h("td", { class: "nowrap action", title: a.action }, label("audit_action", a.action)),
          h("td", { class: "object" }, objLabel(a.object_type) + " " + a.object_id),
          h("td", { class: "changes" }, changes(a)),
          h("td", { class: "small" }, a.ip)))))),
      list.items.length ? null : h("p", { class: "muted" }, "没有符合条件的记录。"),
      h("div", { class: "actions left pager" }, list.next ? h("a", { class: "button small", id: "audit-older", href: "#/audit?" + more.toString() }, "更早的记录") : null,
        h("span", { class: "muted small", id: "audit-where" }, list.items.length ? "本页 " + list.items.length + " 条，" + (list.next ? "还有更早的记录" : "已到最早的记录") : ""))));
  }

  /* ---------- routing ---------- */

  function route() {
    const hash = location.hash || "";
    const [path, query] = hash.split("?");
    const params = new URLSearchParams(query || "");
    let m;
    if ((m = /^#\/review\/(\d+)$/.exec(path))) return reviewPage(Number(m[1]));
    if (path === "#/review") return queue(params.get("status") || "submitted", params);
    if (path === "#/review/rules") return ruleApprovedPage(nav, params, me.role === "reviewer");
    if (path === "#/rules") return me.role === "admin" ? rulesPage(nav, settings) : failPage({ status: 403, message: "只有管理员可以设置自动审核" });
    if (path === "#/orders") return ordersPage(nav, params);
    if (path === "#/invoices") return invoices(params.get("status") || "pending");
    if (path === "#/statements") return statementsPage(nav);
    if (path === "#/report") return reportPage(nav, params.get("from"), params.get("to"));
    if (path === "#/payments") return paymentsPage(nav, params, me.role === "finance");
    if (path === "#/users") return users(params);
    if (path === "#/prices") return prices();
    if (path === "#/centres") return centresPage();
    if (path === "#/audit") return audit(params);
    if ((m = /^#\/help(?:\/([a-z_-]+))?$/.exec(path))) return me.role === "admin" ? helpAdmin(m[1]) : failPage({ status: 403, message: "只有管理员可以修改帮助页面" });
    const home = (NAV[me.role] || [["#/review"]])[0][0];
    location.replace(home);
  }

  async function boot() {
    navEl = mountHeader("数字证书服务系统 · 工作台", "staff-nav");
    mountFooter();
    me = await whoami();
    if (!me.is_staff) {
      location.href = "/portal.html";
      return;
    }
    setHome((NAV[me.role] || [["#/review"]])[0][0], "返回工作台");
    try {
      ({ settings, centres } = await loadRefData());
    } catch (e) {
      return failPage(e);
    }
    /* "审核员 reviewer": the name, the account, and the role where the name does not say it. */
    const role = label("role", me.role);
    setAccountName(me.name + (me.account !== me.name ? " " + me.account : "") + (me.name !== role ? "（" + role + "）" : ""));
    window.addEventListener("hashchange", route);
    route();
  }

  boot();
}
