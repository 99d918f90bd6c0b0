/*
 * q_networks.h - thematic networks.  (The networks capability adds their
 * content; accounts need only their names for network roles.)
 */
#ifndef NATVERK_Q_NETWORKS_H
#define NATVERK_Q_NETWORKS_H

#include <stdbool.h>

#include "db/q_common.h"

/* Every network as (id as text, English name, Swedish name), by name. */
enum err db_network_options(struct db *db, struct arena *a, struct code_name **rows, size_t *n);

/* True in *exists when a network has this id. */
enum err db_network_exists(struct db *db, int64_t id, bool *exists);

#endif
