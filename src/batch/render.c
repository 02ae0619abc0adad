/* JSON and CSV rendering of column values for the row-printing commands. */
#include "batch/render.h"

#include "batch/canon.h"

#include <stdbool.h>
#include <string.h>

int silt_render_json_value(silt_buf *out, const silt_field *f, const silt_column *c, int64_t i)
{
    if (!silt_column_is_valid(c, i)) return silt_buf_puts(out, "null");
    switch (f->type) {
    case SILT_TYPE_BOOL:
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
    case SILT_TYPE_DECIMAL:
    case SILT_TYPE_STRING: return silt_canon_value(out, f, c, i);
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: {
        double v = f->type == SILT_TYPE_FLOAT ? ((const float *)c->values)[i]
                                              : ((const double *)c->values)[i];
        if (v != v || v - v != 0) break; /* NaN and infinities as strings */
        return silt_canon_value(out, f, c, i);
    }
    case SILT_TYPE_STRUCT:
        silt_buf_putc(out, '{');
        for (size_t k = 0; k < f->n_children; k++) {
            if (k) silt_buf_putc(out, ',');
            silt_canon_json_string(out, (const uint8_t *)f->children[k].name,
                                   strlen(f->children[k].name));
            silt_buf_putc(out, ':');
            silt_render_json_value(out, &f->children[k], &c->children[k], i);
        }
        return silt_buf_putc(out, '}');
    case SILT_TYPE_LIST:
        silt_buf_putc(out, '[');
        for (int32_t j = c->offsets[i]; j < c->offsets[i + 1]; j++) {
            if (j > c->offsets[i]) silt_buf_putc(out, ',');
            silt_render_json_value(out, &f->children[0], &c->children[0], j);
        }
        return silt_buf_putc(out, ']');
    case SILT_TYPE_MAP: {
        const silt_field *kf = &f->children[0].children[0], *vf = &f->children[0].children[1];
        const silt_column *kc = &c->children[0].children[0], *vc = &c->children[0].children[1];
        bool obj = kf->type == SILT_TYPE_STRING;
        silt_buf_putc(out, obj ? '{' : '[');
        for (int32_t j = c->offsets[i]; j < c->offsets[i + 1]; j++) {
            if (j > c->offsets[i]) silt_buf_putc(out, ',');
            if (obj) {
                silt_render_json_value(out, kf, kc, j);
                silt_buf_putc(out, ':');
            } else {
                silt_buf_puts(out, "{\"key\":");
                silt_render_json_value(out, kf, kc, j);
                silt_buf_puts(out, ",\"value\":");
            }
            silt_render_json_value(out, vf, vc, j);
            if (!obj) silt_buf_putc(out, '}');
        }
        return silt_buf_putc(out, obj ? '}' : ']');
    }
    default: break;
    }
    /* dates, timestamps, binary, NaN: their canonical text as a JSON string */
    silt_buf t = SILT_BUF_INIT;
    silt_canon_value(&t, f, c, i);
    int rc = silt_buf_oom(&t) ? SILT_ENOMEM : silt_canon_json_string(out, t.ptr, t.len);
    silt_buf_free(&t);
    return rc;
}

int silt_render_csv_value(silt_buf *out, const silt_field *f, const silt_column *c, int64_t i)
{
    if (!silt_column_is_valid(c, i)) return 0;
    silt_buf t = SILT_BUF_INIT;
    if (f->type == SILT_TYPE_STRING) {
        size_t n;
        const uint8_t *p = silt_column_bytes(c, i, &n);
        silt_buf_append(&t, p, n);
    } else if (f->type == SILT_TYPE_STRUCT || f->type == SILT_TYPE_LIST ||
               f->type == SILT_TYPE_MAP) {
        silt_render_json_value(&t, f, c, i);
    } else {
        silt_canon_value(&t, f, c, i);
    }
    silt_render_csv_text(out, t.ptr, t.len);
    int rc = silt_buf_oom(&t) ? SILT_ENOMEM : 0;
    silt_buf_free(&t);
    return rc;
}

void silt_render_csv_text(silt_buf *out, const uint8_t *p, size_t n)
{
    bool quote = false;
    for (size_t k = 0; k < n; k++)
        quote |= p[k] == ',' || p[k] == '"' || p[k] == '\n' || p[k] == '\r';
    if (!quote) {
        if (n) silt_buf_append(out, p, n);
        return;
    }
    silt_buf_putc(out, '"');
    for (size_t k = 0; k < n; k++) {
        if (p[k] == '"') silt_buf_putc(out, '"');
        silt_buf_putc(out, p[k]);
    }
    silt_buf_putc(out, '"');
}
