/* The pipeline runtime's life cycle: create (open every table), passes over the tables in
 * topological order, the loop with bronze threads, --until-caught-up, progress lines, and
 * refresh (recompute, or rebuild from scratch, a table and everything that reads it). */
#include <string.h>
#include <unistd.h>

#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

void silt_pipeline_run_opts_default(silt_pipeline_run_opts *out)
{
    memset(out, 0, sizeof *out);
    out->trigger_us = 1000000;
    out->max_versions = 100;
    out->max_rows = 250000;
    out->progress_us = 5000000;
    out->connect_timeout_us = 30000000;
}

static char *pipeline_name(const char *file)
{
    const char *b = file ? strrchr(file, '/') : NULL;
    b = b ? b + 1 : file ? file : "pipeline";
    char *s = silt_strdup(b);
    char *dot = s ? strrchr(s, '.') : NULL;
    if (dot && dot != s) *dot = 0;
    return s;
}

/* Deletes every object under location (a table rebuilt from scratch). */
static int drop_location(const char *location, silt_error *err)
{
    silt_store *s = NULL;
    silt_store_listing l = {0};
    int rc = silt_store_open(&s, location, err);
    if (!rc) rc = silt_store_list(s, &l, "", err);
    if (rc == SILT_ENOTFOUND) {
        silt_error_clear(err);
        rc = 0;
    }
    /* data files first, the log last, so a crash midway leaves no log naming missing files */
    for (int pass = 0; pass < 2 && !rc; pass++)
        for (size_t i = 0; i < l.n && !rc; i++) {
            bool log = !strncmp(l.entries[i].key, "_delta_log/", 11);
            if (log == (pass == 1)) rc = silt_store_delete(s, l.entries[i].key, err);
            if (rc == SILT_ENOTFOUND) {
                silt_error_clear(err);
                rc = 0;
            }
        }
    silt_store_list_clear(&l);
    silt_store_destroy(s);
    return rc;
}

/* Marks in mark[] table i and every table that reads it, transitively. */
static void mark_readers(const silt_pipeline_def *d, bool *mark, size_t i)
{
    mark[i] = true;
    for (size_t j = 0; j < d->n_tables; j++) {
        if (mark[j]) continue;
        const silt_pipeline_table *t = &d->tables[j];
        bool reads = false;
        for (size_t k = 0; k < t->n_sources; k++) reads |= t->sources[k].upstream == (int)i;
        for (size_t k = 0; k < t->n_reads; k++) reads |= t->reads[k] == (int)i;
        if (reads) mark_readers(d, mark, j);
    }
}

/* --full: drops the tables to refresh and their readers (with their quarantines). */
static int drop_for_refresh(const silt_pipeline_def *d, const silt_pipeline_run_opts *o,
                            silt_error *err)
{
    bool *mark = silt_calloc(d->n_tables + 1, sizeof *mark);
    if (!mark) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t k = 0; k < o->n_refresh; k++) mark_readers(d, mark, (size_t)o->refresh[k]);
    int rc = 0;
    for (size_t i = 0; i < d->n_tables && !rc; i++) {
        if (!mark[i] || d->tables[i].is_bronze) continue;
        char q[4200];
        snprintf(q, sizeof q, "%s_quarantine", d->tables[i].location);
        silt_log_info("pipeline: refresh --full: %s rebuilt from its sources", d->tables[i].name);
        rc = drop_location(d->tables[i].location, err);
        if (!rc) rc = drop_location(q, err);
    }
    silt_free(mark);
    return rc;
}

int silt_pipeline_run_create(silt_pipeline_run **out, const silt_pipeline_def *def,
                             const silt_pipeline_run_opts *opts, silt_error *err)
{
    silt_pipeline_run *r = silt_calloc(1, sizeof *r);
    if (!r) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    r->def = def;
    if (opts)
        r->opts = *opts;
    else
        silt_pipeline_run_opts_default(&r->opts);
    if (r->opts.max_versions <= 0) r->opts.max_versions = 100;
    if (r->opts.max_rows <= 0) r->opts.max_rows = 250000;
    if (!r->opts.progress) r->opts.progress = stderr;
    r->n = def->n_tables;
    r->name = pipeline_name(def->file);
    r->t = silt_calloc(r->n + 1, sizeof *r->t);
    int rc = r->name && r->t ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!rc && r->opts.refresh_full) rc = drop_for_refresh(def, &r->opts, err);
    if (!rc) rc = run_open_tables(r, err);
    if (rc) {
        silt_pipeline_run_destroy(r);
        return rc;
    }
    *out = r;
    return 0;
}

void silt_pipeline_run_destroy(silt_pipeline_run *r)
{
    if (!r) return;
    run_accq_stop(r); /* before the views' states go */
    for (size_t i = 0; i < r->n; i++) {
        run_table *t = &r->t[i];
        if (t->mode == RUN_BRONZE) run_bronze_close(t);
        silt_sql_plan_destroy(t->expect_plan);
        silt_sql_plan_destroy(t->plan);
        run_mv_inc_free(t);
        run_acc_free(t);
        run_files_free(t);
        silt_batch_destroy(t->in_spare);
        silt_schema_destroy(t->in_schema);
        silt_schema_destroy(t->q_schema);
        run_delta_close(&t->d);
        run_delta_close(&t->q);
    }
    run_delta_close(&r->ev);
    silt_schema_destroy(r->ev_schema);
    silt_free(r->t);
    silt_free(r->name);
    silt_free(r);
}

const silt_pipeline_table_stats *silt_pipeline_run_stats(const silt_pipeline_run *r, size_t i)
{
    return &r->t[i].st;
}

/* True when streaming table t has not read its upstream's latest version (looked up now: the
 * lag of t's last batch is stale once the upstream has committed since). */
static bool behind(silt_pipeline_run *r, run_table *t)
{
    if (t->upstream < 0 || (t->mode != RUN_STREAM && t->mode != RUN_WINDOW)) return t->st.lag > 0;
    run_delta *u = &r->t[t->upstream].d;
    silt_error e;
    silt_error_clear(&e);
    if (run_delta_refresh(u, &e) || !u->snap) return t->st.lag > 0;
    return u->snap->version > run_delta_txn(&t->d, t->d.name, u->name);
}

/* True while table i, or a table it reads (transitively), has more to catch up on: versions of
 * its upstream not read yet, or (with --until-caught-up) Kafka partitions not read to the end. */
static bool catching_up(silt_pipeline_run *r, int i, int depth)
{
    run_table *t = &r->t[i];
    if (depth > 64) return false;
    if (t->mode == RUN_BRONZE)
        return r->opts.until_caught_up && t->bronze.started && !t->bronze.done;
    if (behind(r, t)) return true;
    if (t->upstream >= 0 && catching_up(r, t->upstream, depth + 1)) return true;
    for (size_t k = 0; k < t->def->n_reads; k++)
        if (catching_up(r, t->def->reads[k], depth + 1)) return true;
    return false;
}

/* How long a view's full recompute may wait for its upstreams to catch up: at least this, or 20
 * times its last recompute's duration when longer (recomputes then take at most about a
 * twentieth of a long catch-up). */
#define WAIT_MIN_NS 30000000000ull

/* While what view t reads is still catching up, t's full recompute waits (from the first pass
 * that found it waiting): a view recomputed after every upstream batch costs the catch-up more
 * than it gives the reader. A view kept incrementally does not wait: its merge costs what the
 * new rows cost. */
static bool recompute_waits(silt_pipeline_run *r, run_table *t)
{
    if (t->inc_plan) return false;
    bool busy = t->upstream >= 0 && catching_up(r, t->upstream, 0);
    for (size_t k = 0; k < t->def->n_reads; k++) busy |= catching_up(r, t->def->reads[k], 0);
    uint64_t now = silt_time_mono_ns(), cap = WAIT_MIN_NS;
    uint64_t cost = (uint64_t)(t->last_ms > 0 ? t->last_ms : 0) * 20000000ull;
    if (cost > cap) cap = cost;
    if (!busy) return false;
    if (!t->wait_since_ns) t->wait_since_ns = now;
    return now - t->wait_since_ns <= cap;
}

/* A view due for a full recompute that may run on another thread is queued in *par (its
 * commit waits for run_par_finish); any other is refreshed here, at once. */
static int recompute(silt_pipeline_run *r, size_t i, run_par **par, bool *did, silt_error *err)
{
    if (!run_mv_any_thread(&r->t[i])) return silt_pipeline_mv_refresh(r, i, false, did, err);
    run_mv_job job;
    bool need = false;
    int rc = run_mv_begin(r, i, false, &job, &need, did, err);
    return !rc && need ? run_par_add(par, r, &job, err) : rc;
}

int silt_pipeline_run_pass(silt_pipeline_run *r, bool *out_idle, silt_error *err)
{
    *out_idle = true;
    r->waiting = false;
    run_par *par = NULL; /* views being recomputed on other threads */
    int rc = 0;
    for (size_t k = 0; k < r->n && !rc; k++) {
        size_t i = (size_t)r->def->order[k];
        run_table *t = &r->t[i];
        bool did = false;
        if (run_par_feeds(par, t)) { /* t reads a view not committed yet */
            rc = run_par_finish(par, r, &did, err);
            par = NULL;
            if (rc) break;
        }
        if (t->mode == RUN_STREAM)
            rc = run_stream_batch(r, t, &did, err);
        else if (t->mode == RUN_RECOMPUTE && recompute_waits(r, t)) {
            r->waiting = true;
            rc = run_acc_feed(r, t, false, err); /* kept in memory: new rows folded meanwhile */
        } else if (t->mode == RUN_RECOMPUTE) {
            rc = recompute(r, i, &par, &did, err);
            t->wait_since_ns = 0;
        } else if (t->mode == RUN_WINDOW)
            rc = run_window_batch(r, t, &did, err);
        else if (t->mode == RUN_FILES)
            rc = run_files_batch(r, t, &did, err);
        else if (t->mode == RUN_BRONZE) {
            rc = run_delta_refresh(&t->d, err);
            if (!rc && t->d.snap) t->st.version = t->d.snap->version;
        }
        if (did) *out_idle = false;
    }
    bool did = false;
    if (rc) { /* the views queued before the failing table still commit, as they did one by one */
        silt_error e2;
        silt_error_clear(&e2);
        run_par_finish(par, r, &did, &e2);
        return rc;
    }
    rc = run_par_finish(par, r, &did, err);
    if (did) *out_idle = false;
    if (rc) return rc;
    for (size_t i = 0; i < r->n; i++) run_kept_drop(&r->t[i].d); /* read by now */
    return 0;
}

static void progress(silt_pipeline_run *r, double secs)
{
    for (size_t k = 0; k < r->n; k++) {
        const run_table *t = &r->t[r->def->order[k]];
        const silt_pipeline_table_stats *s = &t->st;
        if (t->mode == RUN_BRONZE) {
            fprintf(r->opts.progress, "pipeline: %-28s bronze  version %lld\n", t->def->name,
                    (long long)s->version);
            continue;
        }
        fprintf(r->opts.progress,
                "pipeline: %-28s %.0f rows/s, %lld rows in %lld batches, version %lld, "
                "upstream %lld (lag %lld versions), dropped %lld, quarantined %lld\n",
                t->def->name, secs > 0 ? (double)s->rows_read / secs : 0.0,
                (long long)s->rows_written, (long long)s->batches, (long long)s->version,
                (long long)s->upstream, (long long)s->lag, (long long)s->rows_dropped,
                (long long)s->rows_quarantined);
    }
    fflush(r->opts.progress);
}

static bool bronze_all_done(const silt_pipeline_run *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->t[i].mode == RUN_BRONZE && r->t[i].bronze.started && !r->t[i].bronze.done)
            return false;
    return true;
}

static bool bronze_failed(const silt_pipeline_run *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->t[i].mode == RUN_BRONZE && r->t[i].bronze.done && r->t[i].bronze.rc) return true;
    return false;
}

static int start_bronze(silt_pipeline_run *r, silt_error *err)
{
    for (size_t i = 0; i < r->n && !r->opts.no_bronze; i++)
        if (r->t[i].mode == RUN_BRONZE) {
            int rc = run_bronze_start(r, &r->t[i], err);
            if (rc) return rc;
        }
    return 0;
}

/* Forced recomputes asked for by refresh (without --full). */
static int refresh_views(silt_pipeline_run *r, silt_error *err)
{
    for (size_t k = 0; k < r->opts.n_refresh && !r->opts.refresh_full; k++) {
        size_t i = (size_t)r->opts.refresh[k];
        bool did;
        if (r->t[i].mode != RUN_RECOMPUTE) continue;
        int rc = silt_pipeline_mv_refresh(r, i, true, &did, err);
        if (rc) return rc;
    }
    return 0;
}

static int join_bronze(silt_pipeline_run *r, bool stop, int rc, silt_error *err)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->t[i].mode != RUN_BRONZE) continue;
        silt_error e2;
        silt_error_clear(&e2);
        int brc = run_bronze_join(&r->t[i], stop, &e2);
        if (brc && !rc) {
            *err = e2;
            rc = brc;
        }
    }
    return rc;
}

int silt_pipeline_run_loop(silt_pipeline_run *r, volatile sig_atomic_t *stop, silt_error *err)
{
    int rc = refresh_views(r, err);
    if (!rc) rc = start_bronze(r, err);
    uint64_t t0 = silt_time_mono_ns(), last = t0;
    while (!rc && !(stop && *stop)) {
        uint64_t pass0 = silt_time_mono_ns();
        bool bronze_done = bronze_all_done(r), idle;
        if ((rc = silt_pipeline_run_pass(r, &idle, err))) break;
        uint64_t now = silt_time_mono_ns();
        if (r->opts.progress_us > 0 && (int64_t)(now - last) / 1000 >= r->opts.progress_us) {
            progress(r, (double)(now - t0) / 1e9);
            last = now;
        }
        if (r->opts.until_caught_up && bronze_done && idle && !r->waiting) break;
        if (bronze_failed(r)) break; /* join_bronze reports why */
        if (!idle) continue;         /* more may be waiting upstream: no pause */
        /* (a view waiting for its upstreams to catch up is no work: the pause stands) */
        /* an idle pass is repeated 4 times per trigger: new upstream commits (bronze's, cut by
         * the trigger) are then picked up within a quarter of it */
        int64_t left = r->opts.trigger_us / 4 - (int64_t)(now - pass0) / 1000;
        while (left > 0 && !(stop && *stop)) {
            usleep(left > 50000 ? 50000 : (useconds_t)left);
            left -= 50000;
        }
    }
    rc = join_bronze(r, !r->opts.until_caught_up || rc || (stop && *stop), rc, err);
    if (r->opts.progress_us > 0) progress(r, (double)(silt_time_mono_ns() - t0) / 1e9);
    return rc;
}
