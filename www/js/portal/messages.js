/* 消息 (#/messages) and the unread count in the header. */
import { call, datetime, failPage, h, render } from "../ui.js";
import { navActive } from "./context.js";

export async function refreshUnread() {
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

export async function messages() {
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
