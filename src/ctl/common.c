#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"

const struct cr_actor *
cr_ctl_actor(void)
{
	static char name[160];
	static struct cr_actor actor = {0, name, ""};
	const struct passwd *pw = getpwuid(getuid());
	const char *sudo = getenv("SUDO_USER");

	/* The operator's system user: who ran the command (and, through sudo, who asked for it). */
	if (sudo && *sudo && strlen(sudo) < 64)
		snprintf(name, sizeof name, "certrenewctl:%s (sudo %s)", pw ? pw->pw_name : "?", sudo);
	else
		snprintf(name, sizeof name, "certrenewctl:%s", pw ? pw->pw_name : "?");
	return &actor;
}

int
cr_ctl_record(struct cr_db *db, const char *action, const char *object_type, const char *object_id,
              json_t *after)
{
	struct cr_err err;

	if (cr_audit_s(db, cr_ctl_actor(), action, object_type, object_id, NULL, after, &err) != 0) {
		fprintf(stderr, "certrenewctl: audit %s: %s\n", action, err.msg);
		return 1;
	}
	return 0;
}

struct cr_db *
cr_ctl_db(const struct cr_config *cfg)
{
	struct cr_db *db;
	struct cr_err err;

	if (cr_db_open_admin(&db, cfg, &err) != 0) {
		fprintf(stderr, "certrenewctl: %s\n", err.msg);
		return NULL;
	}
	return db;
}

int
cr_ctl_fail(struct cr_db *db, const struct cr_err *err)
{
	fprintf(stderr, "certrenewctl: %s\n", err->msg);
	cr_db_free(db);
	return 1;
}

void
cr_ctl_print(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	if (s)
		puts(s);
	free(s);
	json_decref(j);
}

int
cr_ctl_read_password(char *buf, size_t len)
{
	struct termios t, quiet;
	int tty = isatty(STDIN_FILENO);

	if (tty) {
		fprintf(stderr, "password: ");
		tcgetattr(STDIN_FILENO, &t);
		quiet = t;
		quiet.c_lflag &= ~ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	if (fgets(buf, (int)len, stdin) == NULL)
		buf[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
		fputc('\n', stderr);
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] ? 0 : -1;
}
