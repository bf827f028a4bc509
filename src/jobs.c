#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytes.h"
#include "jobs.h"
#include "json.h"
#include "log.h"

void
cr_job_release(struct cr_job *job)
{
	free(job->payload);
	memset(job, 0, sizeof *job);
}

long long
cr_job_backoff(const struct cr_config *cfg, int attempts)
{
	long long d = cfg->jobs_backoff_base;

	for (int i = 1; i < attempts && d < cfg->jobs_backoff_max; i++)
		d *= 2;
	return d < cfg->jobs_backoff_max ? d : cfg->jobs_backoff_max;
}

void
cr_job_runner_name(char out[CR_RUNNER_MAX + 1])
{
	char host[64] = "localhost", rnd[9];
	uint8_t r[4] = {0};

	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = '\0';
	cr_random(r, sizeof r);
	cr_hex(rnd, r, sizeof r);
	snprintf(out, CR_RUNNER_MAX + 1, "%s:%ld:%s", host, (long)getpid(), rnd);
}

/* Where the daemons listen for a wake (jobs.wake), resolved once at start. */
static struct {
	int n;
	struct sockaddr_storage addr[CR_WAKE_MAX];
	socklen_t len[CR_WAKE_MAX];
} wake;

int
cr_jobs_wake_setup(const char *spec, struct cr_err *err)
{
	char buf[1024], *save = NULL, *item;

	wake.n = 0;
	snprintf(buf, sizeof buf, "%s", spec ? spec : "");
	for (item = strtok_r(buf, ", ", &save); item; item = strtok_r(NULL, ", ", &save)) {
		struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV}, *ai = NULL;
		char host[256], *port;
		int rc;

		if (cr_jobs_wake_split(item, host, sizeof host, &port) != 0)
			return cr_err_set(err, CR_EINVAL, "jobs.wake: '%s' is not HOST:PORT", item);
		if (wake.n == CR_WAKE_MAX)
			return cr_err_set(err, CR_EINVAL, "jobs.wake: more than %d addresses", CR_WAKE_MAX);
		if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
			return cr_err_set(err, CR_EINVAL, "jobs.wake: %s: %s", item, gai_strerror(rc));
		memcpy(&wake.addr[wake.n], ai->ai_addr, ai->ai_addrlen);
		wake.len[wake.n++] = ai->ai_addrlen;
		freeaddrinfo(ai);
	}
	return 0;
}

int
cr_jobs_wake_split(char *item, char *host, size_t hostlen, char **port)
{
	char *colon;

	/* [v6]:port, or host:port */
	if (item[0] == '[') {
		char *end = strchr(item, ']');

		if (end == NULL || end[1] != ':')
			return -1;
		*end = '\0';
		snprintf(host, hostlen, "%s", item + 1);
		*port = end + 2;
	} else {
		if ((colon = strrchr(item, ':')) == NULL)
			return -1;
		*colon = '\0';
		snprintf(host, hostlen, "%s", item);
		*port = colon + 1;
	}
	return host[0] && **port && strspn(*port, "0123456789") == strlen(*port) && atoi(*port) > 0 &&
	               atoi(*port) < 65536
	           ? 0
	           : -1;
}

void
cr_jobs_wake(void)
{
	for (int i = 0; i < wake.n; i++) {
		int fd = socket(wake.addr[i].ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (fd < 0)
			continue;
		/* A daemon that is not listening loses nothing: it polls anyway. */
		(void)sendto(fd, "w", 1, MSG_DONTWAIT, (struct sockaddr *)&wake.addr[i], wake.len[i]);
		close(fd);
	}
}

int
cr_job_enqueue(struct cr_db *db, const char *kind, const char *payload, const char *dedup_key,
               long long delay, long long *id, struct cr_err *err)
{
	struct cr_res res;
	int rc;

	if (strlen(kind) == 0 || strlen(kind) > CR_JOB_KIND_MAX)
		return cr_err_set(err, CR_EINVAL, "jobs: a job kind is 1 to %d characters", CR_JOB_KIND_MAX);
	rc = cr_db_exec(db, NULL, err,
	                "INSERT INTO jobs (kind, payload, dedup_key, run_after, created_at, updated_at)"
	                " VALUES (?, ?, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND, UTC_TIMESTAMP(6),"
	                " UTC_TIMESTAMP(6))",
	                "sssi", kind, payload ? payload : "{}", dedup_key, delay);
	if (rc == 0) {
		if (id)
			*id = cr_db_insert_id(db);
		/* A daemon starts it at once: when the job can be seen, after the commit of its transaction.
		 */
		if (cr_db_in_tx(db))
			cr_db_after_commit(db, cr_jobs_wake);
		else
			cr_jobs_wake();
		return 0;
	}
	if (rc != CR_ECONFLICT || dedup_key == NULL)
		return rc;
	rc = cr_db_exec(db, &res, err, "SELECT id FROM jobs WHERE dedup_key = ?", "s", dedup_key);
	if (rc != 0)
		return rc;
	if (id)
		*id = cr_res_i64(&res, 0, 0);
	cr_res_release(&res);
	return 0;
}

int
cr_job_claim(struct cr_db *db, const struct cr_config *cfg, const char *runner, struct cr_job *job,
             struct cr_err *err)
{
	struct cr_res res;
	int rc;

	memset(job, 0, sizeof *job);
	if ((rc = cr_db_begin(db, err)) != 0)
		return rc;
	rc = cr_db_exec(db, &res, err,
	                "SELECT id, kind, payload, attempts FROM jobs"
	                " WHERE status IN ('queued', 'failed') AND run_after <= UTC_TIMESTAMP(6)"
	                " ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED",
	                "");
	if (rc != 0)
		goto fail;
	if (res.nrows == 0) {
		cr_res_release(&res);
		return cr_db_commit(db, err);
	}
	job->id = cr_res_i64(&res, 0, 0);
	snprintf(job->kind, sizeof job->kind, "%s", cr_res_str(&res, 0, 1));
	job->payload = strdup(cr_res_str(&res, 0, 2) ? cr_res_str(&res, 0, 2) : "{}");
	job->attempts = (int)cr_res_i64(&res, 0, 3) + 1;
	cr_res_release(&res);
	if (job->payload == NULL) {
		rc = cr_err_set(err, CR_ENOMEM, "jobs: out of memory");
		goto fail;
	}
	/* A key that dedups only while the job waits ("q:…") is dropped: the next one may be queued now. */
	rc = cr_db_exec(db, NULL, err,
	                "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ?,"
	                " lease_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND, updated_at = UTC_TIMESTAMP(6),"
	                " dedup_key = IF(dedup_key LIKE 'q:%', NULL, dedup_key) WHERE id = ?",
	                "sii", runner, (long long)cfg->jobs_lease, job->id);
	if (rc != 0)
		goto fail;
	if ((rc = cr_db_commit(db, err)) != 0)
		goto fail;
	return 0;
fail:
	cr_db_rollback(db);
	cr_job_release(job);
	return rc;
}

int
cr_job_done(struct cr_db *db, const struct cr_job *job, const char *runner, struct cr_err *err)
{
	int rc = cr_db_exec(db, NULL, err,
	                    "UPDATE jobs SET status = 'done', progress = 100, lease_until = NULL,"
	                    " locked_by = NULL, last_error = NULL, finished_at = UTC_TIMESTAMP(6),"
	                    " updated_at = UTC_TIMESTAMP(6)"
	                    " WHERE id = ? AND locked_by = ? AND status = 'running'",
	                    "is", job->id, runner);

	if (rc == 0 && cr_db_affected(db) == 0)
		return cr_err_set(err, CR_ECONFLICT, "jobs: job %lld: lease lost before it finished",
		                  job->id);
	return rc;
}

int
cr_job_fail(struct cr_db *db, const struct cr_config *cfg, const struct cr_job *job, const char *runner,
            const char *why, int transient, struct cr_err *err)
{
	char msg[1001];
	int dead = !transient && job->attempts >= cfg->jobs_max_attempts;

	snprintf(msg, sizeof msg, "%s%s", transient ? "(not counted: the database) " : "",
	         why ? why : "failed");
	/*
	 * A transient failure (the connection lost, a deadlock or a conflict
	 * on Galera: nothing of the attempt kept) does not count towards
	 * max_attempts, so that a database away for a while leaves no job dead;
	 * it is tried again after the first back-off.
	 */
	return cr_db_exec(
	    db, NULL, err,
	    "UPDATE jobs SET status = ?, lease_until = NULL, locked_by = NULL, attempts = attempts - ?,"
	    " last_error = ?, run_after = UTC_TIMESTAMP(6) + INTERVAL ? SECOND,"
	    " finished_at = IF(? = 'dead', UTC_TIMESTAMP(6), NULL), updated_at = UTC_TIMESTAMP(6)"
	    " WHERE id = ? AND locked_by = ? AND status = 'running'",
	    "sisisis", dead ? "dead" : "failed", (long long)(transient && job->attempts > 0), msg,
	    dead ? 0LL : cr_job_backoff(cfg, transient ? 1 : job->attempts), dead ? "dead" : "failed",
	    job->id, runner);
}

int
cr_job_release_runner(struct cr_db *db, const char *runner, long long *n, struct cr_err *err)
{
	/* The attempt did not fail: it was interrupted, so it does not count. */
	int rc = cr_db_exec(db, NULL, err,
	                    "UPDATE jobs SET status = 'queued', attempts = GREATEST(attempts - 1, 0),"
	                    " lease_until = NULL, locked_by = NULL, run_after = UTC_TIMESTAMP(6),"
	                    " updated_at = UTC_TIMESTAMP(6) WHERE status = 'running' AND locked_by = ?",
	                    "s", runner);

	if (rc == 0 && n)
		*n = cr_db_affected(db);
	return rc;
}

int
cr_job_renew_runner(struct cr_db *db, const struct cr_config *cfg, const char *runner, long long *n,
                    struct cr_err *err)
{
	int rc = cr_db_exec(db, NULL, err,
	                    "UPDATE jobs SET lease_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND"
	                    " WHERE status = 'running' AND locked_by = ?",
	                    "is", (long long)cfg->jobs_lease, runner);

	if (rc == 0 && n)
		*n = cr_db_affected(db);
	return rc;
}

int
cr_job_take_back_dead(struct cr_db *db, const struct cr_config *cfg, const char *self, long long *n,
                      struct cr_err *err)
{
	char host[CR_RUNNER_MAX + 1], *colon;
	struct cr_res res;
	int rc;

	*n = 0;
	snprintf(host, sizeof host, "%s", self);
	if ((colon = strchr(host, ':')) == NULL)
		return 0;
	colon[1] = '\0'; /* "host:" */
	rc = cr_db_exec(db, &res, err,
	                "SELECT DISTINCT locked_by FROM jobs WHERE status = 'running'"
	                " AND LEFT(locked_by, CHAR_LENGTH(?)) = ? AND locked_by <> ?",
	                "sss", host, host, self);
	if (rc != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < res.nrows; i++) {
		const char *runner = cr_res_str(&res, i, 0);
		long pid = strtol(runner + strlen(host), NULL, 10);

		/* Only a runner of this host whose process is gone: kill(pid, 0) says so without a signal. */
		if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		rc = cr_db_exec(
		    db, NULL, err,
		    "UPDATE jobs SET status = IF(attempts >= ?, 'dead', 'queued'),"
		    " last_error = CONCAT('its daemon ', locked_by, ' is gone'), lease_until = NULL,"
		    " locked_by = NULL, run_after = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6)"
		    " WHERE status = 'running' AND locked_by = ?",
		    "is", (long long)cfg->jobs_max_attempts, runner);
		if (rc == 0)
			*n += (long long)cr_db_affected(db);
	}
	cr_res_release(&res);
	return rc;
}

int
cr_job_reap(struct cr_db *db, const struct cr_config *cfg, long long *n, struct cr_err *err)
{
	int rc = cr_db_exec(db, NULL, err,
	                    "UPDATE jobs SET status = IF(attempts >= ?, 'dead', 'queued'),"
	                    " last_error = CONCAT('lease of ', IFNULL(locked_by, '?'), ' ran out'),"
	                    " lease_until = NULL, locked_by = NULL, run_after = UTC_TIMESTAMP(6),"
	                    " updated_at = UTC_TIMESTAMP(6)"
	                    " WHERE status = 'running' AND lease_until < UTC_TIMESTAMP(6)",
	                    "i", (long long)cfg->jobs_max_attempts);

	if (rc == 0 && n)
		*n = cr_db_affected(db);
	return rc;
}

int
cr_job_purge(struct cr_db *db, long long days, long long *n, struct cr_err *err)
{
	int rc = cr_db_exec(db, NULL, err,
	                    "DELETE FROM jobs WHERE status = 'done' AND finished_at < UTC_TIMESTAMP(6) - "
	                    "INTERVAL ? DAY LIMIT 10000",
	                    "i", days);

	if (rc == 0 && n)
		*n = cr_db_affected(db);
	return rc;
}

/*
 * The kinds certrenewd runs; daemon/jobkinds.c has a handler for each (checked at its start and in a test).
 */
const char *const cr_job_kinds[] = {
    "probe",       "expire_orders", "sweep_uploads",   "import_inbox",   "import_statement",
    "issue_order", "issue_paid",    "remind_renewals", "query_payments", "purge_documents",
    NULL};

int
cr_job_kind_known(const char *kind)
{
	for (int i = 0; cr_job_kinds[i]; i++)
		if (strcmp(cr_job_kinds[i], kind) == 0)
			return 1;
	return 0;
}

int
cr_jobs_list(struct cr_db *db, const char *status, long long limit, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	json_t *items;
	int rc;

	rc = cr_db_exec(
	    db, &res, err,
	    "SELECT id, kind, status, attempts, progress, DATE_FORMAT(run_after, '%Y-%m-%dT%H:%i:%SZ'),"
	    " DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%SZ'), locked_by, last_error FROM jobs"
	    " WHERE ? IS NULL OR status = ? ORDER BY id DESC LIMIT ?",
	    "ssi", status, status, limit);
	if (rc != 0)
		return rc;
	items = json_array();
	for (size_t i = 0; i < res.nrows; i++)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:o, s:o}", "id",
		              (json_int_t)cr_res_i64(&res, i, 0), "kind", cr_res_str(&res, i, 1), "status",
		              cr_res_str(&res, i, 2), "attempts", (json_int_t)cr_res_i64(&res, i, 3),
		              "progress", (json_int_t)cr_res_i64(&res, i, 4), "run_after",
		              cr_res_str(&res, i, 5), "updated_at", cr_res_str(&res, i, 6), "locked_by",
		              cr_json_cell(&res, i, 7), "last_error", cr_json_cell(&res, i, 8)));
	cr_res_release(&res);
	*out = items;
	return 0;
}

int
cr_jobs_count(struct cr_db *db, json_t **out, struct cr_err *err)
{
	struct cr_res res;
	int rc = cr_db_exec(db, &res, err, "SELECT status, COUNT(*) FROM jobs GROUP BY status", "");

	if (rc != 0)
		return rc;
	*out = json_object();
	for (size_t i = 0; i < res.nrows; i++)
		json_object_set_new(*out, cr_res_str(&res, i, 0), json_integer(cr_res_i64(&res, i, 1)));
	cr_res_release(&res);
	return 0;
}

int
cr_jobs_health(struct cr_db *db, json_t **out, struct cr_err *err)
{
	json_t *retrying = json_object(), *dead = json_object();
	long long oldest = 0;
	struct cr_res res;
	int rc =
	    cr_db_exec(db, &res, err,
	               "SELECT COALESCE(TIMESTAMPDIFF(SECOND, MIN(run_after), UTC_TIMESTAMP(6)), 0) FROM jobs"
	               " WHERE status IN ('queued', 'failed') AND run_after <= UTC_TIMESTAMP(6)",
	               "");

	if (rc == 0) {
		oldest = res.nrows ? cr_res_i64(&res, 0, 0) : 0;
		cr_res_release(&res);
		rc = cr_db_exec(db, &res, err,
		                "SELECT kind, status, COUNT(*) FROM jobs WHERE status = 'dead'"
		                " OR (status IN ('queued', 'failed') AND attempts > 0) GROUP BY kind, status",
		                "");
	}
	if (rc != 0) {
		json_decref(retrying);
		json_decref(dead);
		return rc;
	}
	for (size_t i = 0; i < res.nrows; i++)
		json_object_set_new(strcmp(cr_res_str(&res, i, 1), "dead") == 0 ? dead : retrying,
		                    cr_res_str(&res, i, 0), json_integer(cr_res_i64(&res, i, 2)));
	cr_res_release(&res);
	*out = json_pack("{s:I, s:o, s:o}", "oldest_due_seconds", (json_int_t)oldest, "retrying", retrying,
	                 "dead", dead);
	return 0;
}

int
cr_job_probe_record(struct cr_db *db, long long job_id, const char *runner, struct cr_err *err)
{
	return cr_db_exec(db, NULL, err,
	                  "INSERT INTO job_probe_runs (job_id, runner, at) VALUES (?, ?, UTC_TIMESTAMP(6))",
	                  "is", job_id, runner);
}

int
cr_job_heartbeat(struct cr_db *db, const struct cr_config *cfg, const struct cr_job *job, const char *runner,
                 int progress, struct cr_err *err)
{
	int rc =
	    cr_db_exec(db, NULL, err,
	               "UPDATE jobs SET lease_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND, progress = ?,"
	               " updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND locked_by = ? AND status = 'running'",
	               "iiis", (long long)cfg->jobs_lease, (long long)progress, job->id, runner);

	if (rc == 0 && cr_db_affected(db) == 0)
		return cr_err_set(err, CR_ECONFLICT, "jobs: job %lld: lease lost while it ran", job->id);
	return rc;
}
