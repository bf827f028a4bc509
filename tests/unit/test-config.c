/* Configuration: defaults, good files, and every kind of bad line naming file, line and key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/attachments.h"
#include "config.h"
#include "dockinds.h"
#include "tap.h"

static char path[] = "/tmp/cr-test-config-XXXXXX";

static int
load(const char *text, struct cr_config *cfg, struct cr_err *err)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	return cr_config_load(cfg, path, err);
}

static void
bad(const char *text, int line, const char *needle, const char *name)
{
	struct cr_config cfg;
	struct cr_err err;
	char want[64];
	int rc = load(text, &cfg, &err);

	snprintf(want, sizeof want, ":%d:", line);
	ok(rc == CR_EINVAL && strstr(err.msg, want) && strstr(err.msg, needle), "%s: %s", name, err.msg);
	ok(cfg.web_max_body == 1024 * 1024, "%s: defaults kept after the error", name);
	cr_config_release(&cfg);
}

int
main(void)
{
	struct cr_config cfg;
	struct cr_err err;
	int fd = mkstemp(path);

	close(fd);
	cr_config_defaults(&cfg);
	ok(cfg.price_base_per_year == 20000 && cfg.price_addon_per_year == 10000, "price defaults");
	ok(cfg.jobs_max_attempts == 5 && cfg.order_max_years == 5, "job and order defaults");
	ok(cfg.attachments_max_bytes == 10 * 1024 * 1024, "attachments.max_bytes is 10 MiB");
	is_str(cfg.ca_validity_from, "issue", "ca.validity_from default");
	ok(cr_config_web_workers(&cfg) >= 2, "workers 0 means two per core");
	/* 经办人身份证: offered to companies, required only where named, never by "all". */
	ok(!cr_attachment_required(&cfg, cr_doc_kind_find("agent_id_card"), "three_in_one", 1) &&
	       cr_attachment_required(&cfg, cr_doc_kind_find("company_seal"), "three_in_one", 1),
	   "\"all\" leaves the optional 经办人身份证 out");
	cr_config_release(&cfg);
	ok(load("[attachments]\nrequired_enterprise = business_license,agent_id_card\n", &cfg, &err) == 0 &&
	       cr_attachment_required(&cfg, cr_doc_kind_find("agent_id_card"), "three_in_one", 1) &&
	       !cr_attachment_required(&cfg, cr_doc_kind_find("agent_id_card"), "three_in_one", 0),
	   "named, it is required of companies (never of a person)");
	cr_config_release(&cfg);

	ok(load("; comment\n[web]\nworkers = 3\nmax_body = 64K\nsocket_mode = 0600\n[db]\nname = x\n", &cfg,
	        &err) == 0,
	   "a good file loads");
	ok(cfg.web_workers == 3 && cfg.web_max_body == 65536 && cfg.web_socket_mode == 0600,
	   "integers, sizes and octal modes parse");
	is_str(cfg.db_name, "x", "strings are kept");
	ok(cr_config_web_workers(&cfg) == 3, "explicit worker count");
	cr_config_release(&cfg);

	bad("[ukey]\nkey_alg = dsa\n", 2, "key_alg", "a key algorithm the helper cannot make");
	bad("[web]\nworkerz = 3\n", 2, "[web] workerz: unknown option", "unknown key");
	bad("[wab]\nworkers = 3\n", 2, "unknown option", "unknown section");
	bad("[web]\n\nworkers = lots\n", 3, "not an integer", "not a number");
	bad("[web]\nworkers = 100000\n", 2, "out of bounds", "out of bounds");
	bad("[web]\nworkers = 3x\n", 2, "trailing", "trailing garbage");
	bad("[web]\nmax_body = 10Q\n", 2, "not a size", "bad size suffix");
	bad("[web]\nmax_body = +1M\n", 2, "not a size", "a size with a sign");
	bad("[web]\nmax_body = -1M\n", 2, "not a size", "a negative size");
	bad("[log]\nlevel = loud\n", 2, "not one of", "enum value");
	bad("[ca]\nvalidity_from = tomorrow\n", 2, "issue|old_expiry", "validity_from");
	bad("[web\nworkers = 3\n", 1, "", "broken section header");
	bad("[web]\njust words\n", 2, "", "line without '='");
	bad("[ukey]\n\nhelper_url = http://evil.example:80\n", 3,
	    "[ukey] helper_url: 'http://evil.example:80' is not a loopback origin",
	    "a key helper that is not on the customer's own machine is refused at its line");
	bad("[attachments]\nrequired_individual = id_card_front, passport\n", 2,
	    "[attachments] required_individual: unknown attachment kind 'passport'",
	    "an unknown document kind, at its line");
	bad("[agency]\ndriver_url = javascript:alert(1)\n", 2, "is not a web address",
	    "a driver address that is no web address");

	ok(load("[ukey]\nhelper_url = http://evil.example:80\n", &cfg, &err) == CR_EINVAL &&
	       strstr(err.msg, "not a loopback origin"),
	   "a key helper that is not on the customer's own machine is refused");
	cr_config_release(&cfg);
	ok(load("[ukey]\nhelper_url = http://127.0.0.1:18443\n", &cfg, &err) == 0 &&
	       strcmp(cfg.ukey_helper_url, "http://127.0.0.1:18443") == 0,
	   "a loopback helper is taken");
	cr_config_release(&cfg);
	/* [review]: unset by default (the administrator's rules stand), each key pinned when written. */
	ok(load("[db]\nname = x\n", &cfg, &err) == 0 && cfg.review_auto_approve[0] == '\0' &&
	       cfg.review_reuse_days == -1 && cfg.review_fresh_kinds[0] == '\0' &&
	       cfg.review_max_years == -1 && cfg.review_max_centres == -1 && cfg.review_max_amount_fen == -1,
	   "[review] unset by default");
	cr_config_release(&cfg);
	ok(load("[review]\nauto_approve = true\nreuse_days = 180\nfresh_kinds = responsibility_letter, "
	        "application_form\nmax_years = 2\nmax_centres = 0\nmax_amount_fen = 100000\n",
	        &cfg, &err) == 0 &&
	       strcmp(cfg.review_auto_approve, "true") == 0 && cfg.review_reuse_days == 180 &&
	       strcmp(cfg.review_fresh_kinds, "responsibility_letter, application_form") == 0 &&
	       cfg.review_max_years == 2 && cfg.review_max_centres == 0 &&
	       cfg.review_max_amount_fen == 100000,
	   "[review] every key taken");
	cr_config_release(&cfg);
	ok(load("[review]\nfresh_kinds = none\n", &cfg, &err) == 0 &&
	       strcmp(cfg.review_fresh_kinds, "none") == 0,
	   "[review] fresh_kinds = none: no document signed anew");
	cr_config_release(&cfg);
	bad("[review]\nauto_approve = yes\n", 2, "is not one of", "auto_approve other than true or false");
	bad("[review]\nfresh_kinds = all\n", 2, "name them", "fresh_kinds = all");
	bad("[review]\nfresh_kinds = application_form,passport\n", 2, "unknown attachment kind 'passport'",
	    "fresh_kinds with an unknown kind");
	bad("[review]\nreuse_days = 4000\n", 2, "out of bounds", "reuse_days over ten years");
	bad("[review]\nmax_years = 11\n", 2, "out of bounds", "max_years over ten");
	ok(cr_config_load(&cfg, "/nonexistent/certrenew.conf", &err) == CR_EIO &&
	       strstr(err.msg, "/nonexistent/certrenew.conf"),
	   "a missing file names itself");
	cr_config_release(&cfg);
	unlink(path);
	return tap_done();
}
