/* Query results in the Apache Arrow IPC stream format, written from the format's spec
 * (Schema.fbs, Message.fbs): encapsulated messages (0xFFFFFFFF, metadata length, a FlatBuffers
 * Message, the 8-byte aligned body): the Schema, one RecordBatch, then the end-of-stream mark.
 * The FlatBuffers are built front to back by a small builder: a table's vtable just before it,
 * its children after it, so every offset to a child points forward as the format requires. */
#include <string.h>

#include "batch/render.h"
#include "http/format.h"
#include "util/alloc.h"

/* ---- a front-to-back FlatBuffers builder ---- */

typedef struct fbt {
    size_t vt, start; /* positions of the vtable and the table */
    int n;            /* fields */
    uint16_t off[8];  /* each field's offset in the table, 0 = absent */
} fbt;

static void pad_to(silt_buf *b, size_t align, size_t rem)
{
    while (b->len % align != rem) silt_buf_putc(b, 0);
}

static void put_at(silt_buf *b, size_t pos, const void *v, size_t n)
{
    if (!silt_buf_oom(b) && pos + n <= b->len) memcpy(b->ptr + pos, v, n);
}

static void put_at(silt_buf *b, size_t pos, const void *v, size_t n);

/* Starts a table of n fields; slot (when not 0) is the offset that points at it. */
static void tbl_begin(fbt *t, silt_buf *b, int n, size_t slot)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    pad_to(b, 2, 0);
    t->vt = b->len;
    uint8_t zero[2] = {0, 0};
    for (int i = 0; i < 2 + n; i++) silt_buf_append(b, zero, 2);
    pad_to(b, 8, 0);
    t->start = b->len;
    int32_t so = (int32_t)(t->start - t->vt);
    silt_buf_append(b, &so, 4);
    uint32_t rel = (uint32_t)(t->start - slot);
    if (slot) put_at(b, slot, &rel, 4);
}

/* Reserves a field's inline slot (aligned to its size) and returns its position. */
static size_t tbl_slot(fbt *t, silt_buf *b, int id, size_t size)
{
    pad_to(b, size, 0);
    size_t pos = b->len;
    t->off[id] = (uint16_t)(pos - t->start);
    uint8_t zero[8] = {0};
    silt_buf_append(b, zero, size);
    return pos;
}

static void tbl_scalar(fbt *t, silt_buf *b, int id, const void *v, size_t size)
{
    size_t pos = tbl_slot(t, b, id, size);
    put_at(b, pos, v, size);
}

static void tbl_end(fbt *t, silt_buf *b)
{
    uint16_t vt[10];
    vt[0] = (uint16_t)((2 + t->n) * 2);
    vt[1] = (uint16_t)(b->len - t->start);
    for (int i = 0; i < t->n; i++) vt[2 + i] = t->off[i];
    put_at(b, t->vt, vt, (size_t)vt[0]);
    pad_to(b, 4, 0);
}

/* Points the offset slot at pos to the current end (where the child is written next). */
static void patch_here(silt_buf *b, size_t slot, size_t align, size_t rem)
{
    pad_to(b, align, rem);
    uint32_t rel = (uint32_t)(b->len - slot);
    put_at(b, slot, &rel, 4);
}

static void put_string(silt_buf *b, size_t slot, const char *s)
{
    patch_here(b, slot, 4, 0);
    uint32_t n = (uint32_t)strlen(s);
    silt_buf_append(b, &n, 4);
    silt_buf_append(b, s, n);
    silt_buf_putc(b, 0);
    pad_to(b, 4, 0);
}

/* ---- columns as Arrow sees them ---- */

typedef struct acol {
    const silt_field *f;
    const silt_column *c;
    silt_column text; /* nested and other columns as JSON text */
    bool as_text;
} acol;

static bool native(silt_type_id t)
{
    return t != SILT_TYPE_STRUCT && t != SILT_TYPE_LIST && t != SILT_TYPE_MAP &&
           t != SILT_TYPE_FIXED_BINARY;
}

static int to_text(acol *a, int64_t n)
{
    silt_buf cell = SILT_BUF_INIT, data = SILT_BUF_INIT;
    int32_t *offs = silt_calloc((size_t)n + 1, sizeof *offs);
    uint8_t *valid = silt_calloc(((size_t)n + 7) / 8 + 1, 1);
    int64_t nulls = 0;
    if (!offs || !valid) goto oom;
    for (int64_t i = 0; i < n; i++) {
        bool ok = !a->c->validity || (a->c->validity[i / 8] >> (i % 8) & 1);
        if (ok) {
            silt_buf_reset(&cell);
            silt_render_json_value(&cell, a->f, a->c, i);
            silt_buf_append(&data, cell.ptr, cell.len);
            valid[i / 8] |= (uint8_t)(1u << (i % 8));
        } else {
            nulls++;
        }
        offs[i + 1] = (int32_t)data.len;
    }
    if (silt_buf_oom(&data) || silt_buf_oom(&cell)) goto oom;
    silt_buf_free(&cell);
    a->text.type = SILT_TYPE_STRING;
    a->text.length = n;
    a->text.null_count = nulls;
    a->text.validity = valid;
    a->text.offsets = offs;
    a->text.values = silt_buf_detach(&data, NULL);
    a->as_text = true;
    return 0;
oom:
    silt_buf_free(&cell);
    silt_buf_free(&data);
    silt_free(offs);
    silt_free(valid);
    return SILT_ENOMEM;
}

static silt_type_id type_of(const acol *a)
{
    return a->as_text ? SILT_TYPE_STRING : a->f->type;
}

/* The Type union's member for a column: its type id and table. */
static uint8_t put_type(silt_buf *b, size_t slot, const acol *a)
{
    fbt t;
    const silt_field *f = a->f;
    silt_type_id ty = type_of(a);
    int32_t bits, one = 1;
    int16_t sh;
    uint8_t is_signed = !f->is_unsigned;
    switch (ty) {
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
        bits = ty == SILT_TYPE_INT8    ? 8
               : ty == SILT_TYPE_INT16 ? 16
               : ty == SILT_TYPE_INT32 ? 32
                                       : 64;
        tbl_begin(&t, b, 2, slot);
        tbl_scalar(&t, b, 0, &bits, 4);
        tbl_scalar(&t, b, 1, &is_signed, 1);
        tbl_end(&t, b);
        return 2;
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE:
        sh = ty == SILT_TYPE_FLOAT ? 1 : 2;
        tbl_begin(&t, b, 1, slot);
        tbl_scalar(&t, b, 0, &sh, 2);
        tbl_end(&t, b);
        return 3;
    case SILT_TYPE_DECIMAL:
        bits = 128;
        tbl_begin(&t, b, 3, slot);
        tbl_scalar(&t, b, 0, &f->precision, 4);
        tbl_scalar(&t, b, 1, &f->scale, 4);
        tbl_scalar(&t, b, 2, &bits, 4);
        tbl_end(&t, b);
        return 7;
    case SILT_TYPE_DATE32:
        sh = 0; /* DAY */
        tbl_begin(&t, b, 1, slot);
        tbl_scalar(&t, b, 0, &sh, 2);
        tbl_end(&t, b);
        return 8;
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: {
        sh = ty == SILT_TYPE_TIMESTAMP ? 2 : 3; /* MICROSECOND, NANOSECOND */
        tbl_begin(&t, b, 2, slot);
        tbl_scalar(&t, b, 0, &sh, 2);
        size_t tz = f->tz_utc ? tbl_slot(&t, b, 1, 4) : 0;
        tbl_end(&t, b);
        if (tz) put_string(b, tz, "UTC");
        return 10;
    }
    default:
        (void)one;
        tbl_begin(&t, b, 0, slot); /* Utf8, Binary and Bool have no fields */
        tbl_end(&t, b);
        return ty == SILT_TYPE_BOOL ? 6 : ty == SILT_TYPE_BINARY ? 4 : 5;
    }
}

static void put_field(silt_buf *b, size_t slot, const acol *a)
{
    fbt t;
    uint8_t nullable = a->f->nullable, tt = 0;
    tbl_begin(&t, b, 6, slot);
    size_t name = tbl_slot(&t, b, 0, 4);
    tbl_scalar(&t, b, 1, &nullable, 1);
    size_t ttype = tbl_slot(&t, b, 2, 1);
    size_t type = tbl_slot(&t, b, 3, 4);
    size_t children = tbl_slot(&t, b, 5, 4);
    tbl_end(&t, b);
    put_string(b, name, a->f->name);
    tt = put_type(b, type, a);
    put_at(b, ttype, &tt, 1);
    patch_here(b, children, 4, 0);
    silt_buf_put_u32le(b, 0);
}

/* The Message table around a header; returns the header's offset slot. */
static size_t put_message(silt_buf *b, uint8_t header_type, int64_t body_len)
{
    fbt t;
    int16_t version = 4;      /* V5 */
    silt_buf_put_u32le(b, 0); /* root offset */
    tbl_begin(&t, b, 4, 0);
    put_at(b, 0, &(uint32_t){(uint32_t)t.start}, 4);
    tbl_scalar(&t, b, 0, &version, 2);
    tbl_scalar(&t, b, 1, &header_type, 1);
    size_t hdr = tbl_slot(&t, b, 2, 4);
    tbl_scalar(&t, b, 3, &body_len, 8);
    tbl_end(&t, b);
    return hdr;
}

static void frame(silt_buf *out, silt_buf *meta, const silt_buf *body)
{
    pad_to(meta, 8, 0);
    silt_buf_put_u32le(out, 0xFFFFFFFFu);
    silt_buf_put_u32le(out, (uint32_t)meta->len);
    silt_buf_append(out, meta->ptr, meta->len);
    if (body && body->len) silt_buf_append(out, body->ptr, body->len);
}

static void schema_message(silt_buf *out, const acol *cols, size_t n)
{
    silt_buf m = SILT_BUF_INIT;
    fbt t;
    size_t hdr = put_message(&m, 1, 0);
    tbl_begin(&t, &m, 2, hdr);
    size_t fields = tbl_slot(&t, &m, 1, 4);
    tbl_end(&t, &m);
    patch_here(&m, fields, 4, 0);
    silt_buf_put_u32le(&m, (uint32_t)n);
    size_t first = m.len;
    for (size_t i = 0; i < n; i++) silt_buf_put_u32le(&m, 0);
    for (size_t i = 0; i < n; i++) put_field(&m, first + 4 * i, &cols[i]);
    frame(out, &m, NULL);
    if (silt_buf_oom(&m)) out->oom = true;
    silt_buf_free(&m);
}

typedef struct abuf {
    int64_t off, len;
} abuf;

static int64_t null_count(const silt_column *c, int64_t n)
{
    int64_t z = 0;
    if (!c->validity) return 0;
    for (int64_t i = 0; i < n; i++) z += !(c->validity[i / 8] >> (i % 8) & 1);
    return z;
}

static void body_put(silt_buf *body, abuf *bufs, size_t *nb, const void *p, int64_t len)
{
    bufs[*nb].off = (int64_t)body->len;
    bufs[*nb].len = len;
    (*nb)++;
    if (len > 0) silt_buf_append(body, p, (size_t)len);
    pad_to(body, 8, 0);
}

/* A column's buffers into the body; returns its null count. */
static int64_t column_body(silt_buf *body, abuf *bufs, size_t *nb, const acol *a, int64_t n)
{
    const silt_column *c = a->as_text ? &a->text : a->c;
    silt_type_id ty = type_of(a);
    int64_t nulls = null_count(c, n);
    body_put(body, bufs, nb, c->validity, nulls ? (n + 7) / 8 : 0);
    if (ty == SILT_TYPE_STRING || ty == SILT_TYPE_BINARY) {
        body_put(body, bufs, nb, c->offsets, (n + 1) * 4);
        body_put(body, bufs, nb, c->values, n ? c->offsets[n] : 0);
    } else if (ty == SILT_TYPE_BOOL) {
        body_put(body, bufs, nb, c->values, (n + 7) / 8);
    } else {
        int w = ty == SILT_TYPE_DECIMAL ? 16 : silt_type_width(ty);
        body_put(body, bufs, nb, c->values, n * w);
    }
    return nulls;
}

static void struct_vector(silt_buf *m, size_t slot, const int64_t *pairs, size_t n)
{
    patch_here(m, slot, 8, 4);
    silt_buf_put_u32le(m, (uint32_t)n);
    silt_buf_append(m, pairs, n * 16);
}

static int batch_message(silt_buf *out, const acol *cols, size_t n_cols, int64_t n)
{
    silt_buf m = SILT_BUF_INIT, body = SILT_BUF_INIT;
    abuf *bufs = silt_calloc(n_cols * 3 + 1, sizeof *bufs);
    int64_t *nodes = silt_calloc(n_cols * 2 + 1, sizeof *nodes);
    size_t nb = 0;
    fbt t;
    if (!bufs || !nodes) goto oom;
    for (size_t i = 0; i < n_cols; i++) {
        nodes[2 * i] = n;
        nodes[2 * i + 1] = column_body(&body, bufs, &nb, &cols[i], n);
    }
    size_t hdr = put_message(&m, 3, (int64_t)body.len);
    tbl_begin(&t, &m, 3, hdr);
    tbl_scalar(&t, &m, 0, &n, 8);
    size_t sn = tbl_slot(&t, &m, 1, 4), sb = tbl_slot(&t, &m, 2, 4);
    tbl_end(&t, &m);
    struct_vector(&m, sn, nodes, n_cols);
    struct_vector(&m, sb, (const int64_t *)bufs, nb);
    frame(out, &m, &body);
    if (silt_buf_oom(&m) || silt_buf_oom(&body)) goto oom;
    silt_buf_free(&m);
    silt_buf_free(&body);
    silt_free(bufs);
    silt_free(nodes);
    return 0;
oom:
    silt_buf_free(&m);
    silt_buf_free(&body);
    silt_free(bufs);
    silt_free(nodes);
    return SILT_ENOMEM;
}

int silt_http_format_arrow(silt_buf *out, const silt_batch *b, int64_t max_rows)
{
    size_t nc = b->schema->n_fields;
    int64_t n = b->n_rows < max_rows ? b->n_rows : max_rows;
    acol *cols = silt_calloc(nc + 1, sizeof *cols);
    int rc = cols ? 0 : SILT_ENOMEM;
    for (size_t i = 0; !rc && i < nc; i++) {
        cols[i].f = &b->schema->fields[i];
        cols[i].c = &b->cols[i];
        if (!native(cols[i].f->type)) rc = to_text(&cols[i], n);
    }
    if (!rc) {
        schema_message(out, cols, nc);
        rc = batch_message(out, cols, nc, n);
    }
    silt_buf_put_u32le(out, 0xFFFFFFFFu);
    silt_buf_put_u32le(out, 0);
    for (size_t i = 0; cols && i < nc; i++)
        if (cols[i].as_text) {
            silt_free(cols[i].text.validity);
            silt_free(cols[i].text.offsets);
            silt_free(cols[i].text.values);
        }
    silt_free(cols);
    if (!rc && silt_buf_oom(out)) rc = SILT_ENOMEM;
    return rc;
}
