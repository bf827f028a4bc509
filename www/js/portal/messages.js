/* 消息 (#/messages) and the unread count in the header. */
import { call, datetime, failPage, h, pager, render } from "../ui.js";
import { navActive } from "./context.js";

/* The unread count (and, for the page, the first page of messages). */
export async function refreshUnread(page) {
  try {
    const m = await call("GET", "/api/v1/messages" + (page ? "" : "?limit=1"));
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
  const m = await refreshUnread(true);
  if (!m) return failPage({ message: "消息加载失败" });
  const item = (x) => h("li", { class: x.unread ? "unread" : "" },
    h("div", { class: "when" }, datetime(x.at)),
    h("div", {}, x.link ? h("a", { href: x.link }, x.title) : h("strong", {}, x.title)),
    x.body ? h("div", { class: "muted" }, x.body) : null);
  const list = h("ul", { class: "messages", id: "messages" }, m.items.map(item));
  render(h("section", { class: "panel" }, h("h2", {}, "消息"),
    m.items.length ? [list, pager(m, "/api/v1/messages", (x) => list.append(item(x)), "条消息", "messages")]
      : h("p", { class: "muted" }, "暂无消息。")));
  if (m.unread) {
    try { await call("POST", "/api/v1/messages/read", {}); } catch (e) { /* stays unread */ }
    document.getElementById("unread").hidden = true;
  }
}
