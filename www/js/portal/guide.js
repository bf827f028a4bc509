/* 更新指南 (#/help): the seed's guidance after payment, as the administrator last edited it. */
import { agency } from "../agency.js";
import { helpBody } from "../help.js";
import { call, failPage, h, render } from "../ui.js";
import { navActive } from "./context.js";

export async function guidePage() {
  navActive("help");
  let page, a;
  try {
    [page, a] = await Promise.all([call("GET", "/api/v1/help/after-payment"), agency()]);
  } catch (e) {
    return failPage(e);
  }
  render(h("section", { class: "panel help", id: "help" },
    h("h2", {}, page.title),
    h("div", { class: "help-body" }, helpBody(page.body, a)),
    h("div", { class: "actions left" }, h("a", { class: "button", href: "#/orders" }, "返回订单信息"))));
}
