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

#endif
