/* Amounts in Chinese capitals (大写金额) as banks write them, for a table of amounts. */
#include <string.h>

#include "money.h"
#include "tap.h"

static const struct {
	long long fen;
	const char *capitals;
} table[] = {
    {1, "壹分"},
    {5, "伍分"},
    {50, "伍角整"},
    {55, "伍角伍分"},
    {0, "零元整"},
    {100, "壹元整"},
    {105, "壹元零伍分"},
    {1000, "壹拾元整"},
    {10050, "壹佰元伍角整"},
    {120000, "壹仟贰佰元整"},
    {100400, "壹仟零肆元整"},
    {101000, "壹仟零壹拾元整"},
    {1000007, "壹万元零柒分"},
    {10000000, "壹拾万元整"},
    {10001000, "壹拾万零壹拾元整"},
    {100000000, "壹佰万元整"},
    {100000100, "壹佰万零壹元整"},
    {1000010000, "壹仟万零壹佰元整"},
    {1200100000, "壹仟贰佰万壹仟元整"},
    {10000000000, "壹亿元整"},
    {10000000100, "壹亿零壹元整"},
    {10000100000, "壹亿零壹仟元整"},
    {10100000000, "壹亿零壹佰万元整"},
    {123456789012, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分"},
    {100000000000000, "壹万亿元整"},
    {100000000000001, "壹万亿元零壹分"},
    {100010000000000, "壹万零壹亿元整"},
    {999999999999999999, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"},
};

int
main(void)
{
	char out[CR_MONEY_CAPITALS];
	int n = (int)(sizeof table / sizeof table[0]);

	for (int i = 0; i < n; i++) {
		int rc = cr_money_capitals(table[i].fen, out, sizeof out);

		ok(rc == 0 && strcmp(out, table[i].capitals) == 0, "%lld fen: %s (want %s)", table[i].fen,
		   rc == 0 ? out : "(failed)", table[i].capitals);
	}
	ok(cr_money_capitals(-1, out, sizeof out) == -1, "a negative amount is refused");
	ok(cr_money_capitals(1000000000000000000LL, out, sizeof out) == -1, "亿亿 and above are refused");
	ok(cr_money_capitals(120000, out, 10) == -1, "a buffer too small is refused, never cut short");
	return tap_done();
}
