/*
 * organisation.c - see organisation.h.
 */
#include "domain/organisation.h"

#include <string.h>

/* Marks a message for extraction; translated where it is shown (pages/). */
#define N_(s) (s)

const struct org_kind org_kinds[] = {
	{"municipality", N_("Municipality"), N_("Municipalities"), true},
	{"region", N_("Region"), N_("Regions"), true},
	{"local_government", N_("Local government"), N_("Local governments"), false},
};
const size_t org_nkinds = sizeof org_kinds / sizeof org_kinds[0];

const struct org_kind *org_kind_find(const char *code)
{
	if (code == NULL)
		return NULL;
	for (size_t i = 0; i < org_nkinds; i++)
		if (strcmp(org_kinds[i].code, code) == 0)
			return &org_kinds[i];
	return NULL;
}

bool org_scb_code_valid(const char *s, size_t digits)
{
	if (s == NULL || strlen(s) != digits)
		return false;
	for (size_t i = 0; i < digits; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}
