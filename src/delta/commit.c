/* Optimistic-concurrency commits (put-if-absent of the next version, conflict checks against
 * the winners, retry) and the create / append / overwrite / replace operations. */
#include "delta/commit.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "batch/canon.h"
#include "delta/checkpoint.h"
#include "delta/maint.h"
#include "delta/schema.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/time.h"
#include "version.h"

const char *silt_delta_engine_info(void)
{
    return "silt/" SILT_VERSION;
}

/* Writes a random (version 4) UUID into out (37 bytes). */
static void uuid4(char out[37])
{
    uint8_t r[16];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        uint64_t a = silt_hash_u64(silt_time_mono_ns() ^ ((uint64_t)getpid() << 32));
        uint64_t b = silt_hash_u64(a ^ (uint64_t)silt_time_wall_us());
        memcpy(r, &a, 8);
        memcpy(r + 8, &b, 8);
    }
    r[6] = (uint8_t)((r[6] & 0x0F) | 0x40);
    r[8] = (uint8_t)((r[8] & 0x3F) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
             r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
             r[14], r[15]);
}

/* ---- commitInfo ---- */

static int commit_info_json(char **out, const silt_delta_actions *a, int64_t read_version,
                            const silt_delta_commit_opts *opts, const silt_delta_map *extra,
                            int64_t now_ms)
{
    int64_t rows = 0, bytes = 0, n_add = 0, n_remove = 0;
    bool blind = true, rows_known = true;
    for (size_t i = 0; i < a->n; i++) {
        const silt_delta_action *x = &a->items[i];
        if (x->type == SILT_DELTA_ADD) {
            int64_t n;
            n_add++;
            bytes += x->u.add.size;
            if (silt_delta_stats_num_records(&n, x->u.add.stats, NULL) == 0)
                rows += n;
            else
                rows_known = false;
        } else if (x->type == SILT_DELTA_REMOVE) {
            n_remove++;
            blind = false;
        } else if (x->type == SILT_DELTA_METADATA || x->type == SILT_DELTA_PROTOCOL) {
            blind = false;
        }
    }
    char buf[32];
    char txn_id[37];
    uuid4(txn_id);
    json_t *o = json_object();
    json_t *params = json_object();
    json_t *metrics = json_object();
    bool f = !o || !params || !metrics;
    if (opts && opts->operation_parameters)
        for (size_t i = 0; i < opts->operation_parameters->n; i++) {
            const silt_delta_kv *kv = &opts->operation_parameters->items[i];
            f |= json_object_set_new(params, kv->key,
                                     kv->value ? json_string(kv->value) : json_null()) != 0;
        }
#define METRIC(name, v)                                                                            \
    do {                                                                                           \
        snprintf(buf, sizeof buf, "%" PRId64, (int64_t)(v));                                       \
        f |= json_object_set_new(metrics, name, json_string(buf)) != 0;                            \
    } while (0)
    METRIC("numFiles", n_add);
    METRIC("numAddedFiles", n_add);
    METRIC("numRemovedFiles", n_remove);
    METRIC("numOutputBytes", bytes);
    if (rows_known) METRIC("numOutputRows", rows);
#undef METRIC
    if (extra)
        for (size_t i = 0; i < extra->n; i++) {
            const silt_delta_kv *kv = &extra->items[i];
            f |= json_object_set_new(metrics, kv->key,
                                     kv->value ? json_string(kv->value) : json_null()) != 0;
        }
    f |= json_object_set_new(o, "timestamp", json_integer(now_ms)) != 0;
    f |= json_object_set_new(o, "operation",
                             json_string(opts && opts->operation ? opts->operation : "WRITE")) != 0;
    f |= json_object_set_new(o, "operationParameters", params) != 0;
    params = NULL;
    if (read_version >= 0)
        f |= json_object_set_new(o, "readVersion", json_integer(read_version)) != 0;
    f |= json_object_set_new(o, "isolationLevel", json_string("Serializable")) != 0;
    f |= json_object_set_new(o, "isBlindAppend", json_boolean(blind)) != 0;
    f |= json_object_set_new(o, "operationMetrics", metrics) != 0;
    metrics = NULL;
    f |= json_object_set_new(o, "engineInfo", json_string(silt_delta_engine_info())) != 0;
    f |= json_object_set_new(o, "txnId", json_string(txn_id)) != 0;
    char *s = f ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    json_decref(params);
    json_decref(metrics);
    *out = s ? silt_strdup(s) : NULL;
    free(s);
    return *out ? 0 : SILT_ENOMEM;
}

/* ---- conflicts ---- */

static bool same_partition(const silt_delta_map *a, const silt_delta_map *b)
{
    if (a->n != b->n) return false;
    for (size_t i = 0; i < a->n; i++) {
        const char *v;
        if (!silt_delta_map_get(b, a->items[i].key, &v)) return false;
        const char *u = a->items[i].value;
        if ((u == NULL) != (v == NULL) || (u && strcmp(u, v) != 0)) return false;
    }
    return true;
}

/* Checks our actions against the winning commit `theirs` at version v. */
static int check_conflict(const silt_delta_actions *ours, const silt_delta_actions *theirs,
                          int64_t v, silt_error *err)
{
    for (size_t j = 0; j < theirs->n; j++) {
        const silt_delta_action *t = &theirs->items[j];
        if (t->type == SILT_DELTA_METADATA || t->type == SILT_DELTA_PROTOCOL) {
            silt_error_set(err, SILT_ECONFLICT,
                           "concurrent %s change in version %" PRId64
                           ": reload the table and redo the write",
                           t->type == SILT_DELTA_METADATA ? "metadata" : "protocol", v);
            silt_error_retriable(err, true);
            return SILT_ECONFLICT;
        }
        for (size_t i = 0; i < ours->n; i++) {
            const silt_delta_action *o = &ours->items[i];
            if (o->type == SILT_DELTA_TXN && t->type == SILT_DELTA_TXN &&
                strcmp(o->u.txn.app_id, t->u.txn.app_id) == 0 &&
                t->u.txn.version >= o->u.txn.version) {
                return silt_error_set(err, SILT_ECONFLICT,
                                      "application '%s' already committed its version %" PRId64
                                      " in table version %" PRId64 " (ours is %" PRId64
                                      "): this data was written by another writer",
                                      t->u.txn.app_id, t->u.txn.version, v, o->u.txn.version);
            }
            if (o->type == SILT_DELTA_REMOVE && t->type == SILT_DELTA_REMOVE &&
                strcmp(o->u.remove.path, t->u.remove.path) == 0) {
                silt_error_set(err, SILT_ECONFLICT,
                               "file '%s' was removed concurrently by version %" PRId64
                               ": reload the table and redo the write",
                               o->u.remove.path, v);
                silt_error_retriable(err, true);
                return SILT_ECONFLICT;
            }
            if (o->type == SILT_DELTA_REMOVE && o->u.remove.data_change &&
                t->type == SILT_DELTA_ADD && t->u.add.data_change &&
                same_partition(&o->u.remove.partition_values, &t->u.add.partition_values)) {
                silt_error_set(err, SILT_ECONFLICT,
                               "version %" PRId64 " added files to a partition this commit "
                               "overwrites: reload the table and redo the write",
                               v);
                silt_error_retriable(err, true);
                return SILT_ECONFLICT;
            }
        }
    }
    return 0;
}

static void post_commit(silt_store *store, int64_t version, const silt_delta_commit_opts *opts)
{
    if (!opts || !opts->file_ops || !opts->file_ops->write_checkpoint) return;
    int64_t interval = opts->checkpoint_interval > 0 ? opts->checkpoint_interval : 10;
    if (version <= 0 || version % interval != 0) return;
    silt_error err;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.version = version;
    ro.file_ops = opts->file_ops;
    silt_delta_snapshot *snap = NULL;
    if (silt_delta_snapshot_load(&snap, store, &ro, &err)) {
        silt_log_warn("delta: no checkpoint at version %" PRId64 ": %s", version, err.msg);
        return;
    }
    size_t deleted = 0;
    if (silt_delta_checkpoint_write(store, snap, opts->file_ops, silt_time_wall_ms(), &err))
        silt_log_warn("delta: checkpoint of version %" PRId64 " failed: %s", version, err.msg);
    else if (silt_delta_log_cleanup(&deleted, store, snap, silt_time_wall_ms(), &err))
        silt_log_warn("delta: log cleanup after version %" PRId64 " failed: %s", version, err.msg);
    silt_delta_snapshot_destroy(snap);
}

int silt_delta_commit(int64_t *out_version, silt_store *store, int64_t read_version,
                      const silt_delta_actions *actions, const silt_delta_commit_opts *opts,
                      silt_error *err)
{
    return silt_delta_commit_with_metrics(out_version, store, read_version, actions, opts, NULL,
                                          err);
}

int silt_delta_commit_with_metrics(int64_t *out_version, silt_store *store, int64_t read_version,
                                   const silt_delta_actions *actions,
                                   const silt_delta_commit_opts *opts,
                                   const silt_delta_map *extra_metrics, silt_error *err)
{
    silt_buf body = SILT_BUF_INIT, theirs_buf = SILT_BUF_INIT;
    silt_delta_actions with_ci = {0}, theirs = {0};
    int rc = 0;
    int max = opts && opts->max_attempts > 0 ? opts->max_attempts : 10000;
    /* the commit file: commitInfo first, then the actions */
    silt_delta_action *ci = silt_delta_actions_push(&with_ci, SILT_DELTA_COMMIT_INFO);
    if (!ci || commit_info_json(&ci->u.commit_info.json, actions, read_version, opts, extra_metrics,
                                silt_time_wall_ms()))
        goto oom;
    if ((rc = silt_delta_actions_write(&body, &with_ci, err)) ||
        (rc = silt_delta_actions_write(&body, actions, err)))
        goto fail;
    int64_t v = read_version + 1;
    for (int attempt = 0;; attempt++, v++) {
        char key[64];
        silt_delta_commit_key(key, sizeof key, v);
        rc = silt_store_put_if_absent(store, key, body.ptr, body.len, err);
        if (rc == 0) {
            *out_version = v;
            break;
        }
        if (rc != SILT_EEXISTS) goto fail;
        if (read_version < 0) {
            rc = silt_error_set(err, SILT_EEXISTS, "table '%s' already exists", store->url);
            goto fail;
        }
        if (attempt + 1 >= max) {
            rc = silt_error_set(err, SILT_ECONFLICT,
                                "gave up after %d attempts: other writers keep committing to '%s'",
                                max, store->url);
            silt_error_retriable(err, true);
            goto fail;
        }
        /* someone else won version v: see what they did */
        if ((rc = silt_store_get(store, &theirs_buf, key, err))) goto fail;
        silt_delta_actions_clear(&theirs);
        if ((rc = silt_delta_actions_parse(&theirs, theirs_buf.ptr, theirs_buf.len, key, err)))
            goto fail;
        if ((rc = check_conflict(actions, &theirs, v, err))) goto fail;
    }
    post_commit(store, *out_version, opts);
    goto fail;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory preparing a commit");
fail:
    silt_delta_actions_clear(&with_ci);
    silt_delta_actions_clear(&theirs);
    silt_buf_free(&body);
    silt_buf_free(&theirs_buf);
    return rc;
}

/* ---- operations ---- */

static int build_metadata(silt_delta_metadata *m, const silt_delta_table_def *def, silt_error *err)
{
    memset(m, 0, sizeof *m);
    m->created_time = silt_time_wall_ms();
    for (size_t i = 0; i < def->n_partition_columns; i++) {
        long fi = silt_schema_find(def->schema, def->partition_columns[i]);
        if (fi < 0 || def->schema->fields[fi].type == SILT_TYPE_STRUCT ||
            def->schema->fields[fi].type == SILT_TYPE_LIST ||
            def->schema->fields[fi].type == SILT_TYPE_MAP)
            return silt_error_set(err, SILT_EINVAL,
                                  "partition column '%s' is not a top-level primitive column of "
                                  "the schema",
                                  def->partition_columns[i]);
    }
    char id[37];
    uuid4(id);
    silt_buf schema = SILT_BUF_INIT;
    int rc = silt_delta_schema_write(&schema, def->schema, err);
    if (rc || silt_buf_cstr(&schema)) {
        silt_buf_free(&schema);
        return rc ? rc : silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    m->schema_string = (char *)silt_buf_detach(&schema, NULL);
    m->id = silt_strdup(id);
    m->format_provider = silt_strdup("parquet");
    m->name = def->name ? silt_strdup(def->name) : NULL;
    m->description = def->description ? silt_strdup(def->description) : NULL;
    bool oom = !m->id || !m->format_provider || (def->name && !m->name) ||
               (def->description && !m->description);
    if (def->n_partition_columns) {
        m->partition_columns = silt_calloc(def->n_partition_columns, sizeof(char *));
        oom |= !m->partition_columns;
        for (size_t i = 0; !oom && i < def->n_partition_columns; i++) {
            oom |= !(m->partition_columns[i] = silt_strdup(def->partition_columns[i]));
            m->n_partition_columns = i + 1;
        }
    }
    if (!oom && def->configuration)
        oom = silt_delta_map_copy(&m->configuration, def->configuration) != 0;
    if (oom) {
        silt_delta_metadata_clear(m);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    return 0;
}

int silt_delta_create_table(int64_t *out_version, silt_store *store,
                            const silt_delta_table_def *def, const silt_delta_commit_opts *opts,
                            silt_error *err)
{
    return silt_delta_create_table_with_files(out_version, store, def, NULL, 0, opts, err);
}

int silt_delta_create_table_with_files(int64_t *out_version, silt_store *store,
                                       const silt_delta_table_def *def, const silt_delta_add *adds,
                                       size_t n_adds, const silt_delta_commit_opts *opts,
                                       silt_error *err)
{
    silt_delta_actions a = {0};
    int rc;
    silt_delta_action *p = silt_delta_actions_push(&a, SILT_DELTA_PROTOCOL);
    if (!p) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    p->u.protocol.min_reader_version = 1;
    p->u.protocol.min_writer_version = 2;
    silt_delta_action *m = silt_delta_actions_push(&a, SILT_DELTA_METADATA);
    if (!m) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = build_metadata(&m->u.metadata, def, err))) goto fail;
    if ((rc = silt_delta_actions_push_writes(&a, adds, n_adds, NULL, 0, NULL, err))) goto fail;
    silt_delta_map params = {0};
    silt_buf pb = SILT_BUF_INIT;
    silt_buf_putc(&pb, '[');
    for (size_t i = 0; i < def->n_partition_columns; i++) {
        if (i) silt_buf_putc(&pb, ',');
        silt_canon_json_string(&pb, (const uint8_t *)def->partition_columns[i],
                               strlen(def->partition_columns[i]));
    }
    silt_buf_putc(&pb, ']');
    silt_buf_cstr(&pb);
    if (silt_buf_oom(&pb) || silt_delta_map_set(&params, "isManaged", "false") ||
        silt_delta_map_set(&params, "description", def->description) ||
        silt_delta_map_set(&params, "partitionBy", (char *)pb.ptr)) {
        silt_buf_free(&pb);
        silt_delta_map_clear(&params);
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    silt_buf_free(&pb);
    silt_delta_commit_opts o = opts ? *opts : (silt_delta_commit_opts){0};
    o.operation = n_adds ? "CREATE TABLE AS SELECT" : "CREATE TABLE";
    o.operation_parameters = &params;
    rc = silt_delta_commit(out_version, store, -1, &a, &o, err);
    silt_delta_map_clear(&params);
fail:
    silt_delta_actions_clear(&a);
    return rc;
}

/* Loads the latest snapshot when the caller gave none; *owned is set when it must be freed. */
static int need_snapshot(const silt_delta_snapshot **snap, silt_delta_snapshot **owned,
                         silt_store *store, const silt_delta_commit_opts *opts, silt_error *err)
{
    *owned = NULL;
    if (*snap) return 0;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = opts ? opts->file_ops : NULL;
    int rc = silt_delta_snapshot_load(owned, store, &ro, err);
    *snap = *owned;
    return rc;
}

int silt_delta_actions_push_writes(silt_delta_actions *a, const silt_delta_add *adds, size_t n,
                                   const silt_delta_txn *txns, size_t n_txns,
                                   const silt_delta_snapshot *snap, silt_error *err)
{
    int64_t now = silt_time_wall_ms();
    for (size_t i = 0; i < n_txns; i++) {
        int64_t have = silt_delta_snapshot_txn_version(snap, txns[i].app_id);
        if (have >= txns[i].version)
            return silt_error_set(err, SILT_ECONFLICT,
                                  "application '%s' is already at version %" PRId64
                                  " in table version %" PRId64 " (this write is version %" PRId64
                                  "): it was written before",
                                  txns[i].app_id, have, snap->version, txns[i].version);
        silt_delta_action *t = silt_delta_actions_push(a, SILT_DELTA_TXN);
        if (!t || !(t->u.txn.app_id = silt_strdup(txns[i].app_id)))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        t->u.txn.version = txns[i].version;
        t->u.txn.last_updated = now;
    }
    for (size_t i = 0; i < n; i++) {
        silt_delta_action *x = silt_delta_actions_push(a, SILT_DELTA_ADD);
        if (!x || silt_delta_add_copy(&x->u.add, &adds[i])) {
            if (x) a->n--;
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        }
    }
    return 0;
}

static int write_op(int64_t *out_version, silt_store *store, const silt_delta_snapshot *snap,
                    const silt_delta_map *partition, bool remove_all,
                    const silt_delta_table_def *def, const silt_delta_add *adds, size_t n_adds,
                    const silt_delta_txn *txns, size_t n_txns, const char *operation,
                    const char *mode, const silt_delta_commit_opts *opts, silt_error *err)
{
    silt_delta_snapshot *owned = NULL;
    silt_delta_actions a = {0};
    silt_delta_map params = {0};
    int rc = need_snapshot(&snap, &owned, store, opts, err);
    if (rc) goto fail;
    if ((rc = silt_delta_protocol_check_write(&snap->protocol, &snap->metadata, err))) {
        silt_error_prefix(err, "cannot write to '%s'", store->url);
        goto fail;
    }
    const char *append_only = silt_delta_snapshot_config(snap, "delta.appendOnly");
    if ((remove_all || partition) && append_only && strcmp(append_only, "true") == 0) {
        rc = silt_error_set(err, SILT_EUNSUPPORTED,
                            "table '%s' is append-only (delta.appendOnly=true): it cannot be "
                            "overwritten",
                            store->url);
        goto fail;
    }
    if (def) {
        silt_delta_action *m = silt_delta_actions_push(&a, SILT_DELTA_METADATA);
        if (!m) goto oom;
        if ((rc = build_metadata(&m->u.metadata, def, err))) {
            a.n--;
            goto fail;
        }
    }
    if (remove_all || partition) {
        int64_t now = silt_time_wall_ms();
        for (size_t i = 0; i < snap->n_files; i++) {
            const silt_delta_add *f = &snap->files[i];
            if (partition && !remove_all) {
                bool match = true;
                for (size_t k = 0; k < partition->n && match; k++) {
                    const char *v = NULL, *want = partition->items[k].value;
                    match = silt_delta_map_get(&f->partition_values, partition->items[k].key, &v) &&
                            (v == NULL) == (want == NULL) && (!v || strcmp(v, want) == 0);
                }
                if (!match) continue;
            }
            silt_delta_action *r = silt_delta_actions_push(&a, SILT_DELTA_REMOVE);
            if (!r) goto oom;
            r->u.remove.path = silt_strdup(f->path);
            r->u.remove.deletion_timestamp = now;
            r->u.remove.data_change = true;
            r->u.remove.extended_file_metadata = true;
            r->u.remove.size = f->size;
            if (!r->u.remove.path ||
                silt_delta_map_copy(&r->u.remove.partition_values, &f->partition_values) ||
                silt_delta_dv_copy(&r->u.remove.dv, &f->dv))
                goto oom;
        }
    }
    if ((rc = silt_delta_actions_push_writes(&a, adds, n_adds, txns, n_txns, snap, err))) goto fail;
    if (silt_delta_map_set(&params, "mode", mode)) goto oom;
    silt_delta_commit_opts o = opts ? *opts : (silt_delta_commit_opts){0};
    o.operation = operation;
    o.operation_parameters = &params;
    const char *interval = silt_delta_snapshot_config(snap, "delta.checkpointInterval");
    if (!o.checkpoint_interval && interval) o.checkpoint_interval = atoll(interval);
    rc = silt_delta_commit(out_version, store, snap->version, &a, &o, err);
    goto fail;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
fail:
    silt_delta_map_clear(&params);
    silt_delta_actions_clear(&a);
    silt_delta_snapshot_destroy(owned);
    return rc;
}

int silt_delta_append(int64_t *out_version, silt_store *store, const silt_delta_snapshot *snap,
                      const silt_delta_add *adds, size_t n_adds, const silt_delta_txn *txns,
                      size_t n_txns, const silt_delta_commit_opts *opts, silt_error *err)
{
    return write_op(out_version, store, snap, NULL, false, NULL, adds, n_adds, txns, n_txns,
                    "WRITE", "Append", opts, err);
}

int silt_delta_overwrite(int64_t *out_version, silt_store *store, const silt_delta_snapshot *snap,
                         const silt_delta_map *partition, const silt_delta_add *adds, size_t n_adds,
                         const silt_delta_txn *txns, size_t n_txns,
                         const silt_delta_commit_opts *opts, silt_error *err)
{
    return write_op(out_version, store, snap, partition, partition == NULL, NULL, adds, n_adds,
                    txns, n_txns, "WRITE", "Overwrite", opts, err);
}

int silt_delta_replace(int64_t *out_version, silt_store *store, const silt_delta_snapshot *snap,
                       const silt_delta_table_def *def, const silt_delta_add *adds, size_t n_adds,
                       const silt_delta_commit_opts *opts, silt_error *err)
{
    return write_op(out_version, store, snap, NULL, true, def, adds, n_adds, NULL, 0,
                    "CREATE OR REPLACE TABLE", "Overwrite", opts, err);
}

int silt_delta_new_data_key(silt_buf *key, const silt_delta_map *partition_values,
                            const char *const *partition_columns, size_t n_partition_columns,
                            const char *suffix)
{
    for (size_t i = 0; i < n_partition_columns; i++) {
        const char *v = NULL;
        if (partition_values) silt_delta_map_get(partition_values, partition_columns[i], &v);
        silt_delta_partition_dir(key, partition_columns[i], v);
        silt_buf_putc(key, '/');
    }
    char id[37];
    uuid4(id);
    silt_buf_printf(key, "part-00000-%s-c000%s", id, suffix ? suffix : ".parquet");
    return silt_buf_cstr(key) ? SILT_ENOMEM : 0;
}

int silt_delta_write_data_file(silt_delta_add *out, silt_store *store,
                               const silt_delta_file_ops *file_ops, const silt_batch *batch,
                               const silt_delta_map *partition_values,
                               const char *const *partition_columns, size_t n_partition_columns,
                               silt_error *err)
{
    memset(out, 0, sizeof *out);
    if (!file_ops || !file_ops->write_file)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "cannot write data files to '%s': no Parquet writer is available",
                              store->url);
    silt_buf key = SILT_BUF_INIT;
    if (silt_delta_new_data_key(&key, partition_values, partition_columns, n_partition_columns,
                                file_ops->data_file_suffix)) {
        silt_buf_free(&key);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    int rc = file_ops->write_file(file_ops->ctx, out, store, (char *)key.ptr, batch, err);
    if (!rc) {
        out->data_change = true;
        if (!out->path && !(out->path = silt_strdup((char *)key.ptr)))
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        if (!rc && partition_values && !out->partition_values.n &&
            silt_delta_map_copy(&out->partition_values, partition_values))
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    if (rc) silt_delta_add_clear(out);
    silt_buf_free(&key);
    return rc;
}
