/* `silt parquet schema|meta|cat FILE`: inspect a Parquet file's schema and footer, and print
 * its rows as JSON lines, CSV or silt's canonical text form. */
#include "batch/canon.h"
#include "batch/render.h"
#include "cli/cli.h"
#include "parquet/format.h"
#include "parquet/reader.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/suggest.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Opens FILE: a source and a reader. Returns 0 or prints the error and returns 1. */
static int open_file(const char *cmd, const char *path, silt_pq_source **src, silt_pq_reader **r)
{
    silt_error err;
    silt_error_clear(&err);
    *r = NULL;
    *src = silt_pq_source_file(path, &err);
    if (!*src) return silt_cli_fail(cmd, &err);
    if (silt_pq_reader_open(r, *src, &err)) {
        silt_pq_source_destroy(*src);
        *src = NULL;
        return silt_cli_fail(cmd, &err);
    }
    return 0;
}

/* ---------------------------------------------------------------- schema */

static void print_logical(const silt_pq_schema_elem *e)
{
    static const char *units[] = {"?", "MILLIS", "MICROS", "NANOS"};
    const char *unit = units[e->lt_unit >= 0 && e->lt_unit <= 3 ? e->lt_unit : 0];
    switch (e->logical_type) {
    case 0: return;
    case SILT_PQ_LT_STRING: printf(" [STRING]"); return;
    case SILT_PQ_LT_MAP: printf(" [MAP]"); return;
    case SILT_PQ_LT_LIST: printf(" [LIST]"); return;
    case SILT_PQ_LT_ENUM: printf(" [ENUM]"); return;
    case SILT_PQ_LT_DECIMAL: printf(" [DECIMAL(%d,%d)]", e->lt_precision, e->lt_scale); return;
    case SILT_PQ_LT_DATE: printf(" [DATE]"); return;
    case SILT_PQ_LT_TIME: printf(" [TIME(%s, utc=%s)]", unit, e->lt_utc ? "true" : "false"); return;
    case SILT_PQ_LT_TIMESTAMP:
        printf(" [TIMESTAMP(%s, utc=%s)]", unit, e->lt_utc ? "true" : "false");
        return;
    case SILT_PQ_LT_INTEGER:
        printf(" [INTEGER(%d, %s)]", e->lt_bit_width, e->lt_signed ? "signed" : "unsigned");
        return;
    case SILT_PQ_LT_UNKNOWN: printf(" [UNKNOWN]"); return;
    case SILT_PQ_LT_JSON: printf(" [JSON]"); return;
    case SILT_PQ_LT_BSON: printf(" [BSON]"); return;
    case SILT_PQ_LT_UUID: printf(" [UUID]"); return;
    case SILT_PQ_LT_FLOAT16: printf(" [FLOAT16]"); return;
    default: printf(" [logical type %d]", e->logical_type); return;
    }
}

static void print_elem(const silt_pq_schema_elem *e, int depth)
{
    static const char *reps[] = {"required", "optional", "repeated"};
    printf("%*s", depth * 2, "");
    if (e->repetition >= 0 && e->repetition <= 2) printf("%s ", reps[e->repetition]);
    if (e->type >= 0)
        printf("%s", silt_pq_type_name(e->type));
    else
        printf("group");
    if (e->type == SILT_PQ_FIXED_LEN_BYTE_ARRAY) printf("(%d)", e->type_length);
    printf(" %s", e->name ? e->name : "?");
    if (e->converted_type >= 0) {
        printf(" (%s", silt_pq_converted_name(e->converted_type));
        if (e->converted_type == SILT_PQ_CT_DECIMAL) printf("(%d,%d)", e->precision, e->scale);
        printf(")");
    }
    print_logical(e);
}

static size_t print_tree(const silt_pq_file_meta *m, size_t i, int depth)
{
    if (i >= m->n_schema) return i;
    const silt_pq_schema_elem *e = &m->schema[i];
    print_elem(e, depth);
    if (e->num_children > 0) {
        printf(" {\n");
        size_t j = i + 1;
        for (int32_t k = 0; k < e->num_children && j < m->n_schema; k++)
            j = print_tree(m, j, depth + 1);
        printf("%*s}\n", depth * 2, "");
        return j;
    }
    printf(";\n");
    return i + 1;
}

static void print_field(const silt_field *f, int depth)
{
    printf("%*s%s: %s", depth * 2 + 2, "", f->name, silt_type_name(f->type));
    if (f->type == SILT_TYPE_DECIMAL) printf("(%d,%d)", f->precision, f->scale);
    if (f->type == SILT_TYPE_FIXED_BINARY) printf("(%d)", f->byte_width);
    if (f->is_unsigned) printf(" unsigned");
    if ((f->type == SILT_TYPE_TIMESTAMP || f->type == SILT_TYPE_TIMESTAMP_NS) && !f->tz_utc)
        printf(" (not UTC-adjusted)");
    printf("%s\n", f->nullable ? "" : " not null");
    for (size_t k = 0; k < f->n_children; k++) print_field(&f->children[k], depth + 1);
}

static const silt_opt_spec no_opts[] = {{0}};

static int run_schema(int argc, char **argv)
{
    silt_opts o;
    int code;
    if (silt_cli_parse(&o, &code, no_opts, NULL, argc, argv, 1, NULL, "silt parquet schema FILE",
                       "Print the Parquet schema of FILE and the silt column types it maps to."))
        return code;
    if (o.n_args != 1) {
        fprintf(stderr,
                "silt parquet schema: expected one FILE\nUsage: silt parquet schema FILE\n");
        return SILT_EXIT_USAGE;
    }
    silt_pq_source *src;
    silt_pq_reader *r;
    if (open_file("parquet schema", o.args[0], &src, &r)) return SILT_EXIT_RUNTIME;
    const silt_pq_file_meta *m = silt_pq_reader_meta(r);
    printf("parquet schema:\n");
    print_tree(m, 0, 1);
    printf("silt schema:\n");
    const silt_schema *s = silt_pq_reader_schema(r);
    for (size_t i = 0; i < s->n_fields; i++) print_field(&s->fields[i], 0);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return 0;
}

/* ---------------------------------------------------------------- meta */

static void print_stat_value(const silt_pq_schema_elem *e, silt_pq_bytes b)
{
    silt_buf out = SILT_BUF_INIT;
    if ((e->type == SILT_PQ_INT32 || e->type == SILT_PQ_FLOAT) && b.len == 4) {
        int32_t v;
        float f;
        memcpy(&v, b.ptr, 4);
        memcpy(&f, b.ptr, 4);
        if (e->type == SILT_PQ_INT32)
            printf("%d", v);
        else {
            silt_canon_double(&out, f);
            printf("%.*s", (int)out.len, (const char *)out.ptr);
        }
    } else if ((e->type == SILT_PQ_INT64 || e->type == SILT_PQ_DOUBLE) && b.len == 8) {
        int64_t v;
        double d;
        memcpy(&v, b.ptr, 8);
        memcpy(&d, b.ptr, 8);
        if (e->type == SILT_PQ_INT64)
            printf("%" PRId64, v);
        else {
            silt_canon_double(&out, d);
            printf("%.*s", (int)out.len, (const char *)out.ptr);
        }
    } else if (e->type == SILT_PQ_BOOLEAN && b.len == 1) {
        printf("%s", b.ptr[0] ? "true" : "false");
    } else if (e->type == SILT_PQ_BYTE_ARRAY &&
               (e->converted_type == SILT_PQ_CT_UTF8 || e->logical_type == SILT_PQ_LT_STRING)) {
        silt_canon_json_string(&out, b.ptr, b.len);
        printf("%.*s", (int)out.len, (const char *)out.ptr);
    } else {
        printf("x'");
        for (size_t i = 0; i < b.len; i++) printf("%02x", b.ptr[i]);
        printf("'");
    }
    silt_buf_free(&out);
}

static int run_meta(int argc, char **argv)
{
    silt_opts o;
    int code;
    if (silt_cli_parse(&o, &code, no_opts, NULL, argc, argv, 1, NULL, "silt parquet meta FILE",
                       "Print the footer of FILE: row groups, column chunks with their encodings, "
                       "codecs, sizes and statistics, and key-value metadata."))
        return code;
    if (o.n_args != 1) {
        fprintf(stderr, "silt parquet meta: expected one FILE\nUsage: silt parquet meta FILE\n");
        return SILT_EXIT_USAGE;
    }
    silt_pq_source *src;
    silt_pq_reader *r;
    if (open_file("parquet meta", o.args[0], &src, &r)) return SILT_EXIT_RUNTIME;
    const silt_pq_file_meta *m = silt_pq_reader_meta(r);
    printf("file:        %s\n", o.args[0]);
    printf("size:        %llu bytes\n", (unsigned long long)src->size);
    printf("version:     %d\n", m->version);
    printf("created_by:  %s\n", m->created_by ? m->created_by : "(unknown)");
    printf("rows:        %" PRId64 "\n", m->num_rows);
    printf("row groups:  %zu\n", m->n_row_groups);
    for (size_t i = 0; i < m->n_kv; i++)
        printf("key-value:   %s = %s\n", m->kv[i].key ? m->kv[i].key : "",
               m->kv[i].value ? m->kv[i].value : "(null)");
    /* leaf elements in schema order, to interpret statistics */
    const silt_pq_schema_elem **leaves = silt_calloc(m->n_schema + 1, sizeof *leaves);
    size_t nl = 0;
    for (size_t i = 1; leaves && i < m->n_schema; i++)
        if (m->schema[i].num_children == 0) leaves[nl++] = &m->schema[i];
    for (size_t g = 0; g < m->n_row_groups; g++) {
        const silt_pq_row_group *rg = &m->row_groups[g];
        printf("row group %zu: %" PRId64 " rows, %" PRId64 " bytes\n", g, rg->num_rows,
               rg->total_byte_size);
        for (size_t c = 0; c < rg->n_columns; c++) {
            const silt_pq_column_meta *cm = &rg->columns[c].meta;
            printf("  column ");
            for (size_t k = 0; k < cm->n_path; k++) printf("%s%s", k ? "." : "", cm->path[k]);
            printf(": %s %s, encodings", silt_pq_type_name(cm->type),
                   silt_pq_codec_name(cm->codec));
            for (size_t k = 0; k < cm->n_encodings; k++)
                printf("%s%s", k ? "," : " ", silt_pq_encoding_name(cm->encodings[k]));
            printf(", values %" PRId64 ", compressed %" PRId64 " B, uncompressed %" PRId64
                   " B, data page at %" PRId64,
                   cm->num_values, cm->total_compressed_size, cm->total_uncompressed_size,
                   cm->data_page_offset);
            if (cm->dictionary_page_offset >= 0)
                printf(", dictionary at %" PRId64, cm->dictionary_page_offset);
            printf("\n");
            if (cm->has_stats && leaves && c < nl) {
                const silt_pq_stats *st = &cm->stats;
                printf("    stats:");
                if (st->has_null_count) printf(" nulls %" PRId64, st->null_count);
                if (st->has_distinct) printf(" distinct %" PRId64, st->distinct_count);
                if (st->has_min) {
                    printf(" min ");
                    print_stat_value(leaves[c], st->min);
                }
                if (st->has_max) {
                    printf(" max ");
                    print_stat_value(leaves[c], st->max);
                }
                if (st->legacy_minmax) printf(" (legacy min/max)");
                printf("\n");
            }
        }
    }
    silt_free(leaves);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return 0;
}

/* ---------------------------------------------------------------- cat */

typedef enum { CAT_JSONL, CAT_CSV, CAT_CANONICAL } cat_format;

typedef struct cat_settings {
    const char *columns;
    int64_t limit;
    int format; /* cat_format */
} cat_settings;

static const silt_opt_choice cat_formats[] = {
    {"jsonl", CAT_JSONL}, {"csv", CAT_CSV}, {"canonical", CAT_CANONICAL}, {NULL, 0}};

static const silt_opt_spec cat_opts[] = {
    {"columns", 'c', SILT_OPT_STRING, "A,B", NULL, NULL,
     "comma-separated top-level columns to print (default: all)",
     SILT_OPT_TO_STR(cat_settings, columns)},
    {"limit", 'n', SILT_OPT_INT, "N", "-1", "-1..", "print at most N rows (-1: all)",
     SILT_OPT_TO_I64(cat_settings, limit)},
    {"format", 'f', SILT_OPT_CHOICE, "FMT", "jsonl", NULL,
     "output format: JSON lines, CSV with a header, or silt's canonical test form",
     SILT_OPT_TO_INT(cat_settings, format), SILT_OPT_CHOICES(cat_formats)},
    {0},
};

/* Resolves --columns against the schema; prints the error and returns -1 on an unknown name. */
static int resolve_columns(const silt_schema *s, const char *spec, int **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!spec) return 0;
    size_t cap = 1;
    for (const char *p = spec; *p; p++) cap += *p == ',';
    int *cols = silt_calloc(cap, sizeof *cols);
    char *copy = silt_strdup(spec);
    if (!cols || !copy) {
        silt_free(cols);
        silt_free(copy);
        fprintf(stderr, "silt parquet cat: out of memory\n");
        return -1;
    }
    size_t k = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long idx = silt_schema_find(s, tok);
        if (idx < 0) {
            const char *names[256];
            size_t nn = 0;
            for (size_t i = 0; i < s->n_fields && nn < 256; i++) names[nn++] = s->fields[i].name;
            const char *best = silt_suggest(tok, names, nn);
            fprintf(stderr, "silt parquet cat: no column '%s' in the file%s%s%s\n", tok,
                    best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
            silt_free(cols);
            silt_free(copy);
            return -1;
        }
        cols[k++] = (int)idx;
    }
    silt_free(copy);
    *out = cols;
    *n = k;
    return 0;
}

static int cat_file(const char *path, const char *colspec, int64_t *left, cat_format fmt,
                    bool header)
{
    silt_pq_source *src;
    silt_pq_reader *r;
    if (open_file("parquet cat", path, &src, &r)) return SILT_EXIT_RUNTIME;
    int rc = SILT_EXIT_OK;
    int *cols = NULL;
    size_t ncols = 0;
    silt_buf out = SILT_BUF_INIT;
    const silt_schema *s = silt_pq_reader_schema(r);
    if (resolve_columns(s, colspec, &cols, &ncols)) {
        rc = SILT_EXIT_USAGE;
        goto done;
    }
    bool csv = fmt == CAT_CSV, canon = fmt == CAT_CANONICAL;
    if (csv && header) {
        size_t nf = ncols ? ncols : s->n_fields;
        for (size_t i = 0; i < nf; i++) {
            const char *name = s->fields[ncols ? (size_t)cols[i] : i].name;
            if (i) silt_buf_putc(&out, ',');
            silt_render_csv_text(&out, (const uint8_t *)name, strlen(name));
        }
        silt_buf_putc(&out, '\n');
    }
    for (int g = 0; g < silt_pq_reader_num_row_groups(r) && *left != 0; g++) {
        silt_batch *b;
        silt_error err;
        silt_error_clear(&err);
        if (silt_pq_reader_read_row_group(r, g, cols, ncols, &b, &err)) {
            if (out.len) fwrite(out.ptr, 1, out.len, stdout);
            out.len = 0;
            rc = silt_cli_fail("parquet cat", &err);
            goto done;
        }
        for (int64_t i = 0; i < b->n_rows && *left != 0; i++) {
            if (canon) {
                silt_canon_row(&out, b, i);
            } else if (csv) {
                for (size_t k = 0; k < b->n_cols; k++) {
                    if (k) silt_buf_putc(&out, ',');
                    silt_render_csv_value(&out, &b->schema->fields[k], &b->cols[k], i);
                }
            } else {
                silt_buf_putc(&out, '{');
                for (size_t k = 0; k < b->n_cols; k++) {
                    const silt_field *f = &b->schema->fields[k];
                    if (k) silt_buf_putc(&out, ',');
                    silt_canon_json_string(&out, (const uint8_t *)f->name, strlen(f->name));
                    silt_buf_putc(&out, ':');
                    silt_render_json_value(&out, f, &b->cols[k], i);
                }
                silt_buf_putc(&out, '}');
            }
            silt_buf_putc(&out, '\n');
            if (*left > 0) (*left)--;
            if (out.len > (1u << 20)) {
                if (out.len) fwrite(out.ptr, 1, out.len, stdout);
                silt_buf_reset(&out);
            }
        }
        silt_batch_destroy(b);
        if (silt_buf_oom(&out)) {
            fprintf(stderr, "silt parquet cat: out of memory\n");
            rc = SILT_EXIT_RUNTIME;
            goto done;
        }
    }
    if (out.len) fwrite(out.ptr, 1, out.len, stdout);
done:
    silt_buf_free(&out);
    silt_free(cols);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return rc;
}

static int run_cat(int argc, char **argv)
{
    silt_opts o;
    cat_settings set;
    int code;
    const char *usage = "silt parquet cat FILE... [--columns a,b] [--limit N] "
                        "[--format jsonl|csv|canonical]";
    if (silt_cli_parse(&o, &code, cat_opts, &set, argc, argv, 1, NULL, usage,
                       "Print the rows of one or more Parquet files (in file and row-group "
                       "order)."))
        return code;
    if (o.n_args < 1) {
        fprintf(stderr, "silt parquet cat: expected FILE\nUsage: %s\n", usage);
        return SILT_EXIT_USAGE;
    }
    int64_t left = set.limit;
    for (size_t i = 0; i < o.n_args; i++) {
        int rc = cat_file(o.args[i], set.columns, &left, (cat_format)set.format, i == 0);
        if (rc) return rc;
    }
    return fflush(stdout) == 0 ? SILT_EXIT_OK : SILT_EXIT_RUNTIME;
}

static const silt_command subs[] = {
    {"schema", "print the Parquet schema and the silt types it maps to", run_schema},
    {"meta", "print row groups, column chunks, encodings, codecs, sizes and statistics", run_meta},
    {"cat", "print rows as JSON lines, CSV or canonical text", run_cat},
};

static int run(int argc, char **argv)
{
    return silt_cli_dispatch_sub("parquet", subs, sizeof subs / sizeof subs[0], argc, argv);
}

const silt_command silt_cmd_parquet = {"parquet", "inspect and print Parquet files", run};
