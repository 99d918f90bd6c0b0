/*
 * q_networks.c - see q_networks.h.
 */
#include "db/q_networks.h"

enum err db_network_options(struct db *db, struct arena *a, struct code_name **rows, size_t *n)
{
	return q_code_names(db, a,
			    "SELECT CAST(id AS TEXT), name_en, name_sv FROM networks ORDER BY name_en, id",
			    true, rows, n);
}

enum err db_network_exists(struct db *db, int64_t id, bool *exists)
{
	return q_exists(db, "SELECT 1 FROM networks WHERE id = $1", id, exists);
}
