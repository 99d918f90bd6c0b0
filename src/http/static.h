/*
 * static.h - files under static/ served from memory.
 *
 * static_load reads every file of the folder once at start-up (CSS, the
 * small JavaScript enhancements, icons) and computes its ETag; the table is
 * read-only afterwards.  Requests for /static/<path> are answered from that
 * table, so no request ever touches the file system.
 */
#ifndef NATVERK_STATIC_H
#define NATVERK_STATIC_H

#include "http/router.h"

#define STATIC_MAX_FILES 256		 /* files in static/ */
#define STATIC_MAX_SIZE (4 * 1024 * 1024) /* bytes per file */

/* Loads dir recursively.  Returns E_IO with a message for an unreadable
 * folder or a file over the limits. */
enum err static_load(const char *dir, char *err, size_t errlen);

/* Frees the table (at exit, for leak checkers). */
void static_unload(void);

/* Handler for GET /static/{path}: 200 with ETag and Cache-Control, 304 when
 * If-None-Match matches, 404 when unknown. */
enum err static_serve(struct req *req, struct resp *resp);

/* The ETag of a loaded file ("\"...\""), or NULL; used to build cache-busting URLs. */
const char *static_etag(const char *path);

#endif
