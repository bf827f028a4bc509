/* The customer portal: 我的证书, the three-step renewal wizard, application details, orders, messages.
   Hash routes: #/  #/apply/new[?cert=ID]  #/apply/ID/STEP  #/applications/ID  #/orders[?q=&from=&to=]  #/orders/NO  #/messages  #/help */
import { failPage, h, loadRefData, whoami } from "./ui.js";
import { mountHeader, setAccountName, setNav } from "./header.js";
import { ctx } from "./portal/context.js";
import { certsPage } from "./portal/certs.js";
import { detail } from "./portal/application.js";
import { wizard } from "./portal/wizard.js";
import { messages, refreshUnread } from "./portal/messages.js";
import { orders, payPage } from "./portal/orders.js";
import { guidePage } from "./portal/guide.js";
import { mountFooter } from "./agency.js";

function route() {
  const hash = location.hash || "#/";
  let m;
  if ((m = /^#\/apply\/new(?:\?cert=(\d+))?$/.exec(hash))) return wizard(null, 1, m[1]);
  if ((m = /^#\/apply\/(\d+)\/([123])$/.exec(hash))) return wizard(Number(m[1]), Number(m[2]));
  if ((m = /^#\/applications\/(\d+)$/.exec(hash))) return detail(Number(m[1]));
  if ((m = /^#\/orders\/(\d{8})(?:\?paying=(alipay|wechat))?$/.exec(hash))) return payPage(m[1], null, m[2]);
  if ((m = /^#\/orders(?:\?(.*))?$/.exec(hash))) return orders(new URLSearchParams(m[1] || ""));
  if (hash === "#/messages") return messages();
  if (hash === "#/help") return guidePage();
  return certsPage();
}

async function boot() {
  const nav = mountHeader("数字证书服务系统");
  setNav(nav, [
    { href: "#/", key: "certs", text: "我的证书" },
    { href: "#/orders", key: "orders", text: "订单信息" },
    { href: "#/messages", key: "messages", text: "消息", extra: h("span", { id: "unread", class: "count", hidden: true }) },
    { href: "#/help", key: "help", text: "更新指南" },
  ]);
  mountFooter();
  ctx.me = await whoami();
  if (ctx.me.is_staff) {
    location.href = "/staff.html";
    return;
  }
  setAccountName(ctx.me.name);
  try {
    ({ settings: ctx.settings, centres: ctx.centres } = await loadRefData());
  } catch (e) {
    return failPage(e);
  }
  window.addEventListener("hashchange", route);
  route();
  refreshUnread();
}

boot();
