/* Private to the aggregate families (fn_agg_*.c): the per-call-site description bind builds,
 * the value categories kernels switch on, and DISTINCT keys. */
#ifndef SILT_SQL_FN_AGG_H
#define SILT_SQL_FN_AGG_H

#include "sql/fn_set.h"
#include "sql/fn_util.h"
#include "util/buf.h"

typedef enum fn_cat {
    FN_CAT_INT = 1, /* int8..int64, date, timestamp: int64 */
    FN_CAT_BOOL,    /* boolean: int64 0/1 */
    FN_CAT_DBL,     /* float, double: double */
    FN_CAT_DEC,     /* decimal: int128 unscaled */
    FN_CAT_STR,     /* string, binary: bytes */
} fn_cat;

/* What an aggregate's bind learned about its call site (the bind state). */
typedef struct fn_agg_site {
    fn_cat cat;
    silt_type_id in;
    int in_p, in_s;   /* decimal input */
    int out_p, out_s; /* decimal output */
    bool distinct;
    size_t n_args;
} fn_agg_site;

/* The category of a type, or 0 when aggregates cannot order or add it. */
fn_cat fn_agg_cat(silt_type_id t);
/* Allocates b->state as a site for the call; returns 0 or SILT_ENOMEM. */
int fn_agg_site_new(silt_sql_fn_bind *b, fn_cat cat, silt_error *err);

/* Appends the DISTINCT key of row r of args (all arguments; length-prefixed) to key. Returns
 * false when an argument of the row is NULL (the row does not count). */
bool fn_agg_key(silt_buf *key, const silt_sql_fn_args *args, int64_t r);

/* The group state of row r. */
static inline void *fn_agg_state(uint8_t *states, size_t stride, const uint32_t *groups, int64_t r)
{
    return states + (size_t)(groups ? groups[r] : 0) * stride;
}

/* The DISTINCT aggregates' callbacks over a state that is one fn_set pointer. */
void fn_agg_set_init(void *bstate, void *st);
int fn_agg_set_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                      const silt_sql_fn_args *args, int64_t n_rows, silt_error *err);
int fn_agg_set_merge(void *bstate, void *dst, const void *src, silt_error *err);
void fn_agg_set_destroy(void *bstate, void *st);

#endif
