/* Private to the pipeline runtime (run*.c): the open tables, their plans and positions, and
 * the helpers the files share (writing rows as Delta files, the event log, quarantine). */
#ifndef SILT_PIPELINE_RUN_INT_H
#define SILT_PIPELINE_RUN_INT_H

#include <pthread.h>

#include "delta/commit.h"
#include "delta/log.h"
#include "delta/pqio.h"
#include "pipeline/run.h"
#include "sql/sql.h"
#include "store/store.h"
#include "util/buf.h"

struct silt_bronze_table;
struct silt_ingest;
struct silt_kafka_source;
/* Rows a table appended, kept in memory and shared: a reader on another thread holds a
 * reference past the pass (run_kept.c). */
typedef struct run_kept_rows run_kept_rows;

/* A Delta table the runtime writes: its store, latest snapshot and schema. */
typedef struct run_delta {
    char *location;
    char *name; /* in txn appIds */
    silt_store *store;
    silt_delta_snapshot *snap; /* latest known; NULL before it exists */
    int64_t appended;          /* version of this runtime's latest append, -1 none */
    run_kept_rows *kept;       /* the rows of version kept_version (run_kept.c), or NULL */
    int64_t kept_version;
    silt_delta_add *adds; /* the adds of version `appended` (its readers need not parse it) */
    size_t n_adds;
    silt_delta_pqio_options po; /* how its data files are written: run_delta_set_codec */
    silt_delta_file_ops ops;    /* the Parquet ops writing them, pointing at po */
} run_delta;

typedef struct run_bronze {
    struct silt_bronze_table *bt;
    struct silt_ingest *ing;
    struct silt_kafka_source *src;
    pthread_t thread;
    bool started;
    volatile int done;
    int rc;
    silt_error err;
    volatile sig_atomic_t stop;
} run_bronze;

typedef enum run_mode {
    RUN_BRONZE = 1, /* fed by Kafka (run_bronze.c) */
    RUN_STREAM,     /* micro-batches of an upstream's new commits (run_stream.c) */
    RUN_RECOMPUTE,  /* recomputed in full when an upstream moves (run_mv.c) */
    RUN_WINDOW,     /* windows appended once the watermark passes them (run_window.c) */
    RUN_FILES,      /* new files of a folder, STREAM read_files(...) (run_files.c) */
} run_mode;

typedef struct run_table {
    const silt_pipeline_table *def;
    size_t index;
    run_mode mode;
    run_delta d;
    run_bronze bronze;
    /* RUN_STREAM / RUN_RECOMPUTE of a streaming aggregate: the one STREAM input */
    int upstream;           /* index into def->tables, -1 none */
    const char *in_name;    /* the query's name for it */
    silt_schema *in_schema; /* upstream schema the plan was bound to (owned) */
    silt_batch *in_spare;   /* RUN_STREAM: the last batch's input rows, emptied, for the next */
    silt_sql_plan *plan;
    bool traced;                /* the plan maps output rows to input rows */
    silt_sql_plan *expect_plan; /* SELECT e1, e2, ... FROM the output; NULL without expects */
    bool has_quarantine;
    run_delta q;           /* <table>_quarantine */
    silt_schema *q_schema; /* upstream columns + _expectations, _reason, _upstream_version */
    silt_pipeline_table_stats st;
    int64_t window_us; /* RUN_WINDOW: the window(col, 'size') of the query */
    int ts_col;        /* RUN_WINDOW: the watermark column in in_schema */
    bool max_known;    /* RUN_WINDOW: max_ts = the largest event time as of max_version */
    int64_t max_version, max_ts;
    int64_t last_ms;        /* duration of the last batch */
    uint64_t wait_since_ns; /* RUN_RECOMPUTE: since when it waits for its upstreams, 0 none */
    /* RUN_RECOMPUTE kept incrementally (run_mv_inc.c): the query over the new rows of its one
     * upstream, and how each column merges into the view; inc_plan NULL: recomputed in full */
    silt_sql_plan *inc_plan;
    silt_schema *inc_schema; /* the upstream's schema inc_plan was bound to (owned) */
    int inc_upstream;        /* index into def->tables */
    int *inc_ops;            /* silt_pipeline_mv_op per view column (owned) */
    struct run_files *files; /* RUN_FILES: the folder and its listing (run_files.c, owned) */
    struct run_acc *acc;     /* RUN_RECOMPUTE kept as running aggregates (run_acc.c), or NULL */
} run_table;

struct silt_pipeline_run {
    const silt_pipeline_def *def;
    silt_pipeline_run_opts opts;
    char *name; /* the pipeline's name: the file's base name */
    run_table *t;
    size_t n;
    run_delta ev; /* <lake>/_event_log */
    silt_schema *ev_schema;
    int64_t batch_seq;
    bool waiting; /* the last pass left a view waiting for its upstreams (recompute_waits) */
    struct run_accq *accq; /* the thread folding rows into views kept in memory (run_accq.c) */
    bool accq_none;        /* no such thread (one core) */
};

/* ---- run_delta.c: tables and writes ---- */
/* Opens location's store and loads its latest snapshot (NULL when there is no table). */
int run_delta_open(run_delta *d, const char *location, silt_error *err);
/* Sets the codec of d's data files (its ops name the files after it). */
void run_delta_set_codec(run_delta *d, silt_pq_codec codec);
/* The compression of table def's data files: TBLPROPERTIES ('parquet.compression' = 'snappy' |
 * 'zstd' | 'gzip' | 'none'), else dflt. SILT_EINVAL for another value. */
int run_table_codec(silt_pq_codec *codec, const silt_pipeline_table *def, silt_pq_codec dflt,
                    silt_error *err);
void run_delta_close(run_delta *d);
/* Brings d->snap to the latest version (loads it when NULL). */
int run_delta_refresh(run_delta *d, silt_error *err);
/* Creates d's table when missing (schema, partition columns, description, configuration). */
int run_delta_create(run_delta *d, const silt_schema *schema, const char *const *parts,
                     size_t n_parts, const char *description, const silt_delta_map *config,
                     silt_error *err);
/* The txn version of appId "silt:<a>:<b>" in d, -1 if none (or no table). */
int64_t run_delta_txn(const run_delta *d, const char *a, const char *b);
/* Writes rows as data files (one per partition) and commits them with one txn ("silt:<a>:<b>"
 * = version; a NULL: no txn), appending (overwrite false) or replacing every row. */
int run_delta_write(run_delta *d, const silt_batch *rows, const char *txn_a, const char *txn_b,
                    int64_t version, bool overwrite, silt_error *err);
/* run_delta_write with any number of txns (borrowed). */
int run_delta_write_txns(run_delta *d, const silt_batch *rows, const silt_delta_txn *txns,
                         size_t n_txns, bool overwrite, silt_error *err);
/* run_part.c: writes rows as data files of d, one per partition (*adds owned, *n_adds). */
int run_part_write_files(silt_delta_add **adds, size_t *n_adds, run_delta *d,
                         const silt_batch *rows, silt_error *err);
/* Appends row i of src to dst (same types). */
int run_copy_row(silt_batch *dst, size_t dst_col0, const silt_batch *src, int64_t i);

/* ---- run_acc.c: a view over one upstream kept as running aggregates in memory ---- */
typedef struct run_acc run_acc;
/* Sets t->acc when t's query can be (logged); fails only on a bug. */
int run_acc_prepare(silt_pipeline_run *r, run_table *t, silt_error *err);
void run_acc_free(run_table *t);
/* Hands the upstream's versions not handed yet to the feeder (run_accq.c) to fold into t's
 * states (built from all of its snapshot when they hold nothing, or after a commit that did
 * more than append). settle: waits until they are folded. No-op without t->acc. */
int run_acc_feed(silt_pipeline_run *r, run_table *t, bool settle, silt_error *err);
/* Whether t's states hold exactly the rows of its upstream at version (after a settled feed). */
bool run_acc_ready(const run_table *t, int64_t version);
/* t's rows from its states (owned; schema borrowed from the acc plan). Touches nothing but
 * t's states: may run on any thread while no feed runs. */
int run_acc_result(run_table *t, silt_batch **out, silt_error *err);

/* Folds rows (NULL: version v added none) as version v into a's states; on failure the
 * states are marked unknown (built again by the next feed). On the feeder thread. */
void run_acc_fold(run_acc *a, const run_kept_rows *rows, int64_t v);

/* ---- run_accq.c: the thread that folds rows into views' aggregates ---- */
typedef struct run_accq run_accq;
/* Queues the fold of rows (a reference, handed over) as version v into a's states, in order;
 * folded at once on one core. */
void run_accq_push(silt_pipeline_run *r, run_acc *a, run_kept_rows *rows, int64_t v);
/* Waits until every fold queued is done. */
void run_accq_drain(silt_pipeline_run *r);
/* Drops the folds not started, waits for the one running, ends the thread. */
void run_accq_stop(silt_pipeline_run *r);

/* ---- run_mv.c: a view's full recompute in three steps, the middle one on any thread ---- */
typedef struct run_mv_job {
    size_t i; /* the table */
    int ups[16];
    int64_t vers[16]; /* the upstream versions read */
    size_t n;
    silt_batch *out; /* run_mv_compute's result (owned until run_mv_finish) */
    int rc;
    silt_error err;
    int64_t ms; /* the compute's duration */
} run_mv_job;

/* Main thread: refreshes the upstreams and decides; an incremental merge is done here
 * (*out_changed); *out_need: a full compute is to run. */
int run_mv_begin(silt_pipeline_run *r, size_t i, bool force, run_mv_job *job, bool *out_need,
                 bool *out_changed, silt_error *err);
/* True when t's compute touches nothing of r but t's plan text: it may run on another thread
 * while the main thread goes on (a view over pinned versions, not a streaming aggregate). */
bool run_mv_any_thread(const run_table *t);
/* The query (any thread when run_mv_any_thread): job->out or job->rc and job->err. */
void run_mv_compute(silt_pipeline_run *r, run_mv_job *job);
/* Main thread: commits the result and writes the event. */
int run_mv_finish(silt_pipeline_run *r, run_mv_job *job, bool *out_changed, silt_error *err);

/* ---- run_par.c: full recomputes of independent views in parallel within a pass ---- */
typedef struct run_par run_par;
/* Queues view i's compute (job copied) on up to one thread per core, started on first use. */
int run_par_add(run_par **pp, silt_pipeline_run *r, const run_mv_job *job, silt_error *err);
/* True when table t reads (STREAM or whole) a view queued in p. */
bool run_par_feeds(const run_par *p, const run_table *t);
/* Waits for every queued compute and finishes each in queue order (commit, event); *out_did
 * when any committed. Frees p (NULL is fine) and returns the first error. */
int run_par_finish(run_par *p, silt_pipeline_run *r, bool *out_did, silt_error *err);

/* ---- run_kept.c: a streaming table's latest appended rows, for its readers in the pass ---- */
/* Keeps rows (owned; freed at once when version < 0) as the rows version of d appended. */
void run_kept_set(run_delta *d, silt_batch *rows, int64_t version);
void run_kept_drop(run_delta *d);
/* When up keeps version v's rows (n_records of them) with every column of want (by name, same
 * type): *view shows them in want's order, through cols (want->n_fields, filled; borrowed
 * until up's next commit or the end of the pass). */
bool run_kept_view(silt_batch *view, silt_column *cols, const run_delta *up, int64_t v,
                   const silt_schema *want, int64_t n_records);
/* A new reference to the rows up keeps for version v (n_records of them; < 0: any number,
 * the rows this runtime appended as v), or NULL. */
run_kept_rows *run_kept_ref(const run_delta *up, int64_t v, int64_t n_records);
void run_kept_unref(run_kept_rows *k);
/* run_kept_view over rows referenced. */
bool run_kept_view_of(silt_batch *view, silt_column *cols, const run_kept_rows *k,
                      const silt_schema *want);
/* The rows the adds hold by their statistics (numRecords); files without it count 0. */
int64_t run_stats_rows(const silt_delta_add *adds, size_t n);

/* ---- run_evlog.c: the event log and the quarantine ---- */
typedef struct run_event {
    const char *table;
    const char *txn_a; /* the event log's txn appId middle part (run_evlog_appid), or NULL */
    const char *upstream;
    int64_t from_version, to_version;
    int64_t read, written, dropped, quarantined, late;
    const char *expectations; /* JSON text or NULL */
    int64_t duration_ms;
    const char *error; /* NULL: none */
} run_event;
int run_evlog_open(silt_pipeline_run *r, silt_error *err);
/* Appends one event row; with ev->txn_a, with the txn silt:<txn_a>:<upstream> = to_version. */
int run_evlog_write(silt_pipeline_run *r, const run_event *ev, silt_error *err);
/* Appends one event row committed with the given txns (borrowed); ev->txn_a is not used. */
int run_evlog_write_txns(silt_pipeline_run *r, const run_event *ev, const silt_delta_txn *txns,
                         size_t n_txns, silt_error *err);
/* "_event_log:<table>@<table id>": the event log's position of t's batches, tied to this
 * incarnation of the table (a table rebuilt from scratch starts again). */
void run_evlog_appid(char *out, size_t n, const run_table *t);
/* The quarantine schema of upstream schema up (owned). */
silt_schema *run_quarantine_schema(const silt_schema *up);

/* ---- run_open.c ---- */
int run_open_tables(silt_pipeline_run *r, silt_error *err);

/* ---- run_stream.c ---- */
/* Rows read from an upstream's commits, each with the version that added it. */
typedef struct run_rows {
    silt_batch *rows; /* the upstream's schema (t->in_schema) */
    int64_t *versions;
    int64_t cap;
    int64_t version; /* being read */
    int64_t limit;   /* > 0: a version that would take rows past it is not read (unless first) */
    bool stopped;    /* run_read_version left a version unread because of limit */
} run_rows;
/* The commit of version v of u: its actions (owned), its adds with dataChange (shallow: acts
 * owns them, or u when u appended v itself and kept them, acts then empty), and whether it only
 * appended (no removal with dataChange, no new metadata). */
typedef struct run_version {
    silt_delta_actions acts;
    silt_delta_add *adds;
    size_t n;
    bool appended;
} run_version;
int run_version_read(run_version *c, run_delta *u, int64_t v, silt_error *err);
void run_version_clear(run_version *c);
/* Appends to bi the rows that version v of up added (its dataChange adds); with bi->limit, sets
 * bi->stopped instead when bi holds rows already and v's (by its files' numRecords) would take
 * it past the limit. */
int run_read_version(run_rows *bi, run_delta *up, int64_t v, silt_error *err);
/* One micro-batch of t if its upstream has new versions; *out_did says whether it ran. */
int run_stream_batch(silt_pipeline_run *r, run_table *t, bool *out_did, silt_error *err);

/* ---- run_mv_inc.c: views kept incrementally ---- */
/* Decides whether t (RUN_RECOMPUTE) is kept incrementally: an aggregate of sums, counts, mins
 * and maxes over one upstream, unpartitioned. Ineligible is not an error (logged). */
int run_mv_inc_prepare(silt_pipeline_run *r, run_table *t, silt_error *err);
/* Merges the upstream's new appended rows into t; *out_done false when t must be recomputed in
 * full instead (no position yet, or the upstream changed other than by appends). */
int run_mv_inc_refresh(silt_pipeline_run *r, run_table *t, bool *out_done, silt_error *err);
void run_mv_inc_free(run_table *t);

/* ---- run_window.c ---- */
/* Chooses RUN_WINDOW for t when its query is a windowed aggregate with a WATERMARK. */
int run_window_bind(run_table *t, silt_error *err);
/* One batch of a windowed aggregate: every window the watermark passed is appended, once. */
int run_window_batch(silt_pipeline_run *r, run_table *t, bool *out_did, silt_error *err);

/* ---- run_expect.c ---- */
/* What expectations say about rows of a batch. */
typedef struct run_verdict {
    uint8_t *action;          /* per row: 0 keep, 1 drop, 2 quarantine */
    uint64_t *failed_mask;    /* per row: bit k = expectation k broken (first 64) */
    int64_t *passed, *failed; /* per expectation */
    int64_t n_rows;
} run_verdict;
int run_expect_bind(run_table *t, silt_error *err);
/* Evaluates t's expectations over out; a broken FAIL UPDATE is SILT_EINVAL naming the row. */
int run_expect_eval(run_verdict *v, run_table *t, const silt_batch *out, silt_error *err);
void run_verdict_free(run_verdict *v);
/* {"name":{"passed":n,"failed":m},...} */
int run_expect_json(silt_buf *out, const run_table *t, const run_verdict *v);

/* ---- run_files.c: STREAM read_files(...) ---- */
/* Sets t's input (in_name, in_schema from schema => or the first file), its quarantine schema
 * (the source's columns, _file, _line, _raw, then as run_quarantine_schema) and t->files. */
int run_files_bind(run_table *t, const silt_pipeline_source *s, silt_error *err);
/* RUN_FILES for t, or SILT_EUNSUPPORTED when its query is not a chain of projections and
 * filters (linear) of a streaming table. */
int run_files_mode(run_table *t, bool linear, silt_error *err);
/* One batch of new files when some have settled; *out_did says whether it ran. */
int run_files_batch(silt_pipeline_run *r, run_table *t, bool *out_did, silt_error *err);
void run_files_free(run_table *t);

/* ---- run_bronze.c ---- */
int run_bronze_open(silt_pipeline_run *r, run_table *t, silt_error *err);
int run_bronze_start(silt_pipeline_run *r, run_table *t, silt_error *err);
/* Stops (when asked) and joins the thread; returns its result. */
int run_bronze_join(run_table *t, bool stop, silt_error *err);
void run_bronze_close(run_table *t);

#endif
