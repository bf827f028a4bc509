/* Times as the database gives them (UTC "YYYY-MM-DD HH:MM:SS[.ffffff]") and as the API shows them. */
#ifndef CR_TIMEFMT_H
#define CR_TIMEFMT_H

#include <time.h>

/* Parses "YYYY-MM-DD HH:MM:SS" (UTC); -1 on error. */
time_t cr_time_parse(const char *s);
/* "2026-11-24 19:41:56.123456" -> "2026-11-24T19:41:56Z" (out: 21 bytes); "" for NULL. */
void cr_time_iso(const char *db, char out[21]);
/* 1 when y-m-d is a day of the calendar (2026-02-29 is not), years 1000 to 9999. */
int cr_date_valid(int y, int m, int d);
/* Today in China (Asia/Shanghai, UTC+8, no daylight saving) as strftime's fmt writes it. */
void cr_china_today(char *out, size_t len, const char *fmt);

#endif
