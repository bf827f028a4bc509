/* 我的证书: the account's certificates and its renewal applications. */
import { call, cn, date, failPage, fen, h, labels, pager, render, searchBox, searchCall, toast } from "../ui.js";
import { navActive, statusClass, tokenLabel } from "./context.js";

export async function certsPage() {
  navActive("certs");
  const period = sessionStorage.getItem("cr_period") || "3m";
  const status = sessionStorage.getItem("cr_status") || "";
  /* The applications found by number (#12 or an order's), name and the days they were made. */
  const appFind = new URLSearchParams(/^#\/\?/.test(location.hash) ? location.hash.slice(3) : "");
  /* The certificates: held ones first, soonest to expire first; filtered by expiry, status and text. */
  const certExp = sessionStorage.getItem("cr_cert_exp") || "";
  const certStatus = sessionStorage.getItem("cr_cert_status") || "";
  const certQ = sessionStorage.getItem("cr_cert_q") || "";
  const certId = sessionStorage.getItem("cr_cert_id") || "";
  const certParams = new URLSearchParams();
  if (certId) certParams.set("id", certId);
  if (certExp) certParams.set("expiring_days", certExp);
  if (certStatus) certParams.set("status", certStatus);
  if (certQ) certParams.set("q", certQ);
  const certsUrl = "/api/v1/certificates" + (certParams.toString() ? "?" + certParams.toString() : "");
  const filtered = certExp || certStatus || certQ || certId;
  const appsUrl = "/api/v1/applications?period=" + (appFind.toString() ? "all" : period) + (status ? "&status=" + status : "") +
    (appFind.toString() ? "&" + appFind.toString() : "");
  let certs, apps;
  try {
    [certs, apps] = await Promise.all([
      call("GET", certsUrl),
      searchCall(appsUrl),
    ]);
  } catch (e) {
    return failPage(e);
  }
  const appsError = apps.error;
  apps = apps.list;
  const certRow = (c) =>
    h("tr", { "data-cert": c.id },
      h("td", { "data-label": "证书" }, cn(c.subject)),
      h("td", { "data-label": "类型" }, tokenLabel(c)),
      h("td", { "data-label": "有效期至" }, date(c.not_after)),
      /* An approved renewal is 待更新 until its new certificate is issued; the new one is then listed
         and this one shows 已更新. */
      h("td", { "data-label": "状态" }, c.renewal_order_no && c.status !== "superseded"
        ? h("span", { class: "badge badge-cert-pending" }, "待更新")
        : h("span", { class: "badge badge-cert-" + c.status }, c.status_label)),
      h("td", { "data-label": "操作" },
        c.renewable
          ? h("a", { class: "button primary small", href: "#/apply/new?cert=" + c.id }, "更新")
          : c.status === "superseded" && c.successor_id
            ? h("a", { href: "#/certs", "data-successor": c.successor_id,
                onclick: (ev) => { ev.preventDefault(); highlight(c.successor_id); } }, "已更新，查看新证书")
          : c.renewal_order_no
            ? [h("a", { class: "button small primary", href: "#/orders/" + c.renewal_order_no, "data-renewal": c.renewal_order_no }, "证书服务"),
               h("span", { class: "muted small" }, " 订单 " + c.renewal_order_no + "：付款到账后即可更新")]
            : h("span", { class: "muted small" }, c.renewable_reason || "",
                c.open_application_id
                  ? [" ", ["draft", "rejected"].includes(c.open_application_status)
                      ? h("a", { href: "#/apply/" + c.open_application_id + "/1" }, c.open_application_status === "draft" ? "继续填写" : "修改后重新提交")
                      : h("a", { href: "#/applications/" + c.open_application_id }, "查看申请")]
                  : null)));
  const certBody = h("tbody", {}, certs.items.map(certRow));

  /* The successor of a renewed certificate: brought into view and marked; shown alone when not on this page. */
  function highlight(id) {
    const row = document.querySelector(`tr[data-cert="${id}"]`);
    if (!row) {
      if (sessionStorage.getItem("cr_cert_id") === String(id)) return; /* not listed at all */
      sessionStorage.setItem("cr_cert_id", String(id));
      return certsPage().then(() => highlight(id));
    }
    document.querySelectorAll("tr.highlight").forEach((r) => r.classList.remove("highlight"));
    row.classList.add("highlight");
    row.scrollIntoView({ block: "center" });
  }

  const selected = new Set();
  const appRow = (a) => {
    const editable = a.status === "draft" || a.status === "rejected";
    return h("tr", { "data-app": a.id },
      h("td", { class: "check" }, h("input", { type: "checkbox", "aria-label": "选择申请 " + a.id,
        onchange: (ev) => (ev.target.checked ? selected.add(a) : selected.delete(a)) })),
      h("td", { "data-label": "单位名称" }, a.company_name || "—"),
      h("td", { "data-label": "申请人" }, a.applicant_name || "—"),
      h("td", { "data-label": "状态" }, h("span", { class: statusClass(a.status) }, a.status_label)),
      h("td", { "data-label": "金额" }, fen(a.price_fen)),
      h("td", { "data-label": "详情" },
        h("a", { href: "#/applications/" + a.id }, "查看详情"),
        editable ? [" · ", h("a", { href: "#/apply/" + a.id + "/1" }, a.status === "draft" ? "继续填写" : "修改")] : null));
  };
  const appBody = h("tbody", {}, apps.items.map(appRow));

  async function removeSelected() {
    if (!selected.size) return toast("请先勾选要删除的申请");
    const drafts = [...selected].filter((a) => a.status === "draft");
    if (drafts.length < selected.size) return toast("只能删除草稿；已提交的申请请在详情中撤销");
    if (!confirm("确定删除选中的 " + drafts.length + " 份草稿？")) return;
    for (const a of drafts) {
      try { await call("DELETE", "/api/v1/applications/" + a.id); } catch (e) { toast(e.message); }
    }
    certsPage();
  }

  const periodSel = h("select", { "aria-label": "时间范围", onchange: (ev) => { sessionStorage.setItem("cr_period", ev.target.value); certsPage(); } },
    h("option", { value: "3m", selected: period === "3m" }, "最近三个月"),
    h("option", { value: "all", selected: period === "all" }, "全部"));
  const statusSel = h("select", { "aria-label": "状态", onchange: (ev) => { sessionStorage.setItem("cr_status", ev.target.value); certsPage(); } },
    [["", "全部状态"], ...labels("application")].map(([v, l]) => h("option", { value: v, selected: status === v }, l)));

  const appSearch = searchBox({ id: "app-search", path: "#/", params: appFind, error: appsError, days: true,
    placeholder: "申请编号（如 #12）、订单号或单位名称" });

  const setCert = (key, value) => { sessionStorage.removeItem("cr_cert_id"); sessionStorage.setItem(key, value); certsPage(); };
  const certExpSel = h("select", { "aria-label": "到期时间", id: "cert-expiring", onchange: (ev) => setCert("cr_cert_exp", ev.target.value) },
    [["", "全部到期时间"], ["30", "30 天内到期"], ["90", "90 天内到期"], ["365", "一年内到期"]]
      .map(([v, l]) => h("option", { value: v, selected: certExp === v }, l)));
  const certStatusSel = h("select", { "aria-label": "证书状态", id: "cert-status", onchange: (ev) => setCert("cr_cert_status", ev.target.value) },
    [["", "全部状态"], ...labels("certificate").filter(([v]) => v !== "awaiting_csr")]
      .map(([v, l]) => h("option", { value: v, selected: certStatus === v }, l)));
  const certSearch = h("input", { type: "search", id: "cert-q", value: certQ, maxlength: 50, placeholder: "证书名称、序列号或交易中心",
    "aria-label": "搜索证书", onkeydown: (ev) => { if (ev.key === "Enter") setCert("cr_cert_q", ev.target.value.trim()); } });

  render(
    h("section", { class: "panel" },
      h("h2", {}, "我的数字证书"),
      h("div", { class: "toolbar" }, certSearch,
        h("button", { type: "button", onclick: () => setCert("cr_cert_q", certSearch.value.trim()) }, "搜索"),
        h("span", { class: "spacer" }), certExpSel, certStatusSel),
      filtered
        ? h("p", { class: "muted small", id: "cert-filtered" }, certId ? "只显示所选的证书。" : "只显示符合条件的证书。", " ",
            h("a", { href: "#/certs", id: "cert-all", onclick: (ev) => {
              ev.preventDefault();
              ["cr_cert_exp", "cr_cert_status", "cr_cert_q", "cr_cert_id"].forEach((k) => sessionStorage.removeItem(k));
              certsPage();
            } }, "显示全部证书"))
        : null,
      certs.items.length
        ? h("table", { class: "table", id: "cert-table" },
            h("thead", {}, h("tr", {}, ["证书", "类型", "有效期至", "状态", "操作"].map((t) => h("th", {}, t)))),
            certBody)
        : h("p", { class: "muted" }, filtered ? "没有符合条件的证书。" : "您的账号下还没有证书。"),
      certs.items.length ? pager(certs, certsUrl, (c) => certBody.append(certRow(c)), "张证书", "certs") : null),
    h("section", { class: "panel" },
      h("h2", {}, "证书更新申请"),
      h("div", { class: "toolbar" },
        h("a", { class: "button primary", href: "#/apply/new", id: "add-app" }, "+ 添加"),
        h("button", { type: "button", onclick: certsPage }, "刷新"),
        h("button", { type: "button", onclick: removeSelected }, "删除"),
        h("span", { class: "spacer" }), periodSel, statusSel),
      appSearch,
      apps.items.length
        ? h("table", { class: "table", id: "app-table" },
            h("thead", {}, h("tr", {}, h("th", { class: "check" }, ""), ["单位名称", "申请人", "状态", "金额", "详情"].map((t) => h("th", {}, t)))),
            appBody)
        : h("p", { class: "muted", id: "apps-none" }, "没有符合条件的申请。点“添加”开始办理更新。"),
      apps.items.length ? pager(apps, appsUrl, (a) => appBody.append(appRow(a)), "份申请", "apps") : null));
}
