/* 订单信息 (#/orders) and the payment page of one order (#/orders/NO). */
import { call, date, datetime, failPage, fen, h, pager, render, searchBox, searchCall, searching, toast } from "../ui.js";
import { ctx, navActive } from "./context.js";
import { serviceSection } from "./service.js";

/* An order's name says what it renews, so that orders can be told apart: 主锁证书更新（含 2 个地州市证书）· 1 年 · 2026-12-06. */
const orderName = (o) => (o.token === "secondary" ? "副锁" : "主锁") + "证书更新" +
  (o.addons ? "（含 " + o.addons + " 个地州市证书）" : "") + " · " + o.years + " 年 · " + date(o.created_at);

const channels = { bank: "银行转账", alipay: "支付宝", wechat: "微信支付" };

export async function orders(params = new URLSearchParams()) {
  navActive("orders");
  const q = new URLSearchParams(params);
  q.delete("after");
  const url = "/api/v1/orders" + (q.toString() ? "?" + q.toString() : "");
  let list, error = "";
  try {
    ({ list, error } = await searchCall(url));
  } catch (e) {
    if (e.status === 404) list = { items: [] };
    else return failPage(e);
  }
  const items = list.items || [];
  const row = (o) => h("tr", {},
    h("td", { "data-label": "订单名称", class: "order-name" }, orderName(o)),
    h("td", { "data-label": "订单号" }, o.order_no),
    h("td", { "data-label": "订单价格" }, fen(o.amount_fen)),
    h("td", { "data-label": "订单状态" }, h("span", { class: "badge badge-" + o.status }, o.status_label || o.status)),
    h("td", {}, h("a", { href: "#/orders/" + o.order_no }, ["awaiting_payment", "partially_paid"].includes(o.status) ? "支付订单" : "查看")));
  const body = h("tbody", {}, items.map(row));
  const search = searchBox({ id: "order-search", path: "#/orders", params, error, days: true, placeholder: "订单号" });
  const meant = (list.suggestions || []).length
    ? h("p", { class: "hint", id: "order-suggestions" }, "订单号 " + params.get("q") + " 的校验位不对，您要找的是不是：",
        list.suggestions.map((no, i) => [i ? "、" : "", h("a", { href: "#/orders/" + no }, no)]), "？")
    : null;
  render(h("section", { class: "panel" },
    h("h2", {}, "订单信息"), search, meant,
    items.length
      ? [h("table", { class: "table", id: "order-table" },
          h("thead", {}, h("tr", {}, ["订单名称", "订单号", "订单价格", "订单状态", ""].map((t) => h("th", {}, t)))), body),
        pager(list, url, (o) => body.append(row(o)), "个订单", "orders")]
      : h("p", { class: "muted", id: "orders-none" }, searching(params) ? "没有符合条件的订单。" : "暂无订单。申请审核通过后，订单会出现在这里。"),
    h("p", { class: "hint" }, "备注：请务必保证付款人信息和向银行转账人一致。")));
}

let watch = null;

/* What the page shows that can change by itself: the order's state, what is paid, each certificate's state. */
const signature = (o) => [o.status, o.paid_fen, ...(o.certificates || []).map((c) => c.status)].join("|");

/* While an order waits for its money or its certificates, the page asks again every few seconds and changes by itself. */
function follow(no, o, paying) {
  clearTimeout(watch);
  if (!["awaiting_payment", "partially_paid", "paid", "issuing"].includes(o.status)) return;
  const was = signature(o);
  watch = setTimeout(async () => {
    if (!location.hash.startsWith("#/orders/" + no)) return;
    try {
      const now = await call("GET", "/api/v1/orders/" + encodeURIComponent(no));
      if (signature(now) !== was) {
        if (now.status !== o.status) toast("订单状态：" + (now.status_label || now.status));
        return payPage(no, now, paying);
      }
    } catch (e) { /* try again */ }
    follow(no, o, paying);
  }, paying ? 1500 : 4000);
}

/* 在线支付: the methods the agency configured; the customer is sent to the provider's page. */
/* 微信支付 Native: the QR code to scan with WeChat, the amount and the order number beside it. */
function wechatPanel(o, r) {
  const img = h("img", { id: "wechat-qr", alt: "微信支付二维码", width: 220, height: 220,
    src: "data:image/svg+xml;base64," + btoa(r.qr_svg), "data-code-url": r.code_url });
  return h("div", { class: "wechat-pay", id: "wechat-pay" }, img,
    h("div", {}, h("p", {}, "请使用", h("strong", {}, "微信扫一扫"), "完成支付"),
      h("p", {}, "金额：", h("strong", { class: "amount" }, fen(r.amount_fen)), " 元"),
      h("p", {}, "订单号：", o.order_no),
      h("p", { class: "muted small" }, "付款后本页自动显示“已付款”，无需刷新。")));
}

function onlinePay(o, confirming) {
  const methods = ctx.settings.pay_methods || [];
  if (!methods.length || !["awaiting_payment", "partially_paid"].includes(o.status)) return null;
  /* While a payment's result is awaited, paying again would pay twice: the buttons wait too. */
  if (confirming)
    return h("div", { class: "online-pay", id: "online-pay" }, h("h3", {}, "在线支付"),
      h("div", { class: "actions left" }, methods.map((m) =>
        h("button", { type: "button", class: "button", "data-pay": m, disabled: true }, { alipay: "支付宝支付", wechat: "微信支付" }[m] || m))),
      h("p", { class: "hint" }, "正在确认上一笔支付的结果，请稍候；确认前不要重复付款。"), h("h3", {}, "或银行转账"));
  const err = h("p", { class: "field-error", role: "alert" });
  const box = h("div", {});
  /* A phone cannot scan a code on its own screen: there it pays in its browser (微信支付 H5) where the agency has
     that, else the page says plainly what works instead. */
  const phone = matchMedia("(max-width: 760px)").matches;
  const onPhone = ctx.settings.pay_methods_phone || methods;
  const go = async (method, button) => {
    err.textContent = "";
    button.disabled = true;
    try {
      const device = phone ? "mobile" : "desktop";
      const r = await call("POST", "/api/v1/orders/" + o.order_no + "/pay", { method, device });
      if (r.redirect_url) {
        location.href = r.redirect_url;
        return;
      }
      box.replaceChildren(wechatPanel(o, r));
      button.disabled = false;
      follow(o.order_no, o, "wechat");
    } catch (e) {
      err.textContent = e.message;
      button.disabled = false;
    }
  };
  const names = { alipay: "支付宝支付", wechat: "微信支付" };
  return h("div", { class: "online-pay", id: "online-pay" },
    h("h3", {}, "在线支付（推荐，到账即时确认）"),
    h("p", { class: "hint" }, "支付完成后回到本页，订单即显示“已付款”，新证书随即签发。"),
    h("div", { class: "actions left" }, methods.map((m) => {
      const usable = !phone || onPhone.includes(m);
      const b = h("button", { type: "button", class: "button" + (usable ? " primary" : ""), "data-pay": m, disabled: !usable }, names[m] || m);
      b.addEventListener("click", () => go(m, b));
      return b;
    })),
    phone && methods.some((m) => !onPhone.includes(m))
      ? h("p", { class: "hint", id: "pay-phone-note" }, methods.filter((m) => !onPhone.includes(m)).map((m) => names[m] || m).join("、") +
          "需扫码付款，手机无法扫描自己屏幕上的二维码：请在电脑上打开本页扫码" +
          (onPhone.length ? "，或选择" + onPhone.map((m) => names[m] || m).join("、") : "") + "。")
      : null,
    err, box,
    h("h3", {}, "或银行转账"));
}

export async function payPage(no, known, paying) {
  navActive("orders");
  let o = known;
  if (!o) {
    try { o = await call("GET", "/api/v1/orders/" + encodeURIComponent(no)); } catch (e) { return failPage(e, "订单 " + no); }
  }
  const bank = o.bank || {};
  const outstanding = (o.amount_fen || 0) - (o.paid_fen || 0);
  const confirming = paying && ["awaiting_payment", "partially_paid"].includes(o.status);
  /* What happens next and how long it takes, shown with the order; the page keeps following the order by itself. */
  const waiting = ["awaiting_payment", "partially_paid"].includes(o.status);
  const nextSteps = h("div", { class: "notice", id: "next-steps", hidden: !waiting },
    h("strong", {}, "接下来会怎样"),
    h("ul", {},
      h("li", {}, "银行转账：银行的到账数据到达后，系统自动按订单号确认付款，通常在二十分钟以内，无需联系我们。"),
      (ctx.settings.pay_methods || []).length ? h("li", {}, "在线支付（支付宝、微信支付）：付款后即时确认。") : null,
      h("li", {}, "付款确认后即可在下方“证书服务”中更新证书，新证书随即签发；本页会自动更新，无需刷新。"),
      h("li", {}, "更新前请先安装新版 UKey 驱动和离线盖章工具，详见", h("a", { href: "#/help", id: "guide-link" }, "更新指南"), "。")));
  const certs = o.certificates || [];
  const written = certs.length && certs.every((c) => c.status === "installed");
  const payments = o.payments || [];
  render(h("section", { class: "panel", id: "pay" },
    h("h2", {}, "支付订单"),
    confirming
      ? h("div", { class: "notice", id: "paying-notice" }, h("strong", {}, "支付结果确认中"),
          "：正在等待" + (paying === "wechat" ? "微信支付" : "支付宝") + "的付款通知，通常几秒内完成，本页会自动更新。")
      : null,
    onlinePay(o, confirming),
    o.status === "paid" || o.status === "issuing" || o.status === "completed"
      ? written
        ? h("div", { class: "notice", id: "paid-notice" }, h("strong", {}, "已完成"), "：新证书已写入证书锁，本次更新已完成。")
        : h("div", { class: "notice", id: "paid-notice" }, h("strong", {}, o.status_label || "已付款"),
            o.status === "completed" ? "：新证书已签发，请在下方“证书服务”中下载并写入证书锁。" : "：我们已收到您的付款，请在下方“证书服务”中点「更新证书」（或提交证书请求），新证书随即签发。",
            " 操作前请阅读", h("a", { href: "#/help" }, "更新指南"), "（新版驱动、两次口令、主副锁逐个更新）。")
      : null,
    h("dl", { class: "dl" },
      h("dt", {}, "订单名称"), h("dd", { id: "order-name" }, orderName(o)),
      h("dt", {}, "订单金额"), h("dd", {}, h("strong", {}, fen(o.amount_fen)), " 元", o.paid_fen ? outstanding > 0 ? ["（", h("span", { class: "nowrap" }, "已付 " + fen(o.paid_fen) + " 元"), "，", h("span", { class: "nowrap", id: "outstanding" }, "尚需 " + fen(outstanding) + " 元"), "）"] : "（已付清）" : ""),
      h("dt", {}, "订单号"), h("dd", {}, h("strong", { class: "order-no", id: "order-no" }, o.order_no), h("div", { class: "warn" }, "*请您付款时务必在备注栏填写此8位订单号！")),
      h("dt", {}, "订单状态"), h("dd", {}, o.status_label || o.status),
      waiting ? [h("dt", {}, "付款截止"), h("dd", { id: "pay-deadline" }, datetime(o.expires_at), h("span", { class: "muted small" }, "（逾期未付款，订单自动关闭）"))] : null,
      h("dt", {}, "收款户名"), h("dd", {}, bank.account_name || "—"),
      h("dt", {}, "收款账号"), h("dd", {}, bank.account || "—"),
      h("dt", {}, "开户行"), h("dd", {}, bank.bank_name || "—"),
      h("dt", {}, "付款人"), h("dd", {}, o.payer_name || "—", h("div", { class: "muted small" }, "请务必保证付款人信息和向银行转账人一致。"))),
    /* Usually the company's finance department pays, not the applicant: a notice to hand them. */
    waiting ? h("div", { class: "actions left" },
      h("a", { class: "button", id: "payment-notice", href: "/api/v1/orders/" + encodeURIComponent(o.order_no) + "/notice.pdf", target: "_blank", rel: "noopener" }, "打印付款通知书"),
      h("span", { class: "muted small" }, "交给贵单位财务：订单号、金额（含大写）、收款账户和转账备注都已写好。")) : null,
    payments.length ? [h("h3", {}, "付款记录"), h("table", { class: "table", id: "payments" },
      h("thead", {}, h("tr", {}, ["渠道", "金额", "时间", "交易号 / 流水号", "付款人"].map((t) => h("th", {}, t)))),
      h("tbody", {}, payments.map((p) => h("tr", {},
        h("td", { "data-label": "渠道" }, channels[p.channel] || p.channel),
        h("td", { "data-label": "金额" }, fen(p.amount_fen) + " 元"),
        h("td", { "data-label": "时间" }, p.channel === "bank" && p.booking_date ? date(p.booking_date) + " 到账" : datetime(p.at)),
        h("td", { "data-label": "交易号 / 流水号" }, p.reference || "—"),
        h("td", { "data-label": "付款人" }, p.payer || "—")))))] : null,
    nextSteps,
    h("div", { class: "actions" }, h("a", { class: "button", href: "#/orders" }, "返回订单信息"))),
    serviceSection(o, () => payPage(no)));
  follow(no, o, confirming ? paying : null);
}
