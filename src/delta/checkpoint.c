/* Classic checkpoints as column batches: Spark's exact nested checkpoint schema, snapshot ->
 * checkpoint rows, checkpoint rows -> actions (columns resolved by name), and _last_checkpoint. */
#include "delta/checkpoint.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "delta/props.h"
#include "delta/schema.h"
#include "util/alloc.h"
#include "util/log.h"

/* The checkpoint schema Spark 3.5.2 / Delta 3.2.0 writes, as recorded in checkpointSchema of
 * that writer's _last_checkpoint (fixtures/spark-streaming-table). */
static const char checkpoint_schema_json[] =
    "{\"type\":\"struct\",\"fields\":[{\"name\":\"txn\",\"type\":{\"type\":\"struct\","
    "\"fields\":[{\"name\":\"appId\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"version\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"lastUpdated\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]},"
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"add\",\"type\":{\"type\":\"struct\","
    "\"fields\":[{\"name\":\"path\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"partitionValues\",\"type\":{\"type\":\"map\",\"keyType\":\"string\","
    "\"valueType\":\"string\",\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"size\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"modificationTime\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"dataChange\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"tags\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"string\","
    "\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"deletionVector\",\"type\":{\"type\":\"struct\","
    "\"fields\":[{\"name\":\"storageType\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"pathOrInlineDv\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"offset\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"sizeInBytes\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"cardinality\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"maxRowIndex\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]},"
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"baseRowId\",\"type\":\"long\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"defaultRowCommitVersion\",\"type\":\"long\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"clusteringProvider\",\"type\":\"string\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"stats\",\"type\":\"string\",\"nullable\":true,"
    "\"metadata\":{}}]},\"nullable\":true,\"metadata\":{}},{\"name\":\"remove\","
    "\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":\"path\",\"type\":\"string\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"deletionTimestamp\",\"type\":\"long\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"dataChange\",\"type\":\"boolean\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"extendedFileMetadata\",\"type\":\"boolean\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"partitionValues\",\"type\":{\"type\":\"map\","
    "\"keyType\":\"string\",\"valueType\":\"string\",\"valueContainsNull\":true},"
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"size\",\"type\":\"long\",\"nullable\":true,"
    "\"metadata\":{}},{\"name\":\"deletionVector\",\"type\":{\"type\":\"struct\","
    "\"fields\":[{\"name\":\"storageType\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"pathOrInlineDv\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"offset\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"sizeInBytes\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"cardinality\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"maxRowIndex\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]},"
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"baseRowId\",\"type\":\"long\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"defaultRowCommitVersion\",\"type\":\"long\","
    "\"nullable\":true,\"metadata\":{}}]},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"metaData\",\"type\":{\"type\":\"struct\",\"fields\":[{\"name\":\"id\","
    "\"type\":\"string\",\"nullable\":true,\"metadata\":{}},{\"name\":\"name\",\"type\":\"string\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"description\",\"type\":\"string\","
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"format\",\"type\":{\"type\":\"struct\","
    "\"fields\":[{\"name\":\"provider\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"options\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":"
    "\"string\","
    "\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}}]},\"nullable\":true,"
    "\"metadata\":{}},{\"name\":\"schemaString\",\"type\":\"string\",\"nullable\":true,"
    "\"metadata\":{}},{\"name\":\"partitionColumns\",\"type\":{\"type\":\"array\","
    "\"elementType\":\"string\",\"containsNull\":true},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"configuration\",\"type\":{\"type\":\"map\",\"keyType\":\"string\","
    "\"valueType\":\"string\",\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"createdTime\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]},"
    "\"nullable\":true,\"metadata\":{}},{\"name\":\"protocol\",\"type\":{\"type\":\"struct\","
    "\"fields\":[{\"name\":\"minReaderVersion\",\"type\":\"integer\",\"nullable\":true,"
    "\"metadata\":{}},{\"name\":\"minWriterVersion\",\"type\":\"integer\",\"nullable\":true,"
    "\"metadata\":{}},{\"name\":\"readerFeatures\",\"type\":{\"type\":\"array\","
    "\"elementType\":\"string\",\"containsNull\":true},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"writerFeatures\",\"type\":{\"type\":\"array\",\"elementType\":\"string\","
    "\"containsNull\":true},\"nullable\":true,\"metadata\":{}}]},\"nullable\":true,"
    "\"metadata\":{}},{\"name\":\"domainMetadata\",\"type\":{\"type\":\"struct\","
    "\"fields\":[{\"name\":\"domain\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"configuration\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"removed\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}}]},"
    "\"nullable\":true,\"metadata\":{}}]}";

int silt_delta_checkpoint_schema(silt_schema **out, silt_error *err)
{
    return silt_delta_schema_parse(out, checkpoint_schema_json, err);
}

/* ---- snapshot -> rows ---- */

/* Fills one row of a struct column field by field; children not set are appended as null. */
typedef struct sfill {
    silt_column *c;
    const silt_field *f;
    uint64_t done; /* bit per child */
    int rc;
} sfill;

static silt_column *child(sfill *s, const char *name, const silt_field **cf)
{
    for (size_t i = 0; i < s->f->n_children && i < 64; i++) {
        if (strcmp(s->f->children[i].name, name) == 0) {
            s->done |= 1ull << i;
            if (cf) *cf = &s->f->children[i];
            return &s->c->children[i];
        }
    }
    return NULL;
}

static void put_str(sfill *s, const char *name, const char *v)
{
    silt_column *c = child(s, name, NULL);
    if (!c || s->rc) return;
    s->rc = v ? silt_column_append_bytes(c, v, strlen(v)) : silt_column_append_null(c);
}

/* Paths are stored as the log stores them: URI-encoded. */
static void put_path(sfill *s, const char *path)
{
    silt_column *c = child(s, "path", NULL);
    if (!c || s->rc) return;
    silt_buf b = SILT_BUF_INIT;
    s->rc = silt_delta_path_encode(&b, path ? path : "");
    if (!s->rc) s->rc = silt_column_append_bytes(c, b.ptr ? b.ptr : (const uint8_t *)"", b.len);
    silt_buf_free(&b);
}

static void put_i64(sfill *s, const char *name, int64_t v, bool null)
{
    silt_column *c = child(s, name, NULL);
    if (!c || s->rc) return;
    s->rc = null ? silt_column_append_null(c) : silt_column_append_int(c, v);
}

static void put_bool(sfill *s, const char *name, bool v)
{
    silt_column *c = child(s, name, NULL);
    if (!c || s->rc) return;
    s->rc = silt_column_append_bool(c, v);
}

static void put_map(sfill *s, const char *name, const silt_delta_map *m, bool null)
{
    silt_column *c = child(s, name, NULL);
    if (!c || s->rc) return;
    if (null) {
        s->rc = silt_column_append_null(c);
        return;
    }
    silt_column *kv = &c->children[0];
    for (size_t i = 0; i < m->n && !s->rc; i++) {
        const char *k = m->items[i].key, *v = m->items[i].value;
        if ((s->rc = silt_column_append_bytes(&kv->children[0], k, strlen(k)))) break;
        s->rc = v ? silt_column_append_bytes(&kv->children[1], v, strlen(v))
                  : silt_column_append_null(&kv->children[1]);
        if (!s->rc) s->rc = silt_column_append_valid(kv);
    }
    if (!s->rc) s->rc = silt_column_append_valid(c);
}

static void put_strv(sfill *s, const char *name, char *const *v, size_t n, bool null)
{
    silt_column *c = child(s, name, NULL);
    if (!c || s->rc) return;
    if (null) {
        s->rc = silt_column_append_null(c);
        return;
    }
    for (size_t i = 0; i < n && !s->rc; i++)
        s->rc = silt_column_append_bytes(&c->children[0], v[i], strlen(v[i]));
    if (!s->rc) s->rc = silt_column_append_valid(c);
}

static int finish(sfill *s);

/* The deletionVector struct of an add or remove (null when the file has none). */
static void put_dv(sfill *s, const silt_delta_dv *dv)
{
    const silt_field *f = NULL;
    silt_column *c = child(s, "deletionVector", &f);
    if (!c || s->rc) return;
    if (!dv->storage_type) {
        s->rc = silt_column_append_null(c);
        return;
    }
    char t[2] = {dv->storage_type, 0};
    sfill d = {c, f, 0, 0};
    put_str(&d, "storageType", t);
    put_str(&d, "pathOrInlineDv", dv->path_or_inline_dv);
    put_i64(&d, "offset", dv->offset, dv->offset < 0);
    put_i64(&d, "sizeInBytes", dv->size_in_bytes, false);
    put_i64(&d, "cardinality", dv->cardinality, false);
    put_i64(&d, "maxRowIndex", dv->max_row_index, dv->max_row_index < 0);
    s->rc = finish(&d);
}

static int finish(sfill *s)
{
    for (size_t i = 0; i < s->f->n_children && !s->rc; i++)
        if (!(s->done >> i & 1)) s->rc = silt_column_append_null(&s->c->children[i]);
    if (!s->rc) s->rc = silt_column_append_valid(s->c);
    return s->rc;
}

typedef enum { ROW_TXN, ROW_ADD, ROW_REMOVE, ROW_METADATA, ROW_PROTOCOL } row_kind;

/* Appends one checkpoint row: the column for `kind` holds x, every other column is null. */
static int append_row(silt_batch *b, row_kind kind, const void *x)
{
    static const char *const names[] = {"txn", "add", "remove", "metaData", "protocol"};
    int rc = 0;
    for (size_t i = 0; i < b->n_cols && !rc; i++) {
        const silt_field *f = &b->schema->fields[i];
        silt_column *c = &b->cols[i];
        if (strcmp(f->name, names[kind]) != 0) {
            rc = silt_column_append_null(c);
            continue;
        }
        sfill s = {c, f, 0, 0};
        switch (kind) {
        case ROW_TXN: {
            const silt_delta_txn *t = x;
            put_str(&s, "appId", t->app_id);
            put_i64(&s, "version", t->version, false);
            put_i64(&s, "lastUpdated", t->last_updated, t->last_updated < 0);
            break;
        }
        case ROW_ADD: {
            const silt_delta_add *a = x;
            put_path(&s, a->path);
            put_map(&s, "partitionValues", &a->partition_values, false);
            put_i64(&s, "size", a->size, false);
            put_i64(&s, "modificationTime", a->modification_time, false);
            put_bool(&s, "dataChange", false); /* as Spark writes checkpoints */
            put_map(&s, "tags", &a->tags, a->tags.n == 0);
            put_str(&s, "stats", a->stats);
            put_dv(&s, &a->dv);
            break;
        }
        case ROW_REMOVE: {
            const silt_delta_remove *r = x;
            put_path(&s, r->path);
            put_i64(&s, "deletionTimestamp", r->deletion_timestamp, r->deletion_timestamp < 0);
            put_bool(&s, "dataChange", false);
            put_bool(&s, "extendedFileMetadata", r->extended_file_metadata);
            put_map(&s, "partitionValues", &r->partition_values, false);
            put_i64(&s, "size", r->size, r->size < 0);
            put_dv(&s, &r->dv);
            break;
        }
        case ROW_METADATA: {
            const silt_delta_metadata *m = x;
            put_str(&s, "id", m->id);
            put_str(&s, "name", m->name);
            put_str(&s, "description", m->description);
            const silt_field *ff = NULL;
            silt_column *fc = child(&s, "format", &ff);
            if (fc && !s.rc) {
                sfill fs = {fc, ff, 0, 0};
                put_str(&fs, "provider", m->format_provider ? m->format_provider : "parquet");
                put_map(&fs, "options", &m->format_options, false);
                s.rc = finish(&fs);
            }
            put_str(&s, "schemaString", m->schema_string);
            put_strv(&s, "partitionColumns", m->partition_columns, m->n_partition_columns, false);
            put_map(&s, "configuration", &m->configuration, false);
            put_i64(&s, "createdTime", m->created_time, m->created_time < 0);
            break;
        }
        case ROW_PROTOCOL: {
            const silt_delta_protocol *p = x;
            put_i64(&s, "minReaderVersion", p->min_reader_version, false);
            put_i64(&s, "minWriterVersion", p->min_writer_version, false);
            put_strv(&s, "readerFeatures", p->reader_features, p->n_reader_features,
                     p->min_reader_version < 3);
            put_strv(&s, "writerFeatures", p->writer_features, p->n_writer_features,
                     p->min_writer_version < 7);
            break;
        }
        }
        rc = finish(&s);
    }
    if (!rc) b->n_rows++;
    return rc;
}

int silt_delta_checkpoint_batch(silt_batch **out, const silt_delta_snapshot *snap,
                                int64_t min_tombstone_ms, silt_error *err)
{
    *out = NULL;
    silt_schema *schema = NULL;
    int rc = silt_delta_checkpoint_schema(&schema, err);
    if (rc) return rc;
    silt_batch *b = silt_batch_create_owned(schema);
    if (!b) return silt_error_set(err, SILT_ENOMEM, "out of memory building a checkpoint");
    rc = append_row(b, ROW_PROTOCOL, &snap->protocol);
    if (!rc) rc = append_row(b, ROW_METADATA, &snap->metadata);
    for (size_t i = 0; !rc && i < snap->n_txns; i++) rc = append_row(b, ROW_TXN, &snap->txns[i]);
    for (size_t i = 0; !rc && i < snap->n_files; i++) rc = append_row(b, ROW_ADD, &snap->files[i]);
    for (size_t i = 0; !rc && i < snap->n_tombstones; i++)
        if (snap->tombstones[i].deletion_timestamp < 0 ||
            snap->tombstones[i].deletion_timestamp >= min_tombstone_ms)
            rc = append_row(b, ROW_REMOVE, &snap->tombstones[i]);
    if (rc) {
        silt_batch_destroy(b);
        return silt_error_set(err, SILT_ENOMEM, "out of memory building a checkpoint");
    }
    *out = b;
    return 0;
}

/* ---- rows -> actions ---- */

/* A column and its field, found by name. */
typedef struct colref {
    const silt_column *c;
    const silt_field *f;
} colref;

static colref sub(colref parent, const char *name)
{
    colref r = {NULL, NULL};
    if (!parent.c || parent.f->type != SILT_TYPE_STRUCT) return r;
    for (size_t i = 0; i < parent.f->n_children && i < parent.c->n_children; i++) {
        if (strcmp(parent.f->children[i].name, name) == 0) {
            r.c = &parent.c->children[i];
            r.f = &parent.f->children[i];
        }
    }
    return r;
}

typedef struct rd {
    silt_error *err;
    const char *action;
    int64_t row;
    int rc;
} rd;

static void wrong_type(rd *r, colref c, const char *expect)
{
    if (r->rc) return;
    r->rc = silt_error_set(
        r->err, SILT_ECORRUPT, "checkpoint: column %s.%s has type %s, expected %s (row %lld)",
        r->action, c.f->name, silt_type_name(c.f->type), expect, (long long)r->row);
    silt_error_column(r->err, c.f->name);
}

static bool present(colref c, int64_t i)
{
    return c.c && silt_column_is_valid(c.c, i);
}

static char *get_s(rd *r, colref c, int64_t i)
{
    if (!present(c, i) || r->rc) return NULL;
    if (c.c->type != SILT_TYPE_STRING && c.c->type != SILT_TYPE_BINARY) {
        wrong_type(r, c, "string");
        return NULL;
    }
    size_t n;
    const uint8_t *p = silt_column_bytes(c.c, i, &n);
    char *s = silt_strndup((const char *)p, n);
    if (!s) r->rc = silt_error_set(r->err, SILT_ENOMEM, "out of memory");
    return s;
}

static int64_t get_i(rd *r, colref c, int64_t i, int64_t def)
{
    if (!present(c, i) || r->rc) return def;
    switch (c.c->type) {
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64: return silt_column_get_int(c.c, i);
    default: wrong_type(r, c, "an integer"); return def;
    }
}

static bool get_b(rd *r, colref c, int64_t i, bool def)
{
    if (!present(c, i) || r->rc) return def;
    if (c.c->type != SILT_TYPE_BOOL) {
        wrong_type(r, c, "boolean");
        return def;
    }
    return silt_column_get_int(c.c, i) != 0;
}

static void get_map(rd *r, silt_delta_map *out, colref c, int64_t i)
{
    if (!present(c, i) || r->rc) return;
    if (c.c->type != SILT_TYPE_MAP || c.c->n_children != 1 || c.c->children[0].n_children != 2) {
        wrong_type(r, c, "map<string,string>");
        return;
    }
    const silt_column *kv = &c.c->children[0];
    colref k = {&kv->children[0], &c.f->children[0].children[0]};
    colref v = {&kv->children[1], &c.f->children[0].children[1]};
    for (int32_t j = c.c->offsets[i]; j < c.c->offsets[i + 1] && !r->rc; j++) {
        char *ks = get_s(r, k, j), *vs = get_s(r, v, j);
        if (!r->rc && ks && silt_delta_map_set(out, ks, vs))
            r->rc = silt_error_set(r->err, SILT_ENOMEM, "out of memory");
        silt_free(ks);
        silt_free(vs);
    }
}

static void get_strv(rd *r, char ***out, size_t *n, colref c, int64_t i)
{
    *out = NULL;
    *n = 0;
    if (!present(c, i) || r->rc) return;
    if (c.c->type != SILT_TYPE_LIST || c.c->n_children != 1) {
        wrong_type(r, c, "array<string>");
        return;
    }
    colref e = {&c.c->children[0], &c.f->children[0]};
    int32_t a = c.c->offsets[i], z = c.c->offsets[i + 1];
    if (z <= a) return;
    char **v = silt_calloc((size_t)(z - a), sizeof *v);
    if (!v) {
        r->rc = silt_error_set(r->err, SILT_ENOMEM, "out of memory");
        return;
    }
    *out = v;
    for (int32_t j = a; j < z && !r->rc; j++) {
        char *s = get_s(r, e, j);
        if (s) v[(*n)++] = s;
    }
}

static char *decoded(rd *r, char *raw)
{
    if (!raw || r->rc) return raw;
    silt_buf b = SILT_BUF_INIT;
    int rc = silt_delta_path_decode(&b, raw, r->err);
    silt_free(raw);
    if (!rc && silt_buf_cstr(&b)) rc = silt_error_set(r->err, SILT_ENOMEM, "out of memory");
    if (rc) {
        r->rc = rc;
        silt_buf_free(&b);
        return NULL;
    }
    return (char *)silt_buf_detach(&b, NULL);
}

static void missing(rd *r, const char *field)
{
    if (r->rc) return;
    r->rc = silt_error_set(r->err, SILT_ECORRUPT, "checkpoint: row %lld: %s.%s is null",
                           (long long)r->row, r->action, field);
}

static void read_txn(rd *r, silt_delta_txn *t, colref c, int64_t i)
{
    t->app_id = get_s(r, sub(c, "appId"), i);
    t->version = get_i(r, sub(c, "version"), i, -1);
    t->last_updated = get_i(r, sub(c, "lastUpdated"), i, -1);
    if (!t->app_id) missing(r, "appId");
}

/* An add's or remove's deletionVector struct, when present. */
static void read_dv(rd *r, silt_delta_dv *dv, colref c, int64_t i)
{
    if (!present(c, i) || r->rc) return;
    char *t = get_s(r, sub(c, "storageType"), i);
    dv->path_or_inline_dv = get_s(r, sub(c, "pathOrInlineDv"), i);
    dv->offset = get_i(r, sub(c, "offset"), i, -1);
    dv->size_in_bytes = get_i(r, sub(c, "sizeInBytes"), i, -1);
    dv->cardinality = get_i(r, sub(c, "cardinality"), i, -1);
    dv->max_row_index = get_i(r, sub(c, "maxRowIndex"), i, -1);
    bool ok = t && strlen(t) == 1 && strchr("uip", t[0]);
    if (ok) dv->storage_type = t[0];
    silt_free(t);
    if (r->rc) return;
    if (!ok)
        missing(r, "deletionVector.storageType");
    else if (!dv->path_or_inline_dv)
        missing(r, "deletionVector.pathOrInlineDv");
    else if (dv->size_in_bytes < 0)
        missing(r, "deletionVector.sizeInBytes");
    else if (dv->cardinality < 0)
        missing(r, "deletionVector.cardinality");
}

static void read_add(rd *r, silt_delta_add *x, colref c, int64_t i)
{
    x->path = decoded(r, get_s(r, sub(c, "path"), i));
    get_map(r, &x->partition_values, sub(c, "partitionValues"), i);
    x->size = get_i(r, sub(c, "size"), i, 0);
    x->modification_time = get_i(r, sub(c, "modificationTime"), i, 0);
    x->data_change = get_b(r, sub(c, "dataChange"), i, false);
    x->stats = get_s(r, sub(c, "stats"), i);
    get_map(r, &x->tags, sub(c, "tags"), i);
    read_dv(r, &x->dv, sub(c, "deletionVector"), i);
    if (!x->path) missing(r, "path");
}

static void read_remove(rd *r, silt_delta_remove *x, colref c, int64_t i)
{
    x->path = decoded(r, get_s(r, sub(c, "path"), i));
    x->deletion_timestamp = get_i(r, sub(c, "deletionTimestamp"), i, -1);
    x->data_change = get_b(r, sub(c, "dataChange"), i, false);
    x->extended_file_metadata = get_b(r, sub(c, "extendedFileMetadata"), i, false);
    get_map(r, &x->partition_values, sub(c, "partitionValues"), i);
    x->size = get_i(r, sub(c, "size"), i, -1);
    read_dv(r, &x->dv, sub(c, "deletionVector"), i);
    if (!x->path) missing(r, "path");
}

static void read_metadata(rd *r, silt_delta_metadata *m, colref c, int64_t i)
{
    m->id = get_s(r, sub(c, "id"), i);
    m->name = get_s(r, sub(c, "name"), i);
    m->description = get_s(r, sub(c, "description"), i);
    colref fmt = sub(c, "format");
    m->format_provider = get_s(r, sub(fmt, "provider"), i);
    get_map(r, &m->format_options, sub(fmt, "options"), i);
    m->schema_string = get_s(r, sub(c, "schemaString"), i);
    get_strv(r, &m->partition_columns, &m->n_partition_columns, sub(c, "partitionColumns"), i);
    get_map(r, &m->configuration, sub(c, "configuration"), i);
    m->created_time = get_i(r, sub(c, "createdTime"), i, -1);
    if (!m->schema_string) missing(r, "schemaString");
    if (!r->rc && !m->format_provider && !(m->format_provider = silt_strdup("parquet")))
        r->rc = silt_error_set(r->err, SILT_ENOMEM, "out of memory");
}

static void read_protocol(rd *r, silt_delta_protocol *p, colref c, int64_t i)
{
    colref rv = sub(c, "minReaderVersion"), wv = sub(c, "minWriterVersion");
    if (!present(rv, i)) missing(r, "minReaderVersion");
    if (!present(wv, i)) missing(r, "minWriterVersion");
    p->min_reader_version = (int32_t)get_i(r, rv, i, 0);
    p->min_writer_version = (int32_t)get_i(r, wv, i, 0);
    get_strv(r, &p->reader_features, &p->n_reader_features, sub(c, "readerFeatures"), i);
    get_strv(r, &p->writer_features, &p->n_writer_features, sub(c, "writerFeatures"), i);
}

/* The checkpoint's action columns, in the order of kinds[]. */
#define N_KINDS 5
static const char *const kind_names[N_KINDS] = {"txn", "add", "remove", "metaData", "protocol"};
static const silt_delta_action_type kinds[N_KINDS] = {
    SILT_DELTA_TXN, SILT_DELTA_ADD, SILT_DELTA_REMOVE, SILT_DELTA_METADATA, SILT_DELTA_PROTOCOL};

static int find_action_columns(colref top[N_KINDS], const silt_batch *b, silt_error *err)
{
    for (size_t i = 0; i < b->n_cols && i < b->schema->n_fields; i++) {
        for (int k = 0; k < N_KINDS; k++) {
            if (strcmp(b->schema->fields[i].name, kind_names[k]) != 0) continue;
            top[k].c = &b->cols[i];
            top[k].f = &b->schema->fields[i];
            if (top[k].f->type != SILT_TYPE_STRUCT)
                return silt_error_set(err, SILT_ECORRUPT, "checkpoint: column '%s' is not a struct",
                                      kind_names[k]);
        }
    }
    return 0;
}

/* Appends the action of kind k in row i. */
static void read_action(rd *r, silt_delta_actions *out, int k, colref c, int64_t i)
{
    r->action = kind_names[k];
    silt_delta_action *a = silt_delta_actions_push(out, kinds[k]);
    if (!a) {
        r->rc = silt_error_set(r->err, SILT_ENOMEM, "out of memory");
        return;
    }
    switch (kinds[k]) {
    case SILT_DELTA_TXN: read_txn(r, &a->u.txn, c, i); break;
    case SILT_DELTA_ADD: read_add(r, &a->u.add, c, i); break;
    case SILT_DELTA_REMOVE: read_remove(r, &a->u.remove, c, i); break;
    case SILT_DELTA_METADATA: read_metadata(r, &a->u.metadata, c, i); break;
    default: read_protocol(r, &a->u.protocol, c, i); break;
    }
}

int silt_delta_actions_from_batch(silt_delta_actions *out, const silt_batch *b, silt_error *err)
{
    colref top[N_KINDS] = {{0}};
    int rc = find_action_columns(top, b, err);
    if (rc) return rc;
    size_t first = out->n;
    rd r = {err, NULL, 0, 0};
    for (int64_t i = 0; i < b->n_rows && !r.rc; i++) {
        r.row = i;
        for (int k = 0; k < N_KINDS && !r.rc; k++)
            if (present(top[k], i)) read_action(&r, out, k, top[k], i);
    }
    if (r.rc) {
        while (out->n > first) silt_delta_action_clear(&out->items[--out->n]);
        return r.rc;
    }
    return 0;
}

/* ---- writing ---- */

int silt_delta_checkpoint_write(silt_store *store, const silt_delta_snapshot *snap,
                                const silt_delta_file_ops *file_ops, int64_t now_ms,
                                silt_error *err)
{
    if (!file_ops || !file_ops->write_checkpoint)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "cannot write a checkpoint of '%s': no checkpoint (Parquet) writer "
                              "is available",
                              store->url);
    int64_t retention;
    int rc =
        silt_delta_prop_duration(&retention, NULL, snap, SILT_DELTA_PROP_DELETED_FILE_RETENTION,
                                 SILT_DELTA_DELETED_FILE_RETENTION_DEFAULT, err);
    if (rc) return rc;
    silt_batch *b = NULL;
    rc = silt_delta_checkpoint_batch(&b, snap, now_ms - retention, err);
    if (rc) return rc;
    char key[80];
    silt_delta_checkpoint_key(key, sizeof key, snap->version);
    uint64_t size = 0;
    rc = file_ops->write_checkpoint(file_ops->ctx, &size, store, key, b, err);
    if (!rc) {
        char json[200];
        int n =
            snprintf(json, sizeof json,
                     "{\"version\":%" PRId64 ",\"size\":%lld,\"sizeInBytes\":%llu,"
                     "\"numOfAddFiles\":%zu}",
                     snap->version, (long long)b->n_rows, (unsigned long long)size, snap->n_files);
        rc = silt_store_put(store, SILT_DELTA_LAST_CHECKPOINT_KEY, json, (size_t)n, err);
    }
    silt_batch_destroy(b);
    return rc;
}
