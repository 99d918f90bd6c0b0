/*
 * view.h - the templates of the site, parsed once at start-up.
 *
 * Every file templates/<name>.mustache is parsed twice, once per language,
 * with its {{#_}}text{{/_}} sections replaced by their translations; the
 * two sets are immutable afterwards and rendered from any thread.
 * Partials and layouts ({{> name}}, {{< name}}) resolve within the same
 * language's set by the same names.
 */
#ifndef NATVERK_VIEW_H
#define NATVERK_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define VIEW_MAX_TEMPLATES 256
#define VIEW_MAX_SIZE (256 * 1024) /* bytes per template file */

/* Loads and parses every template under dir for both languages; i18n_init
 * must have run.  Returns E_IO or E_INVALID with "file:line: message". */
enum err view_init(const char *dir, char *err, size_t errlen);

/* Frees the templates (at exit). */
void view_free(void);

/*
 * Renders template name in lang ("sv"/"en") against data, appending to out.
 * strict: fail on keys missing from data (template tests).  Returns E_OK,
 * E_NOTFOUND for an unknown template or (strict) a missing key, E_NOMEM;
 * message in err.
 */
enum err view_render(const char *lang, const char *name, json_t *data, bool strict,
		     struct buf *out, char *err, size_t errlen);

/* Renders a plain-text template (mail) the same way, without HTML
 * escaping: nothing it produces is ever shown as HTML. */
enum err view_render_text(const char *lang, const char *name, json_t *data, bool strict,
			  struct buf *out, char *err, size_t errlen);

/* Number of templates and the i-th name (for tests), sorted by name. */
size_t view_count(void);
const char *view_name(size_t i);

#endif
