/* A declarative pipeline file, parsed and resolved: its tables (streaming tables and
 * materialized views), each with its query, its sources, its expectations and its place in the
 * graph. sql/ parses the statements; this is what the runtime (pipeline/run*.c), `silt pipeline
 * validate|run|refresh|status` and the server read. Everything here is owned by the def. */
#ifndef SILT_PIPELINE_DEF_H
#define SILT_PIPELINE_DEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef enum silt_pipeline_kind {
    SILT_PIPELINE_STREAMING_TABLE = 1, /* CREATE OR REFRESH STREAMING TABLE */
    SILT_PIPELINE_MATERIALIZED_VIEW,   /* CREATE OR REFRESH MATERIALIZED VIEW */
} silt_pipeline_kind;

typedef enum silt_pipeline_source_kind {
    SILT_PIPELINE_SRC_KAFKA = 1, /* STREAM read_kafka(...) */
    SILT_PIPELINE_SRC_TABLE,     /* STREAM(t) or STREAM t: another table of the pipeline */
    SILT_PIPELINE_SRC_FILES,     /* STREAM read_files('dir', format => 'json') */
} silt_pipeline_source_kind;

/* What a broken expectation does to its row. */
typedef enum silt_pipeline_action {
    SILT_PIPELINE_ON_NONE = 0,   /* counted, row kept */
    SILT_PIPELINE_ON_DROP,       /* ON VIOLATION DROP ROW */
    SILT_PIPELINE_ON_FAIL,       /* ON VIOLATION FAIL UPDATE: stop, commit nothing */
    SILT_PIPELINE_ON_QUARANTINE, /* ON VIOLATION QUARANTINE (silt's): row to <table>_quarantine */
} silt_pipeline_action;

typedef struct silt_pipeline_kv {
    char *key;   /* as written, case kept */
    char *value; /* ${NAME} already replaced */
} silt_pipeline_kv;

typedef struct silt_pipeline_source {
    silt_pipeline_source_kind kind;
    /* The name under which the query reads this source (a silt_sql_input name): the upstream
     * table's name for SRC_TABLE, "read_kafka" / "read_files" otherwise (a second one of a kind
     * in the same query gets "_2", ...). */
    char *input_name;
    int upstream;           /* SRC_TABLE: index into def->tables; else -1 */
    silt_pipeline_kv *args; /* named arguments of read_kafka / read_files, in order */
    size_t n_args;
    char *path; /* SRC_FILES: the folder (first positional argument) */
} silt_pipeline_source;

typedef struct silt_pipeline_expect {
    char *name; /* CONSTRAINT name */
    char *expr; /* the boolean expression's SQL text, over the table's output columns */
    silt_pipeline_action action;
    int line; /* where it is written in the file (1-based) */
} silt_pipeline_expect;

/* A column definition in the CREATE's list: name TYPE [NOT NULL] [COMMENT '...']. */
typedef struct silt_pipeline_column {
    char *name;
    char *type;    /* as Spark prints it: "int", "decimal(10,2)", "struct<a:int>" */
    char *comment; /* or NULL */
    bool not_null;
} silt_pipeline_column;

typedef struct silt_pipeline_table {
    silt_pipeline_kind kind;
    char *name;          /* as written (case kept); names are compared case-insensitively */
    char *location;      /* LOCATION '...' if given, else <lake>/<name> */
    char *comment;       /* COMMENT '...' or NULL */
    char **partition_by; /* PARTITIONED BY (cols) */
    size_t n_partition_by;
    silt_pipeline_kv *properties; /* TBLPROPERTIES (...) */
    size_t n_properties;
    silt_pipeline_expect *expects;
    size_t n_expects;
    /* Column definitions given in the CREATE (their types and comments; the query decides
     * the table's columns, validate checks that it has these with these types). */
    silt_pipeline_column *columns;
    size_t n_columns;
    /* Streaming inputs of the query (a streaming table has at least one; a materialized view
     * none). */
    silt_pipeline_source *sources;
    size_t n_sources;
    /* Other tables of the pipeline the query reads whole (not as a stream): indexes into
     * def->tables. */
    int *reads;
    size_t n_reads;
    /* The query (a SELECT, possibly WITH ...), rewritten so that silt_sql_prepare binds it:
     * each STREAM source is replaced by its input_name (in backquotes), each other pipeline
     * table by delta.`<its location>` (followed by AS `<name as written>` when the query gave
     * it no alias, so that qualified column names still resolve), and the WATERMARK clause is
     * removed; all else is as written. */
    char *query;
    /* The same query with every pipeline table it reads, as a stream or whole, as a named
     * input of the table's name (its input_name for a STREAM source): what binds before the
     * tables exist (`silt pipeline validate`, pipeline/bind.h). */
    char *bind_query;
    /* The query as written in the file, for messages and `validate`. */
    char *query_text;
    /* WATERMARK col DELAY OF INTERVAL n unit (silt's placement: after the stream source). */
    bool has_watermark;
    char *watermark_column;
    int64_t watermark_delay_us;
    /* The query is exactly SELECT * FROM STREAM read_kafka(...): the table is a bronze table
     * fed by the ingestion runtime (pipeline/ingest.h), with bronze's schema. */
    bool is_bronze;
    int line; /* where the CREATE statement starts (1-based) */
} silt_pipeline_table;

typedef struct silt_pipeline_def {
    char *file;                  /* the file's name, for messages */
    char *lake;                  /* --lake (default "./lake") */
    silt_pipeline_table *tables; /* in file order */
    size_t n_tables;
    int *order; /* a topological order of table indexes: sources before their readers */
    /* Private to pipeline/def*.c: the file's text as written and the maps that place
     * messages in it (silt_pipeline_def_error_at). */
    struct silt_pipeline_def_src *src;
} silt_pipeline_def;

/* A ${NAME} substitution: from --var NAME=VALUE first, then the environment. */
typedef struct silt_pipeline_var {
    const char *name;
    const char *value;
} silt_pipeline_var;

typedef struct silt_pipeline_parse_opts {
    const char *lake;              /* NULL: "./lake" */
    const silt_pipeline_var *vars; /* borrowed */
    size_t n_vars;
    bool use_environment; /* look names up in the environment after vars */
} silt_pipeline_parse_opts;

/* Parses and resolves a pipeline file's text (file_name is for messages). Checks: every
 * statement is a CREATE OR REFRESH STREAMING TABLE / MATERIALIZED VIEW; table names are unique
 * (case-insensitive); STREAM(t) and plain reads name tables of the file (nearest name
 * suggested); the graph has no cycle; every ${NAME} is defined. Does not bind the queries (the
 * runtime does, when upstream schemas are known). Returns 0 and *out (owned;
 * silt_pipeline_def_destroy), or SILT_EINVAL with err naming the file, line and column. */
int silt_pipeline_def_parse(silt_pipeline_def **out, const char *text, const char *file_name,
                            const silt_pipeline_parse_opts *opts, silt_error *err);
/* Reads the file and parses it. */
int silt_pipeline_def_load(silt_pipeline_def **out, const char *path,
                           const silt_pipeline_parse_opts *opts, silt_error *err);
void silt_pipeline_def_destroy(silt_pipeline_def *d);

/* The index of the table named name (case-insensitive), or -1. */
int silt_pipeline_def_find(const silt_pipeline_def *d, const char *name);

/* Sets err to "file:line:col: msg", the file's line as written and a caret under the place of
 * byte `offset` of table's bind_query (expect < 0) or of its expectation expect's expr: how an
 * error binding them points into the file. Returns SILT_EINVAL. */
int silt_pipeline_def_error_at(silt_error *err, const silt_pipeline_def *d, int table, int expect,
                               size_t offset, const char *msg);

#endif
