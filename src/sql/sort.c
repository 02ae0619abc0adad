/* ORDER BY: the input is gathered into one batch, sort keys evaluated as columns, and an index
 * permutation sorted (stable merge sort) by the keys with ASC/DESC and NULLS FIRST/LAST; with a
 * LIMIT only the first rows are gathered. */
#include <string.h>

#include "sql/exec.h"
#include "util/alloc.h"

typedef struct sortctx {
    const silt_column *cols;
    const sql_sortkey *keys;
    size_t n;
} sortctx;

static int cmp_rows(const sortctx *s, int64_t x, int64_t y)
{
    for (size_t k = 0; k < s->n; k++) {
        const silt_column *c = &s->cols[k];
        bool vx = silt_column_is_valid(c, x), vy = silt_column_is_valid(c, y);
        int r;
        if (!vx || !vy) {
            if (vx == vy) continue;
            r = !vx ? -1 : 1; /* null first */
            if (!s->keys[k].nulls_first) r = -r;
            return r;
        }
        r = sql_compare_rows(c, x, c, y);
        if (r) return s->keys[k].desc ? -r : r;
    }
    return 0;
}

static void merge_sort(const sortctx *s, int64_t *a, int64_t *tmp, int64_t n)
{
    if (n < 16) {
        for (int64_t i = 1; i < n; i++) {
            int64_t v = a[i], j = i;
            while (j > 0 && cmp_rows(s, a[j - 1], v) > 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
        return;
    }
    int64_t h = n / 2;
    merge_sort(s, a, tmp, h);
    merge_sort(s, a + h, tmp, n - h);
    if (cmp_rows(s, a[h - 1], a[h]) <= 0) return;
    memcpy(tmp, a, (size_t)h * sizeof *a);
    int64_t i = 0, j = h, k = 0;
    while (i < h && j < n) a[k++] = cmp_rows(s, a[j], tmp[i]) < 0 ? a[j++] : tmp[i++];
    while (i < h) a[k++] = tmp[i++];
}

int sql_exec_sort(sql_rel *out, sql_node *n, const sql_rel *in, silt_error *err)
{
    silt_batch *all = NULL, *o = NULL;
    silt_column *cols = NULL;
    int64_t *idx = NULL, *tmp = NULL;
    size_t done = 0;
    int rc = sql_rel_concat(&all, in, &n->schema);
    if (rc) goto oom;
    int64_t rows = all->n_rows;
    if (!(cols = silt_calloc(n->n_keys + 1, sizeof *cols))) goto oom;
    for (; done < n->n_keys; done++)
        if ((rc = sql_eval_full(&cols[done], n->keys[done].expr, all, err))) goto fail;
    idx = silt_malloc((size_t)(rows + 1) * sizeof *idx);
    tmp = silt_malloc((size_t)(rows / 2 + 1) * sizeof *tmp);
    if (!idx || !tmp) goto oom;
    for (int64_t i = 0; i < rows; i++) idx[i] = i;
    sortctx s = {cols, n->keys, n->n_keys};
    merge_sort(&s, idx, tmp, rows);
    int64_t keep = n->limit >= 0 && n->limit < rows ? n->limit : rows;
    if ((rc = sql_gather_batch(&o, all, &n->schema, idx, keep))) goto oom;
    n->mem_peak = (size_t)rows * 16;
    if ((rc = sql_rel_push(out, o))) goto oom;
    rc = 0;
    goto fail;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory sorting");
fail:
    for (size_t k = 0; k < done; k++) silt_column_clear(&cols[k]);
    silt_free(cols);
    silt_free(idx);
    silt_free(tmp);
    silt_batch_destroy(all);
    return rc;
}
