/* The hash table of group keys shared by GROUP BY, DISTINCT and the join's build side: maps
 * each row's key values (NULL equal to NULL) to a dense group id. */
#ifndef SILT_SQL_GROUPS_H
#define SILT_SQL_GROUPS_H

#include "sql/exec.h"

typedef struct sql_groups {
    size_t n_keys;
    silt_column *keys; /* one column per key: the values of each group, in id order */
    uint64_t *hashes;  /* per group */
    uint32_t *slots;   /* open addressing: group id + 1, 0 = empty */
    size_t cap;        /* slots */
    int64_t n;         /* groups */
    int64_t cap_groups;
} sql_groups;

/* types: n_keys key types. Returns 0 or SILT_ENOMEM. */
int sql_groups_init(sql_groups *g, const silt_field *const *types, size_t n_keys);
void sql_groups_free(sql_groups *g);
/* Sets ids[r] to the group of row r of cols (n_keys columns of n rows), adding new groups
 * when insert is true (else -1 for an unknown key... as UINT32_MAX). */
int sql_groups_map(sql_groups *g, const silt_column *const *cols, int64_t n, uint32_t *ids,
                   bool insert);
/* Bytes held (for memory reports). */
size_t sql_groups_bytes(const sql_groups *g);

#endif
