/* `silt pipeline <subcommand>`: dispatches on the list in cli/pipeline.h; holds `silt pipeline
 * validate FILE` (parse, resolve, bind every query in order, print the graph of tables with
 * their sources, readers, locations, expectations and schemas; exit 2 on any error) and the
 * loading shared by the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/pipeline.h"
#include "pipeline/bind.h"
#include "sql/fn.h"
#include "util/alloc.h"
#include "util/buf.h"

int silt_pipeline_cli_load(silt_pipeline_def **out, const char *file, const silt_pipeline_common *c,
                           silt_error *err)
{
    silt_pipeline_var vars[SILT_OPT_STRINGS_MAX];
    char names[SILT_OPT_STRINGS_MAX][128];
    *out = NULL;
    for (size_t i = 0; i < c->vars.n; i++) {
        const char *v = c->vars.v[i], *eq = strchr(v, '=');
        if (!eq || eq == v || eq - v >= 128)
            return silt_error_set(err, SILT_EINVAL, "--var %s: write --var NAME=VALUE", v);
        snprintf(names[i], sizeof names[i], "%.*s", (int)(eq - v), v);
        vars[i] = (silt_pipeline_var){names[i], eq + 1};
    }
    silt_pipeline_parse_opts o = {c->lake, vars, c->vars.n, !c->no_env};
    return silt_pipeline_def_load(out, file, &o, err);
}

static const char *kind_name(const silt_pipeline_table *t)
{
    if (t->is_bronze) return "streaming table, bronze (Kafka messages as they came)";
    return t->kind == SILT_PIPELINE_STREAMING_TABLE ? "streaming table" : "materialized view";
}

static const char *action_name(silt_pipeline_action a)
{
    switch (a) {
    case SILT_PIPELINE_ON_DROP: return "ON VIOLATION DROP ROW";
    case SILT_PIPELINE_ON_FAIL: return "ON VIOLATION FAIL UPDATE";
    case SILT_PIPELINE_ON_QUARANTINE: return "ON VIOLATION QUARANTINE";
    default: return "(counted, kept)";
    }
}

static void print_source(silt_buf *b, const silt_pipeline_def *d, const silt_pipeline_source *s)
{
    if (s->kind == SILT_PIPELINE_SRC_TABLE) {
        silt_buf_printf(b, "STREAM(%s)", d->tables[s->upstream].name);
        return;
    }
    bool files = s->kind == SILT_PIPELINE_SRC_FILES;
    silt_buf_printf(b, "STREAM %s(", files ? "read_files" : "read_kafka");
    if (files) silt_buf_printf(b, "'%s'", s->path);
    for (size_t i = 0; i < s->n_args; i++)
        silt_buf_printf(b, "%s%s => '%s'", i || files ? ", " : "", s->args[i].key,
                        s->args[i].value);
    silt_buf_putc(b, ')');
}

/* "t (stream), u (read)": the tables that read table i. */
static void print_readers(silt_buf *b, const silt_pipeline_def *d, int i)
{
    size_t n = 0;
    for (size_t k = 0; k < d->n_tables; k++) {
        const silt_pipeline_table *t = &d->tables[d->order[k]];
        bool stream = false, whole = false;
        for (size_t j = 0; j < t->n_sources; j++) stream |= t->sources[j].upstream == i;
        for (size_t j = 0; j < t->n_reads; j++) whole |= t->reads[j] == i;
        if (stream || whole)
            silt_buf_printf(b, "%s%s (%s)", n++ ? ", " : "", t->name,
                            stream && whole ? "stream and read"
                            : stream        ? "stream"
                                            : "read");
    }
    if (!n) silt_buf_puts(b, "-");
}

static void print_schema(silt_buf *b, const silt_schema *s)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n_fields; i++)
        if (strlen(s->fields[i].name) > w) w = strlen(s->fields[i].name);
    silt_buf_puts(b, "  schema\n");
    for (size_t i = 0; i < s->n_fields; i++) {
        char ty[512];
        silt_sql_type_format(ty, sizeof ty, &s->fields[i]);
        silt_buf_printf(b, "    %-*s  %s\n", (int)w, s->fields[i].name, ty);
    }
}

static void print_clauses(silt_buf *b, const silt_pipeline_table *t)
{
    if (t->comment) silt_buf_printf(b, "  comment      %s\n", t->comment);
    for (size_t i = 0; i < t->n_partition_by; i++)
        silt_buf_printf(b, "%s%s%s", i ? ", " : "  partitioned  ", t->partition_by[i],
                        i + 1 == t->n_partition_by ? "\n" : "");
    for (size_t i = 0; i < t->n_properties; i++)
        silt_buf_printf(b, "  property     %s = %s\n", t->properties[i].key,
                        t->properties[i].value);
    if (t->has_watermark)
        silt_buf_printf(b, "  watermark    %s, delay %.3f s\n", t->watermark_column,
                        (double)t->watermark_delay_us / 1e6);
    if (t->n_expects) silt_buf_puts(b, "  expectations\n");
    for (size_t i = 0; i < t->n_expects; i++)
        silt_buf_printf(b, "    %s: EXPECT (%s) %s\n", t->expects[i].name, t->expects[i].expr,
                        action_name(t->expects[i].action));
    for (size_t i = 0; i < t->n_columns; i++)
        silt_buf_printf(b, "  column       %s %s%s%s%s\n", t->columns[i].name, t->columns[i].type,
                        t->columns[i].not_null ? " NOT NULL" : "",
                        t->columns[i].comment ? " -- " : "",
                        t->columns[i].comment ? t->columns[i].comment : "");
}

static void print_table(silt_buf *b, const silt_pipeline_def *d, int i, const silt_schema *s,
                        bool query)
{
    const silt_pipeline_table *t = &d->tables[i];
    silt_buf_printf(b, "\n%s: %s (line %d)\n", t->name, kind_name(t), t->line);
    silt_buf_printf(b, "  location     %s\n", t->location);
    for (size_t k = 0; k < t->n_sources; k++) {
        silt_buf_puts(b, k ? "               " : "  sources      ");
        print_source(b, d, &t->sources[k]);
        silt_buf_putc(b, '\n');
    }
    for (size_t k = 0; k < t->n_reads; k++)
        silt_buf_printf(b, "%s%s", k ? ", " : "  reads        ", d->tables[t->reads[k]].name);
    if (t->n_reads) silt_buf_putc(b, '\n');
    silt_buf_puts(b, "  read by      ");
    print_readers(b, d, i);
    silt_buf_putc(b, '\n');
    print_clauses(b, t);
    print_schema(b, s);
    if (!query) return;
    silt_buf_puts(b, "  query\n    ");
    for (const char *c = t->query; *c; c++) {
        silt_buf_putc(b, (uint8_t)*c);
        if (*c == '\n') silt_buf_puts(b, "    ");
    }
    silt_buf_putc(b, '\n');
}

typedef struct validate_settings {
    silt_pipeline_common common;
    bool queries;
} validate_settings;

static const silt_opt_spec validate_spec[] = {
    SILT_PIPELINE_COMMON_OPTS(validate_settings),
    {"queries", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "also print each query as the runtime runs it (sources as named inputs, tables read "
     "whole as delta.`location`)",
     SILT_OPT_TO_BOOL(validate_settings, queries)},
    {0},
};

int silt_pipeline_cmd_validate(int argc, char **argv)
{
    silt_opts o;
    validate_settings set = {0};
    int code;
    if (silt_cli_parse(&o, &code, validate_spec, &set, argc, argv, 1, NULL,
                       "silt pipeline validate FILE [--lake DIR] [--var NAME=VALUE]... [--queries]",
                       "Parses a pipeline file (CREATE OR REFRESH STREAMING TABLE / MATERIALIZED "
                       "VIEW statements, see docs/PIPELINES.md), resolves its tables, binds "
                       "every query in order and prints each table with its kind, sources, "
                       "readers, location, expectations and schema. Exit 2 on any error."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    if (o.n_args != 1) {
        silt_error_set(&err, SILT_EINVAL, "give one pipeline file (silt pipeline validate FILE)");
        return silt_cli_fail("pipeline validate", &err);
    }
    silt_pipeline_def *d = NULL;
    silt_pipeline_bound *bd = NULL;
    int rc = silt_pipeline_cli_load(&d, o.args[0], &set.common, &err);
    if (!rc) rc = silt_pipeline_bind(&bd, d, &err);
    if (rc) {
        fprintf(stderr, "silt pipeline validate: %s\n", err.msg);
        silt_pipeline_def_destroy(d);
        return rc == SILT_ENOMEM ? SILT_EXIT_RUNTIME : SILT_EXIT_USAGE;
    }
    silt_buf b = SILT_BUF_INIT;
    silt_buf_printf(&b, "pipeline %s: %zu table%s, lake %s\n", d->file, d->n_tables,
                    d->n_tables == 1 ? "" : "s", d->lake);
    for (size_t k = 0; k < d->n_tables; k++)
        print_table(&b, d, d->order[k], bd->schemas[d->order[k]], set.queries);
    fwrite(b.ptr ? b.ptr : (uint8_t *)"", 1, b.len, stdout);
    silt_buf_free(&b);
    silt_pipeline_bound_destroy(bd);
    silt_pipeline_def_destroy(d);
    return SILT_EXIT_OK;
}

#define SILT_PIPELINE_ENTRY_(name, summary) {#name, summary, silt_pipeline_cmd_##name},
static const silt_command subs[] = {SILT_PIPELINE_SUBCOMMANDS(SILT_PIPELINE_ENTRY_)};
#undef SILT_PIPELINE_ENTRY_

static int run(int argc, char **argv)
{
    return silt_cli_dispatch_sub("pipeline", subs, sizeof subs / sizeof subs[0], argc, argv);
}

const silt_command silt_cmd_pipeline = {
    "pipeline", "declarative pipelines: bronze, silver and gold tables from one SQL file", run};
