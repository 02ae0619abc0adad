/* The pipeline file's text: ${NAME} substitution (from --var, then the environment), the map
 * from the substituted text back to the file as written, and file:line:col errors with a caret. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/def_int.h"
#include "util/alloc.h"
#include "util/buf.h"

static void line_col(const char *s, size_t pos, int *line, int *col, size_t *ls)
{
    *line = 1;
    *col = 1;
    *ls = 0;
    for (size_t i = 0; i < pos && s[i]; i++) {
        if (s[i] == '\n') {
            (*line)++;
            *col = 1;
            *ls = i + 1;
        } else {
            (*col)++;
        }
    }
}

/* err := "file:line:col: msg", the line and a caret under orig_pos (tabs kept so it aligns).
 * A long line is shown as a window of 100 bytes around the column; the file name and the
 * message are cut so that the line and the caret always fit. */
static int render(silt_error *err, const def_text *t, size_t orig_pos, const char *msg)
{
    int line, col;
    size_t ls;
    line_col(t->orig, orig_pos, &line, &col, &ls);
    const char *l = t->orig + ls, *le = strchr(l, '\n');
    int ll = le ? (int)(le - l) : (int)strlen(l), ws = col - 1 > 60 ? col - 1 - 60 : 0;
    if (ws > ll) ws = ll;
    l += ws;
    ll = ll - ws > 100 ? 100 : ll - ws;
    char pad[108];
    int np = 0;
    if (ws) np = snprintf(pad, sizeof pad, "   "); /* under the "..." */
    for (int i = 0; i < col - 1 - ws && i < ll && np < 103; i++)
        pad[np++] = l[i] == '\t' ? '\t' : ' ';
    pad[np] = 0;
    silt_error_set(err, SILT_EINVAL, "%.90s:%d:%d: %.190s\n  %s%.*s\n  %s^", t->file, line, col,
                   msg, ws ? "..." : "", ll, l, pad);
    silt_error_path(err, t->file);
    silt_error_position(err, line, col);
    return SILT_EINVAL;
}

size_t def_orig_pos(const def_text *t, size_t pos)
{
    size_t delta_pos = pos;
    for (size_t i = 0; i < t->n_segs; i++) {
        const def_seg *s = &t->segs[i];
        if (pos < s->sub_start) break;
        if (pos < s->sub_end) return s->orig_start;
        delta_pos = pos - s->sub_end + s->orig_end;
    }
    return delta_pos;
}

int def_line(const def_text *t, size_t pos)
{
    int line, col;
    size_t ls;
    line_col(t->orig, def_orig_pos(t, pos), &line, &col, &ls);
    return line;
}

int def_fail(silt_error *err, const def_text *t, size_t pos, const char *fmt, ...)
{
    char msg[SILT_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return render(err, t, def_orig_pos(t, pos), msg);
}

static const char *lookup(const char *name, const silt_pipeline_parse_opts *o)
{
    const char *v = NULL;
    for (size_t i = 0; o && i < o->n_vars; i++) /* the last --var of a name wins */
        if (o->vars[i].name && !strcmp(o->vars[i].name, name)) v = o->vars[i].value;
    if (!v && o && o->use_environment) v = getenv(name);
    return v;
}

static bool name_char(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           (!first && ((c >= '0' && c <= '9') || c == '.'));
}

/* ${NAME} at orig[i]: its value appended to b, the segment recorded; *i moved past it. */
static int replace_one(def_text *t, silt_buf *b, size_t *cap, size_t *i,
                       const silt_pipeline_parse_opts *o, silt_error *err)
{
    const char *s = t->orig;
    size_t j = *i + 2;
    while (name_char(s[j], j == *i + 2)) j++;
    if (j == *i + 2 || s[j] != '}')
        return render(err, t, *i,
                      "'${' starts a variable: write ${NAME} (letters, digits, '_' and '.')");
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(j - *i - 2), s + *i + 2);
    const char *v = lookup(name, o);
    if (!v) {
        char msg[400];
        snprintf(msg, sizeof msg, "undefined variable ${%s}: give --var %s=VALUE%s", name, name,
                 o && o->use_environment ? " or set it in the environment" : "");
        return render(err, t, *i, msg);
    }
    if (t->n_segs == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        def_seg *ns = silt_realloc(t->segs, nc * sizeof *ns);
        if (!ns) return silt_error_set(err, SILT_ENOMEM, "out of memory");
        t->segs = ns;
        *cap = nc;
    }
    def_seg *g = &t->segs[t->n_segs++];
    g->orig_start = *i;
    g->orig_end = j + 1;
    g->sub_start = b->len;
    silt_buf_puts(b, v);
    g->sub_end = b->len;
    *i = j + 1;
    return 0;
}

/* The end of the comment or quoted text starting at s[i] (none: i). */
static size_t skip_comment(const char *s, size_t i)
{
    if (s[i] == '-' && s[i + 1] == '-') {
        while (s[i] && s[i] != '\n') i++;
    } else if (s[i] == '/' && s[i + 1] == '*') {
        const char *e = strstr(s + i + 2, "*/");
        i = e ? (size_t)(e - s) + 2 : strlen(s);
    }
    return i;
}

int def_substitute(def_text *out, const char *orig, const char *file,
                   const silt_pipeline_parse_opts *opts, silt_error *err)
{
    memset(out, 0, sizeof *out);
    out->orig = orig;
    out->file = file;
    silt_buf b = SILT_BUF_INIT;
    size_t cap = 0, i = 0;
    char quote = 0;
    int rc = 0;
    while (orig[i] && !rc) {
        char c = orig[i];
        size_t e = quote ? i : skip_comment(orig, i);
        if (e > i) {
            silt_buf_append(&b, orig + i, e - i);
            i = e;
        } else if (c == '$' && orig[i + 1] == '{') {
            rc = replace_one(out, &b, &cap, &i, opts, err);
        } else {
            if (quote && c == '\\' && quote != '`' && orig[i + 1]) silt_buf_putc(&b, orig[i++]);
            if (c == quote)
                quote = 0;
            else if (!quote && (c == '\'' || c == '"' || c == '`'))
                quote = c;
            silt_buf_putc(&b, orig[i++]);
        }
    }
    silt_buf_cstr(&b);
    if (!rc && silt_buf_oom(&b)) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (rc) {
        silt_buf_free(&b);
        def_text_free(out);
        return rc;
    }
    out->text = b.ptr ? (char *)silt_buf_detach(&b, NULL) : silt_strdup("");
    return out->text ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
}

void def_text_free(def_text *t)
{
    silt_free(t->text);
    silt_free(t->segs);
    t->text = NULL;
    t->segs = NULL;
    t->n_segs = 0;
}
