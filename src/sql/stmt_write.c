/* CREATE TABLE delta.`path` [PARTITIONED BY (cols)] AS SELECT and INSERT INTO delta.`path`
 * SELECT: the query's rows written as Parquet data files (one per partition) and committed to
 * the Delta log (CREATE: the table at version 0, then its files as version 1; INSERT: one
 * blind append, the rows cast by position to the table's column types). */
#include <string.h>
#include <strings.h>

#include "delta/commit.h"
#include "delta/pqio.h"
#include "delta/schema.h"
#include "sql/groups.h"
#include "sql/plan.h"
#include "sql/sql.h"
#include "util/alloc.h"

sql_stmt *sql_plan_stmt(silt_sql_plan *p);
sql_node *sql_plan_root(silt_sql_plan *p);
void sql_plan_set_root(silt_sql_plan *p, sql_node *n);
sql_ctx *sql_plan_ctx(silt_sql_plan *p);

typedef struct target {
    silt_store *store;
    silt_delta_snapshot *snap; /* INSERT */
    const char **parts;
    size_t n_parts;
} target;

static void target_free(void *p)
{
    target *t = p;
    silt_delta_snapshot_destroy(t->snap);
    silt_store_destroy(t->store);
    silt_free(t);
}

static int open_target(target **out, sql_ctx *c, const sql_stmt *s)
{
    target *t = silt_calloc(1, sizeof *t);
    if (!t) return sql_oom(c);
    int rc = sql_ctx_defer(c, target_free, t);
    if (rc) return rc;
    if (strcasecmp(s->table->format, "delta"))
        return sql_error_at(c->err, SILT_EUNSUPPORTED, c->text, s->table->pos,
                            "only delta.`path` tables can be written");
    silt_error e2;
    silt_error_clear(&e2);
    if ((rc = silt_store_open(&t->store, s->table->path, &e2))) {
        *c->err = e2;
        return rc;
    }
    *out = t;
    return 0;
}

/* INSERT: the query's columns cast by position to the table's types. */
static int insert_casts(silt_sql_plan *p, target *t)
{
    sql_ctx *c = sql_plan_ctx(p);
    sql_node *root = sql_plan_root(p);
    const silt_schema *ts = t->snap->schema;
    if (root->schema.n_fields != ts->n_fields)
        return sql_error_at(c->err, SILT_EINVAL, c->text, 0,
                            "INSERT: the query gives %zu columns, the table has %zu",
                            root->schema.n_fields, ts->n_fields);
    sql_expr **ex = sql_ctx_alloc(c, (ts->n_fields + 1) * sizeof *ex);
    const char **names = sql_ctx_alloc(c, (ts->n_fields + 1) * sizeof *names);
    if (!ex || !names) return SILT_ENOMEM;
    for (size_t i = 0; i < ts->n_fields; i++) {
        names[i] = ts->fields[i].name;
        sql_expr *col = sql_col_ref(c, (int)i, &root->schema.fields[i], names[i]);
        if (!col) return SILT_ENOMEM;
        int rc = sql_bind_cast(&ex[i], c, col, &ts->fields[i]);
        if (rc) return rc;
    }
    sql_node *n;
    int rc = sql_node_project(&n, c, root, ex, names, ts->n_fields);
    if (!rc) sql_plan_set_root(p, n);
    t->n_parts = t->snap->metadata.n_partition_columns;
    t->parts = (const char **)t->snap->metadata.partition_columns;
    return rc;
}

static int check_partitions(sql_ctx *c, const sql_stmt *s, const sql_node *root)
{
    for (size_t k = 0; k < s->n_partition_cols; k++) {
        long i = silt_schema_find(&root->schema, s->partition_cols[k]);
        if (i < 0 || root->schema.fields[i].n_children)
            return sql_error_at(c->err, SILT_EINVAL, c->text, s->table->pos,
                                "PARTITIONED BY column '%s' is not a %scolumn of the query",
                                s->partition_cols[k], i < 0 ? "" : "primitive ");
    }
    for (size_t i = 0; i < root->schema.n_fields; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcasecmp(root->schema.fields[i].name, root->schema.fields[j].name))
                return sql_error_at(c->err, SILT_EINVAL, c->text, s->table->pos,
                                    "the query has two columns named '%s': give one an alias "
                                    "with AS",
                                    root->schema.fields[i].name);
    return 0;
}

int sql_write_prepare(silt_sql_plan *p);
int sql_write_prepare(silt_sql_plan *p)
{
    sql_ctx *c = sql_plan_ctx(p);
    sql_stmt *s = sql_plan_stmt(p);
    target *t = NULL;
    int rc = open_target(&t, c, s);
    if (rc) return rc;
    s->write_state = t;
    if (s->kind == S_CTAS) {
        t->parts = s->partition_cols;
        t->n_parts = s->n_partition_cols;
        return check_partitions(c, s, sql_plan_root(p));
    }
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    silt_error e2;
    silt_error_clear(&e2);
    if ((rc = silt_delta_snapshot_load(&t->snap, t->store, &ro, &e2))) {
        *c->err = e2;
        silt_error_prefix(c->err, "INSERT INTO delta.`%s`", s->table->path);
        return rc;
    }
    return insert_casts(p, t);
}

/* Uncompressed bytes per row group of the data files CTAS and INSERT write. */
#define SQL_ROW_GROUP_BYTES (4ll << 20)

static bool is_part(const target *t, const char *name)
{
    for (size_t k = 0; k < t->n_parts; k++)
        if (!strcasecmp(t->parts[k], name)) return true;
    return false;
}

/* Writes rows idx of all (schema full) as one data file of the partition those rows are in. */
static int write_group(silt_delta_add *add, const target *t, const silt_batch *all,
                       const silt_schema *data, const int64_t *idx, int64_t n, silt_error *err)
{
    const silt_schema *full = all->schema;
    silt_batch *b = silt_batch_create(data);
    silt_delta_map pv = {0};
    silt_buf v = SILT_BUF_INIT;
    int rc = b ? 0 : SILT_ENOMEM;
    for (size_t i = 0, j = 0; !rc && i < full->n_fields; i++) {
        if (is_part(t, full->fields[i].name)) {
            bool null;
            silt_buf_reset(&v);
            rc = silt_delta_partition_format(&v, &null, &full->fields[i], &all->cols[i], idx[0],
                                             err);
            if (!rc && silt_buf_cstr(&v)) rc = SILT_ENOMEM;
            if (!rc)
                rc = silt_delta_map_set(&pv, full->fields[i].name, null ? NULL : (char *)v.ptr);
            continue;
        }
        rc = sql_gather(&b->cols[j++], &all->cols[i], idx, n);
    }
    if (b) b->n_rows = n;
    /* Row groups of a few MiB rather than the 128 MiB default: readers (silt's SQL scan among
     * them) then stream the file in batches of tens of thousands of rows, and statistics skip
     * row groups within the file. */
    silt_delta_pqio_options po = {.codec = SILT_PQ_CODEC_ZSTD,
                                  .row_group_bytes = SQL_ROW_GROUP_BYTES};
    silt_delta_file_ops ops;
    silt_delta_parquet_ops_with(&ops, &po);
    if (!rc)
        rc = silt_delta_write_data_file(add, t->store, &ops, b, t->n_parts ? &pv : NULL, t->parts,
                                        t->n_parts, err);
    else if (!err->code)
        silt_error_set(err, rc, "out of memory writing a data file");
    silt_delta_map_clear(&pv);
    silt_buf_free(&v);
    silt_batch_destroy(b);
    return rc;
}

/* Row indexes grouped by partition (all rows in one group when unpartitioned). */
static int partition_rows(int64_t **out_idx, int64_t **out_start, int64_t *out_n, const target *t,
                          const silt_batch *all)
{
    int64_t rows = all->n_rows, ng = 1;
    uint32_t *ids = silt_calloc((size_t)rows + 1, sizeof *ids);
    int64_t *idx = silt_malloc(((size_t)rows + 1) * sizeof *idx);
    int rc = ids && idx ? 0 : SILT_ENOMEM;
    if (!rc && t->n_parts) {
        sql_groups g;
        const silt_field *kt[64];
        const silt_column *kc[64];
        size_t nk = 0;
        for (size_t i = 0; i < all->n_cols && nk < 64; i++)
            if (is_part(t, all->schema->fields[i].name)) {
                kt[nk] = &all->schema->fields[i];
                kc[nk++] = &all->cols[i];
            }
        rc = sql_groups_init(&g, kt, nk);
        if (!rc) rc = sql_groups_map(&g, kc, rows, ids, true);
        ng = g.n;
        sql_groups_free(&g);
    }
    int64_t *start = rc ? NULL : silt_calloc((size_t)ng + 2, sizeof *start);
    if (!rc && !start) rc = SILT_ENOMEM;
    for (int64_t r = 0; !rc && r < rows; r++) start[ids[r] + 1]++;
    for (int64_t gi = 0; !rc && gi < ng; gi++) start[gi + 1] += start[gi];
    int64_t *fill = rc ? NULL : silt_calloc((size_t)ng + 1, sizeof *fill);
    if (!rc && !fill) rc = SILT_ENOMEM;
    for (int64_t r = 0; !rc && r < rows; r++) idx[start[ids[r]] + fill[ids[r]]++] = r;
    silt_free(fill);
    silt_free(ids);
    if (rc) {
        silt_free(idx);
        silt_free(start);
        return rc;
    }
    *out_idx = idx;
    *out_start = start;
    *out_n = rows ? ng : 0;
    return 0;
}

static int data_schema(silt_schema **out, const target *t, const silt_schema *full)
{
    size_t n = 0;
    for (size_t i = 0; i < full->n_fields; i++) n += !is_part(t, full->fields[i].name);
    silt_schema *s = silt_schema_create(n);
    if (!s) return SILT_ENOMEM;
    for (size_t i = 0, j = 0; i < full->n_fields; i++)
        if (!is_part(t, full->fields[i].name) &&
            silt_field_copy(&s->fields[j++], &full->fields[i])) {
            silt_schema_destroy(s);
            return SILT_ENOMEM;
        }
    *out = s;
    return 0;
}

static int commit(int64_t *version, silt_sql_plan *p, target *t, const silt_schema *full,
                  const silt_delta_add *adds, size_t n, silt_error *err)
{
    if (sql_plan_stmt(p)->kind == S_INSERT)
        return silt_delta_append(version, t->store, t->snap, adds, n, NULL, 0, NULL, err);
    silt_delta_table_def def = {full, t->parts, t->n_parts, NULL, NULL, NULL};
    int rc = silt_delta_create_table_with_files(version, t->store, &def, adds, n, NULL, err);
    if (rc == SILT_EEXISTS)
        silt_error_prefix(err, "CREATE TABLE: the table exists (use INSERT INTO to add rows)");
    return rc;
}

static int result_row(silt_batch **out, silt_sql_plan *p, int64_t rows)
{
    silt_batch *b = silt_batch_create(silt_sql_plan_schema(p));
    if (!b || silt_column_append_int(&b->cols[0], rows)) {
        silt_batch_destroy(b);
        return SILT_ENOMEM;
    }
    b->n_rows = 1;
    *out = b;
    return 0;
}

int sql_write_run(silt_sql_plan *p, sql_rel *rows, silt_batch **out, silt_error *err);
int sql_write_run(silt_sql_plan *p, sql_rel *rows, silt_batch **out, silt_error *err)
{
    target *t = sql_plan_stmt(p)->write_state;
    const silt_schema *full = &sql_plan_root(p)->schema;
    silt_batch *all = NULL;
    silt_schema *data = NULL;
    int64_t *idx = NULL, *start = NULL, ng = 0, version;
    silt_delta_add *adds = NULL;
    size_t n_adds = 0;
    int rc = sql_rel_concat(&all, rows, full);
    if (!rc) rc = data_schema(&data, t, full);
    if (!rc) rc = partition_rows(&idx, &start, &ng, t, all);
    if (!rc && !(adds = silt_calloc((size_t)ng + 1, sizeof *adds))) rc = SILT_ENOMEM;
    if (rc) silt_error_set(err, rc, "out of memory writing the table");
    for (int64_t g = 0; !rc && g < ng; g++, n_adds++)
        rc = write_group(&adds[g], t, all, data, idx + start[g], start[g + 1] - start[g], err);
    if (!rc) rc = commit(&version, p, t, full, adds, n_adds, err);
    if (!rc && (rc = result_row(out, p, all->n_rows))) silt_error_set(err, rc, "out of memory");
    for (size_t i = 0; adds && i < n_adds; i++) silt_delta_add_clear(&adds[i]);
    silt_free(adds);
    silt_free(idx);
    silt_free(start);
    silt_schema_destroy(data);
    silt_batch_destroy(all);
    return rc;
}
