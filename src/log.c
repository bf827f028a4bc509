#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_prog = "certrenew";
static enum cr_log_level log_min = CR_LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void
cr_log_init(const char *prog, enum cr_log_level level)
{
	log_prog = prog;
	log_min = level;
}

void
cr_log_set_level(enum cr_log_level level)
{
	log_min = level;
}

int
cr_log_level_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

void
cr_log(enum cr_log_level level, const char *fmt, ...)
{
	char line[2048], ts[32];
	struct tm tm;
	time_t now;
	va_list ap;
	int n;

	if (level < log_min)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof line, "%s %s[%ld] %s: ", ts, log_prog, (long)getpid(), level_names[level]);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof line) {
		char msg[1536];

		vsnprintf(msg, sizeof msg, fmt, ap);
		/* Text from outside may carry line breaks and other controls: escaped, so that
		 * nobody can forge a log line. */
		for (const unsigned char *p = (const unsigned char *)msg; *p && (size_t)n + 5 < sizeof line;
		     p++) {
			if (*p < 0x20 || *p == 0x7F)
				n += snprintf(line + n, sizeof line - n, "\\x%02x", *p);
			else
				line[n++] = (char)*p;
		}
		line[n] = '\0';
	}
	va_end(ap);
	/* One write per line so that lines from several processes do not mix. */
	n = strlen(line);
	if ((size_t)n >= sizeof line - 1)
		n = sizeof line - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nowhere left to report it */
	}
}

const char *
cr_log_account(const char *typed, int known, char *out, size_t outlen)
{
	size_t len = strlen(typed), keep = known && len <= 24 ? len : 0;

	/* Two characters of an unknown name (UTF-8 continuation bytes are 10xxxxxx). */
	for (int chars = 0; keep < len && !(known && len <= 24) && chars < 2; chars++)
		for (keep++; keep < len && ((unsigned char)typed[keep] & 0xC0) == 0x80; keep++)
			;
	if (keep == len)
		snprintf(out, outlen, "%s", typed);
	else
		snprintf(out, outlen, "%.*s…(%zu bytes)", (int)keep, typed, len);
	return out;
}
