/*
 * i18n.c - see i18n.h.
 */
#include "view/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

const char *const i18n_langs[2] = {"sv", "en"};

static locale_t loc_sv; /* sv_SE.UTF-8 */
static locale_t loc_en; /* C.UTF-8: gettext returns the English message ids */

enum err i18n_init(const char *localedir, char *err, size_t errlen)
{
	/* LANGUAGE would override the per-thread locale in gettext. */
	unsetenv("LANGUAGE");
	if (bindtextdomain(I18N_DOMAIN, localedir) == NULL ||
	    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8") == NULL ||
	    bind_textdomain_codeset(I18N_COUNTRY_DOMAIN, "UTF-8") == NULL ||
	    textdomain(I18N_DOMAIN) == NULL) {
		snprintf(err, errlen, "cannot set up gettext for %s", localedir);
		return E_IO;
	}
	/* Messages, character classes and collation from Swedish; numbers stay
	 * C, so printf of a double writes "0.5" in logs, metrics and JSON
	 * (fmt.c formats numbers for people). */
	if (loc_sv == (locale_t)0) {
		loc_sv = newlocale(LC_ALL_MASK, "sv_SE.UTF-8", (locale_t)0);
		if (loc_sv != (locale_t)0)
			loc_sv = newlocale(LC_NUMERIC_MASK, "C", loc_sv);
	}
	if (loc_sv == (locale_t)0) {
		snprintf(err, errlen,
			 "the Swedish locale sv_SE.UTF-8 is not installed: run `make deps` "
			 "(or enable it in /etc/locale.gen and run locale-gen)");
		return E_IO;
	}
	/* The catalogue must be there too, or every Swedish page would be
	 * English under lang="sv". */
	locale_t old = uselocale(loc_sv);
	bool translated = strcmp(dgettext(I18N_DOMAIN, "Organisations"), "Organisations") != 0;
	uselocale(old);
	if (!translated) {
		snprintf(err, errlen,
			 "no Swedish translations in %s (sv/LC_MESSAGES/natverk.mo): build them with "
			 "`meson compile` or set NATVERK_LOCALEDIR",
			 localedir);
		return E_IO;
	}
	if (loc_en == (locale_t)0)
		loc_en = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
	if (loc_en == (locale_t)0) {
		snprintf(err, errlen, "the C.UTF-8 locale is missing");
		return E_IO;
	}
	return E_OK;
}

void i18n_use(const char *lang)
{
	if (loc_sv == (locale_t)0)
		return;
	uselocale(lang != NULL && strcmp(lang, "en") == 0 ? loc_en : loc_sv);
}

const char *i18n_other(const char *lang)
{
	return strcmp(lang, "en") == 0 ? "sv" : "en";
}

const char *i18n_country_name(const char *lang, const char *name_en)
{
	if (strcmp(lang, "sv") != 0 || loc_sv == (locale_t)0)
		return name_en;
	locale_t old = uselocale(loc_sv);
	const char *s = dgettext(I18N_COUNTRY_DOMAIN, name_en);
	uselocale(old);
	return s;
}
