/* Monotonic and wall-clock time, and ISO-8601 formatting. */
#ifndef SILT_UTIL_TIME_H
#define SILT_UTIL_TIME_H

#include <stddef.h>
#include <stdint.h>

/* Nanoseconds from an arbitrary fixed point; never goes backwards. */
uint64_t silt_time_mono_ns(void);
/* Microseconds since the Unix epoch (UTC). */
int64_t silt_time_wall_us(void);
int64_t silt_time_wall_ms(void);
/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" for epoch microseconds; returns out. */
char *silt_time_format_iso(char *out, size_t n, int64_t epoch_us);
/* Days since epoch -> civil date, and back (proleptic Gregorian, any int32 day). */
void silt_time_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
int64_t silt_time_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Parses a duration like "250ms", "1s", "5m", "2h", "7d" into microseconds; 0 or -1. */
int silt_time_parse_duration_us(int64_t *out, const char *s);

#endif
