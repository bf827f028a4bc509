/* GET /healthz and GET /metrics. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "bank/bank.h"
#include "handlers.h"
#include "jobs.h"
#include "pki/pki.h"
#include "router.h"

void
cr_h_healthz(struct cr_req *r)
{
	struct cr_err err;
	struct cr_db *db = cr_req_db(r);

	if (db == NULL)
		return;
	if (cr_db_ping(db, &err) != 0) {
		cr_reply_cr_err(r, &err);
		return;
	}
	cr_reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* One gauge by status: {status: count} as Prometheus text. */
static void
write_gauge(FILE *f, const char *name, const char *help, json_t *counts)
{
	const char *status;
	json_t *n;

	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	json_object_foreach(counts, status, n)
	{
		fprintf(f, "%s{status=\"%s\"} %lld\n", name, status, (long long)json_integer_value(n));
	}
}

/* What the database says: jobs by status, statement imports and the credits finance has open (left out when
 * it is down). */
static void
write_database(struct cr_req *r, FILE *f)
{
	struct cr_db *db = cr_web_db(r->web, NULL);
	json_t *m;

	if (db == NULL)
		return;
	if (cr_jobs_count(db, &m, NULL) == 0) {
		write_gauge(f, "certrenew_jobs", "Jobs in the queue by status.", m);
		json_decref(m);
	}
	if (cr_statements_metrics(db, &m, NULL) == 0) {
		write_gauge(f, "certrenew_statement_imports", "Bank statement imports by status.",
		            json_object_get(m, "imports"));
		write_gauge(f, "certrenew_open_credits", "Bank credits waiting for finance, by status.",
		            json_object_get(m, "open_credits"));
		fprintf(
		    f,
		    "# HELP certrenew_statement_last_done_timestamp_seconds When the last import finished "
		    "(0: never).\n# TYPE certrenew_statement_last_done_timestamp_seconds gauge\n"
		    "certrenew_statement_last_done_timestamp_seconds %lld\n",
		    (long long)json_integer_value(json_object_get(m, "last_done")));
		json_decref(m);
	}
	if (cr_jobs_health(db, &m, NULL) == 0) {
		const char *kind;
		json_t *n;

		fprintf(
		    f,
		    "# HELP certrenew_jobs_oldest_due_seconds How long the oldest due job has waited for a "
		    "daemon.\n# TYPE certrenew_jobs_oldest_due_seconds "
		    "gauge\ncertrenew_jobs_oldest_due_seconds "
		    "%lld\n",
		    (long long)json_integer_value(json_object_get(m, "oldest_due_seconds")));
		fprintf(f, "# HELP certrenew_jobs_retrying Jobs that failed and wait to try again, by kind.\n"
		           "# TYPE certrenew_jobs_retrying gauge\n");
		json_object_foreach(json_object_get(m, "retrying"), kind, n)
		{
			fprintf(f, "certrenew_jobs_retrying{kind=\"%s\"} %lld\n", kind,
			        (long long)json_integer_value(n));
		}
		fprintf(f, "# HELP certrenew_jobs_dead Jobs that gave up after their last attempt, by kind.\n"
		           "# TYPE certrenew_jobs_dead gauge\n");
		json_object_foreach(json_object_get(m, "dead"), kind, n)
		{
			fprintf(f, "certrenew_jobs_dead{kind=\"%s\"} %lld\n", kind,
			        (long long)json_integer_value(n));
		}
		json_decref(m);
	}
}

/* Files waiting in the bank inbox and the age of the oldest (nothing takes them when no daemon runs). */
static void
write_inbox(struct cr_req *r, FILE *f)
{
	const char *dir = r->web->cfg->bank_inbox;
	DIR *d = opendir(dir);
	long long files = 0, oldest = 0, now = (long long)time(NULL);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (!cr_inbox_name_ok(e->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		files++;
		if (now - (long long)st.st_mtime > oldest)
			oldest = now - (long long)st.st_mtime;
	}
	closedir(d);
	fprintf(f,
	        "# HELP certrenew_inbox_files Statement files waiting in the bank inbox.\n"
	        "# TYPE certrenew_inbox_files gauge\ncertrenew_inbox_files %lld\n"
	        "# HELP certrenew_inbox_oldest_seconds Age of the oldest file waiting in the bank inbox.\n"
	        "# TYPE certrenew_inbox_oldest_seconds gauge\ncertrenew_inbox_oldest_seconds %lld\n",
	        files, oldest);
}

/* When the CA's certificates expire (the issuing CA's file and its chain), read from the files the workers
 * may read (never the key). */
static void
write_ca(struct cr_req *r, FILE *f)
{
	const struct cr_config *cfg = r->web->cfg;
	long long cert = cfg->ca_cert[0] ? cr_x509_file_expiry(cfg->ca_cert) : 0;
	long long chain = cfg->ca_chain[0] ? cr_x509_file_expiry(cfg->ca_chain) : 0;

	if (cert == 0 && chain == 0)
		return;
	fprintf(f, "# HELP certrenew_ca_expiry_timestamp_seconds When the first certificate of each CA file "
	           "expires.\n# TYPE certrenew_ca_expiry_timestamp_seconds gauge\n");
	if (cert)
		fprintf(f, "certrenew_ca_expiry_timestamp_seconds{file=\"cert\"} %lld\n", cert);
	if (chain)
		fprintf(f, "certrenew_ca_expiry_timestamp_seconds{file=\"chain\"} %lld\n", chain);
}

void
cr_h_metrics(struct cr_req *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL) {
		r->why = "open_memstream failed";
		cr_reply_error(r, 500, "internal", NULL, "服务器内部错误");
		return;
	}
	if (r->web->counters.write)
		r->web->counters.write(r->web->counters.ctx, f, cr_route_label);
	write_database(r, f);
	write_inbox(r, f);
	write_ca(r, f);
	fclose(f);
	cr_reply(r, 200, "text/plain; version=0.0.4", text, len);
	free(text);
}
