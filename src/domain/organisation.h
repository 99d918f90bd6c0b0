/*
 * organisation.h - the kinds of organisation and their rules.
 *
 * The kind is a stable code stored with every organisation; its display
 * name is translated through gettext.  Later capabilities add kinds (joint
 * committees, associations of local authorities, universities, CSOs) here
 * and nowhere else.  Plain C: no I/O.
 */
#ifndef NATVERK_ORGANISATION_H
#define NATVERK_ORGANISATION_H

#include <stdbool.h>
#include <stddef.h>

struct org_kind {
	const char *code;  /* stored value, also the filter value: "municipality" */
	const char *name;  /* English display name (gettext message id) */
	const char *plural; /* English plural for headings (gettext message id) */
	bool swedish;	   /* a kind of Swedish organisation */
};

/* An upper bound on the number of kinds, for tables indexed by kind. */
#define ORG_MAX_KINDS 16

/* All kinds, in display order. */
extern const struct org_kind org_kinds[];
extern const size_t org_nkinds;

/* The kind with this code, or NULL. */
const struct org_kind *org_kind_find(const char *code);

/* True when s is a Swedish municipality code (4 digits) or county code (2). */
bool org_scb_code_valid(const char *s, size_t digits);

#endif
