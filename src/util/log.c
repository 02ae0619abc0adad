/* Leveled logging: timestamped lines on stderr, mirrored to an optional log file. */
#include "util/log.h"

#include "util/error.h"
#include "util/time.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int g_level = -1;
static FILE *g_file;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {"debug", "info", "warn", "error", "off"};

int silt_log_parse_level(silt_log_level *out, const char *name)
{
    for (int i = 0; i <= SILT_LOG_OFF; i++) {
        if (name && strcasecmp(name, level_names[i]) == 0) {
            *out = (silt_log_level)i;
            return 0;
        }
    }
    return -1;
}

silt_log_level silt_log_get_level(void)
{
    if (g_level < 0) {
        silt_log_level lv = SILT_LOG_INFO;
        const char *env = getenv("SILT_LOG_LEVEL");
        if (env) silt_log_parse_level(&lv, env);
        g_level = (int)lv;
    }
    return (silt_log_level)g_level;
}

void silt_log_set_level(silt_log_level level)
{
    g_level = (int)level;
}

int silt_log_set_file(const char *path)
{
    pthread_mutex_lock(&g_lock);
    if (g_file) fclose(g_file);
    g_file = NULL;
    int rc = 0;
    if (path) {
        g_file = fopen(path, "a");
        if (!g_file) rc = SILT_EIO;
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

void silt_log_msg(silt_log_level level, const char *fmt, ...)
{
    if (level < silt_log_get_level() || level >= SILT_LOG_OFF) return;
    char ts[40];
    silt_time_format_iso(ts, sizeof ts, silt_time_wall_us());
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&g_lock);
    fprintf(stderr, "%s %-5s %s\n", ts, level_names[level], msg);
    if (g_file) {
        fprintf(g_file, "%s %-5s %s\n", ts, level_names[level], msg);
        fflush(g_file);
    }
    pthread_mutex_unlock(&g_lock);
}
