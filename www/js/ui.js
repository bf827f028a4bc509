/* Helpers shared by the portal and the staff pages: DOM building, money and time
   formatting (Asia/Shanghai), status labels (sent by the server), notices, and API calls
   that go back to login on 401. */
import { Api } from "./api.js";

const view = () => document.getElementById("view");
let statusLabels = {};

export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

/* Appends kids, skipping null/undefined/false (DOM append would print "null"). */
export function add(el, ...kids) {
  for (const k of kids.flat(Infinity)) if (k !== null && k !== undefined && k !== false) el.append(k);
  return el;
}

export function fen(v) {
  if (v === null || v === undefined) return "—";
  const a = Math.abs(v);
  return (v < 0 ? "-" : "") + Math.floor(a / 100) + "." + String(a % 100).padStart(2, "0");
}

const dateFmt = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
const timeFmt = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
export const date = (iso) => (iso ? dateFmt.format(new Date(iso)).replace(/\//g, "-") : "—");
export const datetime = (iso) => (iso ? timeFmt.format(new Date(iso)).replace(/\//g, "-") : "—");

export function cn(subject) {
  const m = /(?:^|,)CN=([^,]*)/.exec(subject || "");
  return m ? m[1] : subject;
}

export function toast(msg) {
  const t = document.getElementById("toast");
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 3500);
}

/* Bumped on every change of page (hash); a page still loading for an earlier one is then abandoned. */
let navigations = 0;
window.addEventListener("hashchange", () => navigations++);

export async function call(method, path, body) {
  const at = navigations;
  try {
    const r = await Api.call(method, path, body);
    /* A slow page must not paint over the one the user went to meanwhile: its reads end here. */
    if (method === "GET" && at !== navigations) await new Promise(() => {});
    return r;
  } catch (e) {
    if (method === "GET" && at !== navigations) await new Promise(() => {});
    if (e.status === 401) {
      location.href = "/?expired=1";
      await new Promise(() => {});
    }
    throw e;
  }
}

export function render(...nodes) {
  view().replaceChildren(...nodes);
  window.scrollTo(0, 0);
}

/* Where "back" leads: the customer's 我的证书, or a member of staff's own first page (setHome). */
let home = { href: "#/", text: "返回我的证书" };
export function setHome(href, text) {
  home = { href, text };
}

/* A page that cannot be shown: what was not found (what: "申请 #12"), or why it was refused, and a way back. */
export function failPage(e, what) {
  const message = e.status === 404 && what ? "没有找到" + what + "：它可能已被删除，或不属于您的账号。"
    : e.status === 403 ? (e.message || "您的账号无权查看此页面") + "。"
    : e.message || "加载失败";
  render(h("div", { class: "panel", id: "fail-page" }, h("p", { class: "form-error" }, message),
    h("a", { class: "button", href: home.href, id: "fail-home" }, home.text)));
}

/* What the pages call a status of machine ("application", "order", "certificate", "invoice", "role"). */
export function label(machine, status) {
  return (statusLabels[machine] || {})[status] || status;
}

/* Every status of machine with its label, in the server's order: [[status, label], ...]. */
export function labels(machine) {
  return Object.entries(statusLabels[machine] || {});
}

/* Logs in the page's user, or goes back to the login page. */
export async function whoami() {
  try {
    const r = await Api.call("GET", "/api/v1/me");
    Api.rememberCsrf(r.csrf_token);
    return r.user;
  } catch (e) {
    location.href = "/";
    await new Promise(() => {});
  }
}

export function bindLogout(button) {
  button.addEventListener("click", async () => {
    try { await Api.call("DELETE", "/api/v1/session"); } catch (e) { /* already gone */ }
    Api.rememberCsrf("");
    location.href = "/";
  });
}

/* What both kinds of pages need first: the settings (with the status labels) and the trading centres. */
export async function loadRefData() {
  const [settings, centres] = await Promise.all([call("GET", "/api/v1/settings"), call("GET", "/api/v1/trading-centres")]);
  statusLabels = settings.status_labels || {};
  return { settings, centres: centres.items };
}

/*
 * A modal dialog that asks before money moves (instead of window.prompt/confirm): a title, what is about to
 * happen (nodes), optional fields each checked before it closes (required, or check(value) giving a message),
 * and a confirm button that can say what it does. Resolves to the fields' values ({} without fields), or null
 * when cancelled (Esc, 取消, or a click outside).
 */
export function ask({ title, detail, fields = [], confirm = "确认", danger = false }) {
  return new Promise((resolve) => {
    const err = h("p", { class: "form-error", role: "alert" });
    const inputs = fields.map((f) => {
      const input = f.type === "textarea"
        ? h("textarea", { name: f.name, rows: 3, maxlength: f.maxlength || 255, placeholder: f.placeholder || "" })
        : h("input", { type: f.type || "text", name: f.name, maxlength: f.maxlength || 255, placeholder: f.placeholder || "",
            value: f.value || "" });
      return [f, input];
    });
    const ok = h("button", { type: "submit", class: danger ? "danger" : "primary", id: "ask-confirm" }, confirm);
    const cancel = h("button", { type: "button", id: "ask-cancel" }, "取消");
    const form = h("form", { method: "dialog", class: "ask", novalidate: true },
      h("h3", {}, title), h("div", { class: "ask-detail" }, detail || null),
      inputs.map(([f, input]) => h("label", { class: "field" }, h("span", { class: "label" }, f.label), input)),
      err, h("div", { class: "actions" }, cancel, ok));
    const dlg = h("dialog", { class: "ask-dialog", id: "ask" }, form);
    let done = false;
    const close = (v) => { if (done) return; done = true; dlg.close(); dlg.remove(); resolve(v); };
    cancel.addEventListener("click", () => close(null));
    dlg.addEventListener("cancel", (ev) => { ev.preventDefault(); close(null); });
    dlg.addEventListener("click", (ev) => { if (ev.target === dlg) close(null); });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const out = {};
      for (const [f, input] of inputs) {
        const v = input.value.trim();
        const why = f.required && !v ? "请填写" + f.label : f.check ? f.check(v) : "";
        if (why) { err.textContent = why; input.focus(); return; }
        out[f.name] = v;
      }
      close(out);
    });
    document.body.append(dlg);
    dlg.showModal();
    (inputs.length ? inputs[0][1] : ok).focus();
  });
}

/*
 * A list paged by key (the API's {"items", "next"}): 加载更多 while there is more, and where the list stands
 * ("已显示 N 笔，还有更早的记录" / "已全部显示"). first: the first page, already shown; url: the list's address
 * (without after); add(item): shows one more item. Returns the element to put under the list.
 */
export function pager(first, url, add, unit, id) {
  const where = h("span", { class: "muted small", id: id + "-count" });
  const more = h("button", { type: "button", class: "small", id: id + "-more" }, "加载更多");
  let next = first.next, shown = first.items.length;
  const show = () => {
    where.textContent = "已显示 " + shown + " " + unit + (next ? "，还有更早的记录" : "，已全部显示");
    more.hidden = !next;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const page = await call("GET", url + (url.includes("?") ? "&" : "?") + "after=" + next);
      page.items.forEach(add);
      shown += page.items.length;
      next = page.next;
      show();
    } catch (e) { toast(e.message); }
    more.disabled = false;
  });
  show();
  return h("div", { class: "actions left pager" }, more, where);
}

/*
 * A list's search box: the text (q) and, where the list has them, a status and the days (from, to), filled from
 * params (the page's query, a URLSearchParams). 搜索 and 清除 go to the page path (#/users) with the fields filled
 * in (keep's parameters of params kept, e.g. a tab). error: why the last search was refused, shown under the box.
 */
export function searchBox({ id, path, params, placeholder, statuses = null, days = false, keep = [], error = "" }) {
  const text = h("input", { name: "q", type: "search", maxlength: 50, placeholder, value: params.get("q") || "",
    class: "inline-input search-input", "aria-label": placeholder });
  const day = (name, label) => h("input", { name, type: "date", value: params.get(name) || "", "aria-label": label, class: "date-input" });
  const status = statuses && h("select", { name: "status", "aria-label": "状态" },
    h("option", { value: "" }, "全部状态"),
    statuses.map(([v, l]) => h("option", { value: v, selected: params.get("status") === v }, l)));
  const err = h("p", { class: "form-error", role: "alert", id: id + "-error" }, error || "");
  const kept = () => {
    const p = new URLSearchParams();
    for (const k of keep) if (params.get(k)) p.set(k, params.get(k));
    return p;
  };
  const form = h("form", { class: "inline-form search-box", id, role: "search", novalidate: true },
    text, status || null, days ? [day("from", "起始日期"), h("span", { class: "muted" }, "至"), day("to", "截止日期")] : null,
    h("button", { type: "submit", class: "small primary" }, "搜索"),
    h("button", { type: "button", class: "small", id: id + "-clear", onclick: () => go(kept()) }, "清除"), err);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = kept();
    for (const [k, v] of new FormData(form)) if (v.trim()) p.set(k, v.trim());
    if (p.get("from") && p.get("to") && p.get("from") > p.get("to")) { err.textContent = "截止日期不能早于起始日期"; return; }
    go(p);
  });
  function go(p) {
    const hash = path + (p.toString() ? "?" + p.toString() : "");
    if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange")); /* the same search again */
    else location.hash = hash;
  }
  return form;
}

/* A list's first page for a search: {list, error}; a search the server refuses (400) is an empty list and why. */
export async function searchCall(url) {
  try {
    return { list: await call("GET", url), error: "" };
  } catch (e) {
    if (e.status !== 400) throw e;
    return { list: { items: [], next: null }, error: e.message };
  }
}

/* Whether params hold a search (text, a status or days): the page shows what was found, not its default list. */
export const searching = (params) => ["q", "from", "to"].some((k) => params.get(k));
