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

void silt_dict_release(silt_dict *d)
{
    if (!d || --d->refs > 0) return;
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
    dst->dict->refs++;
    dst->dict_rows = n;
    return 0;
}
