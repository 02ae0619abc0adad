/* The syntax of declarative pipeline files (Databricks' pipeline SQL: CREATE OR REFRESH
 * STREAMING TABLE / MATERIALIZED VIEW ... AS query) as sql/ parses it, before any name is
 * resolved: statements, their clauses, and where in the query each source, table read and
 * WATERMARK clause is written, so that pipeline/def.c can resolve and rewrite them. */
#ifndef SILT_SQL_PIPELINE_H
#define SILT_SQL_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef enum silt_sql_pl_kind {
    SILT_SQL_PL_STREAMING_TABLE = 1,
    SILT_SQL_PL_MATERIALIZED_VIEW,
} silt_sql_pl_kind;

typedef enum silt_sql_pl_src_kind {
    SILT_SQL_PL_SRC_TABLE = 1, /* STREAM(t), STREAM t, STREAM(LIVE.t) */
    SILT_SQL_PL_SRC_KAFKA,     /* STREAM read_kafka(...) */
    SILT_SQL_PL_SRC_FILES,     /* STREAM read_files(...) */
} silt_sql_pl_src_kind;

typedef enum silt_sql_pl_action {
    SILT_SQL_PL_ON_NONE = 0,
    SILT_SQL_PL_ON_DROP,       /* ON VIOLATION DROP ROW */
    SILT_SQL_PL_ON_FAIL,       /* ON VIOLATION FAIL UPDATE */
    SILT_SQL_PL_ON_QUARANTINE, /* ON VIOLATION QUARANTINE (silt's) */
} silt_sql_pl_action;

/* A byte range [start, end) of the parsed text. */
typedef struct silt_sql_pl_span {
    int start, end;
} silt_sql_pl_span;

/* key => value (key NULL for a positional argument), or 'key' = 'value' in TBLPROPERTIES. The
 * value is the literal's text (strings unquoted, numbers and booleans as written). */
typedef struct silt_sql_pl_arg {
    const char *key;
    const char *value;
    int pos;
} silt_sql_pl_arg;

/* A STREAM source in a query. span covers STREAM up to the source's last token. */
typedef struct silt_sql_pl_source {
    silt_sql_pl_src_kind kind;
    const char *name; /* the table's name (SRC_TABLE), else "read_kafka" / "read_files" */
    int pos;          /* of the name (the function's name for read_kafka / read_files) */
    silt_sql_pl_arg *args;
    size_t n_args;
    silt_sql_pl_span span;
    bool has_alias; /* the query gives it an alias */
} silt_sql_pl_source;

/* A table the query reads whole: a FROM / JOIN name that is no WITH query (LIVE.t too). */
typedef struct silt_sql_pl_read {
    const char *name;
    int pos;
    silt_sql_pl_span span;
    bool has_alias;
} silt_sql_pl_read;

typedef struct silt_sql_pl_constraint {
    const char *name;
    int pos;               /* of CONSTRAINT */
    silt_sql_pl_span expr; /* the expression's text between EXPECT's parentheses */
    silt_sql_pl_action action;
} silt_sql_pl_constraint;

/* A column definition in the CREATE's list: name TYPE [NOT NULL] [COMMENT '...']. */
typedef struct silt_sql_pl_column {
    const char *name;
    const char *type; /* as Spark prints it: "int", "decimal(10,2)" */
    const char *comment;
    bool not_null;
    int pos;
} silt_sql_pl_column;

typedef struct silt_sql_pl_stmt {
    silt_sql_pl_kind kind;
    int pos; /* of CREATE */
    const char *name;
    int name_pos;
    silt_sql_pl_column *columns;
    size_t n_columns;
    silt_sql_pl_constraint *constraints;
    size_t n_constraints;
    const char **partition_by;
    size_t n_partition_by;
    const char *comment;
    const char *location;
    int location_pos;
    silt_sql_pl_arg *properties;
    size_t n_properties;
    silt_sql_pl_span query; /* from the query's first token to its last */
    silt_sql_pl_source *sources;
    size_t n_sources;
    silt_sql_pl_read *reads;
    size_t n_reads;
    bool has_watermark;
    const char *watermark_column;
    int64_t watermark_delay_us;
    int watermark_pos;
    silt_sql_pl_span watermark; /* WATERMARK ... unit: removed from the query */
    /* The query is SELECT * FROM one STREAM source, and nothing else. */
    bool passthrough;
} silt_sql_pl_stmt;

typedef struct silt_sql_pl_file silt_sql_pl_file;

/* Parses the statements of a pipeline file. Returns 0 and *out (owned: silt_sql_pl_free), or
 * SILT_EINVAL with err's message saying what is wrong (without its position) and err->offset
 * set to the byte offset in text where it is; SILT_ENOMEM. Every string is owned by *out. */
int silt_sql_pl_parse(silt_sql_pl_file **out, const char *text, silt_error *err);
void silt_sql_pl_free(silt_sql_pl_file *f);
/* The statements, in file order (owned by f). */
const silt_sql_pl_stmt *silt_sql_pl_stmts(const silt_sql_pl_file *f, size_t *n);

#endif
