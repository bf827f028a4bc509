/* An application's details (#/applications/ID): everything the customer gave, its progress, and what can still be done. */
import { call, cn, date, datetime, failPage, fen, h, render, toast } from "../ui.js";
import { ctx, navActive, statusClass } from "./context.js";
import { rejectBox } from "./wizard.js";

export async function detail(id) {
  navActive("certs");
  let app;
  try { app = await call("GET", "/api/v1/applications/" + id); } catch (e) { return failPage(e, "申请 #" + id); }
  const row = (label, value) => [h("dt", {}, label), h("dd", {}, value === null || value === undefined || value === "" ? "—" : value)];
  const centreNames = app.trading_centre_ids.map((cid) => (ctx.centres.find((c) => c.id === cid) || { name: "#" + cid }).name);
  const kinds = ctx.settings.attachment_kinds.filter((k) => app.attachments[k.kind]);
  const act = async (what, confirmText) => {
    if (confirmText && !confirm(confirmText)) return;
    try {
      if (what === "delete") { await call("DELETE", "/api/v1/applications/" + app.id); location.hash = "#/"; return; }
      await call("POST", "/api/v1/applications/" + app.id + "/" + what, {});
      detail(app.id);
    } catch (e) { toast(e.message); }
  };
  const actions = [];
  if (app.status === "draft" || app.status === "rejected")
    actions.push(h("a", { class: "button primary", href: "#/apply/" + app.id + "/1" }, app.status === "draft" ? "继续填写" : "修改并重新提交"));
  if (["draft", "submitted", "rejected"].includes(app.status))
    actions.push(h("button", { type: "button", onclick: () => act("cancel", "确定撤销这份申请？") }, "撤销申请"));
  if (app.status === "draft")
    actions.push(h("button", { type: "button", onclick: () => act("delete", "确定删除这份草稿？") }, "删除草稿"));
  render(h("section", { class: "panel", id: "detail" },
    h("div", { class: "detail-head" }, h("h2", {}, "申请详情 #" + app.id), h("span", { class: statusClass(app.status), id: "detail-status" }, app.status_label)),
    app.status === "rejected" ? rejectBox(app) : null,
    app.order_no ? h("div", { class: "notice" }, "订单号：", h("strong", {}, app.order_no), " ", h("a", { href: "#/orders/" + app.order_no }, "查看订单与支付方式")) : null,
    h("div", { class: "cols" },
      h("div", {},
        h("h3", {}, "更新的数字证书"),
        h("dl", { class: "dl", id: "renewed-cert" },
          row("证书", app.certificate ? cn(app.certificate.subject) : "—"),
          row("锁类型", app.certificate ? (app.certificate.token === "secondary" ? "副锁" : "主锁") : "—"),
          row("到期时间", app.certificate ? date(app.certificate.not_after) : "—")),
        h("h3", {}, "基本信息"),
        h("dl", { class: "dl" },
          app.account_type === "enterprise"
            ? [row("单位名称", app.company_name), row("营业执照号", app.license_no),
               row("营业执照类型", app.license_type === "separate" ? "非三证合一" : app.license_type ? "三证合一" : "—")]
            : null,
          row("姓名", app.applicant_name), row("身份证号", app.id_card_no), row("电话", app.phone), row("电子邮箱", app.email),
          app.account_type === "enterprise" ? row("部门", app.department) : null),
        h("h3", {}, "加开地州市证书"),
        h("dl", { class: "dl" },
          row("地州市证书", centreNames.join("、") || "无"), row("付款人", app.payer_name), row("开通年限", app.years + " 年"),
          row("订单金额", fen(app.price_fen) + " 元"), row("发票类型", app.invoice_type === "special" ? "专票" : app.invoice_type === "normal" ? "普票" : "—"),
          row("发票抬头", app.invoice.title), row("纳税人识别号", app.invoice.tax_no),
          app.invoice_type === "special"
            ? [row("专票地址", app.invoice.address), row("专票电话", app.invoice.phone), row("开户银行", app.invoice.bank), row("银行账号", app.invoice.bank_account)]
            : null,
          row("发票领取", app.delivery.method === "courier" ? "邮寄（到付）：" + app.delivery.address : app.delivery.method === "pickup" ? "现场领取" : "—"))),
      h("div", {},
        h("h3", {}, "附件"),
        kinds.length ? h("ul", { class: "files" }, kinds.map((k) => h("li", {},
          h("a", { href: "/api/v1/applications/" + app.id + "/attachments/" + k.kind, target: "_blank", rel: "noopener" }, app.account_type === "enterprise" ? k.label : k.label_individual),
          h("span", { class: "muted small" }, " " + (app.attachments[k.kind].content_type === "application/pdf" ? "PDF" : app.attachments[k.kind].content_type === "image/png" ? "PNG" : "JPG"))))) : h("p", { class: "muted" }, "尚未上传"),
        h("h3", {}, "办理进度"),
        h("ol", { class: "timeline", id: "history" }, app.history.map((e) => h("li", {},
          h("span", { class: "when" }, datetime(e.at)), " ", h("strong", {}, e.label), e.note ? h("div", { class: "muted" }, e.note) : null))))),
    h("div", { class: "actions" }, h("a", { class: "button", href: "#/" }, "返回"), actions)));
}
