/* Each table's query rewritten for silt_sql_prepare: STREAM sources become their input names,
 * whole-table reads delta.`<location>` (query) or the table's name as an input (bind_query),
 * and the WATERMARK clause goes (the runtime holds it); all else is kept as written. */
#include <ctype.h>
#include <string.h>

#include "pipeline/def_int.h"
#include "util/alloc.h"
#include "util/buf.h"

typedef struct repl {
    silt_sql_pl_span span;
    int source; /* index into sources, or -1 */
    int read;   /* index into the statement's reads, or -1 */
} repl;

/* `name` with backquotes doubled. */
static void put_qident(silt_buf *b, const char *s)
{
    silt_buf_putc(b, '`');
    for (; *s; s++) {
        if (*s == '`') silt_buf_putc(b, '`');
        silt_buf_putc(b, (uint8_t)*s);
    }
    silt_buf_putc(b, '`');
}

static bool space_before(const silt_buf *b)
{
    return !b->len || isspace(b->ptr[b->len - 1]);
}

static void put_repl(silt_buf *b, const silt_pipeline_def *d, const silt_pipeline_table *t,
                     const silt_sql_pl_stmt *s, const char *text, const repl *r, bool bind)
{
    if (r->source >= 0) {
        put_qident(b, t->sources[r->source].input_name);
    } else if (r->read >= 0) {
        const silt_sql_pl_read *rd = &s->reads[r->read];
        const silt_pipeline_table *up = &d->tables[silt_pipeline_def_find(d, rd->name)];
        if (bind) {
            put_qident(b, up->name);
        } else {
            silt_buf_puts(b, "delta.");
            put_qident(b, up->location);
        }
        if (!rd->has_alias && (!bind || strcmp(up->name, rd->name))) {
            silt_buf_puts(b, " AS ");
            put_qident(b, rd->name);
        }
    } else if (!space_before(b) && !isspace((unsigned char)text[r->span.end]) &&
               text[r->span.end]) {
        silt_buf_putc(b, ' '); /* the WATERMARK clause: gone, words kept apart */
    }
}

/* Records that [from, b->len) of the query came from text offset s_start. */
static void note(def_tmap *m, const silt_buf *b, size_t from, size_t s_start, bool replaced)
{
    if (m && m->segs) m->segs[m->n_segs++] = (def_qseg){from, b->len, s_start, replaced};
}

/* The query with r[0..n) replaced; with m, the map of bind_query to the text. */
static char *rewrite(const silt_pipeline_def *d, const silt_pipeline_table *t,
                     const silt_sql_pl_stmt *s, const char *text, const repl *r, size_t n,
                     def_tmap *m)
{
    silt_buf b = SILT_BUF_INIT;
    int at = s->query.start;
    for (size_t i = 0; i < n; i++) {
        size_t from = b.len;
        silt_buf_append(&b, text + at, (size_t)(r[i].span.start - at));
        if (r[i].source < 0 && r[i].read < 0) /* the WATERMARK clause: no blanks left behind */
            while (b.len > from && (b.ptr[b.len - 1] == ' ' || b.ptr[b.len - 1] == '\t')) b.len--;
        note(m, &b, from, (size_t)at, false);
        from = b.len;
        put_repl(&b, d, t, s, text, &r[i], m != NULL);
        note(m, &b, from, (size_t)r[i].span.start, true);
        at = r[i].span.end;
    }
    size_t from = b.len;
    silt_buf_append(&b, text + at, (size_t)(s->query.end - at));
    note(m, &b, from, (size_t)at, false);
    silt_buf_cstr(&b);
    if (silt_buf_oom(&b)) {
        silt_buf_free(&b);
        return NULL;
    }
    return (char *)silt_buf_detach(&b, NULL);
}

static int rewrite_table(const silt_pipeline_def *d, silt_pipeline_table *t, def_tmap *m,
                         const silt_sql_pl_stmt *s, const char *text, silt_error *err)
{
    size_t n = 0, cap = s->n_sources + s->n_reads + 1;
    repl *r = silt_calloc(cap, sizeof *r);
    m->segs = silt_calloc(2 * cap + 1, sizeof *m->segs);
    if (!r || !m->segs) {
        silt_free(r);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < s->n_sources; k++) r[n++] = (repl){s->sources[k].span, (int)k, -1};
    for (size_t k = 0; k < s->n_reads; k++) r[n++] = (repl){s->reads[k].span, -1, (int)k};
    if (s->has_watermark) r[n++] = (repl){s->watermark, -1, -1};
    for (size_t i = 1; i < n; i++) /* by position in the text */
        for (size_t j = i; j > 0 && r[j].span.start < r[j - 1].span.start; j--) {
            repl x = r[j];
            r[j] = r[j - 1];
            r[j - 1] = x;
        }
    t->query = rewrite(d, t, s, text, r, n, NULL);
    t->bind_query = rewrite(d, t, s, text, r, n, m);
    silt_free(r);
    return t->query && t->bind_query ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
}

int def_rewrite(silt_pipeline_def *d, const silt_sql_pl_stmt *st, const def_text *tx,
                silt_error *err)
{
    for (size_t i = 0; i < d->n_tables; i++) {
        int rc = rewrite_table(d, &d->tables[i], &d->src->maps[i], &st[i], tx->text, err);
        if (rc) return rc;
    }
    return 0;
}
