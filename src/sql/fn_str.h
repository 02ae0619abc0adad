/* Private to the string families (fn_string.c, fn_concat.c): UTF-8 stepping as Spark counts
 * characters, and the row-at-a-time kernel shape their evals share. */
#ifndef SILT_SQL_FN_STR_H
#define SILT_SQL_FN_STR_H

#include "sql/fn_util.h"
#include "util/buf.h"

/* Bytes of the character starting with byte c (Spark's numBytesForFirstByte: 1 for a byte
 * that cannot start a sequence). */
static inline size_t fn_utf8_width(uint8_t c)
{
    if (c < 0xC0) return 1;
    if (c < 0xE0) return 2;
    if (c < 0xF0) return 3;
    if (c < 0xF8) return 4;
    return 1;
}
/* Characters in p[0..len). */
int64_t fn_utf8_count(const uint8_t *p, size_t len);
/* Byte offset after the first n characters of p[0..len) (len when there are fewer). */
size_t fn_utf8_skip(const uint8_t *p, size_t len, int64_t n);
/* Decodes the character at p (at most len bytes): its code point, or -1 for an invalid
 * sequence; *w = bytes consumed (at least 1). */
int32_t fn_utf8_decode(const uint8_t *p, size_t len, size_t *w);
/* Appends code point cp as UTF-8. */
void fn_utf8_put(silt_buf *o, int32_t cp);

/* A string kernel for one row whose arguments are all non-NULL: writes a string result to o, or
 * an integer/boolean result to *iv. Returns 0, 1 for a NULL result, or a negative SILT_E*. */
typedef int (*fn_str_kernel)(const silt_sql_fn_args *a, int64_t r, silt_buf *o, int64_t *iv);

/* Binds a function whose argument i must be of kind sig[i]: 'S' a string (other scalars are
 * cast to string), 'I' an integer (cast to bigint), 'A' a string or an array of strings.
 * Sets the result type and b->state to kernel. */
int fn_str_bind(silt_sql_fn_bind *b, const char *name, const char *sig, silt_type_id ret,
                fn_str_kernel kernel, silt_error *err);
/* The eval of every function fn_str_bind bound: NULL in -> NULL out, else the kernel. */
int fn_str_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                silt_error *err);

/* Defines `static int <kernel>_bind` binding name with sig, result type ret and kernel. */
#define FN_STR_BIND(kernel, name, sig, ret)                                                        \
    static int kernel##_bind(silt_sql_fn_bind *b, silt_error *err)                                 \
    {                                                                                              \
        return fn_str_bind(b, name, sig, ret, kernel, err);                                        \
    }

#endif
