/* approx_count_distinct(x[, rsd]): a HyperLogLog sketch per group, 2^p one-byte registers
 * inline in the group's state (p = ceil(2 log2(1.106 / rsd)), 9 for Spark's default rsd 0.05:
 * 512 bytes), merged register by register. Small counts use linear counting below the
 * thresholds of Heule et al.'s HyperLogLog++; above them the raw estimate. */
#include <math.h>

#include "sql/fn_agg.h"
#include "util/alloc.h"
#include "util/hash.h"

typedef struct hll_site {
    fn_cat cat;
    int p;
    size_t m;
} hll_site;

static int hll_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    fn_cat cat = fn_agg_cat(b->arg_types[0]->type);
    if (!cat) return fn_bad_args(err, "approx_count_distinct", b, "expected a scalar argument");
    double rsd = 0.05;
    if (b->n_args > 1) {
        const silt_column *k = b->const_args[1];
        silt_type_id t = b->arg_types[1]->type;
        if (!k || !(fn_is_numeric(t)) || !silt_column_is_valid(k, 0))
            return fn_bad_args(err, "approx_count_distinct", b,
                               "the relative error must be a constant number");
        rsd = fn_get_double(k, b->arg_types[1]->scale, 0);
    }
    double pd = ceil(2.0 * log2(1.106 / rsd));
    if (!(rsd > 0) || pd > 16)
        return fn_bad_args(err, "approx_count_distinct", b,
                           "the relative error must be at least 0.0043 (and above 0)");
    hll_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    s->cat = cat;
    s->p = pd < 4 ? 4 : (int)pd;
    s->m = (size_t)1 << s->p;
    b->state = s;
    b->agg_state_size = s->m;
    if (fn_ret(b, SILT_TYPE_INT64, err)) return SILT_ENOMEM;
    b->ret.nullable = false;
    return 0;
}

static int hll_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, hll_bind_impl(b, err), silt_free);
}

static void hll_init(void *bstate, void *st)
{
    memset(st, 0, ((const hll_site *)bstate)->m);
}

static uint64_t hash_value(const silt_column *c, int64_t row)
{
    switch (fn_agg_cat(c->type)) {
    case FN_CAT_DBL: {
        double d = fn_get_double(c, 0, row);
        if (d == 0) d = 0.0;
        uint64_t bits;
        memcpy(&bits, &d, 8);
        return silt_hash_u64(bits ^ 0x9e3779b97f4a7c15ull);
    }
    case FN_CAT_DEC: return silt_hash_bytes(c->values + (size_t)row * 16, 16, 0x68c);
    case FN_CAT_STR: {
        size_t len;
        const uint8_t *p = silt_column_bytes(c, row, &len);
        return silt_hash_bytes(p, len, 0x68c);
    }
    default: return silt_hash_u64((uint64_t)fn_get_i64(c, row) ^ 0x9e3779b97f4a7c15ull);
    }
}

static int hll_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                      const silt_sql_fn_args *args, int64_t n_rows, silt_error *err)
{
    const hll_site *s = bstate;
    const silt_column *c = args->cols[0];
    bool k = args->is_const[0];
    for (int64_t r = 0; r < n_rows; r++) {
        int64_t row = k ? 0 : r;
        if (!silt_column_is_valid(c, row)) continue;
        uint64_t h = hash_value(c, row);
        size_t idx = (size_t)(h >> (64 - s->p));
        uint64_t w = (h << s->p) | ((uint64_t)1 << (s->p - 1));
        uint8_t rho = (uint8_t)(__builtin_clzll(w) + 1);
        uint8_t *reg = (uint8_t *)fn_agg_state(states, stride, groups, r) + idx;
        if (rho > *reg) *reg = rho;
    }
    return 0;
}

static int hll_merge(void *bstate, void *dst, const void *src, silt_error *err)
{
    const hll_site *s = bstate;
    uint8_t *d = dst;
    const uint8_t *o = src;
    for (size_t i = 0; i < s->m; i++)
        if (o[i] > d[i]) d[i] = o[i];
    return 0;
}

/* The cardinality below which linear counting is used, by p = 4..18 (HyperLogLog++). */
static const double thresholds[] = {10,   20,   40,    80,    220,   400,    900,   1800,
                                    3100, 6500, 11500, 20000, 50000, 120000, 350000};

static int64_t hll_estimate(const hll_site *s, const uint8_t *reg)
{
    double m = (double)s->m, z = 0, zeros = 0;
    for (size_t i = 0; i < s->m; i++) {
        z += ldexp(1.0, -reg[i]);
        zeros += reg[i] == 0;
    }
    double alpha = s->p == 4   ? 0.673
                   : s->p == 5 ? 0.697
                   : s->p == 6 ? 0.709
                               : 0.7213 / (1 + 1.079 / m);
    double e = alpha * m * m / z;
    if (zeros > 0) {
        double h = m * log(m / zeros);
        if (h <= thresholds[s->p - 4]) e = h;
    }
    return (int64_t)llround(e);
}

static int hll_finalize(void *bstate, silt_column *out, const uint8_t *states, size_t stride,
                        int64_t n_groups, silt_error *err)
{
    for (int64_t g = 0; g < n_groups; g++)
        if (silt_column_append_int(out, hll_estimate(bstate, states + (size_t)g * stride)))
            return FN_OOM(err);
    return 0;
}

const silt_sql_agg_fn silt_sql_agg_hll[] = {
    {"approx_count_distinct", 1, 2, hll_bind, hll_init, hll_update, hll_merge, hll_finalize, NULL,
     silt_free,
     "approx_count_distinct(x[, rsd]) - estimated number of distinct non-NULL values "
     "(HyperLogLog, relative standard deviation rsd, default 0.05). "
     "approx_count_distinct(col) over (1), (1), (2), (2), (3) -> 3"},
    {0},
};
