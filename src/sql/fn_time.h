/* Private to the date and time families (fn_date*.c, fn_window.c): day and microsecond
 * arithmetic with floor semantics, civil fields, and Spark's lenient casts of text to dates
 * and timestamps. Every timestamp is read in UTC (silt's session time zone). */
#ifndef SILT_SQL_FN_TIME_H
#define SILT_SQL_FN_TIME_H

#include "sql/fn_util.h"
#include "util/time.h"

#define FN_US_PER_DAY 86400000000LL

static inline int64_t fn_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
static inline int64_t fn_floor_mod(int64_t a, int64_t b)
{
    return a - fn_floor_div(a, b) * b;
}

/* The fields of a day or an instant. */
typedef struct fn_civil {
    int64_t y;
    unsigned m, d;
    int hh, mi, ss;
    int64_t us;  /* microseconds within the second */
    int64_t day; /* days since epoch */
} fn_civil;

void fn_civil_from_us(fn_civil *out, int64_t us);
void fn_civil_from_days(fn_civil *out, int64_t days);

/* Spark's cast of text to a date: trims spaces; yyyy, yyyy-[m]m, yyyy-[m]m-[d]d, optionally
 * followed by ' ' or 'T' and anything. Returns false when it is not a date. */
bool fn_text_to_days(const uint8_t *s, size_t n, int64_t *days);
/* Spark's cast of text to a timestamp: a date as above, then optionally [h]h:[m]m[:[s]s[.f]]
 * and a zone (Z, UTC, +h[h][:mm], +hhmm). Returns false when it is not a timestamp. */
bool fn_text_to_us(const uint8_t *s, size_t n, int64_t *us);

/* Microseconds of row r of a DATE32 or TIMESTAMP* argument. */
static inline int64_t fn_arg_us(const silt_column *c, int64_t r)
{
    int64_t v = fn_get_i64(c, r);
    int64_t us;
    if (c->type == SILT_TYPE_DATE32) /* a day past the microsecond range saturates */
        return __builtin_mul_overflow(v, FN_US_PER_DAY, &us) ? (v < 0 ? INT64_MIN : INT64_MAX) : us;
    if (c->type == SILT_TYPE_TIMESTAMP_NS) return fn_floor_div(v, 1000);
    return v;
}
/* Days of row r of a DATE32 or TIMESTAMP* argument. */
static inline int64_t fn_arg_days(const silt_column *c, int64_t r)
{
    if (c->type == SILT_TYPE_DATE32) return fn_get_i64(c, r);
    return fn_floor_div(fn_arg_us(c, r), FN_US_PER_DAY);
}

static inline bool fn_is_datetime(silt_type_id t)
{
    return t == SILT_TYPE_DATE32 || t == SILT_TYPE_TIMESTAMP || t == SILT_TYPE_TIMESTAMP_NS;
}

/* Parses an interval such as '5 minutes', '1 hour 30 minutes', 'interval 10 seconds' into
 * microseconds (units microsecond..week, singular or plural). False when it is not one. */
bool fn_parse_interval(const uint8_t *s, size_t n, int64_t *us);

#endif
