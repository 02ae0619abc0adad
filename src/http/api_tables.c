/* The catalog API: GET /api/tables (every table with its figures), GET /api/tables/{name}
 * (schema, partitioning, properties, protocol, history, lineage, data quality) and
 * GET /api/tables/{name}/rows (a sample, optionally as of a version). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "delta/maint.h"
#include "http/eventlog.h"
#include "http/live.h"
#include "http/server_int.h"
#include "util/time.h"

static json_t *iso_time(int64_t ms)
{
    char buf[40];
    if (ms < 0) return json_null();
    silt_time_format_iso(buf, sizeof buf, ms * 1000);
    return json_string(buf);
}

/* One recorded source as the catalog names it: STREAM(t) and t are the table t, read_kafka is
 * "kafka", read_files is "files". */
static json_t *source_name(const char *v, size_t len)
{
    if (len > 8 && !strncmp(v, "STREAM(", 7) && v[len - 1] == ')')
        return json_stringn(v + 7, len - 8);
    if (len == 10 && !strncmp(v, "read_kafka", 10)) return json_string("kafka");
    if (len == 10 && !strncmp(v, "read_files", 10)) return json_string("files");
    return json_stringn(v, len);
}

/* The sources a pipeline recorded in a table's properties (silt.pipeline.sources, or
 * silt.sources: comma-separated), or for a quarantine the table it belongs to. */
static json_t *sources_json(const silt_http_table *t)
{
    json_t *src = json_array();
    const silt_delta_snapshot *sn = t->snap;
    const char *v = sn ? silt_delta_snapshot_config(sn, "silt.pipeline.sources") : NULL;
    if (!v && sn) v = silt_delta_snapshot_config(sn, "silt.sources");
    if (!v && sn) v = silt_delta_snapshot_config(sn, "silt.pipeline.quarantineOf");
    while (v && *v) {
        const char *e = strchr(v, ',');
        size_t len = e ? (size_t)(e - v) : strlen(v);
        if (len) json_array_append_new(src, source_name(v, len));
        v = e ? e + 1 : NULL;
    }
    return src;
}

static json_t *table_summary(silt_http_server *srv, const silt_http_table *t, int64_t now_ms)
{
    const silt_delta_snapshot *s = t->snap;
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(t->name));
    json_object_set_new(o, "layer", json_string(t->layer));
    json_object_set_new(o, "location", json_string(t->location));
    json_object_set_new(o, "version", s ? json_integer(s->version) : json_null());
    json_object_set_new(o, "rows", t->rows >= 0 && s ? json_integer(t->rows) : json_null());
    json_object_set_new(o, "bytes", json_integer(t->bytes));
    json_object_set_new(o, "files", json_integer(s ? (json_int_t)s->n_files : 0));
    json_object_set_new(o, "last_commit_ms", s ? json_integer(s->timestamp_ms) : json_null());
    json_object_set_new(o, "last_commit", iso_time(s ? s->timestamp_ms : -1));
    json_object_set_new(o, "freshness_seconds",
                        s ? json_real((double)(now_ms - s->timestamp_ms) / 1000.0) : json_null());
    if (t->error[0]) json_object_set_new(o, "error", json_string(t->error));
    json_object_set_new(o, "sources", sources_json(t));
    json_object_set_new(o, "quality", silt_http_eventlog_quality(srv->cat, t->name));
    return o;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, unsigned status, json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(o);
    if (!text) return silt_http_respond_error(conn, 503, "out of memory", NULL);
    enum MHD_Result ok = silt_http_respond(conn, status, "application/json", text, strlen(text));
    free(text);
    return ok;
}

/* GET /api/tables's answer as a new response (a reference for the cache), or NULL. */
static struct MHD_Response *tables_build(void *arg)
{
    silt_http_server *s = arg;
    json_t *arr = json_array(), *o = json_object();
    int64_t now = silt_time_wall_ms();
    size_t n;
    silt_http_catalog_rdlock(s->cat);
    const silt_http_table *t = silt_http_catalog_tables(s->cat, &n);
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, table_summary(s, &t[i], now));
    silt_http_catalog_unlock(s->cat);
    json_object_set_new(o, "lake", json_string(silt_http_catalog_lake(s->cat)));
    json_object_set_new(o, "tables", arr);
    json_t *live = silt_http_live_json(); /* under `silt pipeline run --http` */
    if (live) json_object_set_new(o, "live", live);
    char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(o);
    if (!text) return NULL;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_COPY);
    free(text);
    if (!r) return NULL;
    silt_http_secure_headers(r, true);
    MHD_add_response_header(r, "Content-Type", "application/json");
    return r;
}

/* Rendered at most once per cfg.cache_ms (sooner when the catalog changed), shared
 * by the requests in between (cache.h): freshness_seconds is as of then. */
enum MHD_Result silt_http_api_tables(silt_http_server *s, struct MHD_Connection *conn)
{
    return silt_http_cache_serve(&s->tables_cache, conn, silt_http_catalog_generation(s->cat),
                                 s->cfg.cache_ms, tables_build, s);
}

/* Spark's schema JSON as the API shows it: name, type (a name, or the nested type's JSON),
 * nullable, comment. */
static json_t *schema_json(const char *schema_string)
{
    json_t *out = json_array(), *root = json_loads(schema_string ? schema_string : "", 0, NULL);
    json_t *fields = root ? json_object_get(root, "fields") : NULL;
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f)
    {
        json_t *o = json_object(), *md = json_object_get(f, "metadata");
        json_object_set(o, "name", json_object_get(f, "name"));
        json_object_set(o, "type", json_object_get(f, "type"));
        json_object_set(o, "nullable", json_object_get(f, "nullable"));
        json_t *comment = md ? json_object_get(md, "comment") : NULL;
        json_object_set(o, "comment", comment ? comment : json_null());
        json_array_append_new(out, o);
    }
    json_decref(root);
    return out;
}

static json_t *map_json(const silt_delta_map *m)
{
    json_t *o = json_object();
    for (size_t i = 0; i < m->n; i++)
        json_object_set_new(o, m->items[i].key,
                            m->items[i].value ? json_string(m->items[i].value) : json_null());
    return o;
}

static json_t *history_json(const silt_http_table *t)
{
    silt_delta_history h = {0};
    json_t *arr = json_array();
    if (!t->store || silt_delta_history_read(&h, t->store, 20, NULL)) return arr;
    for (size_t i = 0; i < h.n; i++) {
        const silt_delta_history_entry *e = &h.entries[i];
        json_t *o = json_object();
        json_object_set_new(o, "version", json_integer(e->version));
        json_object_set_new(o, "timestamp", iso_time(e->timestamp_ms));
        json_object_set_new(o, "operation", e->operation ? json_string(e->operation) : json_null());
        json_t *ci = e->commit_info ? json_loads(e->commit_info, 0, NULL) : NULL;
        json_t *m = ci ? json_object_get(ci, "operationMetrics") : NULL;
        json_object_set(o, "metrics", m ? m : json_null());
        json_decref(ci);
        json_array_append_new(arr, o);
    }
    silt_delta_history_clear(&h);
    return arr;
}

/* Lineage: the table's recorded sources and the tables that name it as one of theirs. */
static json_t *lineage_json(silt_http_catalog *cat, const silt_http_table *t)
{
    json_t *o = json_object(), *src = sources_json(t), *readers = json_array();
    size_t n;
    const silt_http_table *all = silt_http_catalog_tables(cat, &n);
    for (size_t i = 0; i < n; i++) {
        json_t *their = sources_json(&all[i]), *v;
        size_t k;
        json_array_foreach(their, k, v) if (!strcmp(json_string_value(v), t->name))
        {
            json_array_append_new(readers, json_string(all[i].name));
            break;
        }
        json_decref(their);
    }
    json_object_set_new(o, "sources", src);
    json_object_set_new(o, "readers", readers);
    return o;
}

static json_t *table_detail(silt_http_server *s, const silt_http_table *t)
{
    json_t *o = table_summary(s, t, silt_time_wall_ms());
    const silt_delta_snapshot *snap = t->snap;
    if (snap) {
        const silt_delta_metadata *m = &snap->metadata;
        json_t *parts = json_array();
        for (size_t i = 0; i < m->n_partition_columns; i++)
            json_array_append_new(parts, json_string(m->partition_columns[i]));
        json_object_set_new(o, "id", json_string(m->id ? m->id : ""));
        json_object_set_new(o, "description",
                            m->description ? json_string(m->description) : json_null());
        json_object_set_new(o, "schema", schema_json(m->schema_string));
        json_object_set_new(o, "partition_columns", parts);
        json_object_set_new(o, "properties", map_json(&m->configuration));
        json_object_set_new(o, "created", iso_time(m->created_time));
        json_object_set_new(o, "protocol",
                            json_pack("{s:i,s:i}", "min_reader_version",
                                      (int)snap->protocol.min_reader_version, "min_writer_version",
                                      (int)snap->protocol.min_writer_version));
    }
    json_object_set_new(o, "history", history_json(t));
    json_object_set_new(o, "lineage", lineage_json(s->cat, t));
    return o;
}

static enum MHD_Result table_rows(silt_http_server *s, struct MHD_Connection *conn,
                                  const char *name)
{
    int64_t limit, version;
    const char *lv = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
    const char *vv = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "version");
    if (silt_http_param_int(&limit, lv, 0, s->cfg.max_rows,
                            s->cfg.max_rows < 100 ? s->cfg.max_rows : 100)) {
        char msg[128];
        snprintf(msg, sizeof msg, "limit must be a whole number from 0 to %lld",
                 (long long)s->cfg.max_rows);
        return silt_http_respond_error(conn, 400, msg, NULL);
    }
    if (silt_http_param_int(&version, vv, 0, INT64_MAX / 2, -1))
        return silt_http_respond_error(conn, 400, "version must be a whole number from 0", NULL);
    char sql[SILT_HTTP_NAME_MAX + 128];
    if (version >= 0)
        snprintf(sql, sizeof sql, "SELECT * FROM `%s` VERSION AS OF %lld LIMIT %lld", name,
                 (long long)version, (long long)limit);
    else
        snprintf(sql, sizeof sql, "SELECT * FROM `%s` LIMIT %lld", name, (long long)limit);
    return silt_http_run_query(s, conn, sql, limit);
}

enum MHD_Result silt_http_api_table(silt_http_server *s, struct MHD_Connection *conn,
                                    const silt_http_route *r)
{
    char suggestion[SILT_HTTP_NAME_MAX + 32] = "";
    silt_http_catalog_rdlock(s->cat);
    if (r->rows && silt_http_catalog_find(s->cat, r->rows_name)) {
        silt_http_catalog_unlock(s->cat);
        return table_rows(s, conn, r->rows_name);
    }
    const silt_http_table *t = silt_http_catalog_find(s->cat, r->name);
    if (t) {
        json_t *o = table_detail(s, t);
        silt_http_catalog_unlock(s->cat);
        return send_json(conn, 200, o);
    }
    const char *best = silt_http_catalog_suggest(s->cat, r->rows ? r->rows_name : r->name);
    if (best) snprintf(suggestion, sizeof suggestion, "did you mean '%s'?", best);
    silt_http_catalog_unlock(s->cat);
    char msg[SILT_HTTP_NAME_MAX + 64];
    snprintf(msg, sizeof msg, "no table '%s' in the lake", r->rows ? r->rows_name : r->name);
    return silt_http_respond_error(conn, 404, msg, best ? suggestion : NULL);
}
