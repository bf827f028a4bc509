/* 订单 for finance and the administrator (#/orders): every order, newest first, found by its number (a number
   with a wrong check digit offers the orders it was meant to be), the payer's or customer's name or code, status
   and the days it was made. */
import { datetime, failPage, fen, h, labels, pager, render, searchBox, searchCall } from "../ui.js";

export async function ordersPage(nav, params) {
  nav("#/orders");
  const q = new URLSearchParams(params);
  q.delete("after");
  const url = "/api/v1/orders" + (q.toString() ? "?" + q.toString() : "");
  let list, error;
  try { ({ list, error } = await searchCall(url)); } catch (e) { return failPage(e); }
  const search = searchBox({ id: "order-search", path: "#/orders", params, error, days: true, statuses: labels("order"),
    placeholder: "订单号、付款人、单位名称、信用代码或身份证号" });
  const row = (o) => h("tr", { "data-order": o.order_no },
    h("td", { "data-label": "订单号", class: "nowrap" }, o.order_no),
    h("td", { "data-label": "单位 / 个人" }, o.company_name),
    h("td", { "data-label": "付款人" }, o.payer_name, o.payer_mismatch ? h("div", { class: "warn small" }, "与单位名称不一致") : null),
    h("td", { "data-label": "金额" }, fen(o.amount_fen)),
    h("td", { "data-label": "已付" }, o.paid_fen ? fen(o.paid_fen) : "—"),
    h("td", { "data-label": "状态" }, h("span", { class: "badge badge-" + o.status }, o.status_label)),
    h("td", { "data-label": "下单时间", class: "nowrap" }, datetime(o.created_at)),
    h("td", { class: "nowrap" }, h("a", { href: "#/payments?q=" + o.order_no, title: "这笔订单的到账和建议匹配" }, "到账记录"),
      /* A customer's finance department that asks by phone gets the same notice the customer prints. */
      ["awaiting_payment", "partially_paid"].includes(o.status)
        ? [" ", h("a", { href: "/api/v1/orders/" + o.order_no + "/notice.pdf", target: "_blank", rel: "noopener", "data-notice": o.order_no }, "付款通知书")]
        : null));
  const body = h("tbody", {}, list.items.map(row));
  /* A number that fails its check digit: the orders it was probably meant to be. */
  const meant = (list.suggestions || []).length
    ? h("p", { class: "hint", id: "order-suggestions" }, "订单号 " + params.get("q") + " 的校验位不对，您要找的是不是：",
        list.suggestions.map((no, i) => [i ? "、" : "", h("a", { href: "#/orders?q=" + no }, no)]), "？")
    : null;
  const none = list.suggestions
    ? (list.suggestions.length ? null : "没有订单号为 " + params.get("q") + " 的订单" + (/^\d{8}$/.test(params.get("q") || "") ? "（请核对订单号）" : "") + "。")
    : params.toString() ? "没有符合条件的订单。" : "还没有订单。";
  render(h("section", { class: "panel" }, h("h2", {}, "订单"), search, meant,
    list.items.length
      ? [h("div", { class: "table-wrap" }, h("table", { class: "table", id: "orders" },
          h("thead", {}, h("tr", {}, ["订单号", "单位 / 个人", "付款人", "金额", "已付", "状态", "下单时间", ""].map((t) => h("th", {}, t)))), body)),
        pager(list, url, (o) => body.append(row(o)), "个订单", "orders")]
      : none ? h("p", { class: "muted", id: "orders-none" }, none) : null));
}
