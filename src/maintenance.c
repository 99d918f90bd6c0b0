/*
 * maintenance.c - see maintenance.h.
 */
#include "maintenance.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "db/q_retention.h"
#include "retention.h"
#include "util/log.h"
#include "util/timefmt.h"

struct maintenance {
	pthread_t thread;     /* the worker */
	pthread_mutex_t lock; /* guards stop */
	pthread_cond_t cond;  /* signalled on stop */
	bool stop;	      /* asked to stop */
	char *db_url;	      /* its database */
};

/* Runs retention when no server has run it in the last day. */
static void run_due(struct db *db)
{
	time_t now = time(NULL);
	char nowtxt[TIMEFMT_LEN], since[TIMEFMT_LEN];
	timefmt_iso(now, nowtxt);
	timefmt_iso(now - 86400, since);
	bool claimed = false;
	if (db_maintenance_claim(db, "retention", since, nowtxt, &claimed) != E_OK || !claimed)
		return;
	char err[256];
	if (retention_run(db, now, NULL, err, sizeof err) != E_OK)
		log_error("daily retention: %s", err);
	else
		log_info("daily retention done");
}

static void *loop(void *arg)
{
	struct maintenance *m = arg;
	struct db *db = NULL;
	char err[DB_ERRLEN];
	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		pthread_mutex_unlock(&m->lock);
		if (db == NULL && db_open(m->db_url, &db, err, sizeof err) != E_OK) {
			log_error("maintenance: cannot open the database: %s", err);
			db = NULL;
		}
		if (db != NULL)
			run_due(db);
		pthread_mutex_lock(&m->lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += MAINTENANCE_CHECK_SECONDS;
		while (!m->stop && pthread_cond_timedwait(&m->cond, &m->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&m->lock);
	db_close(db);
	return NULL;
}

enum err maintenance_start(const char *db_url, struct maintenance **out)
{
	struct maintenance *m = calloc(1, sizeof *m);
	if (m == NULL)
		return E_NOMEM;
	m->db_url = strdup(db_url);
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	if (m->db_url == NULL || pthread_create(&m->thread, NULL, loop, m) != 0) {
		free(m->db_url);
		free(m);
		return E_NOMEM;
	}
	*out = m;
	return E_OK;
}

void maintenance_stop(struct maintenance *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_cond_signal(&m->cond);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->lock);
	free(m->db_url);
	free(m);
}
