/* Text sources: CSV with a header row (every column a string, empty fields NULL, as Spark reads
 * CSV without inferSchema) and JSON lines with Spark's schema inference (integers as bigint,
 * other numbers as double, objects as structs and columns ordered by name, arrays by their
 * elements' common type, anything mixed as string), decoded by the schema-directed decoder. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/decode.h"
#include "kafka/csv.h"
#include "sql/scan.h"
#include "util/alloc.h"

typedef struct text_src {
    char *data;
    size_t len;
    bool csv;
} text_src;

static void text_src_free(void *p)
{
    text_src *t = p;
    silt_free(t->data);
    silt_free(t);
}

static int read_file(text_src *t, const char *path, silt_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return silt_error_set_errno(err, SILT_ENOTFOUND, errno, "cannot open %s", path);
    silt_buf b = SILT_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f))) silt_buf_append(&b, chunk, n);
    fclose(f);
    silt_buf_cstr(&b);
    if (silt_buf_oom(&b)) {
        silt_buf_free(&b);
        return silt_error_set(err, SILT_ENOMEM, "out of memory reading %s", path);
    }
    t->data = (char *)silt_buf_detach(&b, &t->len);
    if (!t->data) t->data = silt_strdup("");
    return t->data ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
}

/* ---- JSON schema inference ---- */

/* Spark's type of one JSON value, merged into *t (type 0: nothing seen yet). */
static int infer(silt_field *t, const json_t *v);

static int merge_leaf(silt_field *t, silt_type_id id)
{
    if (t->type == SQL_TYPE_NULL || t->type == id) {
        t->type = id;
        return 0;
    }
    if ((t->type == SILT_TYPE_INT64 && id == SILT_TYPE_DOUBLE) ||
        (t->type == SILT_TYPE_DOUBLE && id == SILT_TYPE_INT64)) {
        t->type = SILT_TYPE_DOUBLE;
        return 0;
    }
    silt_field_clear(t);
    return silt_field_init(t, "", SILT_TYPE_STRING, true);
}

static int infer_object(silt_field *t, const json_t *v)
{
    if (t->type != SQL_TYPE_NULL && t->type != SILT_TYPE_STRUCT)
        return merge_leaf(t, SILT_TYPE_STRING);
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)v, key, val)
    {
        size_t i = 0;
        while (i < t->n_children && strcmp(t->children[i].name, key) < 0) i++;
        if (i == t->n_children || strcmp(t->children[i].name, key)) {
            silt_field *nc = silt_realloc(t->children, (t->n_children + 1) * sizeof *nc);
            if (!nc) return SILT_ENOMEM;
            t->children = nc;
            memmove(&nc[i + 1], &nc[i], (t->n_children - i) * sizeof *nc);
            memset(&nc[i], 0, sizeof *nc);
            t->n_children++;
            if (!(nc[i].name = silt_strdup(key))) return SILT_ENOMEM;
            nc[i].nullable = true;
        }
        int rc = infer(&t->children[i], val);
        if (rc) return rc;
    }
    t->type = SILT_TYPE_STRUCT;
    return 0;
}

static int infer(silt_field *t, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL: return 0;
    case JSON_TRUE:
    case JSON_FALSE: return merge_leaf(t, SILT_TYPE_BOOL);
    case JSON_INTEGER: return merge_leaf(t, SILT_TYPE_INT64);
    case JSON_REAL: return merge_leaf(t, SILT_TYPE_DOUBLE);
    case JSON_STRING: return merge_leaf(t, SILT_TYPE_STRING);
    case JSON_OBJECT: return infer_object(t, v);
    default: break;
    }
    if (t->type != SQL_TYPE_NULL && t->type != SILT_TYPE_LIST)
        return merge_leaf(t, SILT_TYPE_STRING);
    if (t->type == SQL_TYPE_NULL) {
        int rc = silt_field_init_nested(t, t->name ? t->name : "", SILT_TYPE_LIST, true, 1);
        if (rc || !(t->children[0].name = silt_strdup("element"))) return SILT_ENOMEM;
        t->children[0].nullable = true;
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        int rc = infer(&t->children[0], json_array_get(v, i));
        if (rc) return rc;
    }
    return 0;
}

/* Types never seen with a value become string, recursively. */
static void settle(silt_field *t)
{
    if (t->type == SQL_TYPE_NULL) t->type = SILT_TYPE_STRING;
    for (size_t i = 0; i < t->n_children; i++) settle(&t->children[i]);
}

static int infer_json(silt_field *root, const text_src *t, silt_error *err)
{
    memset(root, 0, sizeof *root);
    root->name = silt_strdup("");
    const char *p = t->data, *end = t->data + t->len;
    int64_t line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        line++;
        json_error_t je;
        json_t *v = len ? json_loadb(p, len, JSON_DECODE_ANY, &je) : NULL;
        if (v && json_is_object(v) && infer_object(root, v)) {
            json_decref(v);
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        }
        json_decref(v);
        p += len + 1;
    }
    root->type = SILT_TYPE_STRUCT;
    settle(root);
    (void)line;
    return 0;
}

static int set_schema(sql_node *n, sql_ctx *c, const silt_field *root)
{
    n->schema.n_fields = root->n_children;
    n->schema.fields = sql_ctx_alloc(c, (root->n_children + 1) * sizeof(silt_field));
    if (!n->schema.fields) return SILT_ENOMEM;
    for (size_t i = 0; i < root->n_children; i++)
        if (sql_field_dup(c->a, &n->schema.fields[i], &root->children[i], root->children[i].name))
            return sql_oom(c);
    return 0;
}

static int open_csv(sql_node *n, sql_ctx *c, text_src *t, const sql_from *f)
{
    silt_csv_reader *r;
    silt_error e2;
    silt_error_clear(&e2);
    int rc = silt_csv_reader_create(&r, t->data, t->len, f->path, &e2);
    if (rc) return sql_error_at(c->err, rc, c->text, f->pos, "csv.`%s`: %s", f->path, e2.msg);
    size_t nc = silt_csv_reader_ncols(r);
    n->schema.n_fields = nc;
    n->schema.fields = sql_ctx_alloc(c, (nc + 1) * sizeof(silt_field));
    silt_field st = sql_type(SILT_TYPE_STRING);
    for (size_t i = 0; n->schema.fields && !rc && i < nc; i++)
        if (sql_field_dup(c->a, &n->schema.fields[i], &st, silt_csv_reader_column(r, i)))
            rc = sql_oom(c);
    silt_csv_reader_destroy(r);
    return n->schema.fields ? rc : SILT_ENOMEM;
}

int sql_scan_text_open(sql_node *n, sql_ctx *c, const sql_from *f)
{
    text_src *t = silt_calloc(1, sizeof *t);
    if (!t) return sql_oom(c);
    int rc = sql_ctx_defer(c, text_src_free, t);
    if (rc) return rc;
    t->csv = !strcasecmp(f->format, "csv");
    silt_error e2;
    silt_error_clear(&e2);
    if ((rc = read_file(t, f->path, &e2)))
        return sql_error_at(c->err, rc, c->text, f->pos, "%s.`%s`: %s", f->format, f->path, e2.msg);
    n->source = t;
    if (t->csv) return open_csv(n, c, t, f);
    silt_field root;
    rc = infer_json(&root, t, c->err);
    if (!rc) rc = set_schema(n, c, &root);
    silt_field_clear(&root);
    return rc;
}

static int run_csv(sql_node *n, sql_rel *out, text_src *t, silt_error *err)
{
    silt_csv_reader *r;
    int rc = silt_csv_reader_create(&r, t->data, t->len, n->path, err);
    if (rc) return rc;
    silt_batch *b = silt_batch_create(&n->schema);
    if (!b) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t nc = n->schema.n_fields, *map = silt_calloc(nc + 1, sizeof *map);
    if (!map && !rc) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; map && i < nc; i++) /* the projected columns, by name */
        for (size_t k = 0; k < silt_csv_reader_ncols(r); k++)
            if (!strcmp(silt_csv_reader_column(r, k), n->schema.fields[i].name)) {
                map[i] = k;
                break;
            }
    while (!rc && (rc = silt_csv_reader_next(r, err)) == 1) {
        rc = 0;
        for (size_t i = 0; i < nc && !rc; i++) {
            const char *v;
            size_t len;
            if (!silt_csv_reader_field(r, map[i], &v, &len) || !len)
                rc = silt_column_append_null(&b->cols[i]);
            else
                rc = silt_column_append_bytes(&b->cols[i], v, len);
        }
        b->n_rows++;
        if (rc) rc = silt_error_set(err, rc, "out of memory");
    }
    silt_csv_reader_destroy(r);
    silt_free(map);
    if (!rc && b) rc = sql_scan_keep(n, out, b, err);
    silt_batch_destroy(b);
    return rc;
}

static int run_json(sql_node *n, sql_rel *out, text_src *t, silt_error *err)
{
    silt_json_decoder *d;
    int rc = silt_json_decoder_create(&d, &n->schema, NULL, err);
    if (rc) return rc;
    silt_batch *b = silt_batch_create(&n->schema);
    if (!b) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    const char *p = t->data, *end = t->data + t->len;
    while (!rc && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t k = 0;
        while (k < len && (p[k] == ' ' || p[k] == '\r' || p[k] == '\t')) k++;
        if (k < len) {
            silt_error e2;
            silt_error_clear(&e2);
            rc = silt_json_decode_row(d, b, p, len, &e2);
            if (rc == SILT_ENOMEM) {
                silt_error_set(err, rc, "out of memory");
            } else if (rc) { /* a row Spark would call corrupt: all columns NULL */
                rc = 0;
                for (size_t i = 0; i < b->n_cols && !rc; i++)
                    rc = silt_column_append_null(&b->cols[i]);
                b->n_rows++;
            }
        }
        p += len + 1;
    }
    silt_json_decoder_destroy(d);
    if (!rc && b) rc = sql_scan_keep(n, out, b, err);
    silt_batch_destroy(b);
    return rc;
}

int sql_scan_text_run(sql_node *n, sql_rel *out, silt_error *err)
{
    text_src *t = n->source;
    n->files_total = n->files_read = 1;
    return t->csv ? run_csv(n, out, t, err) : run_json(n, out, t, err);
}
