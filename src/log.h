/*
 * Logging to standard error, one line per event:
 *   2026-11-24T18:00:00Z certrenewd[123] warn: db: insert credit: ...
 * Never pass a secret (password, token, key) to these functions.
 */
#ifndef CR_LOG_H
#define CR_LOG_H

enum cr_log_level { CR_LOG_DEBUG, CR_LOG_INFO, CR_LOG_WARN, CR_LOG_ERROR };

/* Sets the program name shown in each line and the lowest level written. */
void cr_log_init(const char *prog, enum cr_log_level level);
void cr_log_set_level(enum cr_log_level level);
/* Parses "debug", "info", "warn", "error"; returns -1 if unknown. */
int cr_log_level_parse(const char *s);
void cr_log(enum cr_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * One kind of event that outsiders can cause at will (a refused public request): logged at most once per
 * window, the line saying how many more there were since the last one.  Zero-initialised; one per process.
 */
struct cr_log_burst {
	long long since; /* when the last line was written, seconds since the epoch; 0: never */
	long left_out;   /* events since that line that were not written */
};
void cr_log_burst(struct cr_log_burst *b, int window, enum cr_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define cr_debug(...) cr_log(CR_LOG_DEBUG, __VA_ARGS__)
#define cr_info(...) cr_log(CR_LOG_INFO, __VA_ARGS__)
#define cr_warn(...) cr_log(CR_LOG_WARN, __VA_ARGS__)
/*
 * An account name as typed, for a log line (out at least 64 bytes): an
 * account that exists (known) as it is, up to 24 bytes; any other name only
 * by its first two characters and its length, so that a password typed
 * into the account field never reaches the log in full.
 */
const char *cr_log_account(const char *typed, int known, char *out, size_t outlen);
#define cr_error(...) cr_log(CR_LOG_ERROR, __VA_ARGS__)

#endif
