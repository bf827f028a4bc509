/* 对账 for finance: bank statement imports (#/statements: upload, live progress, counts) and the
   credits to resolve (#/payments: confirm a suggested order, assign by order number, dismiss). */
import { sendFile } from "../api.js";
import { ask, call, date, datetime, failPage, fen, h, label, pager, render, searchBox, searchCall, searching, toast } from "../ui.js";
import { cancelForm } from "./cancel.js";
import { refundsTable } from "./refunds.js";

let pollTimer = null;

function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = null;
}

/* Sends a statement file as it is (raw body), with the upload's progress in bar. */
async function uploadFile(file, bar, err) {
  const r = await sendFile("POST", "/api/v1/statements?name=" + encodeURIComponent(file.name), file, "application/xml", bar);
  if (r.error) err.textContent = r.error;
  return r.error ? null : r.body;
}

/* What the importer recognised: "camt.053.001.08", or an export's "csv/gbk". */
function layoutName(kind) {
  const m = /^(csv|tsv|psv|ssv|html|xlsx|xls)\/(gbk|utf-8|utf-16)$/.exec(kind || "");
  if (!m) return kind;
  const form = { csv: "逗号分隔", tsv: "制表符分隔", psv: "竖线分隔", ssv: "分号分隔", html: "网页表格", xlsx: "Excel 工作簿 .xlsx", xls: "Excel 97-2003 .xls" }[m[1]];
  return "网银交易明细（" + form + (m[1].startsWith("xls") ? "" : "，" + (m[2] === "gbk" ? "GBK" : "UTF-8")) + "）";
}

/*
 * What a statement's balances say: they add up (期初 + 收入 - 支出 = 期末), and continue the last statement of
 * the account; a gap names the days between which a statement is missing.
 */
function balanceNote(b) {
  if (!b) return null;
  const notes = [];
  if (!b.adds_up)
    notes.push(h("div", { class: "field-error", "data-balance": "mismatch" },
      "余额不符：期初 " + fen(b.opening_fen) + " 元加本期收支 " + fen(b.net_fen) + " 元应为 " + fen(b.opening_fen + b.net_fen) +
      " 元，对账单期末为 " + fen(b.closing_fen) + " 元"));
  if (b.break_line)
    notes.push(h("div", { class: "field-error", "data-balance": "break" },
      "第 " + b.break_line + " 行的余额与上一笔交易接不上：其间缺少交易记录，或导出的明细不完整"));
  if (b.continues === false)
    notes.push(h("div", { class: "field-error", "data-balance": "gap" },
      "缺少对账单：" + b.previous_closing_date + " 期末余额 " + fen(b.previous_closing_fen) + " 元，" + b.opening_date +
      " 期初余额 " + fen(b.opening_fen) + " 元，两者之间的对账单未导入"));
  if (!notes.length)
    notes.push(h("div", { class: "muted small", "data-balance": "ok" },
      "余额核对无误：" + b.opening_date + " 期初 " + fen(b.opening_fen) + " 元，期末 " + fen(b.closing_fen) + " 元"));
  return notes;
}

export async function statementsPage(nav) {
  nav("#/statements");
  stopPolling();
  let list;
  try { list = await call("GET", "/api/v1/statements"); } catch (e) { return failPage(e); }
  const input = h("input", { type: "file", id: "statement-file", accept: ".xml,.csv,.txt,.xls,.xlsx,.htm,.html,application/xml,text/xml,text/csv,text/plain,text/html,application/vnd.ms-excel,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", class: "file-input" });
  const bar = h("progress", { max: 100, value: 0, hidden: true });
  const err = h("p", { class: "form-error", role: "alert" });
  input.addEventListener("change", async () => {
    if (!input.files.length) return;
    err.textContent = "";
    const s = await uploadFile(input.files[0], bar, err);
    input.value = "";
    if (s) {
      toast(s.skipped ? "该对账单已导入过" : "已上传，正在导入");
      statementsPage(nav);
    }
  });
  const busy = list.items.some((s) => s.status === "queued" || s.status === "running");
  const count = (s, k) => h("td", { "data-label": label("credit", k) }, s[k] ? String(s[k]) : "—");
  const row = (s) => h("tr", { "data-statement": s.id },
    h("td", { "data-label": "文件" }, s.file_name || s.file_sha256.slice(0, 12),
      s.kind ? h("div", { class: "muted small", "data-kind": s.kind }, layoutName(s.kind)) : null,
      s.error ? h("div", { class: "field-error" }, s.error) : null, balanceNote(s.balance)),
    h("td", { "data-label": "来源" }, { cli: "命令行", upload: "上传", inbox: "银行推送" }[s.source] || s.source),
    h("td", { "data-label": "状态" }, s.status_label,
      s.status === "running" ? [" ", h("progress", { max: 100, value: s.progress }), " " + s.progress + "%"] : null),
    h("td", { "data-label": "记录" }, String(s.entries)),
    count(s, "matched"), count(s, "partial"), count(s, "overpaid"), count(s, "needs_review"), count(s, "unmatched"),
    count(s, "duplicate"), count(s, "ignored"),
    h("td", { class: "nowrap", "data-label": "时间" }, datetime(s.created_at)));
  const body = h("tbody", {}, list.items.map(row));
  render(h("section", { class: "panel" },
    h("h2", {}, "对账单导入"),
    h("div", { class: "toolbar" },
      h("label", { class: "button primary", for: "statement-file" }, "上传对账单"), input, bar,
      h("span", { class: "muted small" }, "网银导出的交易明细（Excel .xls/.xlsx、CSV、TXT、网页格式，GBK 或 UTF-8）或 ISO 20022 camt XML；银行推送的文件会自动导入")),
    err,
    list.items.length
      ? [h("div", { class: "table-wrap" }, h("table", { class: "table", id: "statements" },
          h("thead", {}, h("tr", {}, ["文件", "来源", "状态", "记录", "已匹配", "部分付款", "多付", "待核实", "未匹配", "重复", "不计入", "时间"]
            .map((t) => h("th", {}, t)))), body)),
        pager(list, "/api/v1/statements", (s) => body.append(row(s)), "个", "statements")]
      : h("p", { class: "muted" }, "还没有导入过对账单。")));
  /* While an import is under way the page follows it; otherwise it looks now and then for a file the bank's
   * inbox brought (or another clerk uploaded), and shows it when one comes. */
  const shown = list.items.length ? list.items[0].id + "/" + list.items[0].status : "";
  const again = () => { if (location.hash.startsWith("#/statements")) statementsPage(nav); };
  const watch = async () => {
    if (!location.hash.startsWith("#/statements")) return;
    if (!document.hidden) {
      try {
        const now = await call("GET", "/api/v1/statements?limit=1");
        if ((now.items.length ? now.items[0].id + "/" + now.items[0].status : "") !== shown) return again();
      } catch (e) { /* a passing network error: look again later */ }
    }
    pollTimer = setTimeout(watch, 5000);
  };
  pollTimer = busy ? setTimeout(again, 1500) : setTimeout(watch, 5000);
}

/* Folded as the server folds payer names: no spaces, ASCII lower case (full-width forms are rare in names). */
const fold = (s) => (s || "").replace(/[\s\u3000]/g, "").toLowerCase();

/* 指定: the order is looked up and shown (customer, payer, amount, what is still owed, what this credit
   makes of it) before finance confirms. */
async function assign(c, no, err, act) {
  err.textContent = "";
  if (!/^\d{8}$/.test(no)) { err.textContent = "请填写 8 位订单号"; return; }
  let o;
  try { o = await call("GET", "/api/v1/orders/" + no); }
  catch (e) { err.textContent = e.status === 404 ? "没有订单号为 " + no + " 的订单（请核对校验位）" : e.message; return; }
  if (o.status !== "awaiting_payment" && o.status !== "partially_paid") {
    err.textContent = "订单 " + no + " 当前为“" + o.status_label + "”，不能再计入款项";
    return;
  }
  const owed = o.amount_fen - o.paid_fen;
  const after = c.amount_fen === owed ? "计入后订单付清"
    : c.amount_fen < owed ? "计入后仍差 " + fen(owed - c.amount_fen) + " 元（部分付款）"
    : "计入后订单付清，多付 " + fen(c.amount_fen - owed) + " 元需退款";
  const row = (k, v, attrs) => [h("dt", {}, k), h("dd", attrs || {}, v)];
  const mismatch = c.debtor_name && fold(c.debtor_name) !== fold(o.payer_name);
  const yes = await ask({ title: "指定订单 " + no, confirm: "确认指定",
    detail: [h("dl", { id: "assign-preview" },
      row("客户", o.company_name || "—"), row("订单付款人", o.payer_name || "—"),
      row("订单金额", fen(o.amount_fen) + " 元"), row("已付", fen(o.paid_fen) + " 元"),
      row("尚需", fen(owed) + " 元", { "data-owed": owed }),
      row("本笔款项", fen(c.amount_fen) + " 元，付款人 " + (c.debtor_name || "—"))),
      h("p", {}, after),
      mismatch ? h("p", { class: "warn", id: "assign-payer-mismatch" }, "付款人“" + c.debtor_name + "”与订单登记的付款人“" + o.payer_name + "”不一致，请确认这笔款项确为该订单所付。") : null] });
  if (yes) act("assign", { order_no: no }, "已指定订单 " + no);
}

function creditRow(c, refresh, canAct) {
  const err = h("span", { class: "field-error" });
  const act = async (path, body, done) => {
    err.textContent = "";
    try { await call("POST", "/api/v1/payments/" + c.id + "/" + path, body); toast(done); refresh(); }
    catch (e) { err.textContent = e.message; }
  };
  const orderInput = h("input", { type: "text", inputmode: "numeric", maxlength: 8, placeholder: "订单号", class: "inline-input", "aria-label": "订单号" });
  const open = c.status === "needs_review" || c.status === "unmatched";
  const s = c.suggested_order;
  const actions = [];
  if (!canAct) {
    /* Only finance books money; others see the queue. */
  } else if (open && s && (s.status === "awaiting_payment" || s.status === "partially_paid"))
    actions.push(h("button", { type: "button", class: "small primary", "data-confirm": s.order_no,
      onclick: () => act("assign", { order_no: s.order_no }, "已确认：订单 " + s.order_no) }, "确认 " + s.order_no));
  if (canAct && open)
    actions.push(h("span", { class: "nowrap" }, orderInput, " ",
      h("button", { type: "button", class: "small", "data-assign": c.id, onclick: () => assign(c, orderInput.value.trim(), err, act) }, "指定")));
  if (canAct && c.assigned && ["matched", "partial", "overpaid"].includes(c.status))
    actions.push(h("button", { type: "button", class: "small", "data-unassign": c.id, onclick: async () => {
      const yes = await ask({ title: "撤销指定", confirm: "撤销指定", danger: true,
        detail: h("p", {}, "这笔 " + fen(c.amount_fen) + " 元（付款人 " + (c.debtor_name || "—") + "）将不再计入订单 " + c.orders.join("、") +
          "，订单的已付金额相应减少，款项回到待处理。") });
      if (yes) act("unassign", {}, "已撤销指定");
    } }, "撤销指定"));
  if (canAct && (open || c.status === "overpaid")) {
    /* A refund made by hand: the bank's reference of the transfer finance made, and its day. */
    const ref = h("input", { type: "text", maxlength: 64, size: 14, placeholder: "退款的银行流水号", class: "inline-input", "aria-label": "退款的银行流水号" });
    const day = h("input", { type: "date", class: "inline-input", "aria-label": "退款日期" });
    const form = h("span", { class: "nowrap", hidden: true, "data-refund-form": c.id }, ref, " ", day, " ",
      h("button", { type: "button", class: "small primary", "data-refund-credit": c.id,
        onclick: () => act("refund", { reference: ref.value.trim(), made_on: day.value }, "已登记退款") }, "确认已退"));
    actions.push(h("button", { type: "button", class: "small", "data-refund-open": c.id,
      onclick: (ev) => { form.hidden = false; ev.target.hidden = true; ref.focus(); } },
      "登记退款 " + fen(c.status === "overpaid" ? c.surplus_fen : c.amount_fen)), form);
    actions.push(h("button", { type: "button", class: "small", "data-dismiss": c.id, onclick: async () => {
      const r = await ask({ title: "其他处理", confirm: "确认处理",
        detail: h("p", {}, "这笔 " + fen(c.amount_fen) + " 元（付款人 " + (c.debtor_name || "—") + "）不计入任何订单，也不退款，移出待处理。请写明如何处理，会记入操作日志。"),
        fields: [{ name: "reason", label: "处理说明", type: "textarea", required: true, maxlength: 255,
          placeholder: "如：客户同意转作下一年度费用" }] });
      if (r) act("dismiss", { reason: r.reason }, "已处理");
    } }, "其他处理"));
  }
  return h("tr", { "data-credit": c.id },
    h("td", { class: "nowrap", "data-label": "记账日" }, c.booking_date ? date(c.booking_date) : "—"),
    h("td", { "data-label": "金额" }, fen(c.amount_fen), c.surplus_fen
      ? h("div", { class: c.status === "refunded" ? "muted small" : "warn small" }, (c.status === "refunded" ? "已退回 " : "需退款 ") + fen(c.surplus_fen))
      : null),
    h("td", { "data-label": "付款人" }, c.debtor_name || "—", h("div", { class: "muted small" }, c.debtor_account),
      c.payer_mismatch ? h("div", { class: "warn small", "data-payer-mismatch": c.id }, "付款人与订单登记的不一致") : null),
    h("td", { "data-label": "附言" }, c.remittance || "—", c.reference ? h("div", { class: "muted small", "data-reference": c.id }, "流水号 " + c.reference) : null),
    h("td", { "data-label": "状态" }, h("span", { class: "badge badge-" + c.status }, c.status_label), h("div", { class: "muted small" }, c.reason),
      c.orders.length ? h("div", { class: "small" }, "订单：" + c.orders.join("、")) : null),
    h("td", { "data-label": "建议订单" }, s ? [s.order_no, h("div", { class: "muted small" }, fen(s.amount_fen) + " 元 · " + s.status_label)] : "—"),
    h("td", { "data-label": "操作" }, actions, err));
}

export async function paymentsPage(nav, params, canAct) {
  nav("#/payments");
  stopPolling();
  const tabs = [["open", "待处理"], ["matched", "已匹配"], ["partial", "部分付款"], ["dismissed", "已处理"], ["refunded", "已退款"],
    ["online", "在线支付待退款"], ["cancel", "撤单退款"]];
  /* A search looks through every status unless one is chosen; the tabs list one status each. */
  const found = searching(params), status = params.get("status") || (found ? "" : "open");
  const refresh = () => paymentsPage(nav, params, canAct);
  const q = new URLSearchParams(params);
  q.delete("after");
  const url = "/api/v1/payments?" + q.toString();
  let list, online, error = "";
  try {
    if (status === "online") online = await refundsTable(refresh, canAct);
    else if (status === "cancel") online = cancelForm(canAct);
    else ({ list, error } = await searchCall(found ? url : "/api/v1/payments?status=" + encodeURIComponent(status)));
  } catch (e) { return failPage(e); }
  const search = online ? null : searchBox({ id: "credit-search", path: "#/payments", params, error, days: true,
    statuses: tabs.slice(0, 5).concat([["needs_review", "待人工确认"], ["unmatched", "未匹配"], ["overpaid", "多付"]]),
    placeholder: "金额、订单号、付款人或银行流水号" });
  const none = found ? "没有符合条件的到账记录（付款人与流水号按开头查找）。"
    : status === "open" ? "没有待处理的款项：所有到账都已自动匹配。" : "没有记录。";
  render(h("section", { class: "panel" },
    h("h2", {}, "对账：到账款项"),
    h("div", { class: "toolbar" }, tabs.map(([s, l]) => h("a", { class: "button small" + (s === status && !found ? " primary" : ""), href: "#/payments?status=" + s }, l)),
      h("span", { class: "spacer" }), h("a", { class: "button small", href: "#/statements" }, "对账单导入")),
    search,
    online || (list.items.length
      ? creditsTable(list, found ? url : "/api/v1/payments?status=" + encodeURIComponent(status), refresh, canAct)
      : h("p", { class: "muted", id: "credits-none" }, none))));
}

/* The credits of one tab or search, a page at a time: where the list stands, and 加载更多 while there is more. */
function creditsTable(list, url, refresh, canAct) {
  const body = h("tbody", {}, list.items.map((c) => creditRow(c, refresh, canAct)));
  return h("div", {}, h("div", { class: "table-wrap" }, h("table", { class: "table", id: "credits" },
    h("thead", {}, h("tr", {}, ["记账日", "金额", "付款人", "附言", "状态", "建议订单", "操作"].map((t) => h("th", {}, t)))), body)),
    pager(list, url, (c) => body.append(creditRow(c, refresh, canAct)), "笔", "credits"));
}

/* 对账报表: per day (Asia/Shanghai), every kind of money: bank credits by outcome, online payments by provider, refunds. */
export async function reportPage(nav, from, to) {
  nav("#/report");
  stopPolling();
  const q = new URLSearchParams();
  if (from) q.set("from", from);
  if (to) q.set("to", to);
  let list;
  try { list = await call("GET", "/api/v1/reports/daily?" + q.toString()); } catch (e) { return failPage(e); }
  const form = h("form", { class: "inline-form", id: "report-filter" },
    h("input", { name: "from", type: "date", value: from || "", "aria-label": "起始日期" }), " 至 ",
    h("input", { name: "to", type: "date", value: to || "", "aria-label": "截止日期" }),
    h("button", { type: "submit", class: "small primary" }, "查询"),
    h("a", { class: "button small", href: "/api/v1/reports/daily.csv?" + q.toString(), download: "reconciliation.csv" }, "导出 CSV"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    location.hash = "#/report?" + p.toString();
  });
  const sum = (k) => list.items.reduce((s, d) => s + d[k], 0);
  const money = (v) => (v ? fen(v) : "—");
  const cols = [["received_fen", "银行到账"], ["matched_fen", "已匹配"], ["open_fen", "待处理"], ["refund_fen", "应退款"],
    ["dismissed_fen", "已另行处理"], ["bank_refunded_fen", "已退回"], ["alipay_fen", "支付宝"], ["wechat_fen", "微信支付"],
    ["online_surplus_fen", "在线多付"], ["refunded_fen", "当日退款"]];
  /* Closed against the statements: what the bank stated arrived that day, and the day's closing balance. */
  const closing = (d) => [
    h("td", { "data-col": "stated_fen", "data-label": "对账单收入" }, d.stated_fen == null ? h("span", { class: "muted small" }, "无对账单") : fen(d.stated_fen)),
    h("td", { "data-col": "unreconciled_fen", "data-label": "对平" }, d.unreconciled_fen == null ? "—" : d.unreconciled_fen === 0
      ? h("span", { class: "muted small", "data-closed": "yes" }, "已对平")
      : h("span", { class: "field-error", "data-closed": "no" }, "差 " + fen(d.unreconciled_fen))),
    h("td", { "data-col": "closing_fen", "data-label": "期末余额" }, d.closing_fen == null ? "—" : fen(d.closing_fen))];
  render(h("section", { class: "panel" }, h("h2", {}, "对账报表"), form,
    h("p", { class: "muted small" }, "每天收到的每一笔钱：银行到账按处理结果分列（已匹配 + 待处理 + 应退款 + 已另行处理 + 已退回 = 银行到账），在线支付按支付平台分列，在线多付为订单未能入账、待退还的在线付款，当日退款为当天退出的款项（在线原路退回和财务手工转回）。对账单收入为银行对账单当天记载的入账合计，与银行到账相等即为已对平。"),
    list.items.length
      ? h("div", { class: "table-wrap" }, h("table", { class: "table", id: "report" },
          h("thead", {}, h("tr", {}, ["日期", "到账笔数", ...cols.map((c) => c[1]), "对账单收入", "对平", "期末余额"].map((t) => h("th", {}, t)))),
          h("tbody", {}, list.items.map((d) => h("tr", {},
            h("td", { class: "nowrap", "data-label": "日期" }, d.day), h("td", { "data-label": "到账笔数" }, String(d.credits)),
            ...cols.map(([k, t]) => h("td", { "data-col": k, "data-label": t }, k === "open_fen" && d.open
              ? [fen(d.open_fen), h("div", { class: "muted small" }, d.open + " 笔")] : k === "received_fen" || k === "matched_fen" ? fen(d[k]) : money(d[k]))),
            ...closing(d)))),
          h("tfoot", {}, h("tr", {}, h("th", { class: "total-head" }, "合计"), h("th", { "data-label": "到账笔数" }, String(sum("credits"))),
            ...cols.map(([k, t]) => h("th", { "data-col": k, "data-label": t }, fen(sum(k)))), h("th", {}), h("th", {}), h("th", {})))))
      : h("p", { class: "muted" }, "所选期间没有到账记录。")));
}
