/* Internal to the JSON decoder (json/decode*.c): the decoder's state, the cursor over one row's
 * text, and the functions its files share. Not for use outside src/json. */
#ifndef SILT_JSON_DECODE_INT_H
#define SILT_JSON_DECODE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json/decode.h"
#include "util/buf.h"
#include "util/datefmt.h"

/* A schema field prepared for decoding: the tree of nodes mirrors the schema's fields. */
typedef struct silt_json_node {
    const silt_field *f;
    size_t name_len;
    bool plain_name; /* the name is ASCII with nothing JSON would escape */
    size_t n_children;
    struct silt_json_node *children;
    size_t hint;   /* the child expected next */
    uint64_t mark; /* generation of the object in which this child was last set */
    silt_datefmt fmt;
} silt_json_node;

struct silt_json_decoder {
    const silt_schema *schema;
    silt_json_decode_opts opts;
    silt_json_node root;
    uint64_t gen;
    silt_buf scratch; /* unescaped strings, long number tokens */
};

/* The cursor over one row: p moves from base to end; errors go to err. */
typedef struct silt_json_ctx {
    const char *p, *end, *base;
    silt_json_decoder *d;
    silt_error *err;
    int depth;
} silt_json_ctx;

/* Kinds of number token. */
enum { NUM_INT, NUM_FLOAT, NUM_NAN, NUM_POS_INF, NUM_NEG_INF };

/* Skips white space. */
static inline void silt_json_ws(silt_json_ctx *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
        c->p++;
}

/* Consumes the literal w[0..n) if the text continues with it. */
static inline bool silt_json_lit(silt_json_ctx *c, const char *w, size_t n)
{
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return false;
    c->p += n;
    return true;
}

/* ---- errors (decode_err.c): each sets c->err with the byte offset and returns the code ---- */

/* SILT_ECORRUPT "invalid JSON: <what>" at c->p. */
int silt_json_syntax_err(silt_json_ctx *c, const char *what);
/* The field's type as messages name it: "decimal(10,2)", "timestamp_ntz", "uint8", ... */
const char *silt_json_type_label(const silt_field *f, char *buf, size_t n);
/* SILT_EINVAL "expected <type>, got <the value at `at`>". */
int silt_json_type_err(silt_json_ctx *c, const silt_json_node *nd, const char *at);
/* `code` with the message fmt % arg, at `at`. */
int silt_json_value_err(silt_json_ctx *c, int code, const char *at, const char *fmt,
                        const char *arg);
/* A failed column append's code rc, with the error set (SILT_ENOMEM "out of memory"). */
int silt_json_append_err(silt_json_ctx *c, int rc);
/* A column append's result: 0, or the error set (inline: it is on every value's path). */
static inline int silt_json_append_rc(silt_json_ctx *c, int rc)
{
    return rc ? silt_json_append_err(c, rc) : 0;
}
/* A null (JSON null, NaN, a missing key) into col; an error for a non-nullable field. */
int silt_json_put_null(silt_json_ctx *c, const silt_json_node *nd, silt_column *col,
                       const char *at);

/* ---- scanning (decode_scan.c): tokens and nesting, without touching columns ---- */

/* c->p at '"': finds the closing quote, checking escapes and UTF-8 on the way. *s and *n =
 * the raw content; *esc = it holds escapes. */
int silt_json_scan_string(silt_json_ctx *c, const char **s, size_t *n, bool *esc);
/* The content from scan_string as UTF-8: in the text itself, or unescaped into the scratch
 * buffer (valid until the next use of scratch). */
int silt_json_string_value(silt_json_ctx *c, const char *s, size_t n, bool esc, const char **out,
                           size_t *out_n);
/* c->p at '-', a digit, 'N' or 'I': scans a number (JSON grammar, plus NaN and +-Infinity). */
int silt_json_scan_number(silt_json_ctx *c, const char **tok, size_t *n, int *kind);
/* c->p at an opening bracket: checks the nesting limit and steps in; *empty = the closing
 * bracket follows at once (consumed). */
int silt_json_enter(silt_json_ctx *c, char close, bool *empty);
/* After a member or an element: 1 when a comma follows, 0 at the closing bracket (consumed),
 * or the error. */
int silt_json_next_item(silt_json_ctx *c, char close);
/* Checks and skips one value of any kind. */
int silt_json_skip_value(silt_json_ctx *c);

/* ---- values into columns (decode_value.c) ---- */

/* The number token t[0..n) of `kind`, which starts at `at`, into nd's column col. */
int silt_json_put_number(silt_json_ctx *c, const silt_json_node *nd, silt_column *col,
                         const char *t, size_t n, int kind, const char *at);
/* c->p at '"' (== at): the string into nd's column col (string, binary, date, ...). */
int silt_json_put_string(silt_json_ctx *c, const silt_json_node *nd, silt_column *col,
                         const char *at);

#endif
