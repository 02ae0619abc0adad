/* RFC 4180 CSV reading, pandas-compatible type inference, and rows to JSON objects. */
#include "feed/csv.h"

#include "json/write.h"
#include "util/alloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_span {
    size_t off; /* into scratch */
    size_t len;
} csv_span;

struct silt_csv_reader {
    const uint8_t *data;
    size_t len;
    size_t start; /* first byte after the header row */
    int64_t start_line;
    size_t pos;
    int64_t line;     /* line of pos */
    int64_t rec_line; /* line where the current record starts */
    char *name;
    silt_buf scratch; /* current record's fields, each NUL-terminated */
    csv_span *fields;
    size_t nfields, cap_fields;
    char **columns;
    size_t ncols;
    silt_csv_utf8_policy utf8;
};

const char *silt_csv_type_name(silt_csv_type t)
{
    switch (t) {
    case SILT_CSV_EMPTY: return "empty";
    case SILT_CSV_INT: return "int";
    case SILT_CSV_FLOAT: return "float";
    case SILT_CSV_BOOL: return "bool";
    case SILT_CSV_STRING: return "string";
    }
    return "?";
}

static int push_field(silt_csv_reader *r, size_t off, silt_error *err)
{
    if (r->nfields == r->cap_fields) {
        size_t nc = r->cap_fields ? r->cap_fields * 2 : 16;
        csv_span *nf = silt_realloc(r->fields, nc * sizeof *nf);
        if (!nf) return silt_error_set(err, SILT_ENOMEM, "out of memory reading CSV");
        r->fields = nf;
        r->cap_fields = nc;
    }
    r->fields[r->nfields].off = off;
    r->fields[r->nfields].len = r->scratch.len - off;
    r->nfields++;
    if (silt_buf_putc(&r->scratch, 0))
        return silt_error_set(err, SILT_ENOMEM, "out of memory reading CSV");
    return 0;
}

/* Parses one record at r->pos into fields; 1 = record, 0 = end of input. */
static int parse_record(silt_csv_reader *r, silt_error *err)
{
    const uint8_t *d = r->data;
    size_t n = r->len, p = r->pos;
    /* skip blank lines */
    while (p < n && (d[p] == '\n' || d[p] == '\r')) {
        if (d[p] == '\n' || (d[p] == '\r' && (p + 1 >= n || d[p + 1] != '\n'))) r->line++;
        p++;
    }
    if (p >= n) {
        r->pos = p;
        return 0;
    }
    r->rec_line = r->line;
    silt_buf_reset(&r->scratch);
    r->nfields = 0;
    for (;;) {
        size_t off = r->scratch.len;
        if (p < n && d[p] == '"') {
            size_t qline = r->line;
            p++;
            for (;;) {
                const uint8_t *q = p < n ? memchr(d + p, '"', n - p) : NULL;
                if (!q) {
                    silt_error_set(err, SILT_ECORRUPT,
                                   "unterminated quoted field starting on line %lld; close it "
                                   "with '\"' (a '\"' inside a field is written '\"\"')",
                                   (long long)qline);
                    silt_error_path(err, r->name);
                    silt_error_position(err, (int64_t)qline, -1);
                    return SILT_ECORRUPT;
                }
                size_t k = (size_t)(q - (d + p));
                for (size_t j = 0; j < k; j++)
                    if (d[p + j] == '\n') r->line++;
                silt_buf_append(&r->scratch, d + p, k);
                p += k + 1;
                if (p < n && d[p] == '"') {
                    silt_buf_putc(&r->scratch, '"');
                    p++;
                    continue;
                }
                break;
            }
            /* Text after the closing quote (not RFC 4180) is kept, as pandas does. */
            size_t s = p;
            while (p < n && d[p] != ',' && d[p] != '\n' && d[p] != '\r') p++;
            silt_buf_append(&r->scratch, d + s, p - s);
        } else {
            size_t s = p;
            while (p < n && d[p] != ',' && d[p] != '\n' && d[p] != '\r') p++;
            silt_buf_append(&r->scratch, d + s, p - s);
        }
        if (push_field(r, off, err)) return err ? err->code : SILT_ENOMEM;
        if (p < n && d[p] == ',') {
            p++;
            continue;
        }
        break;
    }
    if (p < n && d[p] == '\r') p++;
    if (p < n && d[p] == '\n') p++;
    r->line++;
    r->pos = p;
    if (silt_buf_oom(&r->scratch)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    return 1;
}

int silt_csv_reader_create(silt_csv_reader **out, const void *data, size_t len, const char *name,
                           silt_error *err)
{
    *out = NULL;
    silt_csv_reader *r = silt_calloc(1, sizeof *r);
    if (!r) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    r->data = data;
    r->len = len;
    r->line = 1;
    r->name = silt_strdup(name ? name : "<csv>");
    if (!r->name) {
        silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) r->pos = 3;
    int rc = parse_record(r, err);
    if (rc < 0) goto fail;
    if (rc == 0) {
        silt_error_set(err, SILT_ECORRUPT, "CSV input is empty: expected a header row");
        silt_error_path(err, r->name);
        goto fail;
    }
    r->columns = silt_calloc(r->nfields, sizeof *r->columns);
    if (!r->columns) {
        silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    r->ncols = r->nfields;
    for (size_t i = 0; i < r->ncols; i++) {
        r->columns[i] = silt_strdup((char *)r->scratch.ptr + r->fields[i].off);
        if (!r->columns[i]) {
            silt_error_set(err, SILT_ENOMEM, "out of memory");
            goto fail;
        }
    }
    r->start = r->pos;
    r->start_line = r->line;
    r->nfields = 0;
    *out = r;
    return 0;
fail:
    silt_csv_reader_destroy(r);
    return err && err->code ? err->code : SILT_ENOMEM;
}

void silt_csv_reader_destroy(silt_csv_reader *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->ncols; i++) silt_free(r->columns[i]);
    silt_free(r->columns);
    silt_free(r->fields);
    silt_buf_free(&r->scratch);
    silt_free(r->name);
    silt_free(r);
}

size_t silt_csv_reader_ncols(const silt_csv_reader *r)
{
    return r->ncols;
}

const char *silt_csv_reader_column(const silt_csv_reader *r, size_t i)
{
    return i < r->ncols ? r->columns[i] : NULL;
}

int silt_csv_reader_next(silt_csv_reader *r, silt_error *err)
{
    int rc = parse_record(r, err);
    if (rc <= 0) return rc;
    if (r->nfields > r->ncols) {
        silt_error_set(err, SILT_ECORRUPT,
                       "line %lld has %zu fields but the header has %zu; quote fields that "
                       "contain ','",
                       (long long)r->rec_line, r->nfields, r->ncols);
        silt_error_path(err, r->name);
        silt_error_position(err, r->rec_line, -1);
        return SILT_ECORRUPT;
    }
    return 1;
}

bool silt_csv_reader_field(const silt_csv_reader *r, size_t i, const char **out, size_t *out_len)
{
    if (i >= r->nfields) return false;
    *out = (const char *)r->scratch.ptr + r->fields[i].off;
    *out_len = r->fields[i].len;
    return true;
}

int64_t silt_csv_reader_line(const silt_csv_reader *r)
{
    return r->rec_line;
}

void silt_csv_reader_rewind(silt_csv_reader *r)
{
    r->pos = r->start;
    r->nfields = 0;
    r->line = r->start_line;
}

bool silt_csv_is_na(const char *s, size_t n)
{
    static const char *const na[] = {"#N/A", "#N/A N/A", "#NA",     "-1.#IND", "-1.#QNAN", "-NaN",
                                     "-nan", "1.#IND",   "1.#QNAN", "<NA>",    "N/A",      "NA",
                                     "NULL", "NaN",      "None",    "n/a",     "nan",      "null"};
    if (n == 0) return true;
    if (n > 8) return false;
    for (size_t i = 0; i < sizeof na / sizeof na[0]; i++)
        if (strlen(na[i]) == n && memcmp(na[i], s, n) == 0) return true;
    return false;
}

static bool parse_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == n) return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        unsigned dgt = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - dgt) / 10) return false;
        v = v * 10 + dgt;
    }
    if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX) return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* Decimal number: [+-] (digits [. digits] | . digits) [(e|E) [+-] digits]; s is NUL-terminated. */
static bool parse_float(const char *s, size_t n, double *out)
{
    size_t i = 0, nd = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, nd++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++, nd++;
    }
    if (nd == 0) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t ne = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++, ne++;
        if (ne == 0) return false;
    }
    if (i != n) return false;
    double v = strtod(s, NULL);
    if (!isfinite(v)) return false;
    *out = v;
    return true;
}

static int parse_bool(const char *s, size_t n)
{
    if ((n == 4 && (!memcmp(s, "True", 4) || !memcmp(s, "TRUE", 4) || !memcmp(s, "true", 4))))
        return 1;
    if ((n == 5 && (!memcmp(s, "False", 5) || !memcmp(s, "FALSE", 5) || !memcmp(s, "false", 5))))
        return 0;
    return -1;
}

typedef struct col_state {
    bool any, nulls, all_int, all_float, all_bool;
} col_state;

int silt_csv_infer_types(silt_csv_type *out, int64_t *out_rows, silt_csv_reader *r, silt_error *err)
{
    int rc = 0;
    int64_t rows = 0;
    col_state *st = silt_calloc(r->ncols ? r->ncols : 1, sizeof *st);
    if (!st) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t c = 0; c < r->ncols; c++) st[c].all_int = st[c].all_float = st[c].all_bool = true;
    silt_csv_reader_rewind(r);
    while ((rc = silt_csv_reader_next(r, err)) == 1) {
        rows++;
        for (size_t c = 0; c < r->ncols; c++) {
            const char *s;
            size_t n;
            if (!silt_csv_reader_field(r, c, &s, &n) || silt_csv_is_na(s, n)) {
                st[c].nulls = true;
                continue;
            }
            st[c].any = true;
            int64_t iv;
            double dv;
            if (st[c].all_int && !parse_int(s, n, &iv)) st[c].all_int = false;
            if (st[c].all_float && !st[c].all_int && !parse_float(s, n, &dv))
                st[c].all_float = false;
            if (st[c].all_bool && parse_bool(s, n) < 0) st[c].all_bool = false;
        }
    }
    if (rc < 0) goto done;
    for (size_t c = 0; c < r->ncols; c++) {
        if (!st[c].any)
            out[c] = SILT_CSV_EMPTY;
        else if (st[c].all_bool)
            out[c] = SILT_CSV_BOOL;
        else if (st[c].all_int && !st[c].nulls)
            out[c] = SILT_CSV_INT;
        else if (st[c].all_int || st[c].all_float)
            out[c] = SILT_CSV_FLOAT;
        else
            out[c] = SILT_CSV_STRING;
    }
    if (out_rows) *out_rows = rows;
    rc = 0;
done:
    silt_csv_reader_rewind(r);
    silt_free(st);
    return rc;
}

void silt_csv_reader_set_invalid_utf8(silt_csv_reader *r, silt_csv_utf8_policy policy)
{
    r->utf8 = policy;
}

/* A column name as an error message shows it: its valid UTF-8 prefix, at most 40 bytes, with
 * "..." when that is not the whole name (the name itself may be what is not UTF-8, or long
 * enough to push the rest of the message out of the error's buffer). */
static void shown_name(char out[48], const char *name)
{
    size_t n = strlen(name), k = silt_json_utf8_valid_prefix(name, n < 40 ? n : 40);
    snprintf(out, 48, "%.*s%s", (int)k, name, k < n ? "..." : "");
}

/* SILT_ECORRUPT when text s[0..n) of column c (on line `line`) is not valid UTF-8. */
static int check_utf8(const silt_csv_reader *r, size_t c, int64_t line, const char *s, size_t n,
                      silt_error *err)
{
    size_t ok = silt_json_utf8_valid_prefix(s, n);
    if (ok == n) return 0;
    char name[48];
    shown_name(name, r->columns[c]);
    silt_error_set(err, SILT_ECORRUPT,
                   "line %lld, column %zu (%s): invalid UTF-8 (byte 0x%02x at byte %zu of the "
                   "%s); convert the file to UTF-8 (e.g. iconv -f LATIN1 -t UTF-8) or pass "
                   "--invalid-utf8 replace to turn such bytes into U+FFFD",
                   (long long)line, c + 1, name, (unsigned)(uint8_t)s[ok], ok + 1,
                   s == r->columns[c] ? "column name" : "value");
    silt_error_path(err, r->name);
    silt_error_column(err, r->columns[c]);
    silt_error_position(err, line, -1);
    return SILT_ECORRUPT;
}

int silt_csv_record_to_json(silt_buf *out, const silt_csv_reader *r, const silt_csv_type *types,
                            unsigned flags, silt_error *err)
{
    const char *sep = (flags & SILT_JSON_SPACED) ? ", " : ",";
    const char *colon = (flags & SILT_JSON_SPACED) ? ": " : ":";
    silt_buf_putc(out, '{');
    for (size_t c = 0; c < r->ncols; c++) {
        if (c) silt_buf_puts(out, sep);
        size_t cl = strlen(r->columns[c]);
        if (r->utf8 == SILT_CSV_UTF8_FAIL && check_utf8(r, c, 1, r->columns[c], cl, err))
            return SILT_ECORRUPT;
        silt_json_write_string(out, r->columns[c], cl, flags);
        silt_buf_puts(out, colon);
        const char *s;
        size_t n;
        silt_json_value v = {.type = SILT_JSON_NULL};
        if (silt_csv_reader_field(r, c, &s, &n) && !silt_csv_is_na(s, n)) {
            bool ok = true;
            switch (types[c]) {
            case SILT_CSV_EMPTY: ok = false; break;
            case SILT_CSV_INT:
                v.type = SILT_JSON_INT;
                ok = parse_int(s, n, &v.u.i);
                break;
            case SILT_CSV_FLOAT:
                v.type = SILT_JSON_DOUBLE;
                ok = parse_float(s, n, &v.u.d);
                break;
            case SILT_CSV_BOOL:
                v.type = SILT_JSON_BOOL;
                v.u.b = parse_bool(s, n) == 1;
                ok = parse_bool(s, n) >= 0;
                break;
            case SILT_CSV_STRING:
                v.type = SILT_JSON_STRING;
                v.u.s.ptr = s;
                v.u.s.len = n;
                if (r->utf8 == SILT_CSV_UTF8_FAIL && check_utf8(r, c, r->rec_line, s, n, err))
                    return SILT_ECORRUPT;
                break;
            }
            if (!ok) {
                silt_error_set(err, SILT_ECORRUPT,
                               "line %lld: value '%.*s' is not of its column's type %s",
                               (long long)r->rec_line, (int)(n > 64 ? 64 : n), s,
                               silt_csv_type_name(types[c]));
                silt_error_path(err, r->name);
                silt_error_column(err, r->columns[c]);
                silt_error_position(err, r->rec_line, -1);
                return SILT_ECORRUPT;
            }
        }
        silt_json_write_value(out, &v, flags);
    }
    if (silt_buf_putc(out, '}')) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    return 0;
}
