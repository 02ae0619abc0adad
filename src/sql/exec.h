/* The executor's shared pieces: column vectors as expression results (a borrowed or owned
 * column, or a one-row constant), result column allocation and validity, expression
 * evaluation over a batch, and the relational operators over relations of batches. */
#ifndef SILT_SQL_EXEC_H
#define SILT_SQL_EXEC_H

#include "sql/sql_int.h"
#include "sql/types.h"

typedef struct sql_vec {
    const silt_column *c; /* the values: &own or a borrowed input column */
    silt_column own;
    bool owned;
    bool is_const; /* one row that applies to every row */
} sql_vec;

static inline int64_t vrow(const sql_vec *v, int64_t r)
{
    return v->is_const ? 0 : r;
}
static inline bool vvalid(const sql_vec *v, int64_t r)
{
    return silt_column_is_valid(v->c, vrow(v, r));
}

void sql_vec_free(sql_vec *v);
/* Initialises out for type t with room for n rows; fixed-width columns get length n (values
 * to be written by the caller, all valid). */
int sql_col_alloc(silt_column *out, const silt_field *t, int64_t n);
/* out's validity = AND of the vectors' validity over n rows (NULL when all valid). */
int sql_col_validity_and(silt_column *out, const sql_vec *const *v, size_t nv, int64_t n);
/* Marks row i of a fixed-width column null. */
int sql_col_set_null(silt_column *out, int64_t i);
/* Recounts null_count from the validity bitmap. */
void sql_col_count_nulls(silt_column *c);

/* Evaluates e over the n rows of the input columns (in: the input batch). */
int sql_eval(sql_vec *out, const sql_expr *e, const silt_batch *in, silt_error *err);
/* Evaluates e and expands a constant to n rows, giving an owned column. */
int sql_eval_full(silt_column *out, const sql_expr *e, const silt_batch *in, silt_error *err);

/* Kernels (expr_*.c, cast.c): each writes a new column into out->own. */
int sql_k_arith(sql_vec *out, const sql_expr *e, sql_vec *a, sql_vec *b, int64_t n,
                silt_error *err);
int sql_k_cmp(sql_vec *out, const sql_expr *e, sql_vec *a, sql_vec *b, int64_t n);
int sql_k_logic(sql_vec *out, const sql_expr *e, sql_vec *args, int64_t n);
int sql_k_case(sql_vec *out, const sql_expr *e, sql_vec *args, int64_t n);
int sql_k_in(sql_vec *out, const sql_expr *e, sql_vec *args, int64_t n, silt_error *err);
int sql_k_like(sql_vec *out, const sql_expr *e, sql_vec *a, int64_t n);
int sql_k_isnull(sql_vec *out, const sql_expr *e, sql_vec *a, int64_t n);
int sql_k_field(sql_vec *out, const sql_expr *e, sql_vec *a, int64_t n);
int sql_k_subscript(sql_vec *out, const sql_expr *e, sql_vec *a, sql_vec *b, int64_t n);
/* Casts column c (type from) to type to into out (a new column), Spark non-ANSI rules. */
int sql_cast_column(silt_column *out, const silt_column *c, const silt_field *from,
                    const silt_field *to, silt_error *err);

/* Builds the hashed set of an IN list of constants (binder). */
int sql_inset_build(struct sql_inset **out, const sql_expr *e, silt_error *err);
void sql_inset_free(struct sql_inset *s);

/* Value hashing and equality of one row, shared by IN, aggregate and join. */
uint64_t sql_hash_row(const silt_column *c, int64_t i, uint64_t seed);
bool sql_rows_equal(const silt_column *a, int64_t i, const silt_column *b, int64_t j);
/* Three-way comparison of two non-null values of the same type. */
int sql_compare_rows(const silt_column *a, int64_t i, const silt_column *b, int64_t j);

/* Gathers rows idx[0..n) of src (idx < 0: null) into dst (initialised, same type). */
int sql_gather(silt_column *dst, const silt_column *src, const int64_t *idx, int64_t n);
/* Fills dst (initialised, empty, the type of values) with values[codes[r]] for r < n (values
 * may hold nulls) and gives it the dictionary view (dict, codes) when dict is not NULL (dict
 * must be the dictionary whose values are values). Returns 0 or SILT_ENOMEM. */
int sql_gather_codes(silt_column *dst, const silt_column *values, const int32_t *codes, int64_t n,
                     silt_dict *dict);
/* Fills dst (initialised, empty) with n nulls (zeroed memory, no per-row work). Returns 0 or
 * SILT_ENOMEM. */
int sql_col_nulls(silt_column *dst, int64_t n);
/* A new batch of schema holding rows idx of b. */
int sql_gather_batch(silt_batch **out, const silt_batch *b, const silt_schema *schema,
                     const int64_t *idx, int64_t n);

/* ---- relations ---- */
int sql_rel_push(sql_rel *r, silt_batch *b);
void sql_rel_free(sql_rel *r);
int64_t sql_rel_rows(const sql_rel *r);
/* Concatenates into one batch (owned; schema borrowed). */
int sql_rel_concat(silt_batch **out, const sql_rel *r, const silt_schema *schema);

typedef int (*sql_sink)(void *arg, silt_batch *b, silt_error *err);
/* Runs the plan under n, handing each result batch (owned) to sink as it is made: scans,
 * filters and projections stream; other operators hand over their materialized result. */
int sql_exec_stream(sql_node *n, const silt_batch *input, sql_sink sink, void *arg,
                    silt_error *err);
/* Runs the plan under node into out. */
int sql_exec_node(sql_rel *out, sql_node *node, const silt_batch *input, silt_error *err);
int sql_exec_agg(sql_rel *out, sql_node *node, const silt_batch *input, silt_error *err);
int sql_exec_sort(sql_rel *out, sql_node *node, const sql_rel *in, silt_error *err);
int sql_join_stream(sql_node *n, const silt_batch *input, sql_sink sink, void *arg,
                    silt_error *err);
int sql_exec_distinct(sql_rel *out, sql_node *node, const sql_rel *in, silt_error *err);
/* Reads a table source; each batch passes through filter (may be NULL) before being kept. */
int sql_exec_scan(sql_rel *out, sql_node *node, silt_error *err);
/* The rows of b where pred is true: *out_idx (owned, silt_free) holds *out_n row indexes. */
int sql_filter_rows(int64_t **out_idx, int64_t *out_n, const silt_batch *b, const sql_expr *pred,
                    silt_error *err);
/* Evaluates a projection node's expressions over b into a new batch of n's schema. */
int sql_project_batch(silt_batch **out, const silt_batch *b, const sql_node *n, silt_error *err);
/* Filters b by pred into a new batch. */
int sql_filter_batch(silt_batch **out, const silt_batch *b, const sql_expr *pred, silt_error *err);
/* The same, the columns need marks false (when need is not NULL) coming out as nulls. */
int sql_filter_batch_need(silt_batch **out, const silt_batch *b, const sql_expr *pred,
                          const bool *need, silt_error *err);

#endif
