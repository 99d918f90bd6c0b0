/*
 * limits.h - every cap on HTTP input, in one place.
 */
#ifndef NATVERK_HTTP_LIMITS_H
#define NATVERK_HTTP_LIMITS_H

#define HTTP_MAX_TARGET 4096		  /* bytes in the request target (path + query): 414 */
#define HTTP_MAX_HEADER_BYTES (32 * 1024) /* all request headers: 431 (libmicrohttpd memory pool) */
#define HTTP_MAX_FIELDS 100		  /* query or form fields per request: 400 */
#define HTTP_MAX_FIELD_NAME 100		  /* bytes in a field name: 400 */
#define HTTP_MAX_FIELD_VALUE (64 * 1024)  /* bytes in one decoded field value: 400 */
#define HTTP_MAX_PATH_SEGMENTS 16	  /* segments in a path */
#define HTTP_MAX_PARAMS 4		  /* path parameters per route */
#define HTTP_MAX_COOKIES 32		  /* cookies considered per request */
#define HTTP_DEFAULT_BODY (16 * 1024)	  /* body limit for routes that set none */
#define HTTP_MAX_DISCARD (1024 * 1024)	  /* body bytes read and dropped after an early answer */
#define HTTP_MAX_FILES 10		  /* uploaded files per multipart body */
#define HTTP_MAX_PARTS 110		  /* parts per multipart body (fields + files) */
#define HTTP_CONNECTION_LIMIT 1024	  /* simultaneous connections */
#define HTTP_CONNECTION_TIMEOUT 30	  /* seconds a connection may stay idle */
#define HTTP_SHUTDOWN_GRACE 10		  /* seconds to let requests finish on SIGTERM */

#endif
