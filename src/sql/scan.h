/* Table sources of the executor: Delta tables (scan_delta.c, the one adapter over
 * silt_delta_scan), Parquet files or globs (scan_parquet.c), JSON lines and CSV
 * (scan_text.c). Each opens at bind time (schema known) and reads at run time. */
#ifndef SILT_SQL_SCAN_H
#define SILT_SQL_SCAN_H

#include "sql/binder.h"
#include "util/buf.h"

int sql_scan_delta_open(sql_node *n, sql_ctx *c, const sql_from *f);
int sql_scan_delta_run(sql_node *n, sql_rel *out, silt_error *err);
/* Appends the predicate the Delta scan gets for n ("col op value"), or nothing. */
void sql_scan_delta_explain(silt_buf *out, const sql_node *n);

/* Rows of the table from its files' statistics (a large number when unknown). */
int64_t sql_scan_delta_rows(const sql_node *n);

int sql_scan_parquet_open(sql_node *n, sql_ctx *c, const sql_from *f);
int sql_scan_parquet_run(sql_node *n, sql_rel *out, silt_error *err);

int sql_scan_text_open(sql_node *n, sql_ctx *c, const sql_from *f);
int sql_scan_text_run(sql_node *n, sql_rel *out, silt_error *err);

/* Keeps batch b (a batch of the source's columns, borrowed) in out: copied into n's schema,
 * filtered by n->pred when set. Counts rows. */
int sql_scan_keep(sql_node *n, sql_rel *out, const silt_batch *b, silt_error *err);

#endif
