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

/*
 * Sends a file as the raw request body (uploads: documents, statements, key requests), with the CSRF
 * token, showing the upload's progress in bar (a <progress>, or null).  Resolves to {status, body, error}:
 * error is the Chinese message of a refusal, or of the network failing (status 0).
 */
export function sendFile(method, path, file, ctype, bar) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader("Content-Type", ctype || file.type || "application/octet-stream");
    if (Api.csrf) xhr.setRequestHeader("X-CSRF-Token", Api.csrf);
    if (bar) {
      bar.hidden = false;
      bar.value = 0;
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total); };
    }
    xhr.onload = () => {
      if (bar) bar.hidden = true;
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      const ok = xhr.status >= 200 && xhr.status < 300;
      resolve({ status: xhr.status, body, error: ok ? null : (body && body.error && body.error.message) || "上传失败（" + xhr.status + "）" });
    };
    xhr.onerror = () => {
      if (bar) bar.hidden = true;
      resolve({ status: 0, body: null, error: "网络错误，请重试" });
    };
    xhr.send(file);
  });
}

/* Also reachable from the browser's console and from scripts that drive the page (the browser tests). */
globalThis.Api = Api;
