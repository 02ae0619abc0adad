/* The pipeline runtime: runs a parsed pipeline (def.h) continuously, exactly once: bronze
 * tables through the ingestion runtime in their own threads, every other streaming table fed
 * from its upstream's Delta log in micro-batches (expectations, quarantine, event log), and
 * materialized views recomputed when an upstream moves. Positions live in the tables' txns. */
#ifndef SILT_PIPELINE_RUN_H
#define SILT_PIPELINE_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pipeline/def.h"
#include "util/error.h"

typedef struct silt_pipeline_run_opts {
    int64_t trigger_us; /* bronze micro-batches; passes 4 times as often when idle (default 1 s) */
    bool until_caught_up; /* stop once bronze has read Kafka to its end and every table has
                           * consumed its upstreams' latest versions */
    int64_t max_versions; /* upstream versions per micro-batch (default 100) */
    int64_t max_rows;     /* ... and about this many upstream rows (default 250,000); bronze commits
                             hold at most this many */
    int64_t progress_us;  /* progress lines this often (0: none; default 5 s) */
    FILE *progress;       /* where progress lines go (default stderr) */
    int64_t connect_timeout_us; /* bronze: give up when no broker answers (default 30 s) */
    /* refresh: tables (indexes into def->tables) to recompute before running; with
     * refresh_full they are emptied and their positions forgotten (with their quarantine). */
    const int *refresh;
    size_t n_refresh;
    bool refresh_full;
    bool no_bronze; /* do not start bronze ingestion (refresh, tests) */
    /* Tests: stop a streaming batch with SILT_EIO right after its quarantine write (1) or its
     * event-log write (2), as a crash there would, to show that the next run completes it. */
    int crash_after;
} silt_pipeline_run_opts;

/* Per table figures since the run started. */
typedef struct silt_pipeline_table_stats {
    int64_t rows_read, rows_written, rows_dropped, rows_quarantined;
    int64_t batches;
    int64_t version;  /* the table's version after its last commit, -1 unknown */
    int64_t upstream; /* the upstream version consumed last (streaming), -1 none */
    int64_t lag;      /* upstream versions not yet consumed, -1 unknown */
} silt_pipeline_table_stats;

typedef struct silt_pipeline_run silt_pipeline_run;

void silt_pipeline_run_opts_default(silt_pipeline_run_opts *out);

/* Opens every table of def (borrowed; must outlive the run), creating the missing ones
 * (Delta protocol 1/2, COMMENT as description, lineage in configuration: silt.pipeline.name,
 * silt.pipeline.sources), binds every query against its upstreams' schemas and every
 * expectation against the query's output. Returns 0 and *out (owned), or an error naming the
 * table (SILT_EUNSUPPORTED for what the runtime does not do yet, with the reason). */
int silt_pipeline_run_create(silt_pipeline_run **out, const silt_pipeline_def *def,
                             const silt_pipeline_run_opts *opts, silt_error *err);
void silt_pipeline_run_destroy(silt_pipeline_run *r);

/* One pass: every non-bronze table in topological order processes what is new upstream (one
 * micro-batch each at most). *out_idle: nothing was new anywhere. */
int silt_pipeline_run_pass(silt_pipeline_run *r, bool *out_idle, silt_error *err);

/* Starts bronze ingestion and runs passes every trigger until *stop (a signal handler) or,
 * with until_caught_up, until everything is consumed. A FAIL UPDATE expectation stops it with
 * SILT_EINVAL naming the table, the expectation and the row; nothing of that batch is
 * committed. */
int silt_pipeline_run_loop(silt_pipeline_run *r, volatile sig_atomic_t *stop, silt_error *err);

/* Figures of def->tables[i]. */
const silt_pipeline_table_stats *silt_pipeline_run_stats(const silt_pipeline_run *r, size_t i);

/* Recomputes materialized view (or streaming aggregate) i in full from its upstreams read at
 * their current versions, in one commit that also records those versions (txn appId
 * silt:<table>:<upstream>); does nothing when they are the ones recorded already, unless
 * force. *out_changed says whether it committed. The one place materialized views are
 * maintained (to be made incremental). */
int silt_pipeline_mv_refresh(silt_pipeline_run *r, size_t i, bool force, bool *out_changed,
                             silt_error *err);

#endif
