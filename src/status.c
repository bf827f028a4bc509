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
    {NULL, NULL},
};
static const struct label certificate[] = {
    {"active", "有效"},
    {"superseded", "已更新"},
    {"expired", "已过期"},
    {"revoked", "已吊销"},
    {"awaiting_csr", "待提交证书请求"},
    {"issued", "已签发"},
    {"installed", "已写入"},
    {NULL, NULL},
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
    {"matched", "已匹配"},      {"partial", "部分付款"}, {"overpaid", "多付"},
    {"needs_review", "待核实"}, {"unmatched", "未匹配"}, {"dismissed", "已处理"},
    {"duplicate", "重复"},      {"ignored", "不计入"},   {NULL, NULL},
};
static const struct label role[] = {
    {"enterprise", "企业用户"}, {"individual", "个人用户"}, {"reviewer", "审核员"},
    {"finance", "财务"},        {"admin", "管理员"},        {NULL, NULL},
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
