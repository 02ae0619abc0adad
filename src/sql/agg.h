/* The hash aggregate's run state (agg.c), also kept across runs of a plan as its running
 * aggregate (silt_sql_plan_set_running). */
#ifndef SILT_SQL_AGG_H
#define SILT_SQL_AGG_H

#include "sql/groups.h"

typedef struct aggrun {
    sql_node *n;
    sql_groups g;
    uint8_t **states; /* per aggregate: state_size * cap bytes */
    int64_t cap;
    uint32_t *ids;
    int64_t cap_ids;
} aggrun;

int sql_agg_init(aggrun *a, sql_node *n, silt_error *err);
void sql_agg_free(aggrun *a);
int sql_agg_grow_states(aggrun *a, int64_t need);
void sql_agg_init_states(aggrun *a, int64_t from, int64_t to);
/* Appends the result of a's groups to out (a is left as it is). */
int sql_agg_finish(sql_rel *out, aggrun *a, silt_error *err);
/* Frees the running aggregates of the plan under n. */
void sql_agg_release(sql_node *n);

#endif
