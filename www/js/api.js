/* Talks to the certrenew JSON API: session cookie, CSRF token, Chinese error messages. */

export const Api = {
  csrf: sessionStorage.getItem("certrenew_csrf") || "",

  rememberCsrf(token) {
    this.csrf = token || "";
    if (token) sessionStorage.setItem("certrenew_csrf", token);
    else sessionStorage.removeItem("certrenew_csrf");
  },

  /* Resolves to the parsed body; rejects with {status, code, message, field, fields}. */
  async call(method, path, body) {
    const headers = {};
    const init = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (method !== "GET" && this.csrf) headers["X-CSRF-Token"] = this.csrf;
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw { status: 0, code: "network", message: "无法连接服务器，请检查网络后重试" };
    }
    let data = null;
    const text = await res.text();
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!res.ok) {
      const err = (data && data.error) || {};
      throw Object.assign({}, err, { status: res.status, code: err.code || "http_" + res.status,
              message: err.message || "服务器暂时无法处理请求（" + res.status + "）" });
    }
    return data;
  },
};

/* Also reachable from the browser's console and from scripts that drive the page (the browser tests). */
globalThis.Api = Api;
