/* The search box's text (issue 23): what it names (a code, an order number, an amount), LIKE's own characters
 * escaped, spaces taken out, and what is refused; the days of a range; ids sorted for a page. */
#include <string.h>

#include "search.h"
#include "tap.h"

int
main(void)
{
	struct cr_search s;
	struct cr_err err;
	char from[11], to[11], text[40];
	long long ids[] = {5, 9, 5, 1, 9, 7};

	ok(cr_search_parse(NULL, "q", &s, &err) == 0 && s.key[0] == '\0' && s.amount_fen == -1,
	   "no text: no search");
	ok(cr_search_parse("  \t ", "q", &s, &err) == 0 && s.key[0] == '\0', "white space alone: no search");
	ok(cr_search_parse(" 云岭 检测\xe3\x80\x80公司 ", "q", &s, &err) == 0 &&
	       strcmp(s.text, "云岭 检测\xe3\x80\x80公司") == 0 && strcmp(s.key, "云岭检测公司") == 0 &&
	       s.chars == 6,
	   "spaces around are trimmed; inside (ASCII and ideographic) taken out of the key: %s", s.key);
	ok(strcmp(s.like, "%云岭检测公司%") == 0 && strcmp(s.prefix, "云岭检测公司%") == 0 &&
	       s.code[0] == '\0' && s.order_no[0] == '\0',
	   "a name: contains and starts-with patterns, no code");
	ok(cr_search_parse("50%_a\\b", "q", &s, &err) == 0 && strcmp(s.like, "%50\\%\\_a\\\\b%") == 0,
	   "LIKE's %%, _ and \\ are escaped: %s", s.like);
	ok(cr_search_parse("91620100nd146lda9d", "q", &s, &err) == 0 &&
	       strcmp(s.code, "91620100ND146LDA9D") == 0 && strcmp(s.code_like, "91620100ND146LDA9D%") == 0,
	   "a licence code, upper-cased: %s", s.code);
	ok(cr_search_parse("9162010", "q", &s, &err) == 0 && s.code[0] == '\0',
	   "seven characters are not a code");
	ok(cr_search_parse("00075305", "q", &s, &err) == 0 && strcmp(s.order_no, "00075305") == 0 &&
	       s.amount_fen == 7530500 && strcmp(s.code, "00075305") == 0,
	   "eight digits: an order number (also an amount and a code)");
	ok(cr_search_parse("1,234.50", "q", &s, &err) == 0 && s.amount_fen == 123450,
	   "1,234.50 is 123450 fen");
	ok(cr_search_parse("\xef\xbf\xa5"
	                   "1200",
	                   "q", &s, &err) == 0 &&
	       s.amount_fen == 120000,
	   "￥1200");
	ok(cr_search_parse("\xc2\xa5"
	                   "0.07",
	                   "q", &s, &err) == 0 &&
	       s.amount_fen == 7,
	   "¥0.07");
	ok(cr_search_parse("1200\xe5\x85\x83", "q", &s, &err) == 0 && s.amount_fen == 120000, "1200元");
	ok(cr_search_parse("12.345", "q", &s, &err) == 0 && s.amount_fen == -1,
	   "a third decimal is not an amount");
	ok(cr_search_parse(",12", "q", &s, &err) == 0 && s.amount_fen == -1,
	   "a leading comma is not an amount");
	ok(cr_search_parse("0", "q", &s, &err) == 0 && s.amount_fen == -1, "nothing is not an amount");
	memset(text, 'a', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	ok(cr_search_parse(text, "q", &s, &err) == 0, "39 characters pass");
	ok(cr_search_parse("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	                   "一二三四五六七八九十",
	                   "q", &s, &err) == 0,
	   "50 characters pass");
	ok(cr_search_parse("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	                   "一二三四五六七八九十一",
	                   "q", &s, &err) == CR_EINVAL &&
	       strcmp(err.field, "q") == 0,
	   "51 are refused, naming q: %s", err.user);
	ok(cr_search_parse("ab\x01", "q", &s, &err) == CR_EINVAL, "a control character is refused");
	ok(cr_search_parse("ab\xff", "q", &s, &err) == CR_EINVAL, "bytes that are not UTF-8 are refused");

	ok(cr_search_days("", "", from, to, &err) == 0 && from[0] == '\0' && to[0] == '\0', "no days");
	ok(cr_search_days("2026-12-01", "2026-12-31", from, to, &err) == 0 &&
	       strcmp(from, "2026-12-01") == 0 && strcmp(to, "2027-01-01") == 0,
	   "to is the day after, for before: %s", to);
	ok(cr_search_days("", "2024-02-28", from, to, &err) == 0 && strcmp(to, "2024-02-29") == 0,
	   "a leap day");
	ok(cr_search_days("2026-02-30", "", from, to, &err) == CR_EINVAL && strcmp(err.field, "from") == 0,
	   "no 30 February");
	ok(cr_search_days("", "2026-1-5", from, to, &err) == CR_EINVAL && strcmp(err.field, "to") == 0,
	   "YYYY-MM-DD only");
	ok(cr_search_days("2026-12-02", "2026-12-01", from, to, &err) == CR_EINVAL &&
	       strcmp(err.field, "to") == 0,
	   "to before from is refused");

	ok(cr_ids_desc(ids, 6) == 4 && ids[0] == 9 && ids[1] == 7 && ids[2] == 5 && ids[3] == 1,
	   "ids newest first, each once");
	ok(strcmp(cr_ids_text(ids, 4, text, sizeof text), "[9,7,5,1]") == 0 && cr_ids_text(ids, 0, text, 3) &&
	       strcmp(text, "[]") == 0 && cr_ids_text(ids, 4, text, 8) == NULL,
	   "ids as a JSON array, NULL when it does not fit");
	return tap_done();
}
