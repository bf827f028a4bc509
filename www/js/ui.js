/* Helpers shared by the portal and the staff pages: DOM building, money and time
   formatting (Asia/Shanghai), notices, and API calls that go back to login on 401. */
"use strict";

const UI = (function () {
  const view = () => document.getElementById("view");

  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return el;
  }

  /* Appends kids, skipping null/undefined/false (DOM append would print "null"). */
  function add(el, ...kids) {
    for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) el.append(k);
    return el;
  }

  function fen(v) {
    if (v === null || v === undefined) return "—";
    const a = Math.abs(v);
    return (v < 0 ? "-" : "") + Math.floor(a / 100) + "." + String(a % 100).padStart(2, "0");
  }

  const dateFmt = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });
  const timeFmt = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  const date = (iso) => (iso ? dateFmt.format(new Date(iso)).replace(/\//g, "-") : "—");
  const datetime = (iso) => (iso ? timeFmt.format(new Date(iso)).replace(/\//g, "-") : "—");

  function cn(subject) {
    const m = /(?:^|,)CN=([^,]*)/.exec(subject || "");
    return m ? m[1] : subject;
  }

  function toast(msg) {
    const t = document.getElementById("toast");
    t.textContent = msg;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (t.hidden = true), 3500);
  }

  async function call(method, path, body) {
    try {
      return await Api.call(method, path, body);
    } catch (e) {
      if (e.status === 401) {
        location.href = "/?expired=1";
        await new Promise(() => {});
      }
      throw e;
    }
  }

  function render(...nodes) {
    view().replaceChildren(...nodes);
    window.scrollTo(0, 0);
  }

  function failPage(e) {
    render(h("div", { class: "panel" }, h("p", { class: "form-error" }, e.message || "加载失败"),
      h("a", { href: "#/" }, "返回我的证书")));
  }


  const statusLabels = { draft: "草稿", submitted: "待审核", approved: "审核通过", rejected: "已驳回", cancelled: "已撤销" };
  const orderLabels = { awaiting_payment: "等待付款", partially_paid: "部分付款", paid: "已付款", issuing: "签发中", completed: "已完成", expired: "已过期", cancelled: "已取消" };

  /* Logs in the page's user, or goes back to the login page. */
  async function whoami() {
    try {
      const r = await Api.call("GET", "/api/v1/me");
      Api.rememberCsrf(r.csrf_token);
      return r.user;
    } catch (e) {
      location.href = "/";
      await new Promise(() => {});
    }
  }

  function bindLogout(button) {
    button.addEventListener("click", async () => {
      try { await Api.call("DELETE", "/api/v1/session"); } catch (e) { /* already gone */ }
      Api.rememberCsrf("");
      location.href = "/";
    });
  }

  /* What both kinds of pages need first: the settings and the trading centres. */
  async function loadRefData() {
    const [settings, centres] = await Promise.all([call("GET", "/api/v1/settings"), call("GET", "/api/v1/trading-centres")]);
    return { settings, centres: centres.items };
  }

  return { loadRefData, h, add, fen, date, datetime, cn, toast, call, render, failPage, statusLabels, orderLabels, whoami, bindLogout };
})();
