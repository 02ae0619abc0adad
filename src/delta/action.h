/* Delta log actions (protocol, metaData, add, remove, txn, commitInfo; cdc and domainMetadata
 * tolerated) parsed from and written to commit files' newline-delimited JSON. */
#ifndef SILT_DELTA_ACTION_H
#define SILT_DELTA_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

/* A string map as the log stores them; value NULL means JSON null. Owns keys and values. */
typedef struct silt_delta_kv {
    char *key;
    char *value;
} silt_delta_kv;
typedef struct silt_delta_map {
    size_t n;
    silt_delta_kv *items;
} silt_delta_map;

typedef struct silt_delta_protocol {
    int32_t min_reader_version;
    int32_t min_writer_version;
    size_t n_reader_features;
    char **reader_features;
    size_t n_writer_features;
    char **writer_features;
} silt_delta_protocol;

typedef struct silt_delta_metadata {
    char *id;
    char *name;        /* NULL when absent */
    char *description; /* NULL when absent */
    char *format_provider;
    silt_delta_map format_options;
    char *schema_string; /* Spark StructType JSON */
    size_t n_partition_columns;
    char **partition_columns;
    silt_delta_map configuration;
    int64_t created_time; /* ms since epoch; -1 when absent */
} silt_delta_metadata;

/* A deletion vector descriptor (an add's or remove's deletionVector). storage_type 0: none. */
typedef struct silt_delta_dv {
    char storage_type;       /* 'u' (uuid under the table), 'i' (inline), 'p' (absolute path) */
    char *path_or_inline_dv; /* owned */
    int64_t offset;          /* byte offset of the DV in its file; -1 when absent (inline) */
    int64_t size_in_bytes;   /* size of the serialized bitmap */
    int64_t cardinality;     /* rows it marks deleted */
    int64_t max_row_index;   /* -1 when absent */
} silt_delta_dv;

typedef struct silt_delta_add {
    char *path; /* URL-decoded: a key relative to the table root */
    silt_delta_map partition_values;
    int64_t size;
    int64_t modification_time;
    bool data_change;
    char *stats; /* stats JSON text; NULL when absent */
    silt_delta_map tags;
    silt_delta_dv dv; /* dv.storage_type 0: the file has no deletion vector */
} silt_delta_add;

typedef struct silt_delta_remove {
    char *path;                 /* URL-decoded */
    int64_t deletion_timestamp; /* ms since epoch; -1 when absent */
    bool data_change;
    bool extended_file_metadata;
    silt_delta_map partition_values;
    int64_t size;     /* -1 when absent */
    silt_delta_dv dv; /* the deletion vector of the entry removed; storage_type 0: none */
} silt_delta_remove;

typedef struct silt_delta_txn {
    char *app_id;
    int64_t version;
    int64_t last_updated; /* -1 when absent */
} silt_delta_txn;

typedef struct silt_delta_commit_info {
    char *json;           /* the whole commitInfo object as compact JSON text */
    int64_t timestamp;    /* -1 when absent */
    char *operation;      /* NULL when absent */
    int64_t read_version; /* -1 when absent */
} silt_delta_commit_info;

typedef enum silt_delta_action_type {
    SILT_DELTA_ADD = 1,
    SILT_DELTA_REMOVE,
    SILT_DELTA_METADATA,
    SILT_DELTA_PROTOCOL,
    SILT_DELTA_TXN,
    SILT_DELTA_COMMIT_INFO,
    SILT_DELTA_OTHER, /* cdc, domainMetadata, checkpointMetadata, ...: kept only as a count */
} silt_delta_action_type;

typedef struct silt_delta_action {
    silt_delta_action_type type;
    union {
        silt_delta_add add;
        silt_delta_remove remove;
        silt_delta_metadata metadata;
        silt_delta_protocol protocol;
        silt_delta_txn txn;
        silt_delta_commit_info commit_info;
    } u;
} silt_delta_action;

/* A growable list of actions; owns them. Zero-initialise before use. */
typedef struct silt_delta_actions {
    size_t n, cap;
    silt_delta_action *items;
} silt_delta_actions;

/* Appends a zeroed action of the given type and returns it (NULL on oom). */
silt_delta_action *silt_delta_actions_push(silt_delta_actions *a, silt_delta_action_type type);
/* Frees every action and resets the list. */
void silt_delta_actions_clear(silt_delta_actions *a);
/* Frees the contents of one action (not the struct). */
void silt_delta_action_clear(silt_delta_action *a);

/* Parses a commit file's bytes (one JSON object per line; objects that follow each other on
 * one line are accepted too) and appends its actions to out. name is used in error messages
 * (set as the error's path). Returns 0, or SILT_ECORRUPT with the line of the bad action (or
 * naming the file when it holds no action at all: a commit file is never empty). */
int silt_delta_actions_parse(silt_delta_actions *out, const void *data, size_t n, const char *name,
                             silt_error *err);

/* Appends the actions as a commit file: one JSON object per line. Returns 0 or SILT_ENOMEM. */
int silt_delta_actions_write(silt_buf *out, const silt_delta_actions *a, silt_error *err);

/* ---- maps and deep copies ---- */
int silt_delta_map_set(silt_delta_map *m, const char *key, const char *value);
/* Value for key: returns true and sets *out (NULL for a null value) if present. */
bool silt_delta_map_get(const silt_delta_map *m, const char *key, const char **out);
void silt_delta_map_clear(silt_delta_map *m);
int silt_delta_map_copy(silt_delta_map *out, const silt_delta_map *src);
int silt_delta_add_copy(silt_delta_add *out, const silt_delta_add *src);
void silt_delta_add_clear(silt_delta_add *a);
int silt_delta_remove_copy(silt_delta_remove *out, const silt_delta_remove *src);
void silt_delta_remove_clear(silt_delta_remove *r);
/* Deep copy of a descriptor (out owned; an absent one copies as absent). Returns 0 or
 * SILT_ENOMEM. */
int silt_delta_dv_copy(silt_delta_dv *out, const silt_delta_dv *src);
void silt_delta_dv_clear(silt_delta_dv *dv);
static inline bool silt_delta_add_has_dv(const silt_delta_add *a)
{
    return a->dv.storage_type != 0;
}
int silt_delta_metadata_copy(silt_delta_metadata *out, const silt_delta_metadata *src);
void silt_delta_metadata_clear(silt_delta_metadata *m);
int silt_delta_protocol_copy(silt_delta_protocol *out, const silt_delta_protocol *src);
void silt_delta_protocol_clear(silt_delta_protocol *p);

/* ---- paths ---- */
/* Appends s with %XX escapes decoded (the log's add/remove paths are URIs). SILT_ECORRUPT on a
 * malformed escape. */
int silt_delta_path_decode(silt_buf *out, const char *s, silt_error *err);
/* Appends s URI-encoded as the log stores paths ('/' kept; '%', space, non-ASCII, ... escaped). */
int silt_delta_path_encode(silt_buf *out, const char *s);

#endif
