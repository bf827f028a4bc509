#include <stdio.h>
#include <string.h>
#include <time.h>

#include "money.h"
#include "search.h"
#include "timefmt.h"
#include "utf8.h"

static int
is_space_at(const char *s, size_t *len)
{
	if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
		*len = 1;
		return 1;
	}
	if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) {
		*len = 3;
		return 1;
	}
	return 0;
}

/* dst = pre + s with LIKE's %, _ and \ escaped + post. */
static void
like_of(char *dst, size_t size, const char *pre, const char *s, const char *post)
{
	size_t n = 0;

	for (const char *p = pre; *p && n + 1 < size; p++)
		dst[n++] = *p;
	for (; *s && n + 2 < size; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			dst[n++] = '\\';
		dst[n++] = *s;
	}
	for (const char *p = post; *p && n + 1 < size; p++)
		dst[n++] = *p;
	dst[n] = '\0';
}

/* The key as yuan: digits with thousands commas, at most two decimals, an optional ¥ or 元. */
static long long
amount_of(const char *key)
{
	char digits[40];
	size_t n = 0;
	const char *p = key, *end = key + strlen(key);
	long long fen;
	int sub = 0;

	if (strncmp(p, "\xef\xbf\xa5", 3) == 0 || strncmp(p, "\xc2\xa5", 2) == 0)
		p += (unsigned char)p[0] == 0xef ? 3 : 2; /* ￥ or ¥ */
	if (end - p >= 3 && strcmp(end - 3, "\xe5\x85\x83") == 0)
		end -= 3; /* 元 */
	for (; p < end; p++) {
		if (*p == ',' && n > 0)
			continue;
		if (!((*p >= '0' && *p <= '9') || *p == '.') || n + 1 >= sizeof digits)
			return -1;
		digits[n++] = *p;
	}
	digits[n] = '\0';
	if (n == 0 || digits[0] == '.' || cr_money_parse(digits, &fen, &sub) != 0 || sub || fen <= 0)
		return -1;
	return fen;
}

int
cr_search_parse(const char *q, const char *field, struct cr_search *s, struct cr_err *err)
{
	const char *p = q ? q : "", *end;
	size_t k = 0, sp;

	memset(s, 0, sizeof *s);
	s->amount_fen = -1;
	while (*p && is_space_at(p, &sp))
		p += sp;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if (cr_utf8_chars(p, (size_t)(end - p)) < 0 || memchr(p, '\0', (size_t)(end - p)) != NULL)
		return cr_err_user(err, CR_EINVAL, field, "搜索内容不是有效的文字");
	if (cr_utf8_chars(p, (size_t)(end - p)) > CR_SEARCH_CHARS)
		return cr_err_user(err, CR_EINVAL, field, "搜索内容最多 %d 个字", CR_SEARCH_CHARS);
	memcpy(s->text, p, (size_t)(end - p));
	s->text[end - p] = '\0';
	if (!cr_utf8_printable(s->text))
		return cr_err_user(err, CR_EINVAL, field, "搜索内容含有不可见字符");
	for (p = s->text; *p;) {
		if (is_space_at(p, &sp)) {
			p += sp;
			continue;
		}
		s->key[k++] = *p++;
	}
	s->key[k] = '\0';
	s->chars = cr_utf8_chars(s->key, k);
	like_of(s->like, sizeof s->like, "%", s->key, "%");
	like_of(s->prefix, sizeof s->prefix, "", s->key, "%");
	if (k >= CR_SEARCH_CODE_MIN && k <= 18 &&
	    strspn(s->key, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == k) {
		for (size_t i = 0; i <= k; i++)
			s->code[i] =
			    (s->key[i] >= 'a' && s->key[i] <= 'z') ? (char)(s->key[i] - 32) : s->key[i];
		snprintf(s->code_like, sizeof s->code_like, "%s%%", s->code);
	}
	if (k == 8 && strspn(s->key, "0123456789") == 8)
		memcpy(s->order_no, s->key, 9);
	s->amount_fen = amount_of(s->key);
	return 0;
}

size_t
cr_ids_desc(long long *ids, size_t n)
{
	size_t k = 0;

	/* insertion sort: at most a few hundred ids */
	for (size_t i = 1; i < n; i++) {
		long long v = ids[i];
		size_t j = i;

		for (; j > 0 && ids[j - 1] < v; j--)
			ids[j] = ids[j - 1];
		ids[j] = v;
	}
	for (size_t i = 0; i < n; i++)
		if (k == 0 || ids[k - 1] != ids[i])
			ids[k++] = ids[i];
	return k;
}

const char *
cr_ids_text(const long long *ids, size_t n, char *out, size_t outlen)
{
	size_t used = 0;

	if (outlen < 3)
		return NULL;
	out[used++] = '[';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(out + used, outlen - used, "%s%lld", i ? "," : "", ids[i]);

		if (w < 0 || (size_t)w >= outlen - used)
			return NULL;
		used += (size_t)w;
	}
	if (used + 2 > outlen)
		return NULL;
	out[used++] = ']';
	out[used] = '\0';
	return out;
}

/* Appends the first column of res to ids (up to max). */
static void
take_ids(struct cr_res *res, long long *ids, size_t *n, size_t max)
{
	for (size_t i = 0; i < res->nrows && *n < max; i++)
		ids[(*n)++] = cr_res_i64(res, i, 0);
	cr_res_release(res);
}

/* The gram of s->key's pieces that the fewest accounts have (counted up to a bound), into gram. */
static int
rarest_gram(struct cr_db *db, const struct cr_search *s, char gram[9], struct cr_err *err)
{
	long long best = -1;
	const char *p = s->key;
	int tried = 0;

	gram[0] = '\0';
	while (*p && tried < 8) {
		size_t a = cr_utf8_seq(p, strlen(p)), b;
		char g[9];
		struct cr_res res;
		int rc;

		if (a == 0 || p[a] == '\0')
			break;
		b = cr_utf8_seq(p + a, strlen(p + a));
		if (b == 0 || a + b >= sizeof g)
			break;
		memcpy(g, p, a + b);
		g[a + b] = '\0';
		p += a;
		tried++;
		if ((rc = cr_db_exec(
		         db, &res, err,
		         "SELECT COUNT(*) FROM (SELECT 1 FROM account_grams WHERE gram = ? LIMIT 1000) x",
		         "s", g)) != 0)
			return rc;
		if (best < 0 || cr_res_i64(&res, 0, 0) < best) {
			best = cr_res_i64(&res, 0, 0);
			memcpy(gram, g, sizeof g);
		}
		cr_res_release(&res);
		if (best == 0)
			break;
	}
	return 0;
}

int
cr_search_accounts(struct cr_db *db, const struct cr_search *s, long long after, size_t max, long long *ids,
                   size_t *n, struct cr_err *err)
{
	static const char *const by_code[] = {
	    "SELECT account_id FROM applications WHERE license_no LIKE ? AND (? = 0 OR account_id < ?)"
	    " ORDER BY account_id DESC LIMIT ?",
	    "SELECT account_id FROM applications WHERE id_card_no LIKE ? AND (? = 0 OR account_id < ?)"
	    " ORDER BY account_id DESC LIMIT ?",
	    "SELECT account_id FROM applications WHERE phone LIKE ? AND (? = 0 OR account_id < ?)"
	    " ORDER BY account_id DESC LIMIT ?",
	};
	long long all[4 * CR_SEARCH_MAX_IDS];
	size_t k = 0;
	struct cr_res res;
	char gram[9];
	int rc;

	*n = 0;
	if (s->chars < 2)
		return cr_err_user(err, CR_EINVAL, "q", "请至少输入两个字");
	if (max > CR_SEARCH_MAX_IDS)
		max = CR_SEARCH_MAX_IDS;
	if ((rc = rarest_gram(db, s, gram, err)) != 0)
		return rc;
	/* The rarest piece's accounts, newest first, whose names hold the whole text. */
	if (gram[0] != '\0') {
		if ((rc = cr_db_exec(
		         db, &res, err,
		         "SELECT g.account_id FROM account_grams g JOIN users u ON u.id = g.account_id"
		         " WHERE g.gram = ? AND (? = 0 OR g.account_id < ?)"
		         " AND (" CR_NAME_KEY("u.login") " LIKE ? OR " CR_NAME_KEY(
		             "u.display_name") " LIKE ?"
		                               "  OR EXISTS (SELECT 1 FROM applications a WHERE a.account_id "
		                               "= u.id"
		                               "   AND (" CR_NAME_KEY("a.company_name") " LIKE ? "
		                                                                        "OR " CR_NAME_KEY(
		                                                                            "a.applicant_"
		                                                                            "name") " LIKE "
		                                                                                    "?)))"
		                                                                                    " ORDER "
		                                                                                    "BY "
		                                                                                    "g."
		                                                                                    "account_"
		                                                                                    "id DESC "
		                                                                                    "LIMIT ?",
		         "siissssi", gram, after, after, s->like, s->like, s->like, s->like,
		         (long long)max)) != 0)
			return rc;
		take_ids(&res, all, &k, sizeof all / sizeof *all);
	}
	if (s->code[0]) {
		for (size_t i = 0; i < sizeof by_code / sizeof *by_code; i++) {
			if ((rc = cr_db_exec(db, &res, err, by_code[i], "siii", s->code_like, after, after,
			                     (long long)max)) != 0)
				return rc;
			take_ids(&res, all, &k, sizeof all / sizeof *all);
		}
	}
	k = cr_ids_desc(all, k);
	*n = k < max ? k : max;
	memcpy(ids, all, *n * sizeof *ids);
	return 0;
}

int
cr_search_index_names(struct cr_db *db, long long account_id, const char *a, const char *b,
                      struct cr_err *err)
{
	/* The same pieces as schema 024 made of every account's names. */
	return cr_db_exec(db, NULL, err,
	                  "INSERT IGNORE INTO account_grams (gram, account_id)"
	                  " SELECT DISTINCT SUBSTRING(n.k, s.seq, 2), ? FROM"
	                  " (SELECT " CR_NAME_KEY("?") " k UNION SELECT " CR_NAME_KEY(
	                      "?") ") n"
	                           " JOIN seq_1_to_200 s ON s.seq < CHAR_LENGTH(n.k)",
	                  "iss", account_id, a ? a : "", b ? b : "");
}

static int
day_of(const char *s, struct tm *tm)
{
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' ||
	    s[7] != '-' || !cr_date_valid(y, m, d))
		return -1;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900, tm->tm_mon = m - 1, tm->tm_mday = d, tm->tm_hour = 12;
	return 0;
}

int
cr_search_days(const char *from, const char *to, char from_out[11], char to_out[11], struct cr_err *err)
{
	struct tm f, t;
	int has_from = from && *from, has_to = to && *to;
	time_t next;

	from_out[0] = to_out[0] = '\0';
	if (has_from && day_of(from, &f) != 0)
		return cr_err_user(err, CR_EINVAL, "from", "日期请按 YYYY-MM-DD 填写，如 2026-12-01");
	if (has_to && day_of(to, &t) != 0)
		return cr_err_user(err, CR_EINVAL, "to", "日期请按 YYYY-MM-DD 填写，如 2026-12-01");
	if (has_from && has_to && strcmp(from, to) > 0)
		return cr_err_user(err, CR_EINVAL, "to", "截止日期不能早于起始日期");
	if (has_from)
		memcpy(from_out, from, 11);
	if (has_to) {
		next = timegm(&t) + 86400;
		gmtime_r(&next, &t);
		strftime(to_out, 11, "%Y-%m-%d", &t);
	}
	return 0;
}
