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
