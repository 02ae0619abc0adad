/* libFuzzer target for the Parquet writer: the input bytes choose a small schema (types,
 * nullability, nesting of structs, lists and maps), rows and values, and writer options; the
 * writer must accept every such valid batch and produce a file framed by PAR1 magic. */
#include "batch/batch.h"
#include "parquet/io.h"
#include "parquet/reader.h"
#include "parquet/writer.h"
#include "batch/canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct src {
    const uint8_t *p;
    size_t n;
} src;

static uint8_t byte(src *s)
{
    if (!s->n) return 0;
    s->n--;
    return *s->p++;
}

static uint64_t u64(src *s)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | byte(s);
    return v;
}

static const silt_type_id LEAVES[] = {SILT_TYPE_BOOL,         SILT_TYPE_INT8,   SILT_TYPE_INT16,
                                      SILT_TYPE_INT32,        SILT_TYPE_INT64,  SILT_TYPE_FLOAT,
                                      SILT_TYPE_DOUBLE,       SILT_TYPE_STRING, SILT_TYPE_BINARY,
                                      SILT_TYPE_FIXED_BINARY, SILT_TYPE_DATE32, SILT_TYPE_TIMESTAMP,
                                      SILT_TYPE_DECIMAL};
#define N_LEAVES (sizeof LEAVES / sizeof LEAVES[0])

static int make_field(silt_field *f, const char *name, src *s, int depth)
{
    uint8_t t = byte(s);
    bool nullable = t & 0x80;
    int kind = (t & 0x7f) % (depth < 3 ? N_LEAVES + 3 : N_LEAVES);
    if (kind < (int)N_LEAVES) {
        if (silt_field_init(f, name, LEAVES[kind], nullable)) return -1;
        f->is_unsigned =
            (t & 0x40) && LEAVES[kind] >= SILT_TYPE_INT8 && LEAVES[kind] <= SILT_TYPE_INT64;
        f->tz_utc = t & 0x20;
        f->byte_width = 1 + byte(s) % 20;
        f->precision = 1 + byte(s) % 38;
        f->scale = f->precision ? byte(s) % (f->precision + 1) : 0;
        return 0;
    }
    kind -= (int)N_LEAVES;
    char cname[32];
    if (kind == 0) { /* struct */
        size_t n = 1 + byte(s) % 3;
        if (silt_field_init_nested(f, name, SILT_TYPE_STRUCT, nullable, n)) return -1;
        for (size_t i = 0; i < n; i++) {
            snprintf(cname, sizeof cname, "f%zu", i);
            if (make_field(&f->children[i], cname, s, depth + 1)) return -1;
        }
        return 0;
    }
    if (kind == 1) { /* list */
        if (silt_field_init_nested(f, name, SILT_TYPE_LIST, nullable, 1)) return -1;
        return make_field(&f->children[0], "element", s, depth + 1);
    }
    if (silt_field_init_nested(f, name, SILT_TYPE_MAP, nullable, 1) ||
        silt_field_init_nested(&f->children[0], "key_value", SILT_TYPE_STRUCT, false, 2) ||
        silt_field_init(&f->children[0].children[0], "key",
                        byte(s) & 1 ? SILT_TYPE_STRING : SILT_TYPE_INT32, false))
        return -1;
    return make_field(&f->children[0].children[1], "value", s, depth + 1);
}

static int gen(silt_column *c, const silt_field *f, src *s)
{
    uint8_t ctl = byte(s);
    if (f->nullable && (ctl & 3) == 0) return silt_column_append_null(c);
    uint64_t v = u64(s);
    switch (f->type) {
    case SILT_TYPE_STRUCT:
        for (size_t i = 0; i < f->n_children; i++)
            if (gen(&c->children[i], &f->children[i], s)) return -1;
        return silt_column_append_valid(c);
    case SILT_TYPE_LIST:
        for (int j = 0; j < (ctl >> 2) % 4; j++)
            if (gen(&c->children[0], &f->children[0], s)) return -1;
        return silt_column_append_valid(c);
    case SILT_TYPE_MAP: {
        silt_column *kv = &c->children[0];
        for (int j = 0; j < (ctl >> 2) % 4; j++) {
            int rc = f->children[0].children[0].type == SILT_TYPE_STRING
                         ? silt_column_append_bytes(&kv->children[0], &"k0k1k2"[2 * j], 2)
                         : silt_column_append_int(&kv->children[0], j);
            if (rc || gen(&kv->children[1], &f->children[0].children[1], s) ||
                silt_column_append_valid(kv))
                return -1;
        }
        return silt_column_append_valid(c);
    }
    case SILT_TYPE_BOOL: return silt_column_append_bool(c, v & 1);
    case SILT_TYPE_FLOAT: {
        float x;
        memcpy(&x, &v, 4);
        return silt_column_append_float(c, x);
    }
    case SILT_TYPE_DOUBLE: {
        double x;
        memcpy(&x, &v, 8);
        return silt_column_append_double(c, x);
    }
    case SILT_TYPE_STRING: { /* valid UTF-8 of 1- to 4-byte characters */
        static const char *const CH[] = {
            "a", "Z", "0", " ", "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"};
        char buf[64];
        size_t n = 0;
        for (int i = 0; i < (ctl >> 2) % 16; i++) {
            const char *ch = CH[(v >> (3 * (i % 21))) & 7];
            memcpy(buf + n, ch, strlen(ch));
            n += strlen(ch);
        }
        return silt_column_append_bytes(c, buf, n);
    }
    case SILT_TYPE_BINARY: {
        uint8_t buf[24];
        size_t n = (ctl >> 2) % 24;
        for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(v >> (8 * (i % 8))) + (uint8_t)i;
        return silt_column_append_bytes(c, buf, n);
    }
    case SILT_TYPE_FIXED_BINARY: {
        uint8_t buf[20] = {0};
        memcpy(buf, &v, 8);
        return silt_column_append_bytes(c, buf, (size_t)f->byte_width);
    }
    case SILT_TYPE_DECIMAL: {
        __int128 lim = 1;
        for (int i = 0; i < f->precision; i++) lim *= 10;
        __int128 x = (__int128)(v >> 1) % lim;
        if (v & 1) x = -x;
        uint8_t le[16];
        memcpy(le, &x, 16);
        return silt_column_append_decimal(c, le);
    }
    default: return silt_column_append_int(c, (int64_t)v);
    }
}

/* The round trip: silt's reader gives back exactly the rows written, in order, in the
 * canonical form shared with the DuckDB oracle. */
static void read_back(const silt_buf *file, const silt_batch *b, int copies)
{
    silt_buf want = SILT_BUF_INIT, got = SILT_BUF_INIT;
    for (int k = 0; k < copies; k++) silt_canon_batch(&want, b);
    silt_pq_source *in = silt_pq_source_mem(file->ptr, file->len, "fuzz.parquet");
    silt_pq_reader *r = NULL;
    silt_error err;
    char msg[1024];
    if (!in || silt_pq_reader_open(&r, in, &err)) {
        fprintf(stderr, "fuzz_parquet_write: cannot read back: %s\n",
                silt_error_format(&err, msg, sizeof msg));
        abort();
    }
    for (int g = 0; g < silt_pq_reader_num_row_groups(r); g++) {
        silt_batch *rb = NULL;
        if (silt_pq_reader_read_row_group(r, g, NULL, 0, &rb, &err)) {
            fprintf(stderr, "fuzz_parquet_write: cannot read back row group %d: %s\n", g,
                    silt_error_format(&err, msg, sizeof msg));
            abort();
        }
        silt_canon_batch(&got, rb);
        silt_batch_destroy(rb);
    }
    if (want.len != got.len || (want.len && memcmp(want.ptr, got.ptr, want.len) != 0)) {
        fprintf(stderr, "fuzz_parquet_write: read back differs\nwant:\n%.*s\ngot:\n%.*s\n",
                (int)(want.len > 2000 ? 2000 : want.len), (const char *)want.ptr,
                (int)(got.len > 2000 ? 2000 : got.len), (const char *)got.ptr);
        abort();
    }
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(in);
    silt_buf_free(&want);
    silt_buf_free(&got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    src s = {data, size};
    silt_pq_writer_options o;
    silt_pq_writer_options_default(&o);
    static const silt_pq_codec codecs[] = {SILT_PQ_CODEC_UNCOMPRESSED, SILT_PQ_CODEC_SNAPPY,
                                           SILT_PQ_CODEC_GZIP, SILT_PQ_CODEC_ZSTD};
    uint8_t ob = byte(&s);
    o.codec = codecs[ob % 4];
    o.compression_level = 1 + (ob >> 2) % 3;
    o.dictionary = ob & 0x10;
    o.statistics = !(ob & 0x20);
    o.rle_booleans = ob & 0x40;
    o.dictionary_bytes = 8 + byte(&s) * 16;
    o.page_bytes = 1 + byte(&s) * 16;
    o.row_group_bytes = 64 + byte(&s) * 256;
    o.stats_truncate = byte(&s) % 17;
    size_t n_fields = 1 + byte(&s) % 4;
    int rows = byte(&s) % 65;
    int copies = 1 + byte(&s) % 2;

    silt_schema *schema = silt_schema_create(n_fields);
    silt_batch *b = NULL;
    silt_buf out = SILT_BUF_INIT;
    silt_pq_sink *sink = NULL;
    silt_pq_writer *w = NULL;
    silt_error err;
    char msg[1024];
    if (!schema) goto done;
    for (size_t i = 0; i < n_fields; i++) {
        char name[32];
        snprintf(name, sizeof name, "c%zu", i);
        if (make_field(&schema->fields[i], name, &s, 0)) goto done;
    }
    b = silt_batch_create(schema);
    if (!b) goto done;
    for (int r = 0; r < rows; r++)
        for (size_t i = 0; i < n_fields; i++)
            if (gen(&b->cols[i], &schema->fields[i], &s)) goto done;
    if (silt_batch_validate(b, &err)) goto done;
    sink = silt_pq_sink_buf(&out);
    if (!sink) goto done;
    int rc = silt_pq_writer_create(&w, sink, schema, &o, &err);
    for (int k = 0; k < copies && !rc; k++) rc = silt_pq_writer_write(w, b, &err);
    if (!rc) rc = silt_pq_writer_close(w, &err);
    if (rc) {
        fprintf(stderr, "fuzz_parquet_write: writer failed on a valid batch: %s\n",
                silt_error_format(&err, msg, sizeof msg));
        abort();
    }
    uint32_t flen = 0;
    if (out.len < 12 || memcmp(out.ptr, "PAR1", 4) || memcmp(out.ptr + out.len - 4, "PAR1", 4))
        abort();
    memcpy(&flen, out.ptr + out.len - 8, 4);
    if ((size_t)flen + 12 > out.len || silt_pq_writer_rows(w) != (int64_t)rows * copies) abort();
    read_back(&out, b, copies);
done:
    silt_pq_writer_destroy(w);
    silt_pq_sink_destroy(sink);
    silt_buf_free(&out);
    silt_batch_destroy(b);
    silt_schema_destroy(schema);
    return 0;
}
