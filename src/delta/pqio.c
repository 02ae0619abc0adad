/* Delta data files and checkpoints written through the Parquet writer (with Spark-style file
 * statistics), and the ops table that plugs writer and reader (pqio_read.c) into fileio.h. */
#include "delta/pqio.h"
#include "delta/pqio_int.h"

#include "batch/canon.h"
#include "util/alloc.h"
#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DELTA_STRING_PREFIX 32

/* ---- statistics ---- */

/* Java's Float/Double.toString shape: shortest round-trip digits, plain notation with at least
 * one fraction digit for 1e-3 <= |v| < 1e7, else d.dddE[-]n. */
static int put_java_number(silt_buf *out, double v, bool is_float)
{
    char tmp[48];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
        if (is_float ? (float)strtod(tmp, NULL) == (float)v : strtod(tmp, NULL) == v) break;
    }
    char digits[20];
    int k = 0;
    const char *q = tmp;
    bool neg = false;
    if (*q == '-') {
        neg = true;
        q++;
    }
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9') digits[k++] = *q;
    int e10 = atoi(q + 1);
    while (k > 1 && digits[k - 1] == '0') k--;
    if (neg) silt_buf_putc(out, '-');
    double a = fabs(v);
    if (a == 0 || (a >= 1e-3 && a < 1e7)) {
        if (a == 0) return silt_buf_puts(out, "0.0");
        if (e10 >= 0) {
            for (int i = 0; i <= e10; i++) silt_buf_putc(out, (uint8_t)(i < k ? digits[i] : '0'));
            silt_buf_putc(out, '.');
            if (k > e10 + 1)
                silt_buf_append(out, digits + e10 + 1, (size_t)(k - e10 - 1));
            else
                silt_buf_putc(out, '0');
        } else {
            silt_buf_puts(out, "0.");
            for (int i = 0; i < -e10 - 1; i++) silt_buf_putc(out, '0');
            silt_buf_append(out, digits, (size_t)k);
        }
        return silt_buf_oom(out) ? SILT_ENOMEM : 0;
    }
    silt_buf_putc(out, (uint8_t)digits[0]);
    silt_buf_putc(out, '.');
    if (k > 1)
        silt_buf_append(out, digits + 1, (size_t)(k - 1));
    else
        silt_buf_putc(out, '0');
    return silt_buf_printf(out, "E%d", e10);
}

/* Length in bytes of the first n code points of a UTF-8 string (stops at the end). */
static size_t utf8_prefix(const uint8_t *s, size_t len, size_t n, bool *cut)
{
    size_t i = 0, cps = 0;
    while (i < len && cps < n) {
        uint8_t c = s[i];
        size_t w = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (i + w > len) w = len - i;
        i += w;
        cps += w == 4 ? 2 : 1; /* Spark counts UTF-16 code units */
    }
    *cut = i < len;
    return i;
}

static int put_iso_ts(silt_buf *out, int64_t us, bool utc)
{
    int64_t ms = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int64_t frac = ms - secs * 1000;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    silt_buf_putc(out, '"');
    silt_canon_date(out, days);
    return silt_buf_printf(out, "T%02d:%02d:%02d.%03d%s\"", (int)(sod / 3600), (int)(sod / 60 % 60),
                           (int)(sod % 60), (int)frac, utc ? "Z" : "");
}

/* Writes min (row 0) or max (row 1) of a stats column as a JSON value; returns 1 when written,
 * 0 when the type gets no min/max. */
static int put_stat_value(silt_buf *out, const silt_pq_column_stats *st, int row)
{
    const silt_column *c = st->min_max;
    const silt_field *f = st->field;
    switch (f->type) {
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
        if (f->is_unsigned) return 0;
        silt_buf_printf(out, "%lld", (long long)silt_column_get_int(c, row));
        return 1;
    case SILT_TYPE_FLOAT: {
        float v = ((const float *)c->values)[row];
        if (isnan(v) || isinf(v)) return 0;
        put_java_number(out, v, true);
        return 1;
    }
    case SILT_TYPE_DOUBLE: {
        double v = ((const double *)c->values)[row];
        if (isnan(v) || isinf(v)) return 0;
        put_java_number(out, v, false);
        return 1;
    }
    case SILT_TYPE_DECIMAL:
        silt_canon_decimal(out, c->values + (size_t)row * 16, f->scale);
        return 1;
    case SILT_TYPE_DATE32:
        silt_buf_putc(out, '"');
        silt_canon_date(out, silt_column_get_int(c, row));
        silt_buf_putc(out, '"');
        return 1;
    case SILT_TYPE_TIMESTAMP: put_iso_ts(out, silt_column_get_int(c, row), f->tz_utc); return 1;
    case SILT_TYPE_STRING: {
        size_t len;
        const uint8_t *p = silt_column_bytes(c, row, &len);
        bool exact = row == 0 ? st->min_exact : st->max_exact;
        bool cut;
        size_t n = utf8_prefix(p, len, DELTA_STRING_PREFIX, &cut);
        if (row == 1 && (cut || !exact)) {
            if (!exact && !cut) {
                /* already a bound above every value: keep it as the writer gave it */
                silt_canon_json_string(out, p, len);
                return 1;
            }
            silt_buf b = SILT_BUF_INIT;
            silt_buf_append(&b, p, n);
            silt_buf_puts(&b, "\xef\xbf\xbd"); /* U+FFFD, as Spark appends to a cut max */
            int rc = silt_buf_oom(&b) ? SILT_ENOMEM : silt_canon_json_string(out, b.ptr, b.len);
            silt_buf_free(&b);
            return rc ? rc : 1;
        }
        silt_canon_json_string(out, p, n);
        return 1;
    }
    default: return 0;
    }
}

/* Emits {"a":v,"s":{"x":v}} for the non-repeated leaves of the writer's schema, where which
 * selects: 0 min, 1 max, 2 null count. Nested structs become nested objects. */
static void put_section(silt_buf *out, const silt_pq_writer *w, int which)
{
    size_t n = silt_pq_writer_n_columns(w);
    /* the current chain of open struct objects, as dotted path prefixes */
    char open[16][256];
    int depth = 0;
    bool first_at[17] = {true};
    silt_buf_putc(out, '{');
    for (size_t i = 0; i < n; i++) {
        const silt_pq_column_stats *st = silt_pq_writer_column_stats(w, i);
        if (st->repeated) continue;
        if (which < 2 && !st->has_min_max) continue;
        /* split the path into its parts */
        char path[1024];
        snprintf(path, sizeof path, "%s", st->path);
        char *parts[16];
        int np = 0;
        for (char *tok = strtok(path, "."); tok && np < 16; tok = strtok(NULL, "."))
            parts[np++] = tok;
        if (np == 0) continue;
        /* close objects that are not prefixes of this path */
        int common = 0;
        while (common < depth && common < np - 1 && strcmp(open[common], parts[common]) == 0)
            common++;
        while (depth > common) {
            silt_buf_putc(out, '}');
            depth--;
        }
        /* measure the value first: skip columns with no min/max for their type */
        silt_buf val = SILT_BUF_INIT;
        int has;
        if (which == 2) {
            silt_buf_printf(&val, "%lld", (long long)st->null_count);
            has = 1;
        } else {
            has = put_stat_value(&val, st, which);
        }
        if (has > 0 && !silt_buf_oom(&val)) {
            while (depth < np - 1) {
                if (!first_at[depth]) silt_buf_putc(out, ',');
                first_at[depth] = false;
                silt_canon_json_string(out, (const uint8_t *)parts[depth], strlen(parts[depth]));
                silt_buf_puts(out, ":{");
                snprintf(open[depth], sizeof open[depth], "%s", parts[depth]);
                depth++;
                first_at[depth] = true;
            }
            if (!first_at[depth]) silt_buf_putc(out, ',');
            first_at[depth] = false;
            silt_canon_json_string(out, (const uint8_t *)parts[np - 1], strlen(parts[np - 1]));
            silt_buf_putc(out, ':');
            silt_buf_append(out, val.ptr, val.len);
        }
        silt_buf_free(&val);
    }
    while (depth > 0) {
        silt_buf_putc(out, '}');
        depth--;
    }
    silt_buf_putc(out, '}');
}

int silt_delta_stats_json(silt_buf *out, const silt_pq_writer *w)
{
    silt_buf_printf(out, "{\"numRecords\":%lld,\"minValues\":", (long long)silt_pq_writer_rows(w));
    put_section(out, w, 0);
    silt_buf_puts(out, ",\"maxValues\":");
    put_section(out, w, 1);
    silt_buf_puts(out, ",\"nullCount\":");
    put_section(out, w, 2);
    silt_buf_putc(out, '}');
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

/* ---- writing ---- */

static void writer_options(silt_pq_writer_options *o, const silt_delta_pqio_options *opts)
{
    silt_pq_writer_options_default(o);
    o->stats_truncate = 128;
    if (opts) {
        o->codec = opts->codec;
        if (opts->compression_level) o->compression_level = opts->compression_level;
        if (opts->row_group_bytes > 0) o->row_group_bytes = opts->row_group_bytes;
    }
}

struct silt_delta_file_writer {
    silt_buf stats;
    char *key;
    uint64_t size; /* set when the sink is finished */
    int state;     /* 0 open, 1 published, -1 failed */
    silt_pq_sink *sink;
    silt_pq_writer *w;
};

void silt_delta_file_writer_destroy(silt_delta_file_writer *fw)
{
    if (!fw) return;
    silt_pq_writer_destroy(fw->w);
    silt_pq_sink_destroy(fw->sink); /* aborts an unfinished upload */
    silt_buf_free(&fw->stats);
    silt_free(fw->key);
    silt_free(fw);
}

int silt_delta_file_writer_open(silt_delta_file_writer **out, const silt_delta_pqio_options *opts,
                                const silt_schema *schema, silt_store *store, const char *key,
                                silt_error *err)
{
    *out = NULL;
    silt_delta_file_writer *fw = silt_calloc(1, sizeof *fw);
    if (!fw) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_buf_init(&fw->stats);
    if (!(fw->key = silt_strdup(key))) {
        silt_delta_file_writer_destroy(fw);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    silt_pq_writer_options o;
    writer_options(&o, opts);
    int rc = silt_delta_store_sink(&fw->sink, store, key, &fw->size, err);
    if (rc == 0) rc = silt_pq_writer_create(&fw->w, fw->sink, schema, &o, err);
    if (rc) {
        silt_delta_file_writer_destroy(fw);
        return rc;
    }
    *out = fw;
    return 0;
}

int silt_delta_file_writer_write(silt_delta_file_writer *fw, const silt_batch *b, silt_error *err)
{
    if (fw->state)
        return silt_error_set(err, SILT_EINVAL, "write to data file %s after %s", fw->key,
                              fw->state > 0 ? "it was finished" : "an error");
    int rc = silt_pq_writer_write(fw->w, b, err);
    if (rc) fw->state = -1;
    return rc;
}

int silt_delta_file_writer_finish(silt_delta_file_writer *fw, silt_delta_add *out, silt_error *err)
{
    memset(out, 0, sizeof *out);
    if (fw->state < 0)
        return silt_error_set(err, SILT_EIO,
                              "data file %s was not written (an earlier write failed): its rows "
                              "must be written again",
                              fw->key);
    if (fw->state == 0) {
        fw->state = -1;
        int rc = silt_pq_writer_close(fw->w, err); /* finishes the sink: publishes the file */
        if (rc) return rc;
        if (silt_delta_stats_json(&fw->stats, fw->w) || silt_buf_cstr(&fw->stats))
            return silt_error_set(err, SILT_ENOMEM, "out of memory building file statistics");
        fw->state = 1;
    }
    out->path = silt_strdup(fw->key);
    out->stats = silt_strdup((const char *)fw->stats.ptr);
    if (!out->path || !out->stats) {
        silt_free(out->path);
        silt_free(out->stats);
        out->path = out->stats = NULL;
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    out->size = (int64_t)fw->size;
    out->modification_time = silt_time_wall_ms();
    out->data_change = true;
    return 0;
}

static int pq_write_file(void *ctx, silt_delta_add *out, silt_store *store, const char *key,
                         const silt_batch *batch, silt_error *err)
{
    silt_delta_file_writer *fw = NULL;
    int rc = silt_delta_file_writer_open(&fw, ctx, batch->schema, store, key, err);
    if (rc == 0) rc = silt_delta_file_writer_write(fw, batch, err);
    if (rc == 0) rc = silt_delta_file_writer_finish(fw, out, err);
    silt_delta_file_writer_destroy(fw);
    return rc;
}

static int pq_write_checkpoint(void *ctx, uint64_t *out_size, silt_store *store, const char *key,
                               const silt_batch *batch, silt_error *err)
{
    (void)ctx;
    silt_pq_writer_options o;
    silt_pq_writer_options_default(&o);
    o.codec = SILT_PQ_CODEC_SNAPPY;
    o.stats_truncate = 32;
    uint64_t size = 0;
    silt_pq_sink *sink = NULL;
    silt_pq_writer *w = NULL;
    int rc = silt_delta_store_sink(&sink, store, key, &size, err);
    if (rc == 0) rc = silt_pq_writer_create(&w, sink, batch->schema, &o, err);
    if (rc == 0) rc = silt_pq_writer_write(w, batch, err);
    if (rc == 0) rc = silt_pq_writer_close(w, err); /* publishes the checkpoint */
    silt_pq_writer_destroy(w);
    silt_pq_sink_destroy(sink); /* aborts it after an error */
    if (rc == 0 && out_size) *out_size = size;
    return rc;
}

static const silt_delta_file_ops parquet_ops = {NULL,
                                                pq_write_file,
                                                silt_delta_pq_read_file,
                                                silt_delta_pq_read_checkpoint,
                                                pq_write_checkpoint,
                                                ".zstd.parquet",
                                                silt_delta_pq_read_file_filtered};

const silt_delta_file_ops *silt_delta_parquet_ops(void)
{
    return &parquet_ops;
}

void silt_delta_parquet_ops_with(silt_delta_file_ops *out, const silt_delta_pqio_options *opts)
{
    *out = parquet_ops;
    out->ctx = (void *)opts;
    if (opts) {
        switch (opts->codec) {
        case SILT_PQ_CODEC_SNAPPY: out->data_file_suffix = ".snappy.parquet"; break;
        case SILT_PQ_CODEC_GZIP: out->data_file_suffix = ".gz.parquet"; break;
        case SILT_PQ_CODEC_ZSTD: out->data_file_suffix = ".zstd.parquet"; break;
        default: out->data_file_suffix = ".parquet"; break;
        }
    }
}
