/*
 * i18n.h - Swedish and English through GNU gettext.
 *
 * Message ids are the English texts; po/sv.po holds the Swedish ones,
 * compiled at build time.  Each request runs under a per-thread locale
 * (uselocale) for its language, so gettext answers in the right language
 * on every worker thread at once.  That needs the sv_SE.UTF-8 locale to be
 * generated on the machine (scripts/deps.sh does it); i18n_init refuses to
 * start without it rather than serving English to Swedish readers.
 */
#ifndef NATVERK_I18N_H
#define NATVERK_I18N_H

#include <libintl.h>
#include <locale.h>
#include <stddef.h>

#include "util/err.h"

#define _(s) gettext(s)
#define N_(s) (s)

#define I18N_DOMAIN "natverk"
#define I18N_COUNTRY_DOMAIN "iso_3166-1" /* Debian iso-codes' country names */

/* The languages, first the default. */
extern const char *const i18n_langs[2];

/* Binds the message domain to localedir and creates the two locales.
 * Returns E_IO with a message when the Swedish locale is missing. */
enum err i18n_init(const char *localedir, char *err, size_t errlen);

/* Makes the calling thread speak lang ("sv" or "en"; anything else: "sv"). */
void i18n_use(const char *lang);

/* The name of the other language, and the language names in themselves. */
const char *i18n_other(const char *lang);

/* Swedish (lang "sv") or English name of an iso-codes country name, through
 * the iso_3166-1 domain; the English name itself when there is no
 * translation.  Switches the calling thread's locale temporarily. */
const char *i18n_country_name(const char *lang, const char *name_en);

#endif
