#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "utf8.h"

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
		size_t len = strlen(msg), k;

		/* Text from outside may carry line breaks, other controls and bytes that are not
		 * UTF-8: escaped, so that nobody can forge a log line and grep still reads the log
		 * as text. */
		for (size_t i = 0; i < len && (size_t)n + 5 < sizeof line; i += k) {
			unsigned char c = (unsigned char)msg[i];

			k = cr_utf8_seq(msg + i, len - i);
			if (k == 0 || c < 0x20 || c == 0x7F ||
			    (c == 0xC2 && (unsigned char)msg[i + 1] < 0xA0)) {
				n += snprintf(line + n, sizeof line - n, "\\x%02x", c);
				k = 1;
			} else if ((size_t)n + k + 5 < sizeof line) {
				memcpy(line + n, msg + i, k);
				n += k;
			} else {
				break;
			}
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

void
cr_log_burst(struct cr_log_burst *b, int window, enum cr_log_level level, const char *fmt, ...)
{
	long long now = (long long)time(NULL);
	char msg[1024];
	va_list ap;

	if (b->since != 0 && now - b->since < window && now >= b->since) {
		b->left_out++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (b->left_out > 0)
		cr_log(level, "%s (and %ld more like it in the last %lld s)", msg, b->left_out,
		       now - b->since);
	else
		cr_log(level, "%s", msg);
	b->since = now;
	b->left_out = 0;
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
