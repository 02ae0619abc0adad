/* from_json(str, 'DDL schema'): JSON text to a struct through the schema-directed decoder
 * (json/decode.h). As Spark 3.5 in PERMISSIVE mode, a row that does not decode is a struct
 * whose fields are all NULL (Spark keeps the fields it could convert; silt's decoder rejects
 * the row whole), and the decoder's reason is kept per row for the caller (fn_json.h). */
#include "json/decode.h"
#include "sql/fn_json.h"
#include "util/alloc.h"
#include "util/buf.h"

typedef struct json_site {
    silt_schema *schema; /* owned, every field nullable */
    silt_json_decoder *dec;
    silt_batch *tmp;    /* the rows of a run of non-NULL inputs */
    int64_t *reason_at; /* per row of the last eval: offset in reasons, -1 none */
    int64_t reason_cap;
    int64_t n_rows;
    silt_buf reasons; /* NUL-terminated messages */
} json_site;

static void json_free(void *state)
{
    json_site *s = state;
    if (!s) return;
    silt_batch_destroy(s->tmp);
    silt_json_decoder_destroy(s->dec);
    silt_schema_destroy(s->schema);
    silt_free(s->reason_at);
    silt_buf_free(&s->reasons);
    silt_free(s);
}

const char *fn_json_reason(const void *state, int64_t row)
{
    const json_site *s = state;
    if (!s || row < 0 || row >= s->n_rows || s->reason_at[row] < 0) return NULL;
    return (const char *)s->reasons.ptr + s->reason_at[row];
}

static void make_nullable(silt_field *f)
{
    f->nullable = true;
    for (size_t i = 0; i < f->n_children; i++) make_nullable(&f->children[i]);
}

static int from_json_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    if (b->arg_types[0]->type != SILT_TYPE_STRING)
        return fn_bad_args(err, "from_json", b, "expected a string of JSON");
    const silt_column *k = b->const_args[1];
    if (!k || b->arg_types[1]->type != SILT_TYPE_STRING || !silt_column_is_valid(k, 0))
        return fn_bad_args(err, "from_json", b,
                           "the schema must be a constant string such as 'a INT, b STRING'");
    json_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    b->state = s;
    size_t len;
    const uint8_t *p = silt_column_bytes(k, 0, &len);
    char *text = silt_strndup(len ? (const char *)p : "", len);
    if (!text) return FN_OOM(err);
    int rc = silt_sql_ddl_parse(&s->schema, text, err);
    silt_free(text);
    if (rc) {
        silt_error_prefix(err, "from_json schema");
        return rc;
    }
    for (size_t i = 0; i < s->schema->n_fields; i++) make_nullable(&s->schema->fields[i]);
    if ((rc = silt_json_decoder_create(&s->dec, s->schema, NULL, err))) return rc;
    if (!(s->tmp = silt_batch_create(s->schema))) return FN_OOM(err);
    if (silt_field_init_nested(&b->ret, "", SILT_TYPE_STRUCT, true, s->schema->n_fields))
        return FN_OOM(err);
    for (size_t i = 0; i < s->schema->n_fields; i++)
        if (silt_field_copy(&b->ret.children[i], &s->schema->fields[i])) return FN_OOM(err);
    return 0;
}

static int from_json_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, from_json_bind_impl(b, err), json_free);
}

/* Moves the pending rows of tmp into out as valid structs: tmp's columns become out's fields
 * when out has no row yet (a batch without NULL texts: no copy), else they are appended. */
static int flush(json_site *s, silt_column *out)
{
    int64_t n = s->tmp->n_rows;
    bool move = out->length == 0;
    for (size_t k = 0; k < s->schema->n_fields; k++) {
        if (move) {
            silt_column empty = out->children[k];
            out->children[k] = s->tmp->cols[k];
            s->tmp->cols[k] = empty;
        } else if (silt_column_append_range(&out->children[k], &s->tmp->cols[k], 0, n)) {
            return SILT_ENOMEM;
        }
    }
    if (n && silt_column_reserve(out, n, 0)) return SILT_ENOMEM;
    for (int64_t i = 0; out->validity && i < n; i++)
        silt_bit_set(out->validity, out->length + i, true);
    out->length += n;
    silt_batch_reset(s->tmp);
    s->tmp->n_rows = 0;
    return 0;
}

/* Decodes one text into tmp; a row that fails becomes NULL fields and its reason is kept. */
static int decode_one(json_site *s, const uint8_t *p, size_t len, int64_t r)
{
    silt_error e = {0};
    int rc = silt_json_decode_row(s->dec, s->tmp, len ? (const char *)p : "", len, &e);
    if (rc == SILT_ENOMEM) return rc;
    if (rc == 0) return 0;
    for (size_t k = 0; k < s->schema->n_fields; k++)
        if (silt_column_append_null(&s->tmp->cols[k])) return SILT_ENOMEM;
    s->tmp->n_rows++;
    char msg[SILT_ERROR_MSG_MAX + 64];
    silt_error_format(&e, msg, sizeof msg);
    s->reason_at[r] = (int64_t)s->reasons.len;
    silt_buf_append(&s->reasons, msg, strlen(msg) + 1);
    return silt_buf_oom(&s->reasons) ? SILT_ENOMEM : 0;
}

static int from_json_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                          silt_error *err)
{
    json_site *s = state;
    if (n > s->reason_cap) {
        int64_t *ra = silt_realloc(s->reason_at, (size_t)n * sizeof *ra);
        if (!ra) return FN_OOM(err);
        s->reason_at = ra;
        s->reason_cap = n;
    }
    s->n_rows = n;
    silt_buf_reset(&s->reasons);
    silt_batch_reset(s->tmp);
    s->tmp->n_rows = 0;
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        s->reason_at[r] = -1;
        if (!fn_valid(a, 0, r)) {
            rc = flush(s, out);
            if (!rc) rc = silt_column_append_null(out);
            continue;
        }
        size_t len;
        const uint8_t *p = fn_str(a, 0, r, &len);
        rc = decode_one(s, p, len, r);
    }
    if (!rc) rc = flush(s, out);
    return rc ? FN_OOM(err) : 0;
}

extern int fn_to_json_bind(silt_sql_fn_bind *b, silt_error *err);
extern int fn_to_json_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                           silt_error *err);
extern int fn_json_path_bind(silt_sql_fn_bind *b, silt_error *err);
extern int fn_json_path_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                             silt_error *err);

const silt_sql_scalar_fn silt_sql_fn_json[] = {
    {"from_json", 2, 2, from_json_bind, from_json_eval, json_free,
     "from_json(str, schema) - JSON text as a struct of the DDL schema ('a INT, b STRING'); "
     "text that does not fit gives a struct of NULLs. from_json('{\"a\":1, \"b\":0.8}', "
     "'a INT, b DOUBLE') -> {a: 1, b: 0.8}"},
    {"get_json_object", 2, 2, fn_json_path_bind, fn_json_path_eval, silt_free,
     "get_json_object(json, path) - the value at path ($.a.b[0]) as text (strings unquoted); "
     "NULL if absent or not JSON. get_json_object('{\"a\":\"b\"}', '$.a') -> 'b'"},
    {"to_json", 1, 1, fn_to_json_bind, fn_to_json_eval, NULL,
     "to_json(value) - a struct, map or array as JSON text (NULL struct fields left out). "
     "to_json(named_struct('a', 1, 'b', 2)) -> '{\"a\":1,\"b\":2}'"},
    {0},
};
