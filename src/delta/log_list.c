/* Listing _delta_log/ for the log reader: all of it, or only the part from a version on (the
 * versions after _last_checkpoint's), through prefixes of the 20-digit version. */
#include "delta/log_int.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

void silt_delta_listing_clear(silt_delta_listing *x)
{
    silt_store_list_clear(&x->l);
    silt_free(x->versions);
    silt_free(x->idx);
    silt_free(x->cps);
    memset(x, 0, sizeof *x);
}

/* Adds checkpoint file i of the listing (parsed as n) to out->cps. Parts must be listed in
 * order (the listing is sorted); a single file wins over parts of the same version. */
static void note_checkpoint(silt_delta_listing *out, const silt_delta_logname *n, size_t i)
{
    bool single = n->kind == SILT_DELTA_LOGFILE_CHECKPOINT;
    int64_t v = n->version;
    silt_delta_cp_info *last = out->n_cps ? &out->cps[out->n_cps - 1] : NULL;
    if (last && last->version == v) {
        if (last->single) return;
        if (single)
            *last = (silt_delta_cp_info){v, 1, 1, i, true, false};
        else if (n->parts == last->parts && n->part == last->found + 1)
            last->found++;
        return;
    }
    if (!single && n->part != 1) return; /* part 1 missing: incomplete */
    out->cps[out->n_cps++] = (silt_delta_cp_info){v, n->parts, 1, i, single, false};
}

/* Parses out->l (listed already) into commit versions and complete checkpoints. */
static int parse_listing(silt_delta_listing *out, silt_error *err)
{
    size_t n = out->l.n;
    out->versions = silt_calloc(n ? n : 1, sizeof *out->versions);
    out->idx = silt_calloc(n ? n : 1, sizeof *out->idx);
    out->cps = silt_calloc(n ? n : 1, sizeof *out->cps);
    if (!out->versions || !out->idx || !out->cps) {
        silt_delta_listing_clear(out);
        return silt_error_set(err, SILT_ENOMEM, "out of memory listing the log");
    }
    for (size_t i = 0; i < n; i++) {
        silt_delta_logname ln;
        silt_delta_logname_parse(&ln, out->l.entries[i].key);
        if (ln.kind == SILT_DELTA_LOGFILE_COMMIT) {
            assert(!out->n_commits || out->versions[out->n_commits - 1] < ln.version);
            out->versions[out->n_commits] = ln.version;
            out->idx[out->n_commits++] = i;
        } else if (silt_delta_logname_is_checkpoint(&ln)) {
            note_checkpoint(out, &ln, i);
        }
    }
    /* drop incomplete checkpoints */
    size_t k = 0;
    for (size_t i = 0; i < out->n_cps; i++)
        if (out->cps[i].found == out->cps[i].parts) out->cps[k++] = out->cps[i];
    out->n_cps = k;
    return 0;
}

int silt_delta_listing_read(silt_delta_listing *out, silt_store *store, silt_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = silt_store_list(store, &out->l, SILT_DELTA_LOG_DIR, err);
    return rc ? rc : parse_listing(out, err);
}

/* Moves the entries of part to the end of l (part is left empty). */
static int append_listing(silt_store_listing *l, silt_store_listing *part)
{
    if (part->n == 0) return 0;
    silt_store_entry *e = silt_realloc(l->entries, (l->n + part->n) * sizeof *e);
    if (!e) return SILT_ENOMEM;
    memcpy(e + l->n, part->entries, part->n * sizeof *e);
    l->entries = e;
    l->n += part->n;
    silt_free(part->entries);
    part->entries = NULL;
    part->n = 0;
    return 0;
}

/* The highest commit version among the keys of l, or -1. */
static int64_t last_commit(const silt_store_listing *l)
{
    for (size_t i = l->n; i-- > 0;) {
        silt_delta_logname ln;
        silt_delta_logname_parse(&ln, l->entries[i].key);
        if (ln.kind == SILT_DELTA_LOGFILE_COMMIT) return ln.version;
    }
    return -1;
}

int silt_delta_listing_read_from(silt_delta_listing *out, silt_store *store, int64_t from,
                                 silt_error *err)
{
    memset(out, 0, sizeof *out);
    silt_store_listing part = {0};
    int64_t lo = from - from % 100, block = 100; /* [lo, lo + block): the keys of one prefix */
    int rc = 0;
    for (;;) {
        int digits = 0; /* of the 20-digit version, the leading ones all keys in the block share */
        for (int64_t b = block; b > 1; b /= 10) digits++;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s%020" PRId64, SILT_DELTA_LOG_DIR, lo);
        prefix[strlen(SILT_DELTA_LOG_DIR) + 20 - (size_t)digits] = '\0';
        if ((rc = silt_store_list(store, &part, prefix, err))) goto fail;
        int64_t last = last_commit(&part);
        if (append_listing(&out->l, &part)) goto oom;
        /* commits are contiguous: the log goes on past this block only when it fills it */
        if (last != lo + block - 1) break;
        lo += block;
        block = 10;
        while (lo % (block * 10) == 0 && block < INT64_MAX / 100) block *= 10;
    }
    return parse_listing(out, err);
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory listing the log");
fail:
    silt_store_list_clear(&part);
    silt_delta_listing_clear(out);
    return rc;
}
