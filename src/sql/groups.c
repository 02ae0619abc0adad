/* The group-key hash table (open addressing over group ids, keys stored as columns). */
#include <string.h>

#include "sql/groups.h"
#include "util/alloc.h"
#include "util/hash.h"

int sql_groups_init(sql_groups *g, const silt_field *const *types, size_t n_keys)
{
    memset(g, 0, sizeof *g);
    g->n_keys = n_keys;
    g->keys = silt_calloc(n_keys + 1, sizeof *g->keys);
    g->cap = 1024;
    g->slots = silt_calloc(g->cap, sizeof *g->slots);
    if (!g->keys || !g->slots) return SILT_ENOMEM;
    for (size_t k = 0; k < n_keys; k++)
        if (silt_column_init(&g->keys[k], types[k])) return SILT_ENOMEM;
    return 0;
}

void sql_groups_free(sql_groups *g)
{
    for (size_t k = 0; g->keys && k < g->n_keys; k++) silt_column_clear(&g->keys[k]);
    silt_free(g->keys);
    silt_free(g->hashes);
    silt_free(g->slots);
    memset(g, 0, sizeof *g);
}

static int grow(sql_groups *g)
{
    size_t nc = g->cap * 2;
    uint32_t *ns = silt_calloc(nc, sizeof *ns);
    if (!ns) return SILT_ENOMEM;
    for (int64_t id = 0; id < g->n; id++) {
        size_t h = (size_t)g->hashes[id] & (nc - 1);
        while (ns[h]) h = (h + 1) & (nc - 1);
        ns[h] = (uint32_t)id + 1;
    }
    silt_free(g->slots);
    g->slots = ns;
    g->cap = nc;
    return 0;
}

static int add_group(sql_groups *g, const silt_column *const *cols, int64_t r, uint64_t h,
                     size_t slot)
{
    if (g->n == g->cap_groups) {
        int64_t nc = g->cap_groups ? g->cap_groups * 2 : 256;
        uint64_t *nh = silt_realloc(g->hashes, (size_t)nc * sizeof *nh);
        if (!nh) return SILT_ENOMEM;
        g->hashes = nh;
        g->cap_groups = nc;
    }
    for (size_t k = 0; k < g->n_keys; k++) {
        int rc = silt_column_append_range(&g->keys[k], cols[k], r, 1);
        if (rc) return rc;
    }
    g->hashes[g->n] = h;
    g->slots[slot] = (uint32_t)g->n + 1;
    g->n++;
    return 0;
}

#define ROW_SEED 0x12345

static uint64_t row_hash(const silt_column *const *cols, size_t nk, int64_t r)
{
    uint64_t h = ROW_SEED;
    for (size_t k = 0; k < nk; k++) h = sql_hash_row(cols[k], r, h);
    return h;
}

/* One string key without nulls: the hash (as sql_hash_row's) and the comparison inline. */
static int map_string(sql_groups *g, const silt_column *c, int64_t n, uint32_t *ids, bool insert)
{
    const silt_column *kc = &g->keys[0];
    for (int64_t r = 0; r < n; r++) {
        if ((size_t)(g->n + 1) * 2 > g->cap && grow(g)) return SILT_ENOMEM;
        const uint8_t *p = c->values + c->offsets[r];
        size_t len = (size_t)(c->offsets[r + 1] - c->offsets[r]);
        if (r && ids[r - 1] != UINT32_MAX && len == (size_t)(c->offsets[r] - c->offsets[r - 1]) &&
            !memcmp(p - len, p, len)) { /* runs of one key (sorted or clustered data) */
            ids[r] = ids[r - 1];
            continue;
        }
        uint64_t h = silt_hash_bytes(p, len, ROW_SEED);
        size_t s = (size_t)h & (g->cap - 1);
        uint32_t id = UINT32_MAX;
        for (; g->slots[s]; s = (s + 1) & (g->cap - 1)) {
            uint32_t cand = g->slots[s] - 1;
            if (g->hashes[cand] != h) continue;
            int32_t o = kc->offsets[cand];
            if ((size_t)(kc->offsets[cand + 1] - o) == len && silt_column_is_valid(kc, cand) &&
                (!len || !memcmp(kc->values + o, p, len))) {
                id = cand;
                break;
            }
        }
        if (id == UINT32_MAX && insert) {
            id = (uint32_t)g->n;
            if (add_group(g, &c, r, h, s)) return SILT_ENOMEM;
        }
        ids[r] = id;
    }
    return 0;
}

/* One 64- or 32-bit integer key without nulls. */
static int map_int(sql_groups *g, const silt_column *c, int64_t n, uint32_t *ids, bool insert)
{
    const silt_column *kc = &g->keys[0];
    bool wide = c->byte_width == 8;
    for (int64_t r = 0; r < n; r++) {
        if ((size_t)(g->n + 1) * 2 > g->cap && grow(g)) return SILT_ENOMEM;
        int64_t v = wide ? ((const int64_t *)c->values)[r] : ((const int32_t *)c->values)[r];
        uint64_t h = silt_hash_u64(ROW_SEED ^ (uint64_t)v);
        size_t s = (size_t)h & (g->cap - 1);
        uint32_t id = UINT32_MAX;
        for (; g->slots[s]; s = (s + 1) & (g->cap - 1)) {
            uint32_t cand = g->slots[s] - 1;
            if (g->hashes[cand] != h || !silt_column_is_valid(kc, cand)) continue;
            int64_t k =
                wide ? ((const int64_t *)kc->values)[cand] : ((const int32_t *)kc->values)[cand];
            if (k == v) {
                id = cand;
                break;
            }
        }
        if (id == UINT32_MAX && insert) {
            id = (uint32_t)g->n;
            if (add_group(g, &c, r, h, s)) return SILT_ENOMEM;
        }
        ids[r] = id;
    }
    return 0;
}

/* One key with a dictionary view and no nulls: each distinct value the rows use is looked up
 * once (as the generic path would, same hash), then rows take their value's group. */
static int map_dict(sql_groups *g, const silt_column *c, int64_t n, uint32_t *ids, bool insert)
{
    const silt_column *d = &c->dict->values;
    int64_t nd = d->length;
    uint32_t *dm = silt_malloc((size_t)(nd ? nd : 1) * sizeof *dm);
    if (!dm) return SILT_ENOMEM;
    const uint32_t unmapped = UINT32_MAX - 1;
    for (int64_t i = 0; i < nd; i++) dm[i] = unmapped;
    int rc = 0;
    for (int64_t r = 0; r < n && !rc; r++) {
        int32_t code = c->codes[r];
        if (dm[code] == unmapped) { /* first row with this value */
            if ((size_t)(g->n + 1) * 2 > g->cap && grow(g)) {
                rc = SILT_ENOMEM;
                break;
            }
            uint64_t h = row_hash(&d, 1, code);
            size_t s = (size_t)h & (g->cap - 1);
            uint32_t id = UINT32_MAX;
            for (; g->slots[s]; s = (s + 1) & (g->cap - 1)) {
                uint32_t cand = g->slots[s] - 1;
                if (g->hashes[cand] == h && sql_rows_equal(&g->keys[0], cand, d, code)) {
                    id = cand;
                    break;
                }
            }
            if (id == UINT32_MAX && insert) {
                id = (uint32_t)g->n;
                rc = add_group(g, &d, code, h, s);
            }
            dm[code] = id;
        }
        ids[r] = dm[code];
    }
    silt_free(dm);
    return rc;
}

static bool int_key(silt_type_id t)
{
    return t == SILT_TYPE_INT32 || t == SILT_TYPE_INT64 || t == SILT_TYPE_DATE32 ||
           t == SILT_TYPE_TIMESTAMP || t == SILT_TYPE_TIMESTAMP_NS;
}

int sql_groups_map(sql_groups *g, const silt_column *const *cols, int64_t n, uint32_t *ids,
                   bool insert)
{
    if (g->n_keys == 1 && !(cols[0]->validity && cols[0]->null_count) &&
        cols[0]->type == g->keys[0].type) {
        const silt_dict *d = silt_column_dict(cols[0]);
        if (d && d->values.length * 2 <= n && d->values.type == cols[0]->type &&
            !d->values.null_count)
            return map_dict(g, cols[0], n, ids, insert);
        if (cols[0]->type == SILT_TYPE_STRING) return map_string(g, cols[0], n, ids, insert);
        if (int_key(cols[0]->type)) return map_int(g, cols[0], n, ids, insert);
    }
    for (int64_t r = 0; r < n; r++) {
        if ((size_t)(g->n + 1) * 2 > g->cap && grow(g)) return SILT_ENOMEM;
        uint64_t h = row_hash(cols, g->n_keys, r);
        size_t s = (size_t)h & (g->cap - 1);
        uint32_t id = UINT32_MAX;
        for (; g->slots[s]; s = (s + 1) & (g->cap - 1)) {
            uint32_t cand = g->slots[s] - 1;
            if (g->hashes[cand] != h) continue;
            bool eq = true;
            for (size_t k = 0; k < g->n_keys && eq; k++)
                eq = sql_rows_equal(&g->keys[k], cand, cols[k], r);
            if (eq) {
                id = cand;
                break;
            }
        }
        if (id == UINT32_MAX && insert) {
            id = (uint32_t)g->n;
            if (add_group(g, cols, r, h, s)) return SILT_ENOMEM;
        }
        ids[r] = id;
    }
    return 0;
}

size_t sql_groups_bytes(const sql_groups *g)
{
    size_t b = g->cap * sizeof *g->slots + (size_t)g->cap_groups * 8;
    for (size_t k = 0; k < g->n_keys; k++) {
        const silt_column *c = &g->keys[k];
        b += (size_t)c->cap_rows * (size_t)(c->byte_width > 0 ? c->byte_width : 4) +
             (size_t)c->cap_bytes;
    }
    return b;
}
