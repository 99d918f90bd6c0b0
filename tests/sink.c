/*
 * sink.c - see sink.h.
 */
#include "sink.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

extern char **environ;

const char *sink_python(void)
{
	const char *p = getenv("NATVERK_TEST_PYTHON");
	return p != NULL && p[0] != '\0' ? p : "/usr/bin/python3";
}

struct sink sink;

/* Runs argv with stdout and stderr on /dev/null; its exit status, or -1. */
static int run_quiet(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Skips the test, saying why, unless Debian's python3 has aiosmtpd. */
void sink_need_aiosmtpd(void)
{
	if (access(sink_python(), X_OK) != 0)
		cr_skip_test("no %s: the SMTP tests need Debian's python3-aiosmtpd", sink_python());
	char *argv[] = {(char *)sink_python(), "-c", "import aiosmtpd", NULL};
	if (run_quiet(argv) != 0)
		cr_skip_test("%s cannot import aiosmtpd: the SMTP tests need Debian's "
			     "python3-aiosmtpd",
			     sink_python());
}

/* Starts the sink (refusing every recipient when refuse). */
void sink_start(bool refuse)
{
	sink_need_aiosmtpd();
	snprintf(sink.dir, sizeof sink.dir, "%s", test_tmpdir());
	int out[2];
	int in[2];
	cr_assert_eq(pipe(out), 0);
	cr_assert_eq(pipe(in), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	char script[1024];
	snprintf(script, sizeof script, "%s", test_path("scripts/smtp-sink.py"));
	/* --stdin-eof: the sink ends with this process, whatever happens. */
	char *argv[10] = {(char *)sink_python(), script,   "--port",     "0",
			  "--dir",          sink.dir, "--stdin-eof"};
	if (refuse)
		argv[7] = "--refuse";
	cr_assert_eq(posix_spawn(&sink.pid, sink_python(), &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(in[0]);
	sink.in = in[1];
	fcntl(sink.in, F_SETFD, FD_CLOEXEC);
	char line[128];
	size_t used = 0;
	struct pollfd p = {out[0], POLLIN, 0};
	while (used < sizeof line - 1 && memchr(line, '\n', used) == NULL) {
		cr_assert_gt(poll(&p, 1, 15000), 0, "smtp-sink.py did not start within 15 s");
		ssize_t n = read(out[0], line + used, sizeof line - 1 - used);
		cr_assert_gt(n, 0, "smtp-sink.py exited: %.*s", (int)used, line);
		used += (size_t)n;
	}
	close(out[0]);
	line[used] = '\0';
	cr_assert_eq(sscanf(line, "listening %d", &sink.port), 1, "smtp-sink.py said: %s", line);
	snprintf(sink.url, sizeof sink.url, "smtp://127.0.0.1:%d", sink.port);
}

void sink_stop(void)
{
	if (sink.pid <= 0)
		return;
	kill(sink.pid, SIGTERM);
	close(sink.in);
	int status;
	waitpid(sink.pid, &status, 0);
	sink.pid = 0;
}

/* Reads DIR/NNNN.ext of the sink (waiting a little for it to appear). */
char *sink_file(int n, const char *ext)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%04d.%s", sink.dir, n, ext);
	for (int i = 0; i < 50 && access(path, R_OK) != 0; i++)
		usleep(100 * 1000);
	char *data = test_read_file(path, NULL);
	cr_assert_not_null(data, "the sink did not receive %s", path);
	return data;
}

