/* Leveled logging to stderr and, optionally, to a log file. */
#ifndef SILT_UTIL_LOG_H
#define SILT_UTIL_LOG_H

typedef enum {
    SILT_LOG_DEBUG = 0,
    SILT_LOG_INFO = 1,
    SILT_LOG_WARN = 2,
    SILT_LOG_ERROR = 3,
    SILT_LOG_OFF = 4,
} silt_log_level;

/* Messages below `level` are dropped (default INFO, or $SILT_LOG_LEVEL). */
void silt_log_set_level(silt_log_level level);
silt_log_level silt_log_get_level(void);
/* Parses "debug|info|warn|error|off"; returns 0 and sets *out, or -1. */
int silt_log_parse_level(silt_log_level *out, const char *name);
/* Also append every message to `path` (NULL closes it). Returns 0 or a SILT_E* code. */
int silt_log_set_file(const char *path);
void silt_log_msg(silt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define silt_log_debug(...) silt_log_msg(SILT_LOG_DEBUG, __VA_ARGS__)
#define silt_log_info(...) silt_log_msg(SILT_LOG_INFO, __VA_ARGS__)
#define silt_log_warn(...) silt_log_msg(SILT_LOG_WARN, __VA_ARGS__)
#define silt_log_error(...) silt_log_msg(SILT_LOG_ERROR, __VA_ARGS__)

#endif
