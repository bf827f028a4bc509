/* The login page: logs in through POST /api/v1/session, then on to the customer portal or the staff pages. */
import { Api } from "./api.js";
import { mountFooter } from "./agency.js";

/* The agency's name on the welcome line and its hotline for forgotten passwords, as the seed's login page. */
mountFooter().then((a) => {
  if (a.name) document.getElementById("welcome").textContent = "欢迎登录" + a.name + "数字证书服务系统";
  if (a.hotline) document.getElementById("forgot").textContent = "忘记密码请联系客服：" + a.hotline;
});

{
  const form = document.getElementById("login-form");
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
      location.href = r.user.is_staff ? "/staff.html" : "/portal.html";
    } catch (e) {
      showError(e.field, e.message);
    } finally {
      button.disabled = false;
      button.textContent = "登录";
    }
  });

  /* Already logged in (a reload)? */
  Api.call("GET", "/api/v1/me").then((r) => {
    Api.rememberCsrf(r.csrf_token);
    location.href = r.user.is_staff ? "/staff.html" : "/portal.html";
  }, () => {
    if (/[?&]expired=1/.test(location.search)) formError.textContent = "登录已过期，请重新登录";
  });
}
