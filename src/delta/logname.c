/* Delta log file names: parsing (one place for every reader of the listing) and writing. */
#include "delta/logname.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERSION_DIGITS 20
#define PART_DIGITS 10

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* ".checkpoint.0000000001.0000000002.parquet": sets part and parts, or returns false. */
static bool parse_part(silt_delta_logname *out, const char *rest)
{
    static const char head[] = ".checkpoint.", tail[] = ".parquet";
    size_t hl = sizeof head - 1;
    if (strlen(rest) != hl + 2 * PART_DIGITS + 1 + sizeof tail - 1) return false;
    if (strncmp(rest, head, hl) != 0 || !digits(rest + hl, PART_DIGITS) ||
        rest[hl + PART_DIGITS] != '.' || !digits(rest + hl + PART_DIGITS + 1, PART_DIGITS) ||
        strcmp(rest + hl + 2 * PART_DIGITS + 1, tail) != 0)
        return false;
    long part = strtol(rest + hl, NULL, 10), parts = strtol(rest + hl + PART_DIGITS + 1, NULL, 10);
    if (part < 1 || parts < 1 || part > parts) return false;
    assert(part <= parts);
    out->part = (int32_t)part;
    out->parts = (int32_t)parts;
    return true;
}

silt_delta_logfile_kind silt_delta_logname_parse(silt_delta_logname *out, const char *key)
{
    *out = (silt_delta_logname){SILT_DELTA_LOGFILE_OTHER, -1, 1, 1};
    size_t pl = strlen(SILT_DELTA_LOG_DIR);
    if (strncmp(key, SILT_DELTA_LOG_DIR, pl) != 0) return out->kind;
    const char *name = key + pl;
    if (strcmp(name, "_last_checkpoint") == 0)
        return out->kind = SILT_DELTA_LOGFILE_LAST_CHECKPOINT;
    if (strchr(name, '/') || !digits(name, VERSION_DIGITS)) return out->kind;
    const char *rest = name + VERSION_DIGITS;
    silt_delta_logfile_kind k = SILT_DELTA_LOGFILE_OTHER;
    if (strcmp(rest, ".json") == 0)
        k = SILT_DELTA_LOGFILE_COMMIT;
    else if (strcmp(rest, ".crc") == 0)
        k = SILT_DELTA_LOGFILE_CRC;
    else if (strcmp(rest, ".checkpoint.parquet") == 0)
        k = SILT_DELTA_LOGFILE_CHECKPOINT;
    else if (parse_part(out, rest))
        k = SILT_DELTA_LOGFILE_CHECKPOINT_PART;
    if (k == SILT_DELTA_LOGFILE_OTHER) return k;
    out->kind = k;
    out->version = strtoll(name, NULL, 10);
    return k;
}

void silt_delta_commit_key(char *buf, size_t n, int64_t version)
{
    snprintf(buf, n, SILT_DELTA_LOG_DIR "%020" PRId64 ".json", version);
}

void silt_delta_checkpoint_key(char *buf, size_t n, int64_t version)
{
    snprintf(buf, n, SILT_DELTA_LOG_DIR "%020" PRId64 ".checkpoint.parquet", version);
}
