#include <stdio.h>
#include <string.h>

#include "dockinds.h"

const struct cr_doc_kind cr_doc_kinds[] = {
    {"business_license", "企业营业执照（副本）", NULL, 0, CR_FOR_ENTERPRISE, 0},
    {"bank_account_permit", "开户银行许可证（副本）", NULL, 0, CR_FOR_ENTERPRISE, 0},
    {"company_seal", "企业公章扫描件", NULL, 0, CR_FOR_ENTERPRISE, 0},
    {"legal_person_seal", "法人章扫描件", NULL, 0, CR_FOR_ENTERPRISE, 0},
    {"id_card_front", "身份证人像面", NULL, 0, CR_FOR_INDIVIDUAL, 0},
    {"id_card_back", "身份证国徽面", NULL, 0, CR_FOR_INDIVIDUAL, 0},
    {"application_form", "企业数字证书申请表", "数字证书申请表", 0, CR_FOR_BOTH, 0},
    {"responsibility_letter", "数字证书责任书", NULL, 0, CR_FOR_BOTH, 0},
    {"power_of_attorney", "授权委托书", NULL, 0, CR_FOR_ENTERPRISE, 0},
    {"org_code_cert", "组织机构代码证（副本）", NULL, 1, CR_FOR_ENTERPRISE, 0},
    {"tax_registration_cert", "税务登记证（副本）", NULL, 1, CR_FOR_ENTERPRISE, 0},
    /* Many agencies ask for the ID of whoever comes to the counter; offered always, required where
       configured. */
    {"agent_id_card", "经办人身份证（正反面）", NULL, 0, CR_FOR_ENTERPRISE, 1},
};
const int cr_doc_kind_count = sizeof cr_doc_kinds / sizeof cr_doc_kinds[0];

const struct cr_doc_kind *
cr_doc_kind_find(const char *kind)
{
	for (int k = 0; k < cr_doc_kind_count; k++)
		if (strcmp(cr_doc_kinds[k].kind, kind) == 0)
			return &cr_doc_kinds[k];
	return NULL;
}

int
cr_doc_kinds_listed(const char *list, const char *kind)
{
	size_t n = strlen(kind);

	for (const char *p = list; (p = strstr(p, kind)) != NULL; p += n)
		if ((p == list || p[-1] == ',' || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

int
cr_doc_kinds_check_list(const char *list, char *why, size_t whylen)
{
	char item[64];
	const char *p = list;

	if (strcmp(list, "all") == 0)
		return 0;
	while (*p) {
		size_t n = strcspn(p, ", ");

		if (n > 0) {
			snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item ? n : sizeof item - 1), p);
			if (cr_doc_kind_find(item) == NULL) {
				snprintf(why, whylen, "unknown attachment kind '%s'", item);
				return -1;
			}
		}
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}
