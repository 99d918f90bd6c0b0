/*
 * log.h - one JSON object per line on standard error.
 *
 * Application messages carry a level and an English text; the access log
 * (http/server.c) writes its own line through log_line().  Each line is one
 * write(2), so lines from different threads never interleave.  Secrets
 * (passwords, tokens, cookies) must never be passed here.
 */
#ifndef NATVERK_LOG_H
#define NATVERK_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Messages below this level are dropped (default LOG_INFO). Set before threads start. */
void log_set_level(enum log_level level);
/* Turns the access log on or off (default on). Set before threads start. */
void log_set_access(bool on);
bool log_access_enabled(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Writes a complete line (a newline is added) in one call. */
void log_line(const char *line, size_t len);

/* Current UTC time as "2026-11-28T09:00:00.123Z" into out (at least 32 bytes). */
void log_timestamp(char *out, size_t outlen);

#endif
