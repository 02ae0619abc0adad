/* Views kept as running aggregates in memory. A view recomputed in full whose query aggregates
 * the rows of one upstream table (silt_sql_plan_accumulates: every read of it goes through
 * projections and filters into an aggregate, such as revenue by day with count(DISTINCT ...),
 * the top products, or per-customer features joined with the last day) keeps its aggregates'
 * states between recomputes: each pass folds the upstream's newly appended rows into them
 * (read from memory when the upstream was written in the same pass), and a recompute then only
 * computes the result from the states, instead of reading every file of the upstream again.
 * The states are a cache of what the upstream's rows give: built by reading the upstream whole
 * the first time (after a start, a restart, or a commit that did more than append), and the
 * view's commit records the upstream version they hold, as a full recompute's does. */
#include <string.h>

#include "delta/pqio.h"
#include "delta/scan.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"

struct run_acc {
    silt_sql_plan *plan; /* the view's bind_query over its upstream as the input, running */
    silt_schema *schema; /* the upstream's schema the plan was bound to (owned) */
    silt_batch *empty;   /* no rows of that schema: a run over it gives the result */
    const char *name;    /* the view's (borrowed) */
    int up;              /* the upstream table */
    int64_t fed;         /* the upstream version whose rows the states hold; -1: none */
    int64_t queued;      /* the last version handed to the feeder: fed once it drains */
    bool failed;         /* a fold failed on the feeder: the states are unknown */
    silt_error err;      /* why */
};

void run_acc_free(run_table *t)
{
    run_acc *a = t->acc;
    if (!a) return;
    silt_sql_plan_destroy(a->plan);
    silt_batch_destroy(a->empty);
    silt_schema_destroy(a->schema);
    silt_free(a);
    t->acc = NULL;
}

/* Why t is not kept as running aggregates, or NULL when it is (t->acc set). */
static const char *eligible(silt_pipeline_run *r, run_table *t)
{
    const silt_pipeline_table *d = t->def;
    if (t->mode != RUN_RECOMPUTE || t->inc_plan || t->upstream >= 0) return "";
    if (d->n_reads != 1 || !d->bind_query) return "it does not read exactly one upstream table";
    int up = d->reads[0];
    if (r->t[up].mode == RUN_RECOMPUTE) /* rewritten whole at each refresh: nothing to keep */
        return "its upstream is a view recomputed in full";
    run_delta *u = &r->t[up].d;
    if (!u->snap) return "its upstream does not exist yet";
    run_acc *a = silt_calloc(1, sizeof *a);
    if (!a) return "out of memory";
    t->acc = a;
    a->name = d->name;
    a->up = up;
    a->fed = a->queued = -1;
    if (!(a->schema = silt_schema_copy(u->snap->schema)) ||
        !(a->empty = silt_batch_create(a->schema)))
        return "out of memory";
    silt_sql_input in = {r->def->tables[up].name, a->schema};
    silt_error e;
    silt_error_clear(&e);
    if (silt_sql_prepare(&a->plan, d->bind_query, &in, 1, &e)) return "its query does not bind";
    if (!silt_sql_plan_accumulates(a->plan))
        return "its query does not aggregate its upstream's rows through projections and filters";
    silt_sql_plan_set_running(a->plan, true);
    return NULL;
}

int run_acc_prepare(silt_pipeline_run *r, run_table *t, silt_error *err)
{
    (void)err;
    const char *why = eligible(r, t);
    if (!why) {
        silt_log_info("table %s: its aggregates are kept in memory between recomputes, fed with "
                      "the rows %s appends",
                      t->def->name, r->def->tables[t->acc->up].name);
        return 0;
    }
    if (*why) silt_log_debug("table %s: not kept in memory: %s", t->def->name, why);
    run_acc_free(t);
    return 0;
}

static int feed(void *arg, const silt_batch *b, silt_error *err)
{
    return silt_sql_run_feed(((run_acc *)arg)->plan, b, err);
}

/* Empties the states and folds in every row of the upstream's snapshot (no fold queued). */
static int rebuild(run_acc *a, run_delta *u, silt_error *err)
{
    silt_sql_plan_set_running(a->plan, true); /* drops the states */
    a->fed = a->queued = -1;
    a->failed = false;
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.file_ops = silt_delta_parquet_ops();
    silt_log_debug("table %s: its aggregates built from %s's snapshot at version %lld", a->name,
                   u->name, (long long)u->snap->version);
    int rc = silt_delta_scan(NULL, u->snap, u->store, &o, feed, a, err);
    if (!rc) a->fed = a->queued = u->snap->version;
    return rc;
}

void run_acc_fold(run_acc *a, const run_kept_rows *rows, int64_t v)
{
    if (a->failed) return; /* the states are built again anyway */
    int rc = 0;
    if (rows) {
        silt_batch view;
        silt_column *cols = silt_calloc(a->schema->n_fields + 1, sizeof *cols);
        if (!cols)
            rc = silt_error_set(&a->err, SILT_ENOMEM, "out of memory");
        else if (!run_kept_view_of(&view, cols, rows, a->schema))
            rc = silt_error_set(&a->err, SILT_EINVAL, "version %lld lacks a column of the view's",
                                (long long)v);
        else
            rc = feed(a, &view, &a->err);
        silt_free(cols);
    }
    if (rc)
        a->failed = true;
    else
        a->fed = v;
}

/* Hands version v of u to the feeder: the rows u keeps in memory when this runtime appended
 * v in this pass (its commit is then not read: an append of exactly those rows), else the rows
 * of v's files, read here once the feeder is done; *appended false (nothing folded) when v did
 * more than append (a removal with dataChange, or new metadata). */
static int next_version(silt_pipeline_run *r, run_acc *a, run_delta *u, int64_t v, bool *appended,
                        silt_error *err)
{
    *appended = true;
    run_kept_rows *kept = run_kept_ref(u, v, -1);
    if (kept) {
        silt_log_debug("table %s: version %lld of %s folded into its aggregates (from memory)",
                       a->name, (long long)v, u->name);
        run_accq_push(r, a, kept, v);
        return 0;
    }
    run_version c;
    int rc = run_version_read(&c, u, v, err);
    silt_delta_add *adds = c.adds;
    size_t n = c.n;
    *appended = c.appended;
    if (!rc && *appended && !n) {
        run_accq_push(r, a, NULL, v); /* no rows (a compaction): nothing to fold */
    } else if (!rc && *appended) {
        silt_log_debug("table %s: version %lld of %s folded into its aggregates (from its files)",
                       a->name, (long long)v, u->name);
        run_accq_drain(r);
        silt_delta_scan_opts o = silt_delta_scan_opts_default();
        o.file_ops = silt_delta_parquet_ops();
        silt_delta_snapshot view = *u->snap;
        view.schema = a->schema;
        if (!a->failed)
            rc = silt_delta_scan_files(NULL, &view, adds, n, u->store, &o, feed, a, err);
        if (!rc && !a->failed) a->fed = v;
    }
    if (rc) silt_error_prefix(err, "reading version %lld of '%s'", (long long)v, u->location);
    run_version_clear(&c);
    return rc;
}

/* The upstream's schema is still the one the plan was bound to. */
static bool same_schema(const run_acc *a, const run_delta *u)
{
    const silt_schema *s = u->snap->schema;
    if (s->n_fields != a->schema->n_fields) return false;
    for (size_t i = 0; i < s->n_fields; i++)
        if (strcmp(s->fields[i].name, a->schema->fields[i].name) ||
            s->fields[i].type != a->schema->fields[i].type)
            return false;
    return true;
}

int run_acc_feed(silt_pipeline_run *r, run_table *t, bool settle, silt_error *err)
{
    run_acc *a = t->acc;
    if (!a) return 0;
    run_delta *u = &r->t[a->up].d;
    int rc = run_delta_refresh(u, err);
    if (rc || !u->snap) return rc;
    if (!same_schema(a, u)) {
        silt_log_info("table %s: %s's schema changed: recomputed in full from now on", t->def->name,
                      u->name);
        run_accq_drain(r);
        run_acc_free(t);
        return 0;
    }
    int64_t to = u->snap->version;
    bool appended = true;
    for (int64_t v = a->queued + 1; !rc && a->queued >= 0 && appended && v <= to; v++) {
        rc = next_version(r, a, u, v, &appended, err);
        if (!rc && appended) a->queued = v;
    }
    if (rc) { /* a version's files gone (vacuumed after a compaction): read the table whole */
        silt_log_info("table %s: %s; its aggregates are built again from %s's snapshot",
                      t->def->name, err->msg, u->name);
        silt_error_clear(err);
        rc = 0;
        appended = false;
    }
    bool drained = settle || !appended || a->queued < 0;
    if (drained) run_accq_drain(r); /* the feeder is done with a: a->failed may be read */
    if (drained && a->failed)
        silt_log_info("table %s: folding rows into its aggregates failed (%s): built again",
                      t->def->name, a->err.msg);
    if (!appended || a->queued < 0 || (drained && a->failed)) rc = rebuild(a, u, err);
    if (rc) {
        silt_sql_plan_set_running(a->plan, true); /* the states are unknown: built again */
        a->fed = a->queued = -1;
        silt_error_prefix(err, "table %s", t->def->name);
    }
    return rc;
}

bool run_acc_ready(const run_table *t, int64_t version)
{
    return t->acc && !t->acc->failed && t->acc->fed >= 0 && t->acc->fed == version;
}

int run_acc_result(run_table *t, silt_batch **out, silt_error *err)
{
    return silt_sql_run(t->acc->plan, t->acc->empty, out, err);
}
