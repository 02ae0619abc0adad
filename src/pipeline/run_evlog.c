/* The pipeline's event log (<lake>/_event_log, a Delta table: one row per table per batch) and
 * the shape of a table's quarantine (its source rows as they came, plus why). */
#include <string.h>

#include "pipeline/live.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/time.h"

enum {
    EV_PIPELINE,
    EV_TABLE,
    EV_BATCH,
    EV_UPSTREAM,
    EV_FROM,
    EV_TO,
    EV_READ,
    EV_WRITTEN,
    EV_DROPPED,
    EV_QUARANTINED,
    EV_LATE,
    EV_EXPECT,
    EV_DURATION,
    EV_ERROR,
    EV_TIME,
    EV_NCOLS
};

static const struct {
    const char *name;
    silt_type_id type;
} ev_fields[EV_NCOLS] = {
    {"pipeline", SILT_TYPE_STRING},    {"table_name", SILT_TYPE_STRING},
    {"batch_id", SILT_TYPE_INT64},     {"upstream", SILT_TYPE_STRING},
    {"from_version", SILT_TYPE_INT64}, {"to_version", SILT_TYPE_INT64},
    {"rows_read", SILT_TYPE_INT64},    {"rows_written", SILT_TYPE_INT64},
    {"rows_dropped", SILT_TYPE_INT64}, {"rows_quarantined", SILT_TYPE_INT64},
    {"rows_late", SILT_TYPE_INT64},    {"expectations", SILT_TYPE_STRING},
    {"duration_ms", SILT_TYPE_INT64},  {"error", SILT_TYPE_STRING},
    {"time", SILT_TYPE_TIMESTAMP},
};

int run_evlog_open(silt_pipeline_run *r, silt_error *err)
{
    silt_schema *s = silt_schema_create(EV_NCOLS);
    if (!s) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    r->ev_schema = s;
    for (size_t i = 0; i < EV_NCOLS; i++) {
        if (silt_field_init(&s->fields[i], ev_fields[i].name, ev_fields[i].type, true))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        s->fields[i].tz_utc = true;
    }
    char loc[4096];
    snprintf(loc, sizeof loc, "%s/_event_log", r->def->lake ? r->def->lake : "./lake");
    int rc = run_delta_open(&r->ev, loc, err);
    if (rc) return rc;
    silt_delta_map cfg = {0};
    rc = silt_delta_map_set(&cfg, "silt.pipeline.name", r->name) ? SILT_ENOMEM : 0;
    if (rc) return silt_error_set(err, rc, "out of memory");
    rc = run_delta_create(&r->ev, s, NULL, 0,
                          "silt pipeline event log: one row per table per batch", &cfg, err);
    silt_delta_map_clear(&cfg);
    return rc;
}

static int put_str(silt_column *c, const char *s)
{
    return s ? silt_column_append_bytes(c, s, strlen(s)) : silt_column_append_null(c);
}

static int fill_row(silt_batch *b, const silt_pipeline_run *r, const run_event *ev)
{
    const int64_t ints[] = {ev->to_version, ev->from_version, ev->to_version,  ev->read,
                            ev->written,    ev->dropped,      ev->quarantined, ev->late};
    const int cols[] = {EV_BATCH,   EV_FROM,    EV_TO,          EV_READ,
                        EV_WRITTEN, EV_DROPPED, EV_QUARANTINED, EV_LATE};
    int rc = put_str(&b->cols[EV_PIPELINE], r->name);
    if (!rc) rc = put_str(&b->cols[EV_TABLE], ev->table);
    if (!rc) rc = put_str(&b->cols[EV_UPSTREAM], ev->upstream);
    for (size_t i = 0; !rc && i < sizeof cols / sizeof cols[0]; i++)
        rc = silt_column_append_int(&b->cols[cols[i]], ints[i]);
    if (!rc) rc = put_str(&b->cols[EV_EXPECT], ev->expectations);
    if (!rc) rc = silt_column_append_int(&b->cols[EV_DURATION], ev->duration_ms);
    if (!rc) rc = put_str(&b->cols[EV_ERROR], ev->error);
    if (!rc) rc = silt_column_append_int(&b->cols[EV_TIME], silt_time_wall_us());
    b->n_rows = 1;
    return rc;
}

void run_evlog_appid(char *out, size_t n, const run_table *t)
{
    const char *id = t->d.snap && t->d.snap->metadata.id ? t->d.snap->metadata.id : "";
    snprintf(out, n, "_event_log:%s@%s", t->def->name, id);
}

int run_evlog_write_txns(silt_pipeline_run *r, const run_event *ev, const silt_delta_txn *txns,
                         size_t n_txns, silt_error *err)
{
    silt_batch *b = silt_batch_create(r->ev_schema);
    int rc = b ? fill_row(b, r, ev) : SILT_ENOMEM;
    if (rc) {
        silt_batch_destroy(b);
        return silt_error_set(err, rc, "out of memory");
    }
    rc = run_delta_write_txns(&r->ev, b, txns, n_txns, false, err);
    silt_batch_destroy(b);
    return rc;
}

int run_evlog_write(silt_pipeline_run *r, const run_event *ev, silt_error *err)
{
    silt_batch *b = silt_batch_create(r->ev_schema);
    int rc = b ? fill_row(b, r, ev) : SILT_ENOMEM;
    if (rc) {
        silt_batch_destroy(b);
        return silt_error_set(err, rc, "out of memory");
    }
    rc = run_delta_write(&r->ev, b, ev->txn_a, ev->upstream, ev->to_version, false, err);
    silt_batch_destroy(b);
    if (!rc) silt_live_batch(ev->table, ev->read, ev->written, ev->duration_ms);
    return rc;
}

silt_schema *run_quarantine_schema(const silt_schema *up)
{
    static const char *const names[] = {"_expectations", "_reason", "_upstream_version"};
    static const silt_type_id types[] = {SILT_TYPE_STRING, SILT_TYPE_STRING, SILT_TYPE_INT64};
    silt_schema *s = silt_schema_create(up->n_fields + 3);
    if (!s) return NULL;
    for (size_t i = 0; i < up->n_fields; i++)
        if (silt_field_copy(&s->fields[i], &up->fields[i])) goto fail;
    for (size_t k = 0; k < 3; k++)
        if (silt_field_init(&s->fields[up->n_fields + k], names[k], types[k], true)) goto fail;
    return s;
fail:
    silt_schema_destroy(s);
    return NULL;
}
