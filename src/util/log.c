/*
 * log.c - JSON-lines logging to standard error; see log.h.
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/str.h"

static enum log_level min_level = LOG_INFO;
static bool access_on = true;

static const char *level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
	min_level = level;
}

void log_set_access(bool on)
{
	access_on = on;
}

bool log_access_enabled(void)
{
	return access_on;
}

void log_timestamp(char *out, size_t outlen)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, outlen - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void log_line(const char *line, size_t len)
{
	struct iovec iov[2] = {{(void *)line, len}, {"\n", 1}};
	/* A short write to stderr is not worth retrying: logging must never block a request. */
	ssize_t n = writev(STDERR_FILENO, iov, 2);
	(void)n;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (level < min_level)
		return;
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);

	char ts[40];
	log_timestamp(ts, sizeof ts);
	struct buf b;
	buf_init(&b, 16384);
	buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":", ts, level_names[level]);
	str_json_quote(&b, text, strlen(text));
	buf_putc(&b, '}');
	if (!buf_failed(&b))
		log_line(b.data, b.len);
	buf_free(&b);
}
