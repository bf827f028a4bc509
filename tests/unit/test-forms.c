/* The printed forms' QR codes judged: what a scan's code says of an application, for codes of ours and for
 * anything else a code may hold; and the version, which follows what a form prints and nothing else. */
#include <stdio.h>
#include <string.h>

#include "apply/forms.h"
#include "tap.h"

static const char *
state(const struct cr_app *a, const char *kind, const char *qr)
{
	static char out[32];
	json_t *j = cr_form_scan_json(a, kind, qr);

	snprintf(out, sizeof out, "%s", json_string_value(json_object_get(j, "state")));
	json_decref(j);
	return out;
}

int
main(void)
{
	struct cr_app a, b;
	char v[9], w[9], qr[200];

	memset(&a, 0, sizeof a);
	a.id = 7618;
	snprintf(a.form.f[0], sizeof a.form.f[0], "我是测试企业");
	snprintf(a.form.f[2], sizeof a.form.f[2], "李四");
	snprintf(a.form.f[4], sizeof a.form.f[4], "13912345678");
	a.form.certificate_id = 5;
	a.form.years = 2;
	a.form.ncentres = 1;
	a.form.centres[0] = 3;
	cr_form_version(&a, v);
	ok(strlen(v) == 8 && strspn(v, "0123456789abcdef") == 8, "a version is 8 hex digits: %s", v);
	b = a;
	cr_form_version(&b, w);
	ok(strcmp(v, w) == 0, "the same application, the same version");
	snprintf(b.form.f[9], sizeof b.form.f[9], "special");
	snprintf(b.form.f[10], sizeof b.form.f[10], "另一个抬头");
	cr_form_version(&b, w);
	ok(strcmp(v, w) == 0, "what a form does not print (the invoice) leaves it");
	b = a;
	snprintf(b.form.f[4], sizeof b.form.f[4], "13800138000");
	cr_form_version(&b, w);
	ok(strcmp(v, w) != 0, "a new phone number changes it");
	b = a;
	b.form.years = 3;
	cr_form_version(&b, w);
	ok(strcmp(v, w) != 0, "so do the years");
	b = a;
	b.form.centres[b.form.ncentres++] = 4;
	cr_form_version(&b, w);
	ok(strcmp(v, w) != 0, "and an add-on centre");

	snprintf(qr, sizeof qr, "CERTRENEW-FORM:7618:application_form:%s", v);
	ok(strcmp(state(&a, "application_form", qr), "ok") == 0, "its own code: ok");
	ok(strcmp(state(&a, "power_of_attorney", qr), "other_form") == 0,
	   "in another form's place: other_form");
	snprintf(qr, sizeof qr, "CERTRENEW-FORM:7619:application_form:%s", v);
	ok(strcmp(state(&a, "application_form", qr), "other_application") == 0, "another application's");
	json_t *j = cr_form_scan_json(&a, "application_form", qr);
	ok(json_integer_value(json_object_get(j, "application_id")) == 7619, "naming it");
	json_decref(j);
	ok(strcmp(state(&a, "application_form", "CERTRENEW-FORM:7618:application_form:00000000"),
	          "outdated") == 0,
	   "an older printing: outdated");
	ok(strcmp(state(&a, "application_form", NULL), "none") == 0 &&
	       strcmp(state(&a, "application_form", ""), "none") == 0,
	   "no code: none");

	/* Anything else a QR code may hold is not ours, never a crash or a match. */
	static const char *bad[] = {
	    "https://example.com/",
	    "CERTRENEW-FORM:",
	    "CERTRENEW-FORM:7618",
	    "CERTRENEW-FORM:7618:application_form",
	    "CERTRENEW-FORM:7618:application_form:",
	    "CERTRENEW-FORM:7618:application_form:0123456",
	    "CERTRENEW-FORM:7618:application_form:012345678",
	    "CERTRENEW-FORM:7618:application_form:0123456G",
	    "CERTRENEW-FORM:7618:application_form:ABCDEF12",
	    "CERTRENEW-FORM:7618:application_form:abcdef12 ",
	    "CERTRENEW-FORM:-7618:application_form:abcdef12",
	    "CERTRENEW-FORM:1234567890123456789:application_form:abcdef12",
	    "CERTRENEW-FORM:7618:Application_Form:abcdef12",
	    "CERTRENEW-FORM:7618::abcdef12",
	    "CERTRENEW-FORM:7618:%n%n%n%s:abcdef12",
	    "CERTRENEW-FORM:7618:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:abcdef12",
	    "certrenew-form:7618:application_form:abcdef12",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(strcmp(state(&a, "application_form", bad[i]), "not_ours") == 0, "not ours: %s", bad[i]);

	/* Several codes on one scan (the three forms in one PDF, a code of someone else's): the one of this
	 * form. */
	char codes[1024], pick[CR_FORM_QR_MAX + 1];

	snprintf(codes, sizeof codes,
	         "https://example.com/\nCERTRENEW-FORM:7618:responsibility_letter:%s\n"
	         "CERTRENEW-FORM:7619:power_of_attorney:%s\nCERTRENEW-FORM:7618:power_of_attorney:%s\n"
	         "CERTRENEW-FORM:7618:application_form:%s\n",
	         v, v, v, v);
	cr_form_qr_pick(&a, "power_of_attorney", codes, pick, sizeof pick);
	ok(strncmp(pick, "CERTRENEW-FORM:7618:power_of_attorney:", 38) == 0,
	   "of four codes, this application's form of this kind: %s", pick);
	cr_form_qr_pick(&a, "application_form", codes, pick, sizeof pick);
	ok(strcmp(state(&a, "application_form", pick), "ok") == 0,
	   "the application form's slot gets its own: %s", pick);
	snprintf(codes, sizeof codes, "https://example.com/\nCERTRENEW-FORM:7619:power_of_attorney:%s\n", v);
	cr_form_qr_pick(&a, "power_of_attorney", codes, pick, sizeof pick);
	ok(strcmp(state(&a, "power_of_attorney", pick), "other_application") == 0,
	   "another application's form of this kind before a code not ours: %s", pick);
	cr_form_qr_pick(&a, "power_of_attorney", "https://example.com/\nhttps://example.org/", pick,
	                sizeof pick);
	ok(strcmp(pick, "https://example.com/") == 0, "none of ours: the first code");
	cr_form_qr_pick(&a, "power_of_attorney", "", pick, sizeof pick);
	ok(pick[0] == '\0', "no code: nothing");
	return tap_done();
}
