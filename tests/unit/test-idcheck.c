/* Validators of step 1: USCC (GB 32100), resident ID (GB 11643), phones, e-mail, tax numbers, text. */
#include <string.h>

#include "apply/idcheck.h"
#include "tap.h"
#include "text.h"

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

int
main(void)
{
	struct cr_err err;
	char out[64], v[32];
	int caught, tried;

	/* Real-shaped codes: enterprise (91), an institution (12), a social organisation (51). */
	ok(cr_check_uscc("91350100M000100Y43", "license_no", out, sizeof out, &err) == 0,
	   "valid enterprise USCC");
	ok(cr_check_uscc("91110000600037341L", "license_no", NULL, 0, &err) == 0,
	   "valid USCC ending in a letter");
	ok(cr_check_uscc("91350100m000100y43", "license_no", out, sizeof out, &err) == 0 &&
	       strcmp(out, "91350100M000100Y43") == 0,
	   "lower case is accepted and upper-cased");
	ok(cr_check_uscc("9135 0100 M000 100Y43", "license_no", out, sizeof out, &err) == 0,
	   "spaces are ignored");
	ok(cr_check_uscc("91350100M000100Y44", "license_no", NULL, 0, &err) == CR_EINVAL &&
	       strcmp(err.field, "license_no") == 0 && strstr(err.msg, "校验位"),
	   "wrong check character: %s", err.msg);
	ok(cr_check_uscc("91350100M000100Y4", "license_no", NULL, 0, &err) == CR_EINVAL,
	   "17 characters refused");
	ok(cr_check_uscc("91350100I000100Y43", "license_no", NULL, 0, &err) == CR_EINVAL &&
	       strstr(err.msg, "第 9 位"),
	   "the letter I is not in the alphabet: %s", err.msg);
	ok(cr_check_uscc("", "license_no", NULL, 0, &err) == CR_EINVAL, "empty refused");
	/* Every single-character substitution is caught (31 is prime). */
	caught = tried = 0;
	for (int i = 0; i < 18; i++)
		for (const char *c = uscc_chars; *c; c++) {
			strcpy(v, "91350100M000100Y43");
			if (v[i] == *c)
				continue;
			v[i] = *c;
			tried++;
			caught += cr_check_uscc(v, "f", NULL, 0, NULL) != 0;
		}
	ok(caught == tried, "all %d single substitutions in a USCC are caught (%d)", tried, caught);

	ok(cr_check_id_card("11010519491231002X", "id_card_no", out, sizeof out, &err) == 0,
	   "valid ID ending in X");
	ok(cr_check_id_card("11010519491231002x", "id_card_no", out, sizeof out, &err) == 0 && out[17] == 'X',
	   "lower-case x is accepted as X");
	ok(cr_check_id_card("440524188001010014", "id_card_no", NULL, 0, &err) == CR_EINVAL,
	   "born before 1900 refused");
	ok(cr_check_id_card("110105194912310021", "id_card_no", NULL, 0, &err) == CR_EINVAL &&
	       strstr(err.msg, "校验位"),
	   "wrong check digit: %s", err.msg);
	ok(cr_check_id_card("110105194902300028", "id_card_no", NULL, 0, &err) == CR_EINVAL &&
	       strstr(err.msg, "出生日期"),
	   "30 February refused: %s", err.msg);
	ok(cr_check_id_card("110105200002290021", "id_card_no", NULL, 0, &err) == 0,
	   "29 February 2000 (a leap year) is a date");
	ok(cr_check_id_card("110105199902290021", "id_card_no", NULL, 0, &err) == CR_EINVAL &&
	       strstr(err.msg, "出生日期"),
	   "29 February 1999 is not");
	ok(cr_check_id_card("110105209912310015", "id_card_no", NULL, 0, &err) == CR_EINVAL &&
	       strstr(err.msg, "晚于今天"),
	   "a birth date in the future refused: %s", err.msg);
	ok(cr_check_id_card("11010519491231002", "id_card_no", NULL, 0, &err) == CR_EINVAL,
	   "17 digits refused");
	ok(cr_check_id_card("1101051949123100AX", "id_card_no", NULL, 0, &err) == CR_EINVAL,
	   "a letter inside refused");
	ok(cr_check_id_card("01010519491231002X", "id_card_no", NULL, 0, &err) == CR_EINVAL,
	   "region code 0 refused");
	caught = tried = 0;
	for (int i = 0; i < 17; i++)
		for (char c = '0'; c <= '9'; c++) {
			strcpy(v, "11010519491231002X");
			if (v[i] == c)
				continue;
			v[i] = c;
			tried++;
			caught += cr_check_id_card(v, "f", NULL, 0, NULL) != 0;
		}
	ok(caught == tried, "all %d single-digit errors in an ID number are caught (%d)", tried, caught);

	ok(cr_check_phone("13912345678", "phone", out, sizeof out, &err) == 0, "mobile");
	ok(cr_check_phone("+86 139 1234 5678", "phone", out, sizeof out, &err) == 0 &&
	       strcmp(out, "13912345678") == 0,
	   "mobile with +86 and spaces, normalised");
	ok(cr_check_phone("0931-2909277", "phone", out, sizeof out, &err) == 0, "landline with area code");
	ok(cr_check_phone("09312909277", "phone", out, sizeof out, &err) == 0, "landline without a dash");
	ok(cr_check_phone("010-12345678", "phone", NULL, 0, &err) == CR_EINVAL,
	   "local numbers never start with 1");
	ok(cr_check_phone("010-62345678", "phone", out, sizeof out, &err) == 0, "Beijing landline");
	ok(cr_check_phone("0931-2909277-8012", "phone", out, sizeof out, &err) == 0,
	   "landline with extension");
	ok(cr_check_phone("4001020005", "phone", NULL, 0, &err) == CR_EINVAL,
	   "a 400 service number is no contact phone");
	ok(cr_check_phone("+86 931 2909277", "phone", out, sizeof out, &err) == 0 &&
	       strcmp(out, "09312909277") == 0,
	   "an international landline gets its trunk 0 back: %s", out);
	ok(cr_check_phone("+8600869 4 13 5678", "phone", NULL, 0, &err) == CR_EINVAL,
	   "an area code cannot start 00 (found by the fuzzer)");
	ok(cr_check_phone("0093-12909277", "phone", NULL, 0, &err) == CR_EINVAL, "nor with a dash");
	ok(cr_check_phone("12912345678", "phone", NULL, 0, &err) == CR_EINVAL, "mobile starting 12 refused");
	ok(cr_check_phone("1391234567", "phone", NULL, 0, &err) == CR_EINVAL, "10-digit mobile refused");
	ok(cr_check_phone("139123456789", "phone", NULL, 0, &err) == CR_EINVAL, "12-digit mobile refused");
	ok(cr_check_phone("0931-123", "phone", NULL, 0, &err) == CR_EINVAL && strcmp(err.field, "phone") == 0,
	   "short landline refused: %s", err.msg);
	ok(cr_check_phone("abc", "phone", NULL, 0, &err) == CR_EINVAL, "letters refused");

	ok(cr_check_email("lisi@example.com", "email", &err) == 0, "e-mail");
	ok(cr_check_email("li.si+bid@mail.gs.cn", "email", &err) == 0, "e-mail with dots, plus, subdomain");
	ok(cr_check_email("lisi@example", "email", &err) == CR_EINVAL, "no top-level domain refused");
	ok(cr_check_email("lisi example.com", "email", &err) == CR_EINVAL, "no @ refused");
	ok(cr_check_email("li si@example.com", "email", &err) == CR_EINVAL, "space refused");
	ok(cr_check_email("lisi@@example.com", "email", &err) == CR_EINVAL, "two @ refused");
	ok(cr_check_email("lisi@exa..mple.com", "email", &err) == CR_EINVAL, "double dot refused");
	ok(cr_check_email("@example.com", "email", &err) == CR_EINVAL, "empty local part refused");

	ok(cr_check_tax_no("91350100M000100Y43", "invoice.tax_no", out, sizeof out, &err) == 0,
	   "USCC as tax number");
	ok(cr_check_tax_no("91350100M000100Y44", "invoice.tax_no", NULL, 0, &err) == CR_EINVAL,
	   "18 characters must be a USCC");
	ok(cr_check_tax_no("620102198001011", "invoice.tax_no", NULL, 0, &err) == 0,
	   "old 15-character number");
	ok(cr_check_tax_no("91350100M000100Y4X", "invoice.tax_no", NULL, 0, &err) == CR_EINVAL &&
	       strstr(err.msg, "统一社会信用代码"),
	   "an 18-character tax number is checked as a USCC: %s", err.msg);
	ok(cr_check_tax_no("1234", "invoice.tax_no", NULL, 0, &err) == CR_EINVAL, "4 characters refused");

	ok(cr_check_text("招标部", "department", "部门", 50, 1, &err) == 0, "text");
	ok(cr_check_text("", "department", "部门", 50, 1, &err) == CR_EINVAL && strstr(err.msg, "请填写部门"),
	   "required text");
	ok(cr_check_text("", "department", "部门", 50, 0, &err) == 0, "optional text may be empty");
	ok(cr_check_text("a\nb", "department", "部门", 50, 1, &err) == CR_EINVAL, "newline refused");
	ok(cr_check_text(" 招标部", "department", "部门", 50, 1, &err) == CR_EINVAL, "leading space refused");
	return tap_done();
}
