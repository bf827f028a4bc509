/* Hex, SHA-256, constant-time compare, random bytes and UTF-8 checks. */
#include <string.h>

#include "account/account.h"
#include "bytes.h"
#include "tap.h"
#include "utf8.h"

int
main(void)
{
	unsigned char b[4] = {0x00, 0x7f, 0xab, 0xff}, back[4], r1[32], r2[32];
	char hex[9], sha[65], csrf1[65], csrf2[65];

	cr_hex(hex, b, 4);
	is_str(hex, "007fabff", "hex encode");
	ok(cr_unhex(back, 4, "007FABff") == 0 && memcmp(back, b, 4) == 0, "hex decode, either case");
	ok(cr_unhex(back, 4, "007fabf") != 0, "odd length refused");
	ok(cr_unhex(back, 4, "007fabfg") != 0, "non-hex digit refused");
	cr_sha256_hex(sha, "abc", 3);
	is_str(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256 of abc");
	ok(cr_ct_equal("abcd", "abcd", 4) && !cr_ct_equal("abcd", "abce", 4), "constant-time compare");
	ok(cr_random(r1, 32) == 0 && cr_random(r2, 32) == 0 && memcmp(r1, r2, 32) != 0,
	   "random bytes differ");

	cr_session_csrf("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", csrf1);
	cr_session_csrf("00112233445566778899aabbccddeeff00112233445566778899aabbccddeef0", csrf2);
	ok(strlen(csrf1) == 64 && strcmp(csrf1, csrf2) != 0, "CSRF tokens differ per session");
	ok(strstr(csrf1, "0011223344") == NULL, "CSRF token does not show the session token");

	ok(cr_utf8_chars("我是测试企业", strlen("我是测试企业")) == 6, "six Chinese characters");
	ok(cr_utf8_chars("abc", 3) == 3, "ASCII");
	ok(cr_utf8_chars("\xc0\xaf", 2) < 0, "overlong encoding refused");
	ok(cr_utf8_chars("\xed\xa0\x80", 3) < 0, "surrogate refused");
	ok(cr_utf8_chars("\xe6\x88", 2) < 0, "truncated sequence refused");
	ok(cr_utf8_chars("\xf4\x90\x80\x80", 4) < 0, "beyond U+10FFFF refused");
	{
		char s1[] = "未找到：\xff/x", s2[] = "中中\xe4\xb8", s3[] = "ok\xc0\xafz\xe4",
		     s4[] = "中\xe4\xb8x";

		cr_utf8_scrub(s1);
		cr_utf8_scrub(s2);
		cr_utf8_scrub(s3);
		cr_utf8_scrub(s4);
		ok(strcmp(s1, "未找到：?/x") == 0, "scrub: a byte that is not UTF-8 becomes '?'");
		ok(strcmp(s2, "中中") == 0, "scrub: a character cut at the end is dropped");
		ok(strcmp(s3, "ok??z") == 0,
		   "scrub: an overlong pair is two '?', a lone lead byte at the end dropped");
		ok(strcmp(s4, "中??x") == 0, "scrub: a cut character inside the text is marked");
		ok(cr_utf8_seq("中", 3) == 3 && cr_utf8_seq("中", 2) == 0 && cr_utf8_seq("a", 1) == 1 &&
		       cr_utf8_seq("\x80", 1) == 0,
		   "seq: the length of one character, 0 when cut or invalid");
	}
	ok(cr_utf8_printable("张三 abc") && !cr_utf8_printable("a\tb") && !cr_utf8_printable("a\xc2\x85"),
	   "control characters refused");
	return tap_done();
}
