/* The one registry of SQL functions: finds scalars and aggregates by name (case-insensitive)
 * across the family tables, suggests the closest name, and lists them all for docs and help. */
#include <strings.h>

#include "sql/fn_util.h"
#include "util/suggest.h"

/* clang-format off: one family per line */
static const silt_sql_scalar_fn *const scalar_families[] = {
    silt_sql_fn_math,
    silt_sql_fn_cond,
    silt_sql_fn_string,
    silt_sql_fn_concat,
    silt_sql_fn_regex,
    silt_sql_fn_date,
    silt_sql_fn_date_more,
    silt_sql_fn_date_format,
    silt_sql_fn_date_trunc,
    silt_sql_fn_json,
    silt_sql_fn_collection,
    silt_sql_fn_hash,
    NULL,
};

static const silt_sql_agg_fn *const agg_families[] = {
    silt_sql_agg_sum,
    silt_sql_agg_minmax,
    silt_sql_agg_stats,
    silt_sql_agg_hll,
    silt_sql_agg_bool,
    silt_sql_agg_collect,
    NULL,
};
/* clang-format on */

const silt_sql_scalar_fn *silt_sql_scalar_find(const char *name)
{
    if (!name) return NULL;
    for (size_t f = 0; scalar_families[f]; f++)
        for (const silt_sql_scalar_fn *s = scalar_families[f]; s->name; s++)
            if (strcasecmp(s->name, name) == 0) return s;
    return NULL;
}

const silt_sql_agg_fn *silt_sql_agg_find(const char *name)
{
    if (!name) return NULL;
    for (size_t f = 0; agg_families[f]; f++)
        for (const silt_sql_agg_fn *a = agg_families[f]; a->name; a++)
            if (strcasecmp(a->name, name) == 0) return a;
    return NULL;
}

#define MAX_NAMES 512
typedef struct name_list {
    const char *names[MAX_NAMES];
    size_t n;
} name_list;

static void collect(void *arg, const char *name, const char *doc, bool aggregate)
{
    (void)doc;
    (void)aggregate;
    name_list *l = arg;
    if (l->n < MAX_NAMES) l->names[l->n++] = name;
}

const char *silt_sql_fn_suggest(const char *name)
{
    if (!name || !*name) return NULL;
    name_list l = {.n = 0};
    silt_sql_fn_each(collect, &l);
    char lower[128];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
    lower[i] = '\0';
    return silt_suggest(lower, l.names, l.n);
}

void silt_sql_fn_each(void (*f)(void *arg, const char *name, const char *doc, bool aggregate),
                      void *arg)
{
    for (size_t k = 0; scalar_families[k]; k++)
        for (const silt_sql_scalar_fn *s = scalar_families[k]; s->name; s++)
            f(arg, s->name, s->doc, false);
    for (size_t k = 0; agg_families[k]; k++)
        for (const silt_sql_agg_fn *a = agg_families[k]; a->name; a++)
            f(arg, a->name, a->doc, true);
}
