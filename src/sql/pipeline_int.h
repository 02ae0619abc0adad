/* Shared helpers of the pipeline-file parser (pipeline_parse.c: statements and clauses;
 * pipeline_query.c: the query's STREAM sources, table reads and WATERMARK clause). */
#ifndef SILT_SQL_PIPELINE_INT_H
#define SILT_SQL_PIPELINE_INT_H

#include "sql/parser.h"
#include "sql/pipeline.h"

/* The byte offset just past token t in text. */
int pl_tok_end(const char *text, const sql_tok *t);
/* Sets p->err to msg (no position in it) with err->offset = pos. Returns SILT_EINVAL. */
int pl_error(sql_parser *p, int pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Turns an error set by the SQL parser ("msg at line L, column C: caret") into pl_error's
 * form (message without position, err->offset). Returns rc. */
int pl_fix_error(sql_parser *p, int rc);
/* A new zeroed element at the end of the arena array *arr (n, cap; elements of esz bytes), or
 * NULL (err set). */
void *pl_grow(sql_parser *p, void **arr, size_t *n, size_t *cap, size_t esz);
/* A literal value: string, number (optionally negative), TRUE / FALSE; its text into *out. */
int pl_literal(sql_parser *p, const char **out);
/* Parses the query after AS (up to ';' or the end) into st: its span, sources, reads,
 * watermark and passthrough flag. Leaves p->i at the ';' or the end. */
int pl_parse_query(sql_parser *p, silt_sql_pl_stmt *st);

#endif
