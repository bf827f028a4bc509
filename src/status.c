#include <string.h>

#include "status.h"

struct label {
	const char *status, *label;
};

static const struct label application[] = {
    {"draft", "草稿"},      {"submitted", "待审核"}, {"approved", "审核通过"},
    {"rejected", "已驳回"}, {"cancelled", "已撤销"}, {NULL, NULL},
};
static const struct label order[] = {
    {"awaiting_payment", "等待付款"},
    {"partially_paid", "部分付款"},
    {"paid", "已付款"},
    {"issuing", "签发中"},
    {"completed", "已完成"},
    {"expired", "已过期"},
    {"cancelled", "已取消"},
    {"refunded", "已撤单退款"},
    {NULL, NULL},
};
static const struct label certificate[] = {
    {"active", "有效"},         {"superseded", "已更新"}, {"expired", "已过期"},   {"revoked", "已吊销"},
    {"awaiting_csr", "待更新"}, {"issued", "已签发"},     {"installed", "已写入"}, {NULL, NULL},
};
static const struct label invoice[] = {
    {"pending", "待开具"},
    {"issued", "已开具"},
    {NULL, NULL},
};
static const struct label statement[] = {
    {"queued", "排队中"}, {"running", "导入中"}, {"done", "已完成"}, {"failed", "失败"}, {NULL, NULL},
};
static const struct label credit[] = {
    {"matched", "已匹配"},   {"partial", "部分付款"},
    {"overpaid", "多付"},    {"needs_review", "待核实"},
    {"unmatched", "未匹配"}, {"dismissed", "已处理"},
    {"refunded", "已退款"},  {"duplicate", "重复"},
    {"ignored", "不计入"},   {NULL, NULL},
};
static const struct label role[] = {
    {"enterprise", "企业用户"}, {"individual", "个人用户"}, {"reviewer", "审核员"},
    {"finance", "财务"},        {"admin", "管理员"},        {NULL, NULL},
};

/* The audit log's words: its actions, the kinds of object they touch, and the fields of before/after. */
static const struct label audit_action[] = {
    {"login.success", "登录成功"},
    {"login.failure", "登录失败"},
    {"logout", "退出登录"},
    {"application.create", "申请创建"},
    {"application.update", "申请修改"},
    {"application.delete", "草稿删除"},
    {"application.submit", "申请提交"},
    {"application.reuse_attachments", "沿用以前的材料"},
    {"application.cancel", "申请撤销"},
    {"application.approve", "审核通过"},
    {"application.reject", "审核驳回"},
    {"order.create", "订单创建"},
    {"order.partially_paid", "部分付款"},
    {"order.paid", "订单付款"},
    {"order.payment_undone", "付款撤回"},
    {"order.issuing", "开始签发"},
    {"order.completed", "订单完成"},
    {"order.expire", "订单过期"},
    {"order.cancel", "订单取消"},
    {"certificate.create", "新证书待签发"},
    {"certificate.csr", "证书请求提交"},
    {"certificate.issue", "证书签发"},
    {"certificate.installed", "证书写入证书锁"},
    {"certificate.import", "证书导入"},
    {"ca.init", "CA 初始化"},
    {"schema.migrate", "数据库升级"},
    {"job.add", "添加任务"},
    {"credit.book", "银行到账入账"},
    {"credit.assign", "到账指定订单"},
    {"credit.unassign", "到账取消指定"},
    {"credit.dismiss", "到账标记已处理"},
    {"credit.refunded", "到账退款已登记"},
    {"order.refund_cancel", "撤单退款"},
    {"payment.unapplied", "付款退回待处理"},
    {"payment.overpaid", "在线多付待退款"},
    {"payment.refund_requested", "申请退款"},
    {"payment.refunded", "退款完成"},
    {"payment.refund_failed", "退款失败"},
    {"invoice.issue", "发票开具"},
    {"user.create", "用户创建"},
    {"user.password_reset", "密码重置"},
    {"user.unlock", "用户解锁"},
    {"prices.update", "价格修改"},
    {"trading_centre.create", "交易中心添加"},
    {"trading_centre.update", "交易中心修改"},
    {"help.update", "帮助页面修改"},
    {"application.documents_purged", "过期材料删除"},
    {"audit.archived", "审计记录归档"},
    {"application.auto_approved", "自动审核通过"},
    {"application.rule_withdraw", "自动审核撤回"},
    {"rules.update", "自动审核规则修改"},
    {NULL, NULL},
};
static const struct label audit_object[] = {
    {"account", "账号"},
    {"user", "用户"},
    {"application", "申请"},
    {"order", "订单"},
    {"certificate", "证书"},
    {"credit", "银行到账"},
    {"invoice", "发票"},
    {"prices", "价格"},
    {"trading_centre", "交易中心"},
    {"help_page", "帮助页面"},
    {"approval_rules", "自动审核规则"},
    {"ca", "CA"},
    {"schema", "数据库结构"},
    {"job", "任务"},
    {"audit", "审计日志"},
    {NULL, NULL},
};
static const struct label audit_field[] = {
    {"status", "状态"},
    {"paid_fen", "已付金额（分）"},
    {"amount_fen", "金额（分）"},
    {"price_fen", "金额（分）"},
    {"payer_mismatch", "付款人不一致"},
    {"credit_id", "到账编号"},
    {"online_payment_id", "在线支付编号"},
    {"base_per_year_fen", "证书年费（分）"},
    {"addon_per_year_fen", "地州市证书年费（分）"},
    {"name", "名称"},
    {"active", "启用"},
    {"sort", "排序"},
    {"account", "账号"},
    {"display_name", "名称"},
    {"role", "角色"},
    {"title", "标题"},
    {"body", "正文"},
    {"reason", "原因"},
    {"reject_reason", "驳回原因"},
    {"order_no", "订单号"},
    {"token", "锁类型"},
    {"serial", "序列号"},
    {"not_after", "有效期至"},
    {"years", "年限"},
    {"invoice_no", "发票号"},
    {"ip", "地址"},
    {"application_id", "申请编号"},
    {"certificate_id", "证书编号"},
    {"order_id", "订单编号"},
    {"trading_centre_id", "交易中心编号"},
    {"statement_id", "对账单编号"},
    {"renews_id", "更新的证书编号"},
    {"payer_name", "付款人"},
    {"account_name", "户名"},
    {"failures_cleared", "清除的失败次数"},
    {"provider", "支付方式"},
    {"trade_no", "交易号"},
    {"refund_no", "退款单号"},
    {"day", "日期"},
    {"account_id", "账户编号"},
    {"applied", "已计入"},
    {"applied_fen", "已计入金额（分）"},
    {"bank_fen", "银行转账金额（分）"},
    {"online_fen", "在线支付金额（分）"},
    {"surplus_fen", "多付金额（分）"},
    {"cert", "证书"},
    {"count", "数量"},
    {"credits", "到账笔数"},
    {"csr_sha256", "证书请求指纹（SHA-256）"},
    {"key_type", "密钥类型"},
    {"kind", "类型"},
    {"made_on", "退款日期"},
    {"not_before", "生效时间"},
    {"reference", "银行流水号"},
    {"subject", "证书主题"},
    {"suggested_order_id", "建议订单编号"},
    {"from_application_id", "来源申请编号"},
    {"kinds", "材料"},
    {"documents", "删除的材料"},
    {"bytes", "字节数"},
    {"sha256", "SHA-256"},
    {"rule", "规则"},
    {"rules", "规则设置"},
    {"approved", "条件全部满足"},
    {"conditions", "逐项条件"},
    {"relied_on", "依据的人工审核"},
    {"order_status", "订单状态"},
    {"enabled", "已开启"},
    {"reuse_days", "沿用期限（天）"},
    {"fresh_kinds", "须新签的材料"},
    {"max_years", "最多开通年限"},
    {"max_centres", "最多加开证书"},
    {"max_amount_fen", "最高金额（分）"},
    {"pinned", "配置文件设定"},
    {"days", "天数"},
    {"rows", "条数"},
    {"before", "早于"},
    {NULL, NULL},
};

static const struct {
	const char *name;
	const struct label *labels;
} machines[CR_SM_COUNT] = {
    [CR_SM_APPLICATION] = {"application", application},
    [CR_SM_ORDER] = {"order", order},
    [CR_SM_CERTIFICATE] = {"certificate", certificate},
    [CR_SM_INVOICE] = {"invoice", invoice},
    [CR_SM_STATEMENT] = {"statement", statement},
    [CR_SM_CREDIT] = {"credit", credit},
    [CR_SM_ROLE] = {"role", role},
    [CR_SM_AUDIT_ACTION] = {"audit_action", audit_action},
    [CR_SM_AUDIT_OBJECT] = {"audit_object", audit_object},
    [CR_SM_AUDIT_FIELD] = {"audit_field", audit_field},
};

static const struct label *
find(enum cr_machine m, const char *status)
{
	if ((unsigned)m >= CR_SM_COUNT || status == NULL)
		return NULL;
	for (const struct label *l = machines[m].labels; l->status; l++)
		if (strcmp(l->status, status) == 0)
			return l;
	return NULL;
}

const char *
cr_status_label(enum cr_machine m, const char *status)
{
	const struct label *l = find(m, status);

	return l ? l->label : status;
}

int
cr_status_known(enum cr_machine m, const char *status)
{
	return find(m, status) != NULL;
}

json_t *
cr_status_labels_json(void)
{
	json_t *all = json_object();

	for (int m = 0; m < CR_SM_COUNT; m++) {
		json_t *one = json_object();

		for (const struct label *l = machines[m].labels; l->status; l++)
			json_object_set_new(one, l->status, json_string(l->label));
		json_object_set_new(all, machines[m].name, one);
	}
	return all;
}
