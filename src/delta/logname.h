/* Names of the files in a Delta log (_delta_log/): the one parser of commit, checkpoint, .crc
 * and _last_checkpoint names, beside the functions that write them. */
#ifndef SILT_DELTA_LOGNAME_H
#define SILT_DELTA_LOGNAME_H

#include <stddef.h>
#include <stdint.h>

#define SILT_DELTA_LOG_DIR "_delta_log/"
#define SILT_DELTA_LAST_CHECKPOINT_KEY SILT_DELTA_LOG_DIR "_last_checkpoint"

typedef enum silt_delta_logfile_kind {
    SILT_DELTA_LOGFILE_OTHER = 0,       /* not a log file silt knows (or not in _delta_log/) */
    SILT_DELTA_LOGFILE_COMMIT,          /* 00000000000000000010.json */
    SILT_DELTA_LOGFILE_CHECKPOINT,      /* 00000000000000000010.checkpoint.parquet */
    SILT_DELTA_LOGFILE_CHECKPOINT_PART, /* 00000000000000000010.checkpoint.0000000001.0000000002.parquet
                                         */
    SILT_DELTA_LOGFILE_CRC,             /* 00000000000000000010.crc */
    SILT_DELTA_LOGFILE_LAST_CHECKPOINT, /* _last_checkpoint */
} silt_delta_logfile_kind;

typedef struct silt_delta_logname {
    silt_delta_logfile_kind kind;
    int64_t version; /* -1 for OTHER and LAST_CHECKPOINT */
    int32_t part;    /* 1-based part of a multi-part checkpoint; 1 for a single-file one */
    int32_t parts;   /* number of parts it declares; 1 for a single-file one */
} silt_delta_logname;

/* Classifies a store key ("_delta_log/<name>", directly in the log folder). Returns out->kind;
 * a multi-part checkpoint name whose part is outside 1..parts is OTHER. */
silt_delta_logfile_kind silt_delta_logname_parse(silt_delta_logname *out, const char *key);

/* True for a commit or (single or multi-part) checkpoint name. */
static inline int silt_delta_logname_is_checkpoint(const silt_delta_logname *n)
{
    return n->kind == SILT_DELTA_LOGFILE_CHECKPOINT ||
           n->kind == SILT_DELTA_LOGFILE_CHECKPOINT_PART;
}

/* Commit file key for a version: "_delta_log/%020lld.json" into buf (>= 40 bytes). */
void silt_delta_commit_key(char *buf, size_t n, int64_t version);
/* Key of a classic single-file checkpoint, "_delta_log/%020lld.checkpoint.parquet" (>= 60). */
void silt_delta_checkpoint_key(char *buf, size_t n, int64_t version);

#endif
