#include <stdio.h>
#include <string.h>

#include "timefmt.h"

time_t
cr_time_parse(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	                        &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

void
cr_time_iso(const char *db, char out[21])
{
	if (db == NULL || strlen(db) < 19) {
		out[0] = '\0';
		return;
	}
	memcpy(out, db, 19);
	out[10] = 'T';
	out[19] = 'Z';
	out[20] = '\0';
}

int
cr_date_valid(int y, int m, int d)
{
	struct tm tm = {0}, back;
	time_t t;

	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	/* timegm carries 02-30 over into March: the day is real when it comes back unchanged. */
	t = timegm(&tm);
	return gmtime_r(&t, &back) != NULL && back.tm_year == y - 1900 && back.tm_mon == m - 1 &&
	       back.tm_mday == d;
}

void
cr_china_today(char *out, size_t len, const char *fmt)
{
	time_t now = time(NULL) + 8 * 3600;
	struct tm tm;

	gmtime_r(&now, &tm);
	if (strftime(out, len, fmt, &tm) == 0 && len)
		out[0] = '\0';
}
