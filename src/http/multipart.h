/*
 * multipart.h - multipart/form-data bodies (RFC 7578), for uploads.
 *
 * The body is already in memory under the route's size limit; parts are
 * sliced out of it without copying file contents.  Text fields obey the
 * same checks as urlencoded fields (UTF-8, no NUL, length limits); files
 * are bytes, with their file name reduced to a base name.
 */
#ifndef NATVERK_MULTIPART_H
#define NATVERK_MULTIPART_H

#include <stddef.h>

#include "http/req.h"

#define MULTIPART_MAX_BOUNDARY 70    /* RFC 2046 */
#define MULTIPART_MAX_PART_HEADERS 2048 /* bytes of headers per part */
#define MULTIPART_MAX_FILENAME 255   /* bytes in a file name */

/*
 * Parses body[0..len) with the boundary from content_type.  Text parts are
 * appended to fields; file parts (those with a filename parameter) to
 * *files and *nfiles (arena array).  Returns E_OK, or E_INVALID with *why for a
 * missing or bad boundary, a malformed part, a missing closing delimiter,
 * or more than HTTP_MAX_PARTS parts / HTTP_MAX_FILES files.
 */
enum err multipart_parse(struct arena *a, const char *content_type, const char *body, size_t len,
			 struct kvlist *fields, struct upload **files, size_t *nfiles,
			 const char **why);

#endif
