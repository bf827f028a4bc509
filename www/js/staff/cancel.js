/* 撤单退款: finance cancels a paid order whose certificate is not issued yet and gives all its money back.
   The order is looked up first and shown (status, paid, certificates), then cancelled with a reason: the
   online part goes back through its provider at once, the bank part is listed under 待处理 to be refunded by
   hand. After issue the server answers why not. */
import { ask, call, fen, h, toast } from "../ui.js";

export function cancelForm(canAct) {
  const no = h("input", { type: "text", inputmode: "numeric", maxlength: 8, placeholder: "订单号", class: "inline-input", "aria-label": "订单号", id: "cancel-order-no" });
  const err = h("p", { class: "field-error", role: "alert" });
  const out = h("div", { id: "cancel-order" });
  const find = h("button", { type: "submit", class: "small primary" }, "查找订单");
  const form = h("form", { class: "inline-form", id: "cancel-find" }, no, " ", find);

  const show = (o) => {
    const reason = h("input", { type: "text", maxlength: 80, size: 28, placeholder: "撤单原因（如：客户不再需要）", "aria-label": "撤单原因" });
    const go = h("button", { type: "button", class: "small danger", id: "cancel-go" }, "撤单并全额退款");
    const res = h("div", { role: "status" });
    const issued = (o.certificates || []).some((c) => c.status !== "awaiting_csr");
    go.addEventListener("click", async () => {
      err.textContent = "";
      if (!reason.value.trim()) { err.textContent = "请填写撤单原因（客户会在通知中看到）"; reason.focus(); return; }
      const yes = await ask({ title: "撤单退款", confirm: "撤单并退还 " + fen(o.paid_fen) + " 元", danger: true,
        detail: h("p", {}, "撤销 " + (o.company_name || "") + " 的订单 " + o.order_no + "，退还已付的全部 " + fen(o.paid_fen) +
          " 元：在线支付原路退回，银行转账由财务转回。证书将不再签发，此操作不可撤销。") });
      if (!yes) return;
      go.disabled = true;
      try {
        const r = await call("POST", "/api/v1/orders/" + o.order_no + "/refund", { reason: reason.value.trim() });
        toast("订单 " + r.order_no + " 已撤单退款");
        res.replaceChildren(h("div", { class: "notice", "data-cancelled": r.order_no },
          h("p", {}, "订单 " + r.order_no + " 已撤单，状态：已撤单退款。"),
          r.online_refunds.map((x) => h("p", { class: "small" }, x.status === "succeeded"
            ? "在线支付已原路退回 " + fen(x.amount_fen) + " 元（退款单号 " + x.refund_no + "）"
            : "在线支付退款未完成：" + (x.message || "") + "，请在“在线支付待退款”中重试")),
          r.bank_refund_due_fen
            ? h("p", { class: "small" }, "银行转账的 " + fen(r.bank_refund_due_fen) + " 元需由财务转回付款账户，转账后在 ",
                h("a", { href: "#/payments?status=open" }, "待处理"), " 中登记退款。")
            : null));
      } catch (e) {
        err.textContent = e.message;
        go.disabled = false;
      }
    });
    out.replaceChildren(...[h("table", { class: "table" }, h("tbody", {},
      h("tr", {}, h("th", {}, "订单号"), h("td", {}, o.order_no)),
      h("tr", {}, h("th", {}, "状态"), h("td", {}, o.status_label || o.status)),
      h("tr", {}, h("th", {}, "金额"), h("td", {}, fen(o.amount_fen) + " 元，已付 " + fen(o.paid_fen) + " 元")),
      h("tr", {}, h("th", {}, "客户"), h("td", {}, o.company_name || "—")),
      h("tr", {}, h("th", {}, "付款人"), h("td", {}, o.payer_name || "—",
        o.payer_mismatch ? h("div", { class: "warn small", id: "order-payer-mismatch" }, "有款项的付款人与此不一致") : null)))),
      issued ? h("p", { class: "warn" }, "该订单的证书已签发，不能撤单退款。") : null,
      canAct && !issued && o.paid_fen > 0 ? h("p", {}, reason, " ", go) : null, res].filter(Boolean));
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    err.textContent = "";
    out.replaceChildren();
    try { show(await call("GET", "/api/v1/orders/" + encodeURIComponent(no.value.trim()))); }
    catch (e) { err.textContent = e.status === 404 ? "没有订单号为 " + no.value.trim() + " 的订单" : e.message; }
  });
  return h("div", {}, h("p", { class: "muted small" }, "已付款但证书尚未签发的订单可以撤单并全额退款：在线支付原路退回，银行转账由财务转回后登记。"),
    form, err, out);
}
