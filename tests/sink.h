/*
 * sink.h - scripts/smtp-sink.py, a real SMTP server (Debian's aiosmtpd), for
 * the tests that check mail end to end.  Tests that need it are skipped
 * with the reason when Debian's python3-aiosmtpd is missing.
 */
#ifndef NATVERK_TEST_SINK_H
#define NATVERK_TEST_SINK_H

#include <stdbool.h>
#include <sys/types.h>

/* A running scripts/smtp-sink.py. */
struct sink {
	pid_t pid;     /* the python process, 0 when none */
	int in;        /* its stdin: closing it ends the sink */
	int port;      /* where it listens */
	char dir[512]; /* where it writes NNNN.eml and NNNN.env */
	char url[64];  /* smtp://127.0.0.1:port */
};

/* The one sink of a test process. */
extern struct sink sink;

/* The python that runs the sink: NATVERK_TEST_PYTHON or /usr/bin/python3. */
const char *sink_python(void);

/* Skips the current test, saying why, unless that python has aiosmtpd. */
void sink_need_aiosmtpd(void);

/* Starts the sink (refusing every recipient when refuse). */
void sink_start(bool refuse);
void sink_stop(void);

/* DIR/NNNN.ext as received (waits up to 5 s for it); malloc'ed. */
char *sink_file(int n, const char *ext);

#endif
