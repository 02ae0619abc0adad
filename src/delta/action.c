/* Parsing and writing of Delta log actions (one JSON object per line) with jansson. */
#include "delta/action.h"

#include <jansson.h>
#include <string.h>

#include "delta/dv.h"
#include "util/alloc.h"

/* ---- maps, copies, clears ---- */

int silt_delta_map_set(silt_delta_map *m, const char *key, const char *value)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->items[i].key, key) == 0) {
            char *v = value ? silt_strdup(value) : NULL;
            if (value && !v) return SILT_ENOMEM;
            silt_free(m->items[i].value);
            m->items[i].value = v;
            return 0;
        }
    }
    silt_delta_kv *items = silt_realloc(m->items, (m->n + 1) * sizeof *items);
    if (!items) return SILT_ENOMEM;
    m->items = items;
    char *k = silt_strdup(key);
    char *v = value ? silt_strdup(value) : NULL;
    if (!k || (value && !v)) {
        silt_free(k);
        silt_free(v);
        return SILT_ENOMEM;
    }
    m->items[m->n].key = k;
    m->items[m->n].value = v;
    m->n++;
    return 0;
}

bool silt_delta_map_get(const silt_delta_map *m, const char *key, const char **out)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->items[i].key, key) == 0) {
            *out = m->items[i].value;
            return true;
        }
    }
    return false;
}

void silt_delta_map_clear(silt_delta_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        silt_free(m->items[i].key);
        silt_free(m->items[i].value);
    }
    silt_free(m->items);
    m->items = NULL;
    m->n = 0;
}

int silt_delta_map_copy(silt_delta_map *out, const silt_delta_map *src)
{
    out->n = 0;
    out->items = NULL;
    for (size_t i = 0; i < src->n; i++) {
        if (silt_delta_map_set(out, src->items[i].key, src->items[i].value)) {
            silt_delta_map_clear(out);
            return SILT_ENOMEM;
        }
    }
    return 0;
}

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) silt_free(v[i]);
    silt_free(v);
}

static int strv_copy(char ***out, char *const *src, size_t n)
{
    *out = NULL;
    if (!n) return 0;
    char **v = silt_calloc(n, sizeof *v);
    if (!v) return SILT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (!(v[i] = silt_strdup(src[i]))) {
            strv_free(v, n);
            return SILT_ENOMEM;
        }
    }
    *out = v;
    return 0;
}

/* strdup that maps NULL to NULL; sets *oom on failure. */
static char *dup_opt(const char *s, bool *oom)
{
    if (!s) return NULL;
    char *d = silt_strdup(s);
    if (!d) *oom = true;
    return d;
}

void silt_delta_add_clear(silt_delta_add *a)
{
    silt_free(a->path);
    silt_free(a->stats);
    silt_delta_map_clear(&a->partition_values);
    silt_delta_map_clear(&a->tags);
    silt_delta_dv_clear(&a->dv);
    memset(a, 0, sizeof *a);
}

int silt_delta_add_copy(silt_delta_add *out, const silt_delta_add *src)
{
    bool oom = false;
    *out = *src;
    out->path = dup_opt(src->path, &oom);
    out->stats = dup_opt(src->stats, &oom);
    out->partition_values = (silt_delta_map){0};
    out->tags = (silt_delta_map){0};
    out->dv = (silt_delta_dv){0};
    if (oom || silt_delta_map_copy(&out->partition_values, &src->partition_values) ||
        silt_delta_map_copy(&out->tags, &src->tags) || silt_delta_dv_copy(&out->dv, &src->dv)) {
        silt_delta_add_clear(out);
        return SILT_ENOMEM;
    }
    return 0;
}

void silt_delta_remove_clear(silt_delta_remove *r)
{
    silt_free(r->path);
    silt_delta_map_clear(&r->partition_values);
    silt_delta_dv_clear(&r->dv);
    memset(r, 0, sizeof *r);
}

int silt_delta_remove_copy(silt_delta_remove *out, const silt_delta_remove *src)
{
    bool oom = false;
    *out = *src;
    out->path = dup_opt(src->path, &oom);
    out->partition_values = (silt_delta_map){0};
    out->dv = (silt_delta_dv){0};
    if (oom || silt_delta_map_copy(&out->partition_values, &src->partition_values) ||
        silt_delta_dv_copy(&out->dv, &src->dv)) {
        silt_delta_remove_clear(out);
        return SILT_ENOMEM;
    }
    return 0;
}

void silt_delta_metadata_clear(silt_delta_metadata *m)
{
    silt_free(m->id);
    silt_free(m->name);
    silt_free(m->description);
    silt_free(m->format_provider);
    silt_free(m->schema_string);
    silt_delta_map_clear(&m->format_options);
    silt_delta_map_clear(&m->configuration);
    strv_free(m->partition_columns, m->n_partition_columns);
    memset(m, 0, sizeof *m);
}

int silt_delta_metadata_copy(silt_delta_metadata *out, const silt_delta_metadata *src)
{
    bool oom = false;
    memset(out, 0, sizeof *out);
    out->id = dup_opt(src->id, &oom);
    out->name = dup_opt(src->name, &oom);
    out->description = dup_opt(src->description, &oom);
    out->format_provider = dup_opt(src->format_provider, &oom);
    out->schema_string = dup_opt(src->schema_string, &oom);
    out->created_time = src->created_time;
    if (oom || silt_delta_map_copy(&out->format_options, &src->format_options) ||
        silt_delta_map_copy(&out->configuration, &src->configuration) ||
        strv_copy(&out->partition_columns, src->partition_columns, src->n_partition_columns)) {
        silt_delta_metadata_clear(out);
        return SILT_ENOMEM;
    }
    out->n_partition_columns = src->n_partition_columns;
    return 0;
}

void silt_delta_protocol_clear(silt_delta_protocol *p)
{
    strv_free(p->reader_features, p->n_reader_features);
    strv_free(p->writer_features, p->n_writer_features);
    memset(p, 0, sizeof *p);
}

int silt_delta_protocol_copy(silt_delta_protocol *out, const silt_delta_protocol *src)
{
    memset(out, 0, sizeof *out);
    out->min_reader_version = src->min_reader_version;
    out->min_writer_version = src->min_writer_version;
    if (strv_copy(&out->reader_features, src->reader_features, src->n_reader_features) ||
        strv_copy(&out->writer_features, src->writer_features, src->n_writer_features)) {
        silt_delta_protocol_clear(out);
        return SILT_ENOMEM;
    }
    out->n_reader_features = src->n_reader_features;
    out->n_writer_features = src->n_writer_features;
    return 0;
}

void silt_delta_action_clear(silt_delta_action *a)
{
    switch (a->type) {
    case SILT_DELTA_ADD: silt_delta_add_clear(&a->u.add); break;
    case SILT_DELTA_REMOVE: silt_delta_remove_clear(&a->u.remove); break;
    case SILT_DELTA_METADATA: silt_delta_metadata_clear(&a->u.metadata); break;
    case SILT_DELTA_PROTOCOL: silt_delta_protocol_clear(&a->u.protocol); break;
    case SILT_DELTA_TXN: silt_free(a->u.txn.app_id); break;
    case SILT_DELTA_COMMIT_INFO:
        silt_free(a->u.commit_info.json);
        silt_free(a->u.commit_info.operation);
        break;
    default: break;
    }
    memset(a, 0, sizeof *a);
}

silt_delta_action *silt_delta_actions_push(silt_delta_actions *a, silt_delta_action_type type)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        silt_delta_action *items = silt_realloc(a->items, cap * sizeof *items);
        if (!items) return NULL;
        a->items = items;
        a->cap = cap;
    }
    silt_delta_action *x = &a->items[a->n++];
    memset(x, 0, sizeof *x);
    x->type = type;
    return x;
}

void silt_delta_actions_clear(silt_delta_actions *a)
{
    for (size_t i = 0; i < a->n; i++) silt_delta_action_clear(&a->items[i]);
    silt_free(a->items);
    a->items = NULL;
    a->n = a->cap = 0;
}

/* ---- paths ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int silt_delta_path_decode(silt_buf *out, const char *s, silt_error *err)
{
    for (const char *p = s; *p; p++) {
        if (*p != '%') {
            silt_buf_putc(out, (uint8_t)*p);
            continue;
        }
        int h = hexval(p[1]), l = h >= 0 ? hexval(p[2]) : -1;
        if (h < 0 || l < 0)
            return silt_error_set(err, SILT_ECORRUPT,
                                  "malformed %%-escape at byte %zu of path '%s'", (size_t)(p - s),
                                  s);
        silt_buf_putc(out, (uint8_t)(h * 16 + l));
        p += 2;
    }
    if (silt_buf_oom(out)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    return 0;
}

int silt_delta_path_encode(silt_buf *out, const char *s)
{
    static const char keep[] = "-._~/!$&'()*+,;=:@";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            (*p && strchr(keep, *p)))
            silt_buf_putc(out, *p);
        else
            silt_buf_printf(out, "%%%02X", *p);
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

/* ---- parsing ---- */

typedef struct parse_ctx {
    const char *name;
    int64_t line;
    silt_error *err;
} parse_ctx;

static int bad(parse_ctx *c, const char *action, const char *field, const char *what)
{
    silt_error_set(c->err, SILT_ECORRUPT, "%s: line %lld: '%s' action: field '%s' %s", c->name,
                   (long long)c->line, action, field, what);
    silt_error_path(c->err, c->name);
    silt_error_position(c->err, c->line, 1);
    return SILT_ECORRUPT;
}

static int oom(parse_ctx *c)
{
    return silt_error_set(c->err, SILT_ENOMEM, "out of memory parsing %s", c->name);
}

/* Optional string member: *out = owned copy, NULL when absent or null. */
static int get_str(parse_ctx *c, char **out, json_t *obj, const char *action, const char *key,
                   bool required)
{
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return required ? bad(c, action, key, "is missing") : 0;
    if (!json_is_string(v)) return bad(c, action, key, "is not a string");
    if (!(*out = silt_strndup(json_string_value(v), json_string_length(v)))) return oom(c);
    return 0;
}

static int get_i64(parse_ctx *c, int64_t *out, json_t *obj, const char *action, const char *key,
                   bool required, int64_t def)
{
    *out = def;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return required ? bad(c, action, key, "is missing") : 0;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return 0;
    }
    return bad(c, action, key, "is not an integer");
}

static int get_bool(parse_ctx *c, bool *out, json_t *obj, const char *action, const char *key,
                    bool def)
{
    *out = def;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return 0;
    if (!json_is_boolean(v)) return bad(c, action, key, "is not a boolean");
    *out = json_is_true(v);
    return 0;
}

static int get_map(parse_ctx *c, silt_delta_map *out, json_t *obj, const char *action,
                   const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return 0;
    if (!json_is_object(v)) return bad(c, action, key, "is not an object");
    const char *k;
    json_t *val;
    json_object_foreach(v, k, val)
    {
        if (!json_is_null(val) && !json_is_string(val))
            return bad(c, action, key, "has a value that is not a string or null");
        if (silt_delta_map_set(out, k, json_is_string(val) ? json_string_value(val) : NULL))
            return oom(c);
    }
    return 0;
}

static int get_strv(parse_ctx *c, char ***out, size_t *n, json_t *obj, const char *action,
                    const char *key)
{
    *out = NULL;
    *n = 0;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return 0;
    if (!json_is_array(v)) return bad(c, action, key, "is not an array");
    size_t len = json_array_size(v);
    if (!len) return 0;
    char **s = silt_calloc(len, sizeof *s);
    if (!s) return oom(c);
    *out = s;
    for (size_t i = 0; i < len; i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_string(e)) return bad(c, action, key, "has an element that is not a string");
        if (!(s[i] = silt_strdup(json_string_value(e)))) return oom(c);
        *n = i + 1;
    }
    return 0;
}

static int get_path(parse_ctx *c, char **out, json_t *obj, const char *action)
{
    char *raw = NULL;
    int rc = get_str(c, &raw, obj, action, "path", true);
    if (rc) return rc;
    silt_buf b = SILT_BUF_INIT;
    rc = silt_delta_path_decode(&b, raw, c->err);
    if (rc == SILT_ECORRUPT) {
        silt_error_prefix(c->err, "%s: line %lld", c->name, (long long)c->line);
        silt_error_path(c->err, c->name);
    }
    silt_free(raw);
    if (!rc && silt_buf_cstr(&b)) rc = oom(c);
    if (rc) {
        silt_buf_free(&b);
        return rc;
    }
    *out = (char *)silt_buf_detach(&b, NULL);
    return 0;
}

/* The action's deletionVector, if any, into *out. */
static int get_dv(parse_ctx *c, silt_delta_dv *out, json_t *o, const char *action)
{
    json_t *v = json_object_get(o, "deletionVector");
    if (!v || json_is_null(v)) return 0;
    int rc = silt_delta_dv_parse_json(out, v, c->err);
    if (rc == SILT_ECORRUPT) {
        silt_error_prefix(c->err, "%s: line %lld: '%s' action", c->name, (long long)c->line,
                          action);
        silt_error_path(c->err, c->name);
        silt_error_position(c->err, c->line, 1);
    }
    return rc;
}

static int parse_add(parse_ctx *c, silt_delta_add *a, json_t *o)
{
    int rc;
    if ((rc = get_path(c, &a->path, o, "add")) ||
        (rc = get_map(c, &a->partition_values, o, "add", "partitionValues")) ||
        (rc = get_i64(c, &a->size, o, "add", "size", true, 0)) ||
        (rc = get_i64(c, &a->modification_time, o, "add", "modificationTime", false, 0)) ||
        (rc = get_bool(c, &a->data_change, o, "add", "dataChange", true)) ||
        (rc = get_str(c, &a->stats, o, "add", "stats", false)) ||
        (rc = get_map(c, &a->tags, o, "add", "tags")))
        return rc;
    if ((rc = get_dv(c, &a->dv, o, "add"))) return rc;
    if (a->size < 0) return bad(c, "add", "size", "is negative");
    return 0;
}

static int parse_remove(parse_ctx *c, silt_delta_remove *r, json_t *o)
{
    int rc;
    if ((rc = get_path(c, &r->path, o, "remove")) ||
        (rc = get_i64(c, &r->deletion_timestamp, o, "remove", "deletionTimestamp", false, -1)) ||
        (rc = get_bool(c, &r->data_change, o, "remove", "dataChange", true)) ||
        (rc =
             get_bool(c, &r->extended_file_metadata, o, "remove", "extendedFileMetadata", false)) ||
        (rc = get_map(c, &r->partition_values, o, "remove", "partitionValues")) ||
        (rc = get_i64(c, &r->size, o, "remove", "size", false, -1)) ||
        (rc = get_dv(c, &r->dv, o, "remove")))
        return rc;
    return 0;
}

static int parse_metadata(parse_ctx *c, silt_delta_metadata *m, json_t *o)
{
    int rc;
    if ((rc = get_str(c, &m->id, o, "metaData", "id", true)) ||
        (rc = get_str(c, &m->name, o, "metaData", "name", false)) ||
        (rc = get_str(c, &m->description, o, "metaData", "description", false)) ||
        (rc = get_str(c, &m->schema_string, o, "metaData", "schemaString", true)) ||
        (rc = get_strv(c, &m->partition_columns, &m->n_partition_columns, o, "metaData",
                       "partitionColumns")) ||
        (rc = get_map(c, &m->configuration, o, "metaData", "configuration")) ||
        (rc = get_i64(c, &m->created_time, o, "metaData", "createdTime", false, -1)))
        return rc;
    json_t *f = json_object_get(o, "format");
    if (f && json_is_object(f)) {
        if ((rc = get_str(c, &m->format_provider, f, "metaData.format", "provider", false)) ||
            (rc = get_map(c, &m->format_options, f, "metaData.format", "options")))
            return rc;
    }
    if (!m->format_provider && !(m->format_provider = silt_strdup("parquet"))) return oom(c);
    return 0;
}

static int parse_protocol(parse_ctx *c, silt_delta_protocol *p, json_t *o)
{
    int64_t r, w;
    int rc;
    if ((rc = get_i64(c, &r, o, "protocol", "minReaderVersion", true, 0)) ||
        (rc = get_i64(c, &w, o, "protocol", "minWriterVersion", true, 0)) ||
        (rc = get_strv(c, &p->reader_features, &p->n_reader_features, o, "protocol",
                       "readerFeatures")) ||
        (rc = get_strv(c, &p->writer_features, &p->n_writer_features, o, "protocol",
                       "writerFeatures")))
        return rc;
    if (r < 0 || r > INT32_MAX) return bad(c, "protocol", "minReaderVersion", "is out of range");
    if (w < 0 || w > INT32_MAX) return bad(c, "protocol", "minWriterVersion", "is out of range");
    p->min_reader_version = (int32_t)r;
    p->min_writer_version = (int32_t)w;
    return 0;
}

static int parse_txn(parse_ctx *c, silt_delta_txn *t, json_t *o)
{
    int rc;
    if ((rc = get_str(c, &t->app_id, o, "txn", "appId", true)) ||
        (rc = get_i64(c, &t->version, o, "txn", "version", true, 0)) ||
        (rc = get_i64(c, &t->last_updated, o, "txn", "lastUpdated", false, -1)))
        return rc;
    return 0;
}

static int parse_commit_info(parse_ctx *c, silt_delta_commit_info *ci, json_t *o)
{
    int rc;
    ci->timestamp = -1;
    ci->read_version = -1;
    json_t *ts = json_object_get(o, "timestamp");
    if (ts && json_is_integer(ts)) ci->timestamp = (int64_t)json_integer_value(ts);
    json_t *rv = json_object_get(o, "readVersion");
    if (rv && json_is_integer(rv)) ci->read_version = (int64_t)json_integer_value(rv);
    json_t *op = json_object_get(o, "operation");
    if (op && json_is_string(op) && !(ci->operation = silt_strdup(json_string_value(op))))
        return oom(c);
    if (!(ci->json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER))) return oom(c);
    /* json_dumps allocates with malloc: move it into silt's allocator */
    char *copy = silt_strdup(ci->json);
    free(ci->json);
    ci->json = copy;
    rc = copy ? 0 : oom(c);
    return rc;
}

static int parse_object(parse_ctx *c, silt_delta_actions *out, json_t *obj)
{
    if (!json_is_object(obj)) {
        silt_error_set(c->err, SILT_ECORRUPT, "%s: line %lld: an action must be a JSON object",
                       c->name, (long long)c->line);
        silt_error_path(c->err, c->name);
        return silt_error_position(c->err, c->line, 1);
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        silt_delta_action_type t;
        if (strcmp(key, "add") == 0)
            t = SILT_DELTA_ADD;
        else if (strcmp(key, "remove") == 0)
            t = SILT_DELTA_REMOVE;
        else if (strcmp(key, "metaData") == 0)
            t = SILT_DELTA_METADATA;
        else if (strcmp(key, "protocol") == 0)
            t = SILT_DELTA_PROTOCOL;
        else if (strcmp(key, "txn") == 0)
            t = SILT_DELTA_TXN;
        else if (strcmp(key, "commitInfo") == 0)
            t = SILT_DELTA_COMMIT_INFO;
        else
            t = SILT_DELTA_OTHER;
        if (t != SILT_DELTA_OTHER && t != SILT_DELTA_COMMIT_INFO && !json_is_object(v)) {
            silt_error_set(c->err, SILT_ECORRUPT, "%s: line %lld: '%s' action is not an object",
                           c->name, (long long)c->line, key);
            silt_error_path(c->err, c->name);
            return silt_error_position(c->err, c->line, 1);
        }
        if (t == SILT_DELTA_COMMIT_INFO && !json_is_object(v)) continue;
        silt_delta_action *a = silt_delta_actions_push(out, t);
        if (!a) return oom(c);
        int rc = 0;
        switch (t) {
        case SILT_DELTA_ADD: rc = parse_add(c, &a->u.add, v); break;
        case SILT_DELTA_REMOVE: rc = parse_remove(c, &a->u.remove, v); break;
        case SILT_DELTA_METADATA: rc = parse_metadata(c, &a->u.metadata, v); break;
        case SILT_DELTA_PROTOCOL: rc = parse_protocol(c, &a->u.protocol, v); break;
        case SILT_DELTA_TXN: rc = parse_txn(c, &a->u.txn, v); break;
        case SILT_DELTA_COMMIT_INFO: rc = parse_commit_info(c, &a->u.commit_info, v); break;
        default: break;
        }
        if (rc) {
            silt_delta_action_clear(a);
            out->n--;
            return rc;
        }
    }
    return 0;
}

int silt_delta_actions_parse(silt_delta_actions *out, const void *data, size_t n, const char *name,
                             silt_error *err)
{
    const char *p = data;
    size_t pos = 0;
    size_t first = out->n;
    parse_ctx c = {name ? name : "commit", 1, err};
    size_t n_objects = 0;
    while (pos < n) {
        char ch = p[pos];
        if (ch == '\n') {
            c.line++;
            pos++;
            continue;
        }
        if (ch == ' ' || ch == '\t' || ch == '\r') {
            pos++;
            continue;
        }
        json_error_t jerr;
        json_t *obj = json_loadb(p + pos, n - pos, JSON_DISABLE_EOF_CHECK, &jerr);
        if (!obj) {
            silt_error_set(err, SILT_ECORRUPT, "%s: line %lld: invalid JSON: %s", c.name,
                           (long long)c.line, jerr.text);
            silt_error_path(err, c.name);
            silt_error_position(err, c.line, jerr.column > 0 ? jerr.column : 1);
            silt_error_offset(err, (int64_t)pos);
            goto fail;
        }
        size_t used = (size_t)jerr.position;
        int rc = parse_object(&c, out, obj);
        json_decref(obj);
        if (rc) goto fail;
        n_objects++;
        if (used == 0) used = 1;
        for (size_t i = pos; i < pos + used && i < n; i++)
            if (p[i] == '\n') c.line++;
        pos += used;
    }
    if (n_objects == 0) {
        silt_error_set(err, SILT_ECORRUPT,
                       "%s is empty%s: a Delta commit file always holds at least one action, so "
                       "this commit was not written completely. Restore the file from a backup; "
                       "if it is the newest version and no reader has used it, removing it "
                       "undoes the incomplete commit",
                       c.name, n ? " (only white space)" : " (0 bytes)");
        silt_error_path(err, c.name);
        goto fail;
    }
    return 0;
fail:
    while (out->n > first) silt_delta_action_clear(&out->items[--out->n]);
    return err ? err->code : SILT_ECORRUPT;
}

/* ---- writing ---- */

static json_t *map_json(const silt_delta_map *m)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < m->n; i++) {
        json_t *v = m->items[i].value ? json_string(m->items[i].value) : json_null();
        if (!v || json_object_set_new(o, m->items[i].key, v)) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *strv_json(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        if (json_array_append_new(a, json_string(v[i]))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Sets key to v (consumed); a NULL v marks failure. */
static void set(json_t *o, const char *key, json_t *v, bool *failed)
{
    if (!v || json_object_set_new(o, key, v)) *failed = true;
}

static json_t *path_json(const char *path, bool *failed)
{
    silt_buf b = SILT_BUF_INIT;
    if (silt_delta_path_encode(&b, path) || silt_buf_cstr(&b)) {
        silt_buf_free(&b);
        *failed = true;
        return NULL;
    }
    json_t *s = json_stringn((const char *)b.ptr, b.len);
    silt_buf_free(&b);
    return s;
}

static void add_json(json_t *o, const silt_delta_add *x, bool *f)
{
    set(o, "path", path_json(x->path, f), f);
    set(o, "partitionValues", map_json(&x->partition_values), f);
    set(o, "size", json_integer(x->size), f);
    set(o, "modificationTime", json_integer(x->modification_time), f);
    set(o, "dataChange", json_boolean(x->data_change), f);
    if (x->stats) set(o, "stats", json_string(x->stats), f);
    if (x->tags.n) set(o, "tags", map_json(&x->tags), f);
    if (x->dv.storage_type) set(o, "deletionVector", silt_delta_dv_to_json(&x->dv), f);
}

static void remove_json(json_t *o, const silt_delta_remove *x, bool *f)
{
    set(o, "path", path_json(x->path, f), f);
    if (x->deletion_timestamp >= 0)
        set(o, "deletionTimestamp", json_integer(x->deletion_timestamp), f);
    set(o, "dataChange", json_boolean(x->data_change), f);
    if (x->extended_file_metadata) {
        set(o, "extendedFileMetadata", json_true(), f);
        set(o, "partitionValues", map_json(&x->partition_values), f);
        if (x->size >= 0) set(o, "size", json_integer(x->size), f);
    }
    if (x->dv.storage_type) set(o, "deletionVector", silt_delta_dv_to_json(&x->dv), f);
}

static void metadata_json(json_t *o, const silt_delta_metadata *x, bool *f)
{
    set(o, "id", json_string(x->id ? x->id : ""), f);
    if (x->name) set(o, "name", json_string(x->name), f);
    if (x->description) set(o, "description", json_string(x->description), f);
    json_t *fmt = json_object();
    if (fmt) {
        set(fmt, "provider", json_string(x->format_provider ? x->format_provider : "parquet"), f);
        set(fmt, "options", map_json(&x->format_options), f);
    }
    set(o, "format", fmt, f);
    set(o, "schemaString", json_string(x->schema_string ? x->schema_string : ""), f);
    set(o, "partitionColumns", strv_json(x->partition_columns, x->n_partition_columns), f);
    set(o, "configuration", map_json(&x->configuration), f);
    if (x->created_time >= 0) set(o, "createdTime", json_integer(x->created_time), f);
}

static void protocol_json(json_t *o, const silt_delta_protocol *x, bool *f)
{
    set(o, "minReaderVersion", json_integer(x->min_reader_version), f);
    set(o, "minWriterVersion", json_integer(x->min_writer_version), f);
    if (x->min_reader_version >= 3)
        set(o, "readerFeatures", strv_json(x->reader_features, x->n_reader_features), f);
    if (x->min_writer_version >= 7)
        set(o, "writerFeatures", strv_json(x->writer_features, x->n_writer_features), f);
}

static void txn_json(json_t *o, const silt_delta_txn *x, bool *f)
{
    set(o, "appId", json_string(x->app_id ? x->app_id : ""), f);
    set(o, "version", json_integer(x->version), f);
    if (x->last_updated >= 0) set(o, "lastUpdated", json_integer(x->last_updated), f);
}

/* The action as {"<kind>": {...}} (an empty object for an unknown kind), or NULL when out of
 * memory. */
static json_t *action_json(const silt_delta_action *a)
{
    if (a->type == SILT_DELTA_COMMIT_INFO) { /* kept as the JSON text it was given */
        json_error_t jerr;
        const char *text = a->u.commit_info.json;
        json_t *inner = text ? json_loads(text, 0, &jerr) : json_object();
        bool f = !inner || !json_is_object(inner);
        json_t *outer = json_object();
        set(outer, "commitInfo", inner, &f);
        if (!f) return outer;
        json_decref(outer);
        return NULL;
    }
    json_t *inner = json_object();
    bool f = !inner;
    const char *key = NULL;
    switch (a->type) {
    case SILT_DELTA_ADD: key = "add", add_json(inner, &a->u.add, &f); break;
    case SILT_DELTA_REMOVE: key = "remove", remove_json(inner, &a->u.remove, &f); break;
    case SILT_DELTA_METADATA: key = "metaData", metadata_json(inner, &a->u.metadata, &f); break;
    case SILT_DELTA_PROTOCOL: key = "protocol", protocol_json(inner, &a->u.protocol, &f); break;
    case SILT_DELTA_TXN: key = "txn", txn_json(inner, &a->u.txn, &f); break;
    default: json_decref(inner); return json_object();
    }
    json_t *outer = json_object();
    set(outer, key, inner, &f);
    if (f) {
        json_decref(outer);
        return NULL;
    }
    return outer;
}

int silt_delta_actions_write(silt_buf *out, const silt_delta_actions *a, silt_error *err)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->items[i].type == SILT_DELTA_OTHER) continue;
        json_t *o = action_json(&a->items[i]);
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!s) return silt_error_set(err, SILT_ENOMEM, "out of memory writing a commit");
        silt_buf_puts(out, s);
        silt_buf_putc(out, '\n');
        free(s);
    }
    if (silt_buf_oom(out))
        return silt_error_set(err, SILT_ENOMEM, "out of memory writing a commit");
    return 0;
}
