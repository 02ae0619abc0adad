/* Dictionary views of columns: the shared, reference-counted distinct values and the per-row
 * codes that readers of dictionary-encoded data attach, so work can be done once per value. */
#include <string.h>

#include "batch/batch.h"
#include "util/alloc.h"

silt_dict *silt_dict_create(const silt_field *f)
{
    silt_dict *d = silt_calloc(1, sizeof *d);
    if (!d) return NULL;
    d->refs = 1;
    if (silt_column_init(&d->values, f)) {
        silt_column_clear(&d->values);
        silt_free(d);
        return NULL;
    }
    return d;
}

/* The count is atomic: a batch kept in memory is read by two threads at once (the pipeline's
 * views kept in memory, run_accq.c), and each reader may share its dictionaries. */
void silt_dict_retain(silt_dict *d)
{
    __atomic_add_fetch(&d->refs, 1, __ATOMIC_ACQ_REL);
}

void silt_dict_release(silt_dict *d)
{
    if (!d || __atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) > 0) return;
    silt_column_clear(&d->values);
    silt_free(d);
}

void silt_column_drop_dict(silt_column *c)
{
    silt_dict_release(c->dict);
    silt_free(c->codes);
    c->dict = NULL;
    c->codes = NULL;
    c->dict_rows = 0;
}

int silt_column_share_dict(silt_column *dst, const silt_column *src, const int64_t *idx, int64_t n)
{
    silt_column_drop_dict(dst);
    if (!silt_column_dict(src) || n <= 0 || dst->length != n) return 0;
    int32_t *codes = silt_malloc((size_t)n * sizeof *codes);
    if (!codes) return SILT_ENOMEM;
    if (!idx)
        memcpy(codes, src->codes, (size_t)n * sizeof *codes);
    else
        for (int64_t k = 0; k < n; k++) codes[k] = idx[k] < 0 ? 0 : src->codes[idx[k]];
    dst->codes = codes;
    dst->dict = src->dict;
    silt_dict_retain(dst->dict);
    dst->dict_rows = n;
    return 0;
}

/* Copies the dictionary entries of codes[0..n) after dst's last row (room reserved). */
static void copy_entries(silt_column *dst, const silt_column *v, const int32_t *codes, int64_t n)
{
    const int32_t *vo = v->offsets;
    int32_t *o = dst->offsets + dst->length;
    int32_t at = o[0];
    for (int64_t i = 0; i < n; i++) {
        int32_t s = vo[codes[i]], l = vo[codes[i] + 1] - s;
        if (l) memcpy(dst->values + at, v->values + s, (size_t)l);
        at += l;
        o[i + 1] = at;
    }
}

static int64_t entry_bytes(const silt_column *v, const int32_t *codes, int64_t n)
{
    int64_t bytes = 0;
    for (int64_t i = 0; i < n; i++) bytes += v->offsets[codes[i] + 1] - v->offsets[codes[i]];
    return bytes;
}

int silt_column_append_codes(silt_column *dst, const silt_column *v, const int32_t *codes,
                             int64_t n)
{
    if (n <= 0) return 0;
    if (dst->type != v->type || (v->type != SILT_TYPE_STRING && v->type != SILT_TYPE_BINARY))
        return SILT_EINVAL;
    int rc = silt_column_reserve(dst, n, entry_bytes(v, codes, n));
    if (rc) return rc;
    if (dst->validity)
        for (int64_t i = 0; i < n; i++) silt_bit_set(dst->validity, dst->length + i, true);
    copy_entries(dst, v, codes, n);
    dst->length += n;
    return 0;
}

int silt_column_append_lazy(silt_column *dst, const silt_column *src, int64_t start, int64_t n)
{
    return silt_column_append_codes(dst, &src->dict->values, src->codes + start, n);
}

int silt_column_materialize(silt_column *c)
{
    if (!c->lazy) return 0;
    int64_t n = c->length;
    const silt_column *v = &c->dict->values;
    int64_t bytes = entry_bytes(v, c->codes, n);
    if (bytes > INT32_MAX) return SILT_ERANGE;
    c->length = 0; /* the buffers are filled as for rows appended to an empty column */
    int rc = silt_column_reserve(c, n, bytes);
    if (!rc) copy_entries(c, v, c->codes, n);
    c->length = n;
    if (!rc) c->lazy = false;
    return rc;
}
