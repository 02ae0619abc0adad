/* The lake's catalog for `silt serve`: every folder under the lake with a _delta_log is a table
 * named by its path relative to the lake, with its snapshot kept and brought up to date cheaply
 * (one stat of the next commit's name per refresh), and a ring of change events (new commits,
 * new or vanished tables) for Server-Sent Events. Thread-safe: one refresher, many readers. */
#ifndef SILT_HTTP_CATALOG_H
#define SILT_HTTP_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "delta/log.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/error.h"

/* The catalog walks at most this deep under the lake and keeps at most this many tables. */
#define SILT_HTTP_CATALOG_DEPTH 4
#define SILT_HTTP_CATALOG_MAX 4096

typedef struct silt_http_table {
    char *name;        /* path relative to the lake, '/'-separated */
    char *location;    /* absolute path of the table's folder */
    const char *layer; /* "bronze", "silver", "gold", "system" or "other" (static) */
    silt_store *store;
    silt_delta_snapshot *snap; /* NULL when the table cannot be read (error says why) */
    char error[SILT_ERROR_MSG_MAX];
    int64_t rows;      /* sum of numRecords over live files; -1 when a file has no stats */
    int64_t bytes;     /* sum of live files' sizes */
    int64_t loaded_ms; /* wall time when the snapshot was last read or updated */
} silt_http_table;

typedef struct silt_http_catalog silt_http_catalog;

/* Opens the catalog of the lake folder (it must exist) and reads every table once. Returns 0
 * and *out (owned; silt_http_catalog_destroy), SILT_ENOTFOUND / SILT_EINVAL for a lake that is
 * missing or not a folder, SILT_ENOMEM. A table that cannot be read is listed with its error. */
int silt_http_catalog_create(silt_http_catalog **out, const char *lake, silt_error *err);
void silt_http_catalog_destroy(silt_http_catalog *c);

/* Finds new and vanished tables and brings changed ones up to date; records events. Returns 0
 * or SILT_ENOMEM (a table's read error stays with the table). */
int silt_http_catalog_refresh(silt_http_catalog *c, silt_error *err);

/* The lake's absolute path (owned by the catalog). */
const char *silt_http_catalog_lake(const silt_http_catalog *c);

/* Readers hold the read lock while they use tables; the pointers stay valid until unlock. */
void silt_http_catalog_rdlock(silt_http_catalog *c);
void silt_http_catalog_unlock(silt_http_catalog *c);
/* Under the read lock: the tables (sorted by name) and their count. */
const silt_http_table *silt_http_catalog_tables(const silt_http_catalog *c, size_t *out_n);
/* Under the read lock: a table by exact name, or NULL. */
const silt_http_table *silt_http_catalog_find(const silt_http_catalog *c, const char *name);
/* Under the read lock: the catalog name closest to name (a plausible typo), or NULL. */
const char *silt_http_catalog_suggest(const silt_http_catalog *c, const char *name);

/* Events: each has a sequence number (from 1) and one line of JSON. Appends those after
 * *seq (at most the ring's 256 newest) as Server-Sent Events ("id: N\nevent: T\ndata: J\n\n")
 * to out and moves *seq on; waits up to timeout_ms for one when there is none. Returns the
 * number appended. *seq = UINT64_MAX asks for the current position without any event. */
size_t silt_http_catalog_events(silt_http_catalog *c, uint64_t *seq, int timeout_ms, silt_buf *out);
/* Records an event of the given type with its JSON object text (copied). */
void silt_http_catalog_event(silt_http_catalog *c, const char *type, const char *json);
/* Wakes every waiter (on shutdown). */
void silt_http_catalog_wake(silt_http_catalog *c);

/* Counters for /metrics: refreshes done, and the wall time of the last one. */
void silt_http_catalog_counters(silt_http_catalog *c, uint64_t *out_refreshes,
                                uint64_t *out_commits_seen);
/* A number that moves whenever the tables, their figures or the event log's totals change:
 * a reader that cached what it built from them rebuilds when it differs. */
uint64_t silt_http_catalog_generation(silt_http_catalog *c);
/* Moves the generation on (the catalog's refresh and the event log's reader call it). */
void silt_http_catalog_changed(silt_http_catalog *c);

#endif
