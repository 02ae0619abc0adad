/* JSON writing into a silt_buf: string escaping, integers, doubles printed like Python's repr,
 * and flat objects of typed values (what `silt produce` sends, byte-compatible with json.dumps). */
#ifndef SILT_JSON_WRITE_H
#define SILT_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Formatting flags. */
enum {
    SILT_JSON_ASCII = 1u << 0, /* escape every non-ASCII character as \uXXXX (json.dumps default) */
    SILT_JSON_SPACED = 1u << 1, /* ", " and ": " separators (json.dumps default); else "," ":" */
};

/* SILT_JSON_PY = output identical to Python's json.dumps(obj) with default arguments. */
#define SILT_JSON_PY (SILT_JSON_ASCII | SILT_JSON_SPACED)

typedef enum {
    SILT_JSON_NULL = 0,
    SILT_JSON_BOOL,
    SILT_JSON_INT,
    SILT_JSON_DOUBLE,
    SILT_JSON_STRING,
} silt_json_type;

/* One typed value; a string is borrowed (ptr, len), need not be NUL-terminated. */
typedef struct silt_json_value {
    silt_json_type type;
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            const char *ptr;
            size_t len;
        } s;
    } u;
} silt_json_value;

/* Longest text silt_json_format_double writes, including the NUL. */
#define SILT_JSON_DOUBLE_MAX 32

/* Writes v into out (at least SILT_JSON_DOUBLE_MAX bytes) exactly as Python's repr(float) does:
 * the shortest digits that round-trip, "17490.0" for integral values, "1e-05" / "1e+16" outside
 * [1e-4, 1e16). Non-finite values are written as "null" (JSON has no NaN). Returns the length. */
size_t silt_json_format_double(char *out, double v);

/* Each appends to out and returns 0, or SILT_ENOMEM when the buffer could not grow (the buffer's
 * sticky oom flag is then set too). */

/* Length of the longest prefix of s[0..n) that is valid UTF-8 (n when all of it is): where
 * silt_json_write_string would start writing U+FFFD. */
size_t silt_json_utf8_valid_prefix(const char *s, size_t n);

/* A JSON string literal with quotes. Control characters, '"' and '\\' are escaped as json.dumps
 * does (\n, \t, \u001f...). Invalid UTF-8 bytes are written as U+FFFD, so the output is always
 * valid JSON. With SILT_JSON_ASCII, code points >= 0x80 become \uXXXX (surrogate pairs above
 * U+FFFF). */
int silt_json_write_string(silt_buf *out, const char *s, size_t n, unsigned flags);
int silt_json_write_int(silt_buf *out, int64_t v);
int silt_json_write_double(silt_buf *out, double v);
int silt_json_write_value(silt_buf *out, const silt_json_value *v, unsigned flags);

/* {"k0": v0, "k1": v1, ...} with the keys (NUL-terminated, borrowed) in the order given. */
int silt_json_write_object(silt_buf *out, const char *const *keys, const silt_json_value *vals,
                           size_t n, unsigned flags);

#endif
