/* Delta table properties (metaData.configuration) whose values silt interprets: the retention
 * durations in Delta's interval syntax. */
#ifndef SILT_DELTA_PROPS_H
#define SILT_DELTA_PROPS_H

#include <stddef.h>
#include <stdint.h>

#include "delta/log.h"
#include "util/error.h"

#define SILT_DELTA_PROP_DELETED_FILE_RETENTION "delta.deletedFileRetentionDuration"
#define SILT_DELTA_PROP_LOG_RETENTION "delta.logRetentionDuration"
#define SILT_DELTA_DELETED_FILE_RETENTION_DEFAULT "interval 7 days"
#define SILT_DELTA_LOG_RETENTION_DEFAULT "interval 30 days"

/* Parses a duration in Delta's (Spark's CalendarInterval) syntax into milliseconds: an optional
 * "interval", then one or more "<n> <unit>" pairs ("interval 1 day 12 hours"), units
 * microsecond, millisecond, second, minute, hour, day, week (singular or plural, any case).
 * Months and years are refused (their length varies), as Delta does for retention properties.
 * Returns 0 or SILT_EINVAL naming the text. */
int silt_delta_parse_interval(int64_t *out_ms, const char *s, silt_error *err);

/* Writes ms as the CLI's duration syntax in the largest unit that divides it ("7d", "36h",
 * "90s", "1500ms") into buf (>= 24 bytes); returns buf. */
char *silt_delta_duration_text(char *buf, size_t n, int64_t ms);

/* A duration property of snap (key, e.g. SILT_DELTA_PROP_DELETED_FILE_RETENTION), or dflt
 * (interval syntax) when the table does not set it. *out_text (may be NULL) receives the text
 * used. Returns 0 or SILT_EINVAL naming the property. */
int silt_delta_prop_duration(int64_t *out_ms, const char **out_text,
                             const silt_delta_snapshot *snap, const char *key, const char *dflt,
                             silt_error *err);

#endif
