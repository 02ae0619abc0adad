/* Query results as JSON ({"columns": [...], "rows": [[...], ...], ...}) and CSV. */
#include <string.h>

#include "batch/canon.h"
#include "batch/render.h"
#include "http/format.h"
#include "sql/fn.h"

static int64_t shown(const silt_batch *b, int64_t max_rows)
{
    return b->n_rows < max_rows ? b->n_rows : max_rows;
}

int silt_http_format_json(silt_buf *out, const silt_batch *b, int64_t max_rows, double elapsed_ms)
{
    const silt_schema *s = b->schema;
    int64_t n = shown(b, max_rows);
    char type[256];
    silt_buf_puts(out, "{\"columns\":[");
    for (size_t k = 0; k < s->n_fields; k++) {
        const char *name = s->fields[k].name;
        silt_buf_puts(out, k ? ",{\"name\":" : "{\"name\":");
        silt_canon_json_string(out, (const uint8_t *)name, strlen(name));
        silt_sql_type_format(type, sizeof type, &s->fields[k]);
        silt_buf_puts(out, ",\"type\":");
        silt_canon_json_string(out, (const uint8_t *)type, strlen(type));
        silt_buf_putc(out, '}');
    }
    silt_buf_puts(out, "],\"rows\":[");
    for (int64_t i = 0; i < n; i++) {
        silt_buf_puts(out, i ? ",[" : "[");
        for (size_t k = 0; k < s->n_fields; k++) {
            if (k) silt_buf_putc(out, ',');
            silt_render_json_value(out, &s->fields[k], &b->cols[k], i);
        }
        silt_buf_putc(out, ']');
    }
    silt_buf_printf(out, "],\"row_count\":%lld,\"truncated\":%s,\"elapsed_ms\":%.3f}", (long long)n,
                    n < b->n_rows ? "true" : "false", elapsed_ms);
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

int silt_http_format_csv(silt_buf *out, const silt_batch *b, int64_t max_rows)
{
    const silt_schema *s = b->schema;
    int64_t n = shown(b, max_rows);
    for (size_t k = 0; k < s->n_fields; k++) {
        if (k) silt_buf_putc(out, ',');
        silt_render_csv_text(out, (const uint8_t *)s->fields[k].name, strlen(s->fields[k].name));
    }
    silt_buf_puts(out, "\r\n");
    for (int64_t i = 0; i < n; i++) {
        for (size_t k = 0; k < s->n_fields; k++) {
            if (k) silt_buf_putc(out, ',');
            silt_render_csv_value(out, &s->fields[k], &b->cols[k], i);
        }
        silt_buf_puts(out, "\r\n");
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}
