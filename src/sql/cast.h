/* Value conversions shared by CAST and the binder's literal parsing: Spark's text forms of
 * numbers, decimals, dates and timestamps, and the parsers for them (false: not a value). */
#ifndef SILT_SQL_CAST_H
#define SILT_SQL_CAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int sql_fmt_double(char *buf, size_t cap, double v, bool is_float);
int sql_fmt_decimal(char *buf, size_t cap, __int128 v, int scale);
int sql_fmt_timestamp(char *buf, size_t cap, int64_t us);
int sql_fmt_date(char *buf, size_t cap, int64_t days);
bool sql_parse_decimal(__int128 *out, const char *s, size_t n, int prec, int scale);
bool sql_parse_int(int64_t *out, const char *s, size_t n);
bool sql_parse_double(double *out, const char *s, size_t n);
bool sql_parse_bool(bool *out, const char *s, size_t n);
bool sql_parse_date(int32_t *out, const char *s, size_t n);
bool sql_parse_timestamp(int64_t *out, const char *s, size_t n);

/* Decimal scaling (expr_arith.c). 10^n for n in 0..38, the decimal range (n past it is clamped:
 * use sql_pow10_mul where it can be larger). */
__int128 sql_pow10(int n);
/* *out = x * 10^k; false when that does not fit in 128 bits (or k < 0). */
bool sql_pow10_mul(__int128 x, int k, __int128 *out);
/* v / 10^k rounded half away from zero (Spark's HALF_UP); 0 past 38 digits. */
__int128 sql_dec_rescale_down(__int128 v, int k);

#endif
