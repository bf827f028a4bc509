/* 在线支付待退款: online payments an order could not take (paid twice, or expired) or took only part of (a
   trade opened before a bank transfer came in: the rest is surplus), refunded through their provider by
   finance, in part or in full, with a reason. */
import { ask, call, fen, h, datetime, pager, toast } from "../ui.js";

const providers = { alipay: "支付宝", wechat: "微信支付" };

function row(p, refresh, canAct) {
  const err = h("p", { class: "field-error", role: "alert" });
  const left = (p.refundable_fen ?? p.amount_fen) - p.refunded_fen;
  const amount = h("input", { type: "text", inputmode: "decimal", size: 8, value: (left / 100).toFixed(2), "aria-label": "退款金额（元）" });
  const reason = h("input", { type: "text", size: 18, maxlength: 80, placeholder: "退款原因", "aria-label": "退款原因" });
  const go = h("button", { type: "button", class: "small primary", "data-refund": p.id }, "退款");
  go.addEventListener("click", async () => {
    err.textContent = "";
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(amount.value.trim());
    if (!m) { err.textContent = "请填写退款金额（元，最多两位小数）"; return; }
    const amountFen = Number(m[1]) * 100 + Number((m[2] || "0").padEnd(2, "0"));
    if (amountFen <= 0 || amountFen > left) { err.textContent = "退款金额须大于 0，且不超过可退的 " + fen(left) + " 元"; return; }
    if (!reason.value.trim()) { err.textContent = "请填写退款原因（客户会在退款通知中看到）"; reason.focus(); return; }
    let customer = "—";
    try { customer = (await call("GET", "/api/v1/orders/" + p.order_no)).company_name || "—"; } catch (e) { /* shown as — */ }
    const yes = await ask({ title: "在线退款", confirm: "退款 " + fen(amountFen) + " 元", danger: true,
      detail: h("dl", { id: "refund-preview" }, h("dt", {}, "客户"), h("dd", {}, customer),
        h("dt", {}, "订单号"), h("dd", {}, p.order_no), h("dt", {}, "渠道"), h("dd", {}, (providers[p.provider] || p.provider) + " " + p.trade_no),
        h("dt", {}, "退款金额"), h("dd", {}, fen(amountFen) + " 元（原路退回，不可撤销）"), h("dt", {}, "原因"), h("dd", {}, reason.value.trim())) });
    if (!yes) return;
    go.disabled = true;
    try {
      const r = await call("POST", "/api/v1/online-payments/" + p.id + "/refund", { amount_fen: amountFen, reason: reason.value.trim() });
      toast("已退款 " + fen(r.amount_fen) + " 元（退款单号 " + r.refund_no + "）");
      refresh();
    } catch (e) {
      err.textContent = e.message;
      go.disabled = false;
    }
  });
  return h("tr", { "data-online-payment": p.id },
    h("td", { "data-label": "时间" }, datetime(p.created_at)),
    h("td", { "data-label": "渠道" }, providers[p.provider] || p.provider, h("div", { class: "muted small" }, p.trade_no)),
    h("td", { "data-label": "订单号" }, p.order_no),
    h("td", { "data-label": "金额" }, fen(p.amount_fen),
      p.status === "overpaid" ? h("div", { class: "small", "data-surplus": p.refundable_fen }, "多付 " + fen(p.refundable_fen)) : null,
      p.refunded_fen ? h("div", { class: "muted small" }, "已退 " + fen(p.refunded_fen)) : null),
    h("td", { "data-label": "原因" }, p.reason || "—"),
    h("td", { "data-label": "操作" }, canAct && left > 0 ? [amount, " ", reason, " ", go] : left > 0 ? "—" : "已全部退还", err));
}

/* The table, for the 对账 page's tab. */
export async function refundsTable(refresh, canAct) {
  const url = "/api/v1/online-payments";
  const list = await call("GET", url);
  if (!list.items.length) return h("p", { class: "muted" }, "没有待退款的在线支付。");
  const body = h("tbody", {}, list.items.map((p) => row(p, refresh, canAct)));
  return h("div", {},
    h("div", { class: "table-wrap" }, h("table", { class: "table", id: "online-payments" },
      h("thead", {}, h("tr", {}, ["时间", "渠道", "订单号", "金额", "原因", "操作"].map((t) => h("th", {}, t)))), body)),
    pager(list, url, (p) => body.append(row(p, refresh, canAct)), "笔", "online-payments"));
}
