/* Bronze table sink: micro-batches to Parquet files and Delta commits with per-partition txns. */
#include "pipeline/bronze_table.h"

#include "delta/commit.h"
#include "delta/log.h"
#include "delta/optimize.h"
#include "delta/schema.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct silt_bronze_table {
    silt_ingest_sink base; /* first: the sink interface */
    silt_store *store;
    char *name;
    char *location; /* as given, for messages */
    silt_delta_pqio_options pq;
    silt_delta_file_ops ops;
    silt_schema *data_schema; /* bronze columns without the partition column */
    silt_batch *slice;
    /* the files of the batch being staged: one per ingestion date */
    struct pending {
        int64_t day;
        silt_delta_file_writer *fw;
        silt_delta_add add; /* partitionValues from the start; the rest once the file is in the
                               store (path set) */
    } * pending;
    size_t n_pending, cap_pending;
};

static const char *const partition_columns[] = {SILT_BRONZE_PARTITION_COLUMN};

const char *silt_bronze_table_name(const silt_bronze_table *t)
{
    return t->name;
}

silt_ingest_sink *silt_bronze_table_sink(silt_bronze_table *t)
{
    return &t->base;
}

static void app_id(char *buf, size_t n, const silt_bronze_table *t, const char *topic,
                   int32_t partition)
{
    snprintf(buf, n, "silt:%s:%s:%d", t->name, topic, partition);
}

static int load(silt_delta_snapshot **out, silt_bronze_table *t, silt_error *err)
{
    silt_delta_read_opts o = silt_delta_read_opts_default();
    o.file_ops = &t->ops;
    return silt_delta_snapshot_load(out, t->store, &o, err);
}

static int position(silt_ingest_sink *s, const char *topic, int32_t partition, int64_t *out,
                    silt_error *err)
{
    silt_bronze_table *t = (silt_bronze_table *)s;
    silt_delta_snapshot *snap = NULL;
    int rc = load(&snap, t, err);
    if (rc) return rc;
    char id[512];
    app_id(id, sizeof id, t, topic, partition);
    int64_t v = silt_delta_snapshot_txn_version(snap, id);
    *out = v < 0 ? SILT_INGEST_OFFSET_DEFAULT : v;
    silt_delta_snapshot_destroy(snap);
    return 0;
}

/* Checks that every range still starts at the table's position. */
static int check_positions(silt_bronze_table *t, const silt_delta_snapshot *snap,
                           const silt_ingest_range *r, size_t n, silt_error *err)
{
    for (size_t i = 0; i < n; i++) {
        char id[512];
        app_id(id, sizeof id, t, r[i].topic, r[i].partition);
        int64_t v = silt_delta_snapshot_txn_version(snap, id);
        if (v < 0) v = SILT_INGEST_OFFSET_DEFAULT;
        if (v != r[i].start)
            return silt_error_set(err, SILT_ECONFLICT,
                                  "%s[%d] is at offset %" PRId64 " in table version %" PRId64
                                  ", not %" PRId64 ": another worker wrote it",
                                  r[i].topic, r[i].partition, v, snap->version, r[i].start);
    }
    return 0;
}

static void discard(silt_ingest_sink *s)
{
    silt_bronze_table *t = (silt_bronze_table *)s;
    for (size_t i = 0; i < t->n_pending; i++) {
        silt_delta_file_writer_destroy(t->pending[i].fw);
        silt_delta_add_clear(&t->pending[i].add);
    }
    t->n_pending = 0;
}

/* The staged file of the ingestion date of row i of rows, opened on first use. */
static struct pending *pending_for(silt_bronze_table *t, const silt_batch *rows, int64_t i,
                                   silt_error *err)
{
    const silt_column *dates = &rows->cols[SILT_BRONZE_INGEST_DATE];
    int64_t day = silt_column_get_int(dates, i);
    for (size_t k = 0; k < t->n_pending; k++)
        if (t->pending[k].day == day) return &t->pending[k];
    if (t->n_pending == t->cap_pending) {
        size_t cap = t->cap_pending ? 2 * t->cap_pending : 4;
        struct pending *p = silt_realloc(t->pending, cap * sizeof *p);
        if (!p) {
            silt_error_set(err, SILT_ENOMEM, "out of memory");
            return NULL;
        }
        t->pending = p;
        t->cap_pending = cap;
    }
    struct pending *p = &t->pending[t->n_pending];
    memset(p, 0, sizeof *p);
    p->day = day;
    silt_buf date = SILT_BUF_INIT;
    bool is_null = false;
    int rc = silt_delta_partition_format(
        &date, &is_null, &rows->schema->fields[SILT_BRONZE_INGEST_DATE], dates, i, err);
    if (rc == 0 && (silt_buf_cstr(&date) ||
                    silt_delta_map_set(&p->add.partition_values, SILT_BRONZE_PARTITION_COLUMN,
                                       (const char *)date.ptr)))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_buf_free(&date);
    /* the file streams to its key as its row groups fill */
    silt_buf key = SILT_BUF_INIT;
    if (rc == 0 && silt_delta_new_data_key(&key, &p->add.partition_values, partition_columns, 1,
                                           t->ops.data_file_suffix))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (rc == 0)
        rc = silt_delta_file_writer_open(&p->fw, &t->pq, t->data_schema, t->store,
                                         (const char *)key.ptr, err);
    silt_buf_free(&key);
    if (rc) {
        silt_delta_add_clear(&p->add);
        return NULL;
    }
    t->n_pending++;
    return p;
}

/* Writes rows [start, start+n) of rows (all of one ingestion date) to that date's file. */
static int stage_run(silt_bronze_table *t, const silt_batch *rows, int64_t start, int64_t n,
                     silt_error *err)
{
    struct pending *p = pending_for(t, rows, start, err);
    if (!p) return err->code ? err->code : SILT_ENOMEM;
    if (start == 0 && n == rows->n_rows) {
        /* the whole chunk: its columns as they are, without the partition column */
        silt_batch view = {t->data_schema, NULL, n, t->data_schema->n_fields, rows->cols};
        return silt_delta_file_writer_write(p->fw, &view, err);
    }
    silt_batch_reset(t->slice);
    for (size_t c = 0; c < t->slice->n_cols; c++)
        if (silt_column_append_range(&t->slice->cols[c], &rows->cols[c], start, n))
            return silt_error_set(err, SILT_ENOMEM, "out of memory slicing a bronze batch");
    t->slice->n_rows = n;
    return silt_delta_file_writer_write(p->fw, t->slice, err);
}

static int stage(silt_ingest_sink *s, const silt_batch *rows, silt_error *err)
{
    silt_bronze_table *t = (silt_bronze_table *)s;
    /* one run per ingestion date (ingested_at only moves forward) */
    const silt_column *dates = &rows->cols[SILT_BRONZE_INGEST_DATE];
    for (int64_t i = 1, start = 0; i <= rows->n_rows; i++) {
        if (i < rows->n_rows && silt_column_get_int(dates, i) == silt_column_get_int(dates, start))
            continue;
        int rc = stage_run(t, rows, start, i - start, err);
        if (rc) return rc;
        start = i;
    }
    return 0;
}

/* Closes the staged files, which publishes them (what is already published stays; a file
 * whose upload failed fails for good, and the batch is staged again). */
static int finish_files(silt_bronze_table *t, silt_error *err)
{
    for (size_t i = 0; i < t->n_pending; i++) {
        struct pending *p = &t->pending[i];
        if (p->add.path) continue;
        silt_delta_add done; /* every field but partitionValues, which p->add holds */
        int rc = silt_delta_file_writer_finish(p->fw, &done, err);
        if (rc) return rc;
        done.partition_values = p->add.partition_values;
        p->add = done;
    }
    return 0;
}

/* After a commit: merge small files so that a table fed a trickle of messages holds tens of
 * files, not one per micro-batch. Failures (a lost race included) are logged, never fatal: the
 * data is committed already. */
static void compact(silt_bronze_table *t, int64_t *version)
{
    silt_delta_snapshot *snap = NULL;
    silt_error e;
    silt_error_clear(&e);
    if (load(&snap, t, &e) == 0) {
        silt_delta_optimize_opts oo = {0};
        oo.file_ops = &t->ops;
        silt_delta_optimize_result res;
        memset(&res, 0, sizeof res);
        if (silt_delta_auto_compact(&res, t->store, snap, &oo, &e))
            silt_log_warn("ingest: compaction skipped: %s", e.msg);
        else if (res.version >= 0) {
            *version = res.version;
            silt_log_debug("ingest: compacted %zu small files into %zu (table version %lld)",
                           res.files_removed, res.files_added, (long long)res.version);
        }
    }
    silt_delta_snapshot_destroy(snap);
}

static int commit(silt_ingest_sink *s, const silt_ingest_range *r, size_t n_ranges,
                  int64_t *out_version, silt_error *err)
{
    silt_bronze_table *t = (silt_bronze_table *)s;
    silt_delta_snapshot *snap = NULL;
    silt_delta_add *adds = NULL;
    silt_delta_txn *txns = NULL;
    char **ids = NULL;
    int rc = load(&snap, t, err);
    if (rc) goto done;
    if ((rc = check_positions(t, snap, r, n_ranges, err))) goto done;
    if ((rc = finish_files(t, err))) goto done;
    adds = silt_calloc(t->n_pending ? t->n_pending : 1, sizeof *adds);
    txns = silt_calloc(n_ranges ? n_ranges : 1, sizeof *txns);
    ids = silt_calloc(n_ranges ? n_ranges : 1, sizeof *ids);
    if (!adds || !txns || !ids) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < t->n_pending; i++) adds[i] = t->pending[i].add; /* shallow */
    for (size_t i = 0; i < n_ranges; i++) {
        char id[512];
        app_id(id, sizeof id, t, r[i].topic, r[i].partition);
        if (!(ids[i] = silt_strdup(id))) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
            goto done;
        }
        txns[i].app_id = ids[i];
        txns[i].version = r[i].next;
        txns[i].last_updated = silt_time_wall_ms();
    }
    silt_delta_map params = {0};
    silt_delta_commit_opts co = {0};
    co.operation = "STREAMING UPDATE";
    co.operation_parameters = &params;
    co.file_ops = &t->ops;
    co.max_attempts = 1; /* on a lost race, re-check the positions before trying again */
    for (int attempt = 0;; attempt++) {
        rc = silt_delta_append(out_version, t->store, snap, adds, t->n_pending, txns, n_ranges, &co,
                               err);
        if (rc != SILT_ECONFLICT || attempt >= 1000) break;
        /* lost the race for the next version: is it still ours to write? */
        silt_delta_snapshot_destroy(snap);
        snap = NULL;
        if ((rc = load(&snap, t, err))) break;
        if ((rc = check_positions(t, snap, r, n_ranges, err))) break;
    }
    if (rc == 0) {
        discard(s);              /* committed: the staged files are the table's now */
        compact(t, out_version); /* the version `describe` shows next is compaction's */
    }
done:
    for (size_t i = 0; ids && i < n_ranges; i++) silt_free(ids[i]);
    silt_free(ids);
    silt_free(adds);
    silt_free(txns);
    silt_delta_snapshot_destroy(snap);
    return rc;
}

static const struct silt_ingest_sink_ops sink_ops = {position, stage, commit, discard};

void silt_bronze_table_destroy(silt_bronze_table *t)
{
    if (!t) return;
    discard(&t->base);
    silt_free(t->pending);
    silt_batch_destroy(t->slice);
    silt_schema_destroy(t->data_schema);
    silt_store_destroy(t->store);
    silt_free(t->name);
    silt_free(t->location);
    silt_free(t);
}

static char *name_of(const char *location)
{
    size_t n = strlen(location);
    while (n > 1 && location[n - 1] == '/') n--;
    size_t s = n;
    while (s > 0 && location[s - 1] != '/') s--;
    return silt_strndup(location + s, n - s);
}

static int check_bronze(const silt_delta_snapshot *snap, const silt_schema *full,
                        const char *location, silt_error *err)
{
    for (size_t i = 0; i < full->n_fields; i++)
        if (silt_schema_find(snap->schema, full->fields[i].name) < 0)
            return silt_error_set(err, SILT_EINVAL,
                                  "table %s exists but is not a bronze table (no column '%s'); "
                                  "choose another --table location",
                                  location, full->fields[i].name);
    return 0;
}

int silt_bronze_table_prepare(silt_bronze_table **out, const char *location,
                              const silt_delta_pqio_options *opts, silt_error *err)
{
    *out = NULL;
    silt_schema *full = NULL;
    silt_delta_snapshot *snap = NULL;
    int rc;
    silt_bronze_table *t = silt_calloc(1, sizeof *t);
    if (!t) goto oom;
    t->base.ops = &sink_ops;
    if (opts)
        t->pq = *opts;
    else
        t->pq.codec = SILT_PQ_CODEC_ZSTD;
    /* Row groups of 16 MiB: each is encoded as soon as it fills, while messages keep coming, so
     * a commit has little left to encode (readers handle such row groups well: DuckDB writes
     * ~122k rows per group). */
    if (t->pq.row_group_bytes <= 0) t->pq.row_group_bytes = 16ll << 20;
    silt_delta_parquet_ops_with(&t->ops, &t->pq);
    if (!(t->name = name_of(location))) goto oom;
    if (!(t->location = silt_strdup(location))) goto oom;
    if ((rc = silt_store_open(&t->store, location, err))) goto fail;
    if (!(full = silt_bronze_schema())) goto oom;
    if (!(t->data_schema = silt_schema_create(SILT_BRONZE_INGEST_DATE))) goto oom;
    for (size_t i = 0; i < SILT_BRONZE_INGEST_DATE; i++)
        if (silt_field_copy(&t->data_schema->fields[i], &full->fields[i])) goto oom;
    if (!(t->slice = silt_batch_create(t->data_schema))) goto oom;
    rc = load(&snap, t, err);
    if (rc == SILT_ENOTFOUND) {
        silt_error_clear(err);
        rc = 0;
    } else if (rc || (rc = check_bronze(snap, full, location, err))) {
        goto fail;
    }
    silt_delta_snapshot_destroy(snap);
    silt_schema_destroy(full);
    *out = t;
    return 0;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory opening the bronze table");
fail:
    silt_delta_snapshot_destroy(snap);
    silt_schema_destroy(full);
    silt_bronze_table_destroy(t);
    return rc;
}

int silt_bronze_table_create_missing(silt_bronze_table *t, int64_t *out_version, silt_error *err)
{
    silt_delta_snapshot *snap = NULL;
    int rc = load(&snap, t, err);
    if (rc == 0) {
        *out_version = snap->version;
        silt_delta_snapshot_destroy(snap);
        return 0;
    }
    if (rc != SILT_ENOTFOUND) return rc;
    silt_error_clear(err);
    silt_schema *full = silt_bronze_schema();
    if (!full) return silt_error_set(err, SILT_ENOMEM, "out of memory creating the bronze table");
    silt_delta_table_def def = {
        full, partition_columns, 1, t->name, "silt bronze table: Kafka messages as they came",
        NULL};
    silt_delta_commit_opts co = {0};
    co.file_ops = &t->ops;
    rc = silt_delta_create_table(out_version, t->store, &def, &co, err);
    silt_schema_destroy(full);
    if (rc == SILT_EEXISTS) { /* another worker created it first */
        silt_error_clear(err);
        return silt_bronze_table_create_missing(t, out_version, err);
    }
    if (rc == 0) silt_log_info("created bronze table %s", t->location);
    return rc;
}

int silt_bronze_table_open(silt_bronze_table **out, const char *location,
                           const silt_delta_pqio_options *opts, silt_error *err)
{
    int64_t version;
    int rc = silt_bronze_table_prepare(out, location, opts, err);
    if (rc == 0 && (rc = silt_bronze_table_create_missing(*out, &version, err))) {
        silt_bronze_table_destroy(*out);
        *out = NULL;
    }
    return rc;
}
