/* `silt table delete LOCATION --where PRED`: marks the rows matching a predicate deleted with
 * deletion vectors (one commit; the data files are not rewritten). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/table.h"
#include "delta/dv_commit.h"
#include "delta/pqio.h"
#include "delta/scan.h"
#include "util/alloc.h"

static const silt_opt_spec delete_spec[] = {
    {"where", 'w', SILT_OPT_STRING, "PRED", NULL, NULL,
     "delete the rows with COLUMN =|<|<=|>|>= VALUE or COLUMN IS NULL (required)", TS_(STR, where)},
    {"enable-deletion-vectors", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "first upgrade a table without the deletionVectors feature (reader 3, writer 7: readers "
     "that do not support deletion vectors can no longer read it)",
     TS_(BOOL, enable_dvs)},
    {0},
};

/* The matching rows of each file, gathered by the scan. */
typedef struct gathered {
    silt_delta_row_delete *dels;
    silt_delta_rowset *sets;
    size_t n, cap;
    int64_t rows;
} gathered;

static int on_rows(void *arg, const silt_batch *b, const silt_delta_scan_pos *pos, silt_error *err)
{
    gathered *g = arg;
    if (!g->n || strcmp(g->dels[g->n - 1].path, pos->file->path) != 0) {
        if (g->n == g->cap) {
            size_t cap = g->cap ? g->cap * 2 : 16;
            silt_delta_row_delete *d = silt_realloc(g->dels, cap * sizeof *d);
            if (d) g->dels = d;
            silt_delta_rowset *s = silt_realloc(g->sets, cap * sizeof *s);
            if (s) g->sets = s;
            if (!d || !s) return silt_error_set(err, SILT_ENOMEM, "out of memory");
            g->cap = cap;
        }
        g->dels[g->n].path = pos->file->path;
        memset(&g->sets[g->n], 0, sizeof g->sets[g->n]);
        g->n++;
    }
    for (int64_t i = 0; i < b->n_rows; i++)
        if (silt_delta_rowset_add(&g->sets[g->n - 1], pos->rows[i]))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
    g->rows += b->n_rows;
    return 0;
}

static void gathered_free(gathered *g)
{
    for (size_t i = 0; i < g->n; i++) silt_delta_rowset_free(&g->sets[i]);
    silt_free(g->sets);
    silt_free(g->dels);
}

/* Finds the matching rows of snap and commits their deletion. */
static int delete_matching(silt_store *store, silt_delta_snapshot **snap,
                           const silt_cli_table_settings *set, silt_error *err)
{
    silt_delta_pred pred;
    int rc = silt_delta_pred_parse(&pred, set->where, err);
    if (rc) {
        silt_error_prefix(err, "--where");
        return rc;
    }
    int64_t v = (*snap)->version;
    if (set->enable_dvs && !silt_delta_dvs_enabled(*snap)) {
        if ((rc = silt_delta_enable_dvs(&v, store, *snap, NULL, err)) ||
            (rc = silt_delta_snapshot_update(snap, store, err)))
            return rc;
        fprintf(stderr, "version %" PRId64 ": deletion vectors enabled\n", v);
    }
    gathered g = {0};
    silt_delta_scan_opts so = silt_delta_scan_opts_default();
    so.file_ops = silt_delta_parquet_ops();
    so.pred = &pred;
    so.emit_pos = on_rows;
    rc = silt_delta_scan(NULL, *snap, store, &so, NULL, &g, err);
    for (size_t i = 0; i < g.n && rc == 0; i++) {
        silt_delta_rowset_normalize(&g.sets[i]);
        g.dels[i].rows = &g.sets[i];
    }
    silt_delta_dv_commit_stats st = {0};
    silt_delta_commit_opts co = {0};
    co.file_ops = silt_delta_parquet_ops();
    if (rc == 0 && g.n)
        rc = silt_delta_delete_rows(&v, &st, store, *snap, g.dels, g.n, NULL, 0, NULL, 0, &co, err);
    if (rc == 0 && !g.n) printf("no row matches: nothing deleted\n");
    if (rc == 0 && g.n)
        printf("version %" PRId64 ": %" PRId64 " rows deleted in %zu files (%zu dropped whole); "
               "deletion vector file of %" PRIu64 " bytes\n",
               v, st.rows_deleted, st.files_touched + st.files_dropped, st.files_dropped,
               st.dv_file_size);
    gathered_free(&g);
    return rc;
}

int silt_cli_table_delete(int argc, char **argv)
{
    silt_opts o;
    silt_cli_table_settings set = {0};
    int code;
    if (silt_cli_table_parse(&o, &code, delete_spec, &set, argc, argv, "table delete",
                             "silt table delete LOCATION --where PRED [--enable-deletion-vectors]",
                             "Mark the rows matching --where deleted, in one commit, with "
                             "deletion vectors: no data file is rewritten (OPTIMIZE later drops "
                             "the deleted rows; VACUUM removes unreferenced deletion vector "
                             "files). The table needs the deletionVectors feature "
                             "(--enable-deletion-vectors adds it)."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    if (!set.where) {
        fprintf(stderr, "silt table delete: --where is required (to delete every row, use a "
                        "predicate that every row matches)\n");
        return 2;
    }
    silt_store *store = NULL;
    silt_delta_snapshot *snap = NULL;
    int rc = silt_cli_table_load(&snap, &store, o.args[0], &set, &err);
    if (!rc) rc = delete_matching(store, &snap, &set, &err);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
    return rc ? silt_cli_fail("table delete", &err) : 0;
}
