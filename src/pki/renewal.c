#include <stdio.h>
#include <string.h>

#include "renewal.h"
#include "timefmt.h"

/* The date in Asia/Shanghai (UTC+8, no daylight saving) as YYYY-MM-DD. */
static void
cn_date(time_t t, char out[16])
{
	struct tm tm;

	t += 8 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

int
cr_renewable(const struct cr_config *cfg, const char *status, time_t not_after, time_t now, char *reason,
             size_t reasonlen)
{
	time_t from = not_after - cfg->ca_renew_before_days * 86400;
	time_t until = not_after + cfg->ca_renew_after_days * 86400;
	char d1[16], d2[16];

	if (strcmp(status, "superseded") == 0) {
		snprintf(reason, reasonlen, "该证书已更新，请对新证书办理更新");
		return 0;
	}
	if (strcmp(status, "revoked") == 0) {
		snprintf(reason, reasonlen, "该证书已吊销，不能更新");
		return 0;
	}
	if (strcmp(status, "awaiting_csr") == 0) {
		snprintf(reason, reasonlen, "该证书尚未签发");
		return 0;
	}
	if (not_after < 0) {
		snprintf(reason, reasonlen, "证书有效期未知");
		return 0;
	}
	if (now < from) {
		cn_date(not_after, d1);
		cn_date(from, d2);
		snprintf(reason, reasonlen, "证书将于 %s 到期，可于 %s 起办理更新", d1, d2);
		return 0;
	}
	if (now > until) {
		cn_date(not_after, d1);
		snprintf(reason, reasonlen, "证书已于 %s 过期超过 %lld 天，无法在线更新，请联系客服", d1,
		         (long long)cfg->ca_renew_after_days);
		return 0;
	}
	reason[0] = '\0';
	return 1;
}
