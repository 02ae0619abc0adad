/* Opening a pipeline's tables in topological order: each query bound against its upstreams'
 * schemas (which exist by then), each missing table created with its description, lineage and
 * partitioning, and each table's way of running chosen (bronze, micro-batches, recompute). */
#include <string.h>
#include <strings.h>

#include "parquet/format.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"

/* Lineage and properties in the table's configuration. */
static int table_config(silt_delta_map *cfg, const silt_pipeline_run *r, const run_table *t)
{
    const silt_pipeline_table *d = t->def;
    silt_buf src = SILT_BUF_INIT;
    for (size_t i = 0; i < d->n_sources; i++) {
        const silt_pipeline_source *s = &d->sources[i];
        if (src.len) silt_buf_putc(&src, ',');
        if (s->kind == SILT_PIPELINE_SRC_TABLE)
            silt_buf_printf(&src, "STREAM(%s)", r->def->tables[s->upstream].name);
        else
            silt_buf_puts(&src, s->kind == SILT_PIPELINE_SRC_KAFKA ? "read_kafka" : "read_files");
    }
    for (size_t i = 0; i < d->n_reads; i++)
        silt_buf_printf(&src, "%s%s", src.len ? "," : "", r->def->tables[d->reads[i]].name);
    int rc = silt_buf_cstr(&src) ? SILT_ENOMEM : 0;
    if (!rc) rc = silt_delta_map_set(cfg, "silt.pipeline.name", r->name);
    if (!rc) rc = silt_delta_map_set(cfg, "silt.pipeline.table", d->name);
    if (!rc) rc = silt_delta_map_set(cfg, "silt.pipeline.sources", (const char *)src.ptr);
    for (size_t i = 0; !rc && i < d->n_properties; i++)
        rc = silt_delta_map_set(cfg, d->properties[i].key, d->properties[i].value);
    silt_buf_free(&src);
    return rc;
}

/* Binds t's query: its STREAM input named as the query reads it, schema from the upstream. */
static int bind_query(silt_pipeline_run *r, run_table *t, silt_error *err)
{
    const silt_pipeline_table *d = t->def;
    silt_sql_input in = {0};
    size_t n_in = 0;
    if (d->n_sources > 1)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "table %s (line %d): a query over %zu STREAM sources is not "
                              "supported yet: give each stream its own streaming table and "
                              "combine them in a materialized view (SELECT * FROM a UNION ALL "
                              "SELECT * FROM b), or read the other sources whole (without STREAM)",
                              d->name, d->line, d->n_sources);
    if (d->n_sources == 1) {
        const silt_pipeline_source *s = &d->sources[0];
        if (s->kind == SILT_PIPELINE_SRC_FILES) {
            int rc = run_files_bind(t, s, err);
            if (rc) return rc;
            in = (silt_sql_input){s->input_name, t->in_schema};
            n_in = 1;
        } else if (s->kind != SILT_PIPELINE_SRC_TABLE)
            return silt_error_set(err, SILT_EUNSUPPORTED,
                                  "table %s (line %d): %s inside a query is not supported yet: "
                                  "only SELECT * FROM STREAM read_kafka(...) (a bronze table)",
                                  d->name, d->line, s->input_name);
        else {
            run_table *u = &r->t[s->upstream];
            if (!u->d.snap || !(t->in_schema = silt_schema_copy(u->d.snap->schema)))
                return silt_error_set(err, SILT_ENOMEM, "out of memory");
            t->upstream = s->upstream;
            t->in_name = s->input_name;
            in = (silt_sql_input){s->input_name, t->in_schema};
            n_in = 1;
        }
    }
    int rc = silt_sql_prepare(&t->plan, d->query, n_in ? &in : NULL, n_in, err);
    if (rc) silt_error_prefix(err, "table %s (line %d)", d->name, d->line);
    return rc;
}

/* Chooses how t runs and checks what its expectations need. */
static int choose_mode(run_table *t, silt_error *err)
{
    const silt_pipeline_table *d = t->def;
    silt_error e2;
    silt_error_clear(&e2);
    bool linear =
        (t->upstream >= 0 || t->files) && silt_sql_plan_traceable(t->plan, d->name, &e2) == 0;
    if (t->files) {
        int rc = run_files_mode(t, linear, err);
        return rc ? rc : run_expect_bind(t, err);
    }
    t->mode = d->kind == SILT_PIPELINE_STREAMING_TABLE && linear ? RUN_STREAM : RUN_RECOMPUTE;
    t->traced = linear;
    for (size_t k = 0; k < d->n_expects; k++)
        if (d->expects[k].action == SILT_PIPELINE_ON_QUARANTINE) t->has_quarantine = true;
    bool windowed =
        d->has_watermark && d->kind == SILT_PIPELINE_STREAMING_TABLE && t->upstream >= 0;
    if (t->has_quarantine && !linear && !windowed) {
        if (t->upstream < 0)
            return silt_error_set(err, SILT_EINVAL,
                                  "table %s (line %d): ON VIOLATION QUARANTINE needs a STREAM "
                                  "source whose rows can be sent to quarantine; use DROP ROW",
                                  d->name, d->line);
        silt_sql_plan_traceable(t->plan, "", &e2);
        return silt_error_set(err, SILT_EINVAL,
                              "table %s (line %d): ON VIOLATION QUARANTINE needs each output row "
                              "to come from one source row%s; use DROP ROW or FAIL UPDATE",
                              d->name, d->line, e2.msg);
    }
    if (windowed) {
        int rc = run_window_bind(t, err);
        if (rc) return rc;
    } else if (d->kind == SILT_PIPELINE_STREAMING_TABLE && !linear)
        silt_log_warn("table %s: its query is not a chain of projections and filters over one "
                      "stream: it is recomputed in full when its upstream moves",
                      d->name);
    return run_expect_bind(t, err);
}

static int open_quarantine(silt_pipeline_run *r, run_table *t, silt_error *err)
{
    char loc[4200];
    snprintf(loc, sizeof loc, "%s_quarantine", t->def->location);
    int rc = run_delta_open(&t->q, loc, err);
    if (rc) return rc;
    run_delta_set_codec(&t->q, t->d.po.codec); /* as its table's */
    if (!t->q_schema && !(t->q_schema = run_quarantine_schema(t->in_schema)))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_delta_map cfg = {0};
    char desc[600];
    snprintf(desc, sizeof desc, "rows of %s's source that broke its expectations", t->def->name);
    rc = silt_delta_map_set(&cfg, "silt.pipeline.name", r->name) ||
                 silt_delta_map_set(&cfg, "silt.pipeline.quarantineOf", t->def->name)
             ? silt_error_set(err, SILT_ENOMEM, "out of memory")
             : run_delta_create(&t->q, t->q_schema, NULL, 0, desc, &cfg, err);
    silt_delta_map_clear(&cfg);
    return rc;
}

/* An existing table must have the columns (names and types) the query gives now. */
static int check_schema(const run_table *t, silt_error *err)
{
    const silt_schema *have = t->d.snap ? t->d.snap->schema : NULL;
    const silt_schema *want = silt_sql_plan_schema(t->plan);
    if (!have) return 0;
    bool same = have->n_fields == want->n_fields;
    size_t i = 0;
    for (; same && i < want->n_fields; i++)
        same = !strcasecmp(have->fields[i].name, want->fields[i].name) &&
               have->fields[i].type == want->fields[i].type;
    if (same) return 0;
    return silt_error_set(err, SILT_EINVAL,
                          "table %s (line %d): its query now gives other columns than the table "
                          "at %s has (%zu columns, %zu in the table; first difference at column "
                          "%zu): rebuild it with `silt pipeline refresh FILE --table %s --full`",
                          t->def->name, t->def->line, t->d.location, want->n_fields, have->n_fields,
                          i, t->def->name);
}

static int open_one(silt_pipeline_run *r, run_table *t, silt_error *err)
{
    const silt_pipeline_table *d = t->def;
    t->upstream = -1;
    t->st.version = t->st.upstream = t->st.lag = -1;
    if (d->is_bronze) {
        t->mode = RUN_BRONZE;
        return run_bronze_open(r, t, err);
    }
    int rc = bind_query(r, t, err);
    if (!rc) rc = choose_mode(t, err);
    if (!rc) rc = run_delta_open(&t->d, d->location, err);
    silt_pq_codec codec;
    if (!rc && !(rc = run_table_codec(&codec, d, SILT_PQ_CODEC_SNAPPY, err)))
        run_delta_set_codec(&t->d, codec);
    if (!rc) rc = check_schema(t, err);
    if (rc) return rc;
    silt_delta_map cfg = {0};
    if (table_config(&cfg, r, t)) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!rc)
        rc = run_delta_create(&t->d, silt_sql_plan_schema(t->plan),
                              (const char *const *)d->partition_by, d->n_partition_by, d->comment,
                              &cfg, err);
    silt_delta_map_clear(&cfg);
    if (!rc && t->has_quarantine) rc = open_quarantine(r, t, err);
    if (!rc && t->mode == RUN_RECOMPUTE) rc = run_mv_inc_prepare(r, t, err);
    if (!rc && t->mode == RUN_RECOMPUTE) rc = run_acc_prepare(r, t, err);
    return rc;
}

int run_open_tables(silt_pipeline_run *r, silt_error *err)
{
    int rc = run_evlog_open(r, err);
    for (size_t k = 0; !rc && k < r->def->n_tables; k++) {
        size_t i = (size_t)r->def->order[k];
        r->t[i].def = &r->def->tables[i];
        r->t[i].index = i;
        rc = open_one(r, &r->t[i], err);
    }
    return rc;
}
