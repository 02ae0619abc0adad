/* Private to the pipeline-file parser (def.c, def_text.c, def_graph.c): the file's text after
 * ${NAME} substitution, the map back to the text as written, and errors rendered as
 * file:line:col with the line and a caret. */
#ifndef SILT_PIPELINE_DEF_INT_H
#define SILT_PIPELINE_DEF_INT_H

#include "pipeline/def.h"
#include "sql/pipeline.h"

/* One ${NAME} replaced: [sub_start, sub_end) of the substituted text came from
 * [orig_start, orig_end) of the original. */
typedef struct def_seg {
    size_t sub_start, sub_end, orig_start, orig_end;
} def_seg;

typedef struct def_text {
    const char *orig; /* borrowed */
    const char *file; /* borrowed, for messages */
    char *text;       /* owned: the substituted text */
    def_seg *segs;    /* owned, in text order */
    size_t n_segs;
} def_text;

/* A piece of a table's bind_query: [q_start, q_end) is the substituted text from s_start
 * (replaced: a source or read written in place of the text at s_start). */
typedef struct def_qseg {
    size_t q_start, q_end, s_start;
    bool replaced;
} def_qseg;

typedef struct def_tmap {
    def_qseg *segs; /* owned, in order */
    size_t n_segs;
    size_t *expect_pos; /* owned: each expectation's expr offset in the substituted text */
} def_tmap;

struct silt_pipeline_def_src {
    char *orig;     /* owned copy of the file's text */
    def_text tx;    /* tx.orig = orig */
    def_tmap *maps; /* one per table (owned) */
};

/* Replaces each ${NAME} outside comments by opts' vars, then (use_environment) the
 * environment. Returns 0, SILT_EINVAL for an undefined or malformed name (file:line:col), or
 * SILT_ENOMEM. */
int def_substitute(def_text *out, const char *orig, const char *file,
                   const silt_pipeline_parse_opts *opts, silt_error *err);
void def_text_free(def_text *t);
/* The offset in the original text of offset pos of the substituted one. */
size_t def_orig_pos(const def_text *t, size_t pos);
/* The 1-based line in the original text of offset pos of the substituted one. */
int def_line(const def_text *t, size_t pos);
/* Sets err: "file:line:col: message", the line as written and a caret under pos (an offset in
 * the substituted text). Returns SILT_EINVAL. */
int def_fail(silt_error *err, const def_text *t, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Resolves the parsed statements' names into d's tables (sources, reads, input names), checks
 * the graph for cycles and fills d->order; then writes each table's query and bind_query. */
int def_resolve(silt_pipeline_def *d, const silt_sql_pl_stmt *st, const def_text *t,
                silt_error *err);
int def_order(silt_pipeline_def *d, const silt_sql_pl_stmt *st, const def_text *t, silt_error *err);
int def_rewrite(silt_pipeline_def *d, const silt_sql_pl_stmt *st, const def_text *t,
                silt_error *err);

#endif
