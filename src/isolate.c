#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "isolate.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CR_HAS_ASAN 1
#endif
#endif
#ifndef CR_HAS_ASAN
#define CR_HAS_ASAN 0
#endif

static void
child(int (*fn)(int out, void *arg), void *arg, const struct cr_isolate_limits *lim, int out)
{
	struct rlimit cpu = {lim->cpu_seconds, lim->cpu_seconds + 1}, mem = {lim->memory, lim->memory};
	struct rlimit nocore = {0, 0};
	int null = open("/dev/null", O_RDWR);

	/* Libraries complain on stderr about damaged files: not the service's log. */
	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	signal(SIGPIPE, SIG_DFL);
	setrlimit(RLIMIT_CPU, &cpu);
#if !defined(__SANITIZE_ADDRESS__) && !CR_HAS_ASAN
	/* AddressSanitizer maps terabytes of shadow memory: under it only the CPU and time limits hold. */
	setrlimit(RLIMIT_AS, &mem);
#else
	(void)mem;
#endif
	setrlimit(RLIMIT_CORE, &nocore);
	_exit(fn(out, arg));
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
cr_isolate(int (*fn)(int out, void *arg), void *arg, const struct cr_isolate_limits *lim, char **out,
           size_t *outlen, struct cr_err *err)
{
	long long deadline = now_ms() + lim->wall_seconds * 1000LL;
	size_t len = 0;
	char *buf = malloc(lim->max_output + 1);
	int fds[2], status, killed = 0;
	pid_t pid;

	*out = NULL;
	*outlen = 0;
	if (buf == NULL)
		return cr_err_set(err, CR_ENOMEM, "isolate: out of memory"), -1;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		free(buf);
		return cr_err_set(err, CR_EIO, "isolate: pipe: %s", strerror(errno)), -1;
	}
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		free(buf);
		return cr_err_set(err, CR_EIO, "isolate: fork: %s", strerror(errno)), -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child(fn, arg, lim, fds[1]);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = {fds[0], POLLIN, 0};
		long long left = deadline - now_ms();
		ssize_t n;
		int pr = left > 0 ? poll(&p, 1, (int)left) : 0;

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		if (len == lim->max_output) { /* more than it may say: what fits is kept, the rest drained */
			char sink[4096];

			if ((n = read(fds[0], sink, sizeof sink)) > 0 || (n < 0 && errno == EINTR))
				continue;
			break;
		}
		if ((n = read(fds[0], buf + len, lim->max_output - len)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	if (killed || !WIFEXITED(status)) {
		free(buf);
		cr_err_set(err, CR_EIO, "isolate: the parser %s",
		           killed                        ? "ran out of time"
		           : WTERMSIG(status) == SIGXCPU ? "ran out of CPU time"
		           : WTERMSIG(status) == SIGABRT ? "aborted (out of memory?)"
		                                         : "crashed");
		return -1;
	}
	*out = buf;
	*outlen = len;
	return WEXITSTATUS(status);
}
