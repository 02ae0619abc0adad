/* The SQL engine's public interface: a statement is prepared once (parsed, bound against its
 * tables' or inputs' schemas, planned) and run as often as needed; a plan over a named input
 * runs on every batch given to it (the streaming pipelines' use). */
#ifndef SILT_SQL_SQL_H
#define SILT_SQL_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch/batch.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"

typedef struct silt_sql_plan silt_sql_plan;

/* A statement's tokens exactly as the engine reads them, for checks that must agree with it (the
 * HTTP API's guard, http/sqlguard.c): words (keywords too), `quoted names` and strings with their
 * text resolved (quotes and escapes removed), numbers, symbols (text: the operator), and a last
 * END token; start and end are byte offsets in the statement text. */
typedef enum silt_sql_token_kind {
    SILT_SQL_TOKEN_END,
    SILT_SQL_TOKEN_WORD,
    SILT_SQL_TOKEN_QNAME,
    SILT_SQL_TOKEN_STRING,
    SILT_SQL_TOKEN_NUMBER,
    SILT_SQL_TOKEN_SYMBOL,
} silt_sql_token_kind;

typedef struct silt_sql_token {
    silt_sql_token_kind kind;
    const char *text;
    size_t start, end;
} silt_sql_token;

/* Splits text into tokens (*out and their texts allocated in a); SILT_EINVAL for an unterminated
 * string or quoted name or a character the engine refuses (err shows where). */
int silt_sql_tokens(silt_sql_token **out, size_t *n, silt_arena *a, const char *text,
                    silt_error *err);

/* A named input a query reads as a table (FROM name), with its schema (borrowed: keep it
 * alive while the plan lives). */
typedef struct silt_sql_input {
    const char *name;
    const silt_schema *schema;
} silt_sql_input;

typedef enum silt_sql_kind {
    SILT_SQL_SELECT = 1,
    SILT_SQL_CREATE_TABLE_AS,
    SILT_SQL_INSERT,
    SILT_SQL_DESCRIBE,
    SILT_SQL_EXPLAIN,
} silt_sql_kind;

/* Prepares one statement (a trailing ';' is allowed). Tables named in it are opened now (their
 * schemas bind the query). Returns 0 and *out (owned; silt_sql_plan_destroy), or SILT_EINVAL
 * for a bad query (syntax, unknown names, types: err's message shows the line, a caret and
 * what was expected), SILT_EUNSUPPORTED, or a table's read error. */
int silt_sql_prepare(silt_sql_plan **out, const char *sql, const silt_sql_input *inputs,
                     size_t n_inputs, silt_error *err);
void silt_sql_plan_destroy(silt_sql_plan *p);

silt_sql_kind silt_sql_plan_kind(const silt_sql_plan *p);
/* The schema of the rows run returns (owned by the plan). */
const silt_schema *silt_sql_plan_schema(const silt_sql_plan *p);

/* Runs the plan. input is the batch of the first named input (NULL when the query reads only
 * tables); its schema must be the one given to prepare. *out is an owned batch whose schema is
 * borrowed from the plan. CREATE TABLE AS and INSERT write their table and return one row
 * (num_affected_rows). Returns 0, or the error of a read, a write or an evaluation. */
int silt_sql_run(silt_sql_plan *p, const silt_batch *input, silt_batch **out, silt_error *err);

/* Running aggregates across runs (the streaming use): when on, each aggregate of the plan keeps
 * the states of every group seen so far; every run aggregates its batch's rows into them, as
 * one run over all the batches would, and returns the running result (all groups so far).
 * After a failed run the states hold part of its batch: turning running off or on drops the
 * states kept. Off by default: each run aggregates its own input. */
void silt_sql_plan_set_running(silt_sql_plan *p, bool on);

/* ---- row origins (the pipelines' quarantine) ----
 * A SELECT that is a chain of projections and filters over its one named input maps every
 * output row to the one input row it came from. silt_sql_plan_traceable says whether p is such
 * a plan: 0, or SILT_EUNSUPPORTED with a message naming what breaks the chain (an aggregate,
 * a join, a sort, DISTINCT, LIMIT, UNION, a table read) and prefixed by `what`. */
int silt_sql_plan_traceable(const silt_sql_plan *p, const char *what, silt_error *err);
/* silt_sql_run for a traceable plan that also remembers, for each output row, its input row
 * and why from_json refused that input row (if it did). Returns as silt_sql_run. */
int silt_sql_run_traced(silt_sql_plan *p, const silt_batch *input, silt_batch **out,
                        silt_error *err);
/* After silt_sql_run_traced: the input row that output row i came from (-1 if out of range). */
int64_t silt_sql_plan_row_origin(const silt_sql_plan *p, int64_t i);
/* After silt_sql_run_traced: from_json's reason for refusing the JSON of output row i's input
 * row ("field 'Price': ... at offset 12"), or NULL when every from_json decoded it. Borrowed,
 * valid until the next run. */
const char *silt_sql_plan_row_reason(const silt_sql_plan *p, int64_t i);

/* Where an output column of an aggregate query comes from. */
typedef struct silt_sql_col_origin {
    bool key;        /* a GROUP BY key */
    const char *agg; /* else the aggregate function's name ("sum", "count", ...); borrowed */
    size_t n_args;   /* its arguments (count(*) has none) */
    bool distinct;   /* called as f(DISTINCT ...) */
} silt_sql_col_origin;

/* For views kept incrementally: fills out[0..n) (n = the plan's columns) when p is a GROUP BY
 * aggregate whose select list only names its keys and aggregates, over a chain of projections,
 * filters and joins with tables read whole on the one named input (so the aggregates of a
 * batch of new input rows are partial aggregates). Returns 0 or SILT_EUNSUPPORTED saying what
 * does not fit. */
int silt_sql_plan_agg_shape(const silt_sql_plan *p, silt_sql_col_origin *out, size_t n,
                            silt_error *err);

/* For views kept as running aggregates: whether running p with running aggregates over batch
 * after batch of its named input gives, at every run, what one run over all of them gives.
 * That holds when every read of the input reaches an aggregate through projections and
 * filters only, every aggregate reads the input and no other aggregate's output, and the
 * query reads no table itself. */
bool silt_sql_plan_accumulates(const silt_sql_plan *p);

/* With running aggregates on: folds input's rows into the running states without computing
 * the result (a later silt_sql_run, e.g. over no rows, gives it). */
int silt_sql_run_feed(silt_sql_plan *p, const silt_batch *input, silt_error *err);

/* Appends the plan as text (EXPLAIN); with stats, the figures of the last run: rows in and
 * out, files read of files in the table, memory of aggregates, joins and sorts. */
int silt_sql_explain(const silt_sql_plan *p, silt_buf *out, bool stats);

/* Splits text into statements at top-level ';' (not inside strings, quoted names or
 * comments): calls f with each statement's offset and length. Returns f's first non-zero. */
int silt_sql_split(const char *text, int (*f)(void *arg, size_t off, size_t len), void *arg);

/* Appends row i of column c (type f) as Spark prints it (CAST(x AS STRING)); NULL as "NULL". */
int silt_sql_format_value(silt_buf *out, const silt_field *f, const silt_column *c, int64_t i);
#endif
