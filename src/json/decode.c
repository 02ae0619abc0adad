/* The schema-directed JSON decoder: a single pass over each row's text that appends every
 * value to its column as it is met. This file holds the driver (objects, arrays, maps, and the
 * decoder's setup); decode_scan.c the scanner, decode_value.c the conversion of each scalar into
 * its column type, decode_err.c the messages.
 *
 * How a row is decoded
 * - Schema-directed. The decoder is a tree of nodes mirroring the schema (one per field, with
 *   compiled date patterns). The row's text is read once, left to right, and each value is
 *   converted straight into the column of the node it belongs to: there is no parse tree, and a
 *   value is looked at only by the code of its target type (decode_value dispatches on the
 *   first character and the node's type). Values the schema does not want are checked and
 *   skipped by the scanner.
 * - Keys. Members are matched against a node's children in the order they last came: the child
 *   after the last one matched (the hint) is compared in place with the raw key text, so rows
 *   that share a key order (the usual stream) cost one memcmp per field; any other key is
 *   scanned, unescaped and searched from the hint on. Each object gets a generation number; a
 *   child marked with the current one was already set (a key given twice is an error), and
 *   after the closing brace every unmarked child gets a null (an error if not nullable).
 * - Strings are scanned eight bytes at a time until a quote, backslash, control or non-ASCII
 *   byte; escapes and UTF-8 are checked during that scan, and only a string with escapes is
 *   copied (unescaped) into the decoder's scratch buffer. Numbers are kept as token text and
 *   converted by the target type: integers digit by digit with overflow checks, decimals
 *   exactly from the digits, floats by strtod.
 * - Errors. Every error is set where it is found, with the byte offset of the offending value
 *   (silt_error_offset); while it unwinds, each enclosing object, map and list puts its field
 *   name or [index] in front of err->column (path_push), so the message names the full path,
 *   e.g. "field 'items[2].price': expected int64, got string \"abc\"". On any error every
 *   column is truncated back to the row count before the call (silt_column_truncate, which
 *   also drops a half-built nested row), so the batch is as it was and the caller can
 *   quarantine the row. */
#include "json/decode.h"

#include <stdio.h>
#include <string.h>

#include "json/decode_int.h"
#include "util/alloc.h"

/* Copies s into out (size n), cut to fit. */
static void copy_trunc(char *out, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (l >= n) l = n - 1;
    memmove(out, s, l);
    out[l] = '\0';
}

/* Puts a path component in front of err->column: "name" or "[i]". */
static void path_push(silt_error *err, const char *name, int64_t index)
{
    if (!err) return;
    char buf[2 * SILT_ERROR_COLUMN_MAX + 32];
    const char *old = err->column, *sep = old[0] && old[0] != '[' ? "." : "";
    if (name)
        snprintf(buf, sizeof buf, "%.*s%s%s", SILT_ERROR_COLUMN_MAX, name, sep, old);
    else
        snprintf(buf, sizeof buf, "[%lld]%s%s", (long long)index, sep, old);
    copy_trunc(err->column, sizeof err->column, buf);
}

static int decode_value(silt_json_ctx *c, silt_json_node *nd, silt_column *col);

/* c->p at a key's opening quote: reads the key and finds the child of nd it names (*idx =
 * nd->n_children when none does). The child expected next (nd->hint) is compared in place when
 * its name has nothing JSON would escape; others are scanned, unescaped and searched from the
 * hint on. *key and *kn are the key as read (only set when it was scanned). */
static int match_key(silt_json_ctx *c, const silt_json_node *nd, size_t *idx, const char **key,
                     size_t *kn)
{
    size_t nc = nd->n_children;
    *idx = nc;
    const silt_json_node *hc = nc ? &nd->children[nd->hint] : NULL;
    if (hc && hc->plain_name && (size_t)(c->end - c->p) > hc->name_len + 1 &&
        c->p[hc->name_len + 1] == '"' && memcmp(c->p + 1, hc->f->name, hc->name_len) == 0) {
        *idx = nd->hint;
        c->p += hc->name_len + 2;
        return 0;
    }
    const char *raw;
    size_t rn;
    bool esc;
    int rc = silt_json_scan_string(c, &raw, &rn, &esc);
    if (rc) return rc;
    if (esc) {
        if ((rc = silt_json_string_value(c, raw, rn, esc, key, kn))) return rc;
    } else {
        *key = raw;
        *kn = rn;
    }
    for (size_t i = 0, j = nd->hint; i < nc; i++, j = j + 1 == nc ? 0 : j + 1) {
        const silt_json_node *ch = &nd->children[j];
        if (ch->name_len == *kn && memcmp(ch->f->name, *key, *kn) == 0) {
            *idx = j;
            break;
        }
    }
    return 0;
}

/* One member "key": value of the object numbered gen into the children of nd (columns cols):
 * the value goes to its field's column, or is skipped when no field has that name. */
static int decode_member(silt_json_ctx *c, silt_json_node *nd, silt_column *cols, uint64_t gen)
{
    silt_json_ws(c);
    if (c->p >= c->end || *c->p != '"') return silt_json_syntax_err(c, "expected a key in quotes");
    const char *key_at = c->p, *key = NULL;
    size_t kn = 0, nc = nd->n_children, idx;
    int rc = match_key(c, nd, &idx, &key, &kn);
    if (rc) return rc;
    silt_json_ws(c);
    if (c->p >= c->end || *c->p != ':') return silt_json_syntax_err(c, "expected ':' after a key");
    c->p++;
    if (idx == nc) {
        if (c->d->opts.unknown_fields_error) {
            silt_error_set(c->err, SILT_EINVAL, "key \"%.*s\" is not in the schema",
                           (int)(kn > 60 ? 60 : kn), key);
            return silt_error_offset(c->err, key_at - c->base);
        }
        return silt_json_skip_value(c);
    }
    silt_json_node *ch = &nd->children[idx];
    if (ch->mark == gen) {
        silt_error_set(c->err, SILT_EINVAL, "key \"%s\" given twice", ch->f->name);
        return silt_error_offset(c->err, key_at - c->base);
    }
    ch->mark = gen;
    nd->hint = idx + 1 == nc ? 0 : idx + 1;
    if ((rc = decode_value(c, ch, &cols[idx]))) path_push(c->err, ch->f->name, 0);
    return rc;
}

/* After the object numbered gen (opened at `open`): a null for every field it did not name,
 * or an error for the first such field that is not nullable. */
static int fill_missing(silt_json_ctx *c, const silt_json_node *nd, silt_column *cols, uint64_t gen,
                        const char *open)
{
    for (size_t i = 0; i < nd->n_children; i++) {
        const silt_json_node *ch = &nd->children[i];
        if (ch->mark == gen) continue;
        if (!ch->f->nullable) {
            silt_error_set(c->err, SILT_EINVAL, "missing (the field is not nullable)");
            silt_error_offset(c->err, open - c->base);
            path_push(c->err, ch->f->name, 0);
            return SILT_EINVAL;
        }
        if (silt_column_append_null(&cols[i]))
            return silt_error_set(c->err, SILT_ENOMEM, "out of memory");
    }
    return 0;
}

/* c->p at '{': the members of an object into the children of nd (columns cols). */
static int decode_fields(silt_json_ctx *c, silt_json_node *nd, silt_column *cols)
{
    uint64_t gen = ++c->d->gen;
    const char *open = c->p;
    bool empty;
    int rc = silt_json_enter(c, '}', &empty);
    if (rc) return rc;
    for (int more = !empty; more; more = rc) {
        if ((rc = decode_member(c, nd, cols, gen))) return rc;
        if ((rc = silt_json_next_item(c, '}')) < 0) return rc;
    }
    return fill_missing(c, nd, cols, gen, open);
}

static int decode_map(silt_json_ctx *c, silt_json_node *nd, silt_column *col)
{
    silt_column *kv = &col->children[0];
    silt_json_node *vn = &nd->children[0].children[1];
    bool empty;
    int rc = silt_json_enter(c, '}', &empty);
    if (rc) return rc;
    for (int more = !empty; more; more = rc) {
        silt_json_ws(c);
        if (c->p >= c->end || *c->p != '"')
            return silt_json_syntax_err(c, "expected a key in quotes");
        const char *raw, *key;
        size_t rn, kn;
        bool esc;
        if ((rc = silt_json_scan_string(c, &raw, &rn, &esc)) ||
            (rc = silt_json_string_value(c, raw, rn, esc, &key, &kn)))
            return rc;
        if ((rc = silt_json_append_rc(c, silt_column_append_bytes(&kv->children[0], key, kn))))
            return rc;
        silt_json_ws(c);
        if (c->p >= c->end || *c->p != ':')
            return silt_json_syntax_err(c, "expected ':' after a key");
        c->p++;
        if ((rc = decode_value(c, vn, &kv->children[1]))) {
            char name[SILT_ERROR_COLUMN_MAX];
            snprintf(name, sizeof name, "%.*s", (int)(rn > 60 ? 60 : rn), raw);
            path_push(c->err, name, 0);
            return rc;
        }
        if ((rc = silt_json_append_rc(c, silt_column_append_valid(kv)))) return rc;
        if ((rc = silt_json_next_item(c, '}')) < 0) return rc;
    }
    return silt_json_append_rc(c, silt_column_append_valid(col));
}

static int decode_list(silt_json_ctx *c, silt_json_node *nd, silt_column *col)
{
    silt_json_node *en = &nd->children[0];
    bool empty;
    int rc = silt_json_enter(c, ']', &empty);
    if (rc) return rc;
    for (int64_t i = 0, more = !empty; more; i++, more = rc) {
        if ((rc = decode_value(c, en, &col->children[0]))) {
            path_push(c->err, NULL, i);
            return rc;
        }
        if ((rc = silt_json_next_item(c, ']')) < 0) return rc;
    }
    return silt_json_append_rc(c, silt_column_append_valid(col));
}

/* A non-string value into a string column: its text as written. */
static int put_raw(silt_json_ctx *c, const silt_json_node *nd, silt_column *col, const char *at)
{
    (void)nd;
    int rc = silt_json_skip_value(c);
    if (rc) return rc;
    return silt_json_append_rc(c, silt_column_append_bytes(col, at, (size_t)(c->p - at)));
}

static int decode_value(silt_json_ctx *c, silt_json_node *nd, silt_column *col)
{
    silt_json_ws(c);
    if (c->p >= c->end) return silt_json_syntax_err(c, "unexpected end of text");
    const char *at = c->p;
    silt_type_id t = nd->f->type;
    switch (*at) {
    case '"': return silt_json_put_string(c, nd, col, at);
    case '{':
        if (t == SILT_TYPE_STRUCT) {
            int rc = decode_fields(c, nd, col->children);
            return rc ? rc : silt_json_append_rc(c, silt_column_append_valid(col));
        }
        if (t == SILT_TYPE_MAP) return decode_map(c, nd, col);
        if (t == SILT_TYPE_STRING) return put_raw(c, nd, col, at);
        return silt_json_type_err(c, nd, at);
    case '[':
        if (t == SILT_TYPE_LIST) return decode_list(c, nd, col);
        if (t == SILT_TYPE_STRING) return put_raw(c, nd, col, at);
        return silt_json_type_err(c, nd, at);
    case 'n':
        if (!silt_json_lit(c, "null", 4)) return silt_json_syntax_err(c, "unknown literal");
        return silt_json_put_null(c, nd, col, at);
    case 't':
    case 'f': {
        bool v = *at == 't';
        if (!(v ? silt_json_lit(c, "true", 4) : silt_json_lit(c, "false", 5)))
            return silt_json_syntax_err(c, "unknown literal");
        if (t == SILT_TYPE_BOOL) return silt_json_append_rc(c, silt_column_append_bool(col, v));
        if (t == SILT_TYPE_STRING)
            return silt_json_append_rc(c, silt_column_append_bytes(col, at, v ? 4 : 5));
        c->p = at;
        return silt_json_type_err(c, nd, at);
    }
    default:
        if (*at == '-' || (*at >= '0' && *at <= '9') || *at == 'N' || *at == 'I') {
            const char *tok;
            size_t n;
            int kind;
            int rc = silt_json_scan_number(c, &tok, &n, &kind);
            return rc ? rc : silt_json_put_number(c, nd, col, tok, n, kind, at);
        }
        return silt_json_syntax_err(c, "unexpected character");
    }
}

static void node_clear(silt_json_node *nd)
{
    for (size_t i = 0; i < nd->n_children; i++) node_clear(&nd->children[i]);
    silt_free(nd->children);
    nd->children = NULL;
    nd->n_children = 0;
}

static int node_build(silt_json_node *nd, const silt_field *f, const silt_field *kids,
                      size_t n_kids, const char *date_pattern, const char *ts_pattern,
                      silt_error *err)
{
    nd->f = f;
    nd->name_len = f ? strlen(f->name) : 0;
    nd->plain_name = f != NULL;
    for (size_t i = 0; i < nd->name_len; i++) {
        uint8_t ch = (uint8_t)f->name[i];
        if (ch < 0x20 || ch >= 0x80 || ch == '"' || ch == '\\') nd->plain_name = false;
    }
    if (f && f->type == SILT_TYPE_MAP) {
        const silt_field *kv = f->n_children == 1 ? &f->children[0] : NULL;
        if (!kv || kv->n_children != 2 ||
            (kv->children[0].type != SILT_TYPE_STRING && kv->children[0].type != SILT_TYPE_BINARY))
            return silt_error_set(err, SILT_EUNSUPPORTED,
                                  "field '%s': JSON objects decode only into maps with string keys",
                                  f->name);
    }
    if (f && (f->type == SILT_TYPE_DATE32 || f->type == SILT_TYPE_TIMESTAMP ||
              f->type == SILT_TYPE_TIMESTAMP_NS)) {
        int rc = silt_datefmt_compile(&nd->fmt,
                                      f->type == SILT_TYPE_DATE32 ? date_pattern : ts_pattern, err);
        if (rc) return rc;
    }
    if (!n_kids) return 0;
    nd->children = silt_calloc(n_kids, sizeof *nd->children);
    if (!nd->children) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    nd->n_children = n_kids;
    for (size_t i = 0; i < n_kids; i++) {
        const silt_field *k = &kids[i];
        int rc = node_build(&nd->children[i], k, k->children, k->n_children, date_pattern,
                            ts_pattern, err);
        if (rc) return rc;
    }
    return 0;
}

int silt_json_decoder_create(silt_json_decoder **out, const silt_schema *schema,
                             const silt_json_decode_opts *opts, silt_error *err)
{
    *out = NULL;
    silt_json_decoder *d = silt_calloc(1, sizeof *d);
    if (!d) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    d->schema = schema;
    if (opts) d->opts = *opts;
    if (d->opts.max_depth <= 0) d->opts.max_depth = 64;
    silt_buf_init(&d->scratch);
    int rc = node_build(&d->root, NULL, schema->fields, schema->n_fields, d->opts.date_pattern,
                        d->opts.timestamp_pattern, err);
    for (size_t i = 0; !rc && i < d->opts.n_formats; i++) {
        const silt_json_field_format *ff = &d->opts.formats[i];
        long idx = silt_schema_find(schema, ff->field);
        if (idx < 0) {
            rc = silt_error_set(err, SILT_EINVAL, "format for '%s': no such field", ff->field);
            break;
        }
        silt_json_node *nd = &d->root.children[idx];
        silt_type_id t = nd->f->type;
        if (t != SILT_TYPE_DATE32 && t != SILT_TYPE_TIMESTAMP && t != SILT_TYPE_TIMESTAMP_NS) {
            rc = silt_error_set(err, SILT_EINVAL,
                                "format for '%s': the field is %s, not a date or timestamp",
                                ff->field, silt_type_name(t));
            break;
        }
        rc = silt_datefmt_compile(&nd->fmt, ff->pattern, err);
    }
    if (rc) {
        silt_json_decoder_destroy(d);
        return rc;
    }
    *out = d;
    return 0;
}

void silt_json_decoder_destroy(silt_json_decoder *d)
{
    if (!d) return;
    node_clear(&d->root);
    silt_buf_free(&d->scratch);
    silt_free(d);
}

int silt_json_decode_row(silt_json_decoder *d, silt_batch *b, const char *text, size_t len,
                         silt_error *err)
{
    silt_error local;
    if (!err) err = &local;
    silt_error_clear(err);
    silt_json_ctx c = {.p = text, .end = text + len, .base = text, .d = d, .err = err};
    int64_t rows = b->n_rows;
    silt_json_ws(&c);
    int rc;
    if (c.p >= c.end)
        rc = silt_json_syntax_err(&c, "empty row");
    else if (*c.p != '{')
        rc = silt_json_syntax_err(&c, "a row must be a JSON object ('{')");
    else
        rc = decode_fields(&c, &d->root, b->cols);
    if (!rc) {
        silt_json_ws(&c);
        if (c.p != c.end) rc = silt_json_syntax_err(&c, "text after the end of the object");
    }
    if (rc) {
        for (size_t i = 0; i < b->n_cols; i++) silt_column_truncate(&b->cols[i], rows);
        if (err->column[0]) {
            char msg[SILT_ERROR_MSG_MAX + SILT_ERROR_COLUMN_MAX + 16];
            snprintf(msg, sizeof msg, "field '%s': %s", err->column, err->msg);
            copy_trunc(err->msg, sizeof err->msg, msg);
        }
        return rc;
    }
    b->n_rows = rows + 1;
    return 0;
}
