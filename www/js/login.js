/* The login page: logs in through POST /api/v1/session and shows who is logged in. */
"use strict";

(function () {
  const form = document.getElementById("login-form");
  const signedIn = document.getElementById("signed-in");
  const button = document.getElementById("login-button");
  const formError = document.getElementById("form-error");

  function clearErrors() {
    formError.textContent = "";
    form.querySelectorAll(".field-error").forEach((p) => (p.textContent = ""));
    form.querySelectorAll("input").forEach((i) => i.removeAttribute("aria-invalid"));
  }

  function showError(field, message) {
    const p = field && form.querySelector('.field-error[data-for="' + field + '"]');
    if (p) {
      p.textContent = message;
      document.getElementById(field).setAttribute("aria-invalid", "true");
      document.getElementById(field).focus();
    } else {
      formError.textContent = message;
    }
  }

  function showUser(user) {
    document.getElementById("who").textContent = user.name;
    document.getElementById("role").textContent = Api.roleLabel(user.role);
    form.hidden = true;
    signedIn.hidden = false;
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors();
    const account = form.account.value.trim();
    const password = form.password.value;
    if (!account) return showError("account", "请输入账号");
    if (!password) return showError("password", "请输入密码");
    button.disabled = true;
    button.textContent = "正在登录…";
    try {
      const r = await Api.call("POST", "/api/v1/session", { account, password });
      Api.rememberCsrf(r.csrf_token);
      form.password.value = "";
      if (!r.user.is_staff) {
        location.href = "/portal.html";
        return;
      }
      showUser(r.user);
    } catch (e) {
      showError(e.field, e.message);
    } finally {
      button.disabled = false;
      button.textContent = "登录";
    }
  });

  document.getElementById("logout-button").addEventListener("click", async () => {
    try { await Api.call("DELETE", "/api/v1/session"); } catch (e) { /* already gone */ }
    Api.rememberCsrf("");
    signedIn.hidden = true;
    form.hidden = false;
    form.account.focus();
  });

  /* Already logged in (a reload)? */
  Api.call("GET", "/api/v1/me").then((r) => {
    Api.rememberCsrf(r.csrf_token);
    if (!r.user.is_staff) location.href = "/portal.html";
    else showUser(r.user);
  }, () => {
    if (/[?&]expired=1/.test(location.search)) formError.textContent = "登录已过期，请重新登录";
  });
})();
