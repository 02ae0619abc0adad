/* Internal to the log reader (log.c, logplan.c, replay.c): the parsed listing of _delta_log/
 * that segments are planned from, and the replay state that actions are applied to. */
#ifndef SILT_DELTA_LOG_INT_H
#define SILT_DELTA_LOG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "delta/log.h"

/* A complete (or, while listing, partly seen) checkpoint in the listing. */
typedef struct silt_delta_cp_info {
    int64_t version;
    int32_t parts; /* declared number of parts (1 for a single file) */
    int32_t found; /* parts seen */
    size_t first;  /* index in the listing of the first part */
    bool single;   /* a classic single-file checkpoint */
    bool dropped;  /* found unreadable: planning passes over it */
} silt_delta_cp_info;

/* _delta_log/ listed once: commit versions and complete checkpoints, each ascending. Owns l. */
typedef struct silt_delta_listing {
    silt_store_listing l;
    size_t n_commits;
    int64_t *versions; /* commit versions, ascending */
    size_t *idx;       /* their index in l */
    size_t n_cps;
    silt_delta_cp_info *cps; /* ascending by version */
} silt_delta_listing;

/* Lists and parses _delta_log/ (incomplete checkpoints are left out). */
int silt_delta_listing_read(silt_delta_listing *out, silt_store *store, silt_error *err);
void silt_delta_listing_clear(silt_delta_listing *x);
/* Lists only the part of _delta_log/ that holds versions >= from (and a few before it), with
 * as few prefix listings as it takes: the block of 100 versions around from, then, while each
 * block is full of commits (commits are contiguous), the next blocks. Across a digit boundary
 * (from 99990, commits up to 100010) that is [99900, 100000) then [100000, 200000). */
int silt_delta_listing_read_from(silt_delta_listing *out, silt_store *store, int64_t from,
                                 silt_error *err);
/* Reads _last_checkpoint: its version, or -1 when absent; *bad when present but unusable (a
 * warning is logged). */
int64_t silt_delta_read_last_checkpoint(silt_store *store, bool *bad);
/* Index in x->versions of commit v, or -1. */
long silt_delta_listing_find_commit(const silt_delta_listing *x, int64_t v);
/* Forgets the checkpoint of version v (found unreadable), so planning passes over it. */
void silt_delta_listing_drop_checkpoint(silt_delta_listing *x, int64_t v);
/* Plans the segment for `version` (-1: latest) from a listing; see silt_delta_segment_plan.
 * On failure *out is left cleared (nothing to free). */
int silt_delta_listing_plan(silt_delta_segment *out, const silt_delta_listing *x, silt_store *store,
                            int64_t version, bool use_checkpoints, silt_error *err);

/* Open-addressing map from a path string to an index into an array. */
typedef struct silt_delta_pmap {
    size_t cap, used; /* used counts live + deleted slots */
    uint64_t *hashes;
    int64_t *slots; /* -1 empty, -2 deleted, else index */
} silt_delta_pmap;

/* The state a replay builds: live files and tombstones by path (entries whose path is NULL are
 * dead), the latest txn per appId, protocol and metadata. */
typedef struct silt_delta_replay {
    silt_delta_add *files;
    size_t n_files, cap_files; /* includes dead entries (path NULL) */
    silt_delta_pmap fmap;
    silt_delta_remove *tombs;
    size_t n_tombs, cap_tombs;
    silt_delta_pmap tmap;
    silt_delta_txn *txns;
    size_t n_txns, cap_txns;
    silt_delta_protocol protocol;
    bool has_protocol;
    silt_delta_metadata metadata;
    bool has_metadata;
    int64_t last_commit_ts; /* commitInfo.timestamp of the last commit applied, or -1 */
} silt_delta_replay;

void silt_delta_replay_init(silt_delta_replay *r);
void silt_delta_replay_free(silt_delta_replay *r);
/* Applies one action, taking ownership of its contents (the action is left zeroed). Returns 0
 * or SILT_ENOMEM. */
int silt_delta_replay_apply(silt_delta_replay *r, silt_delta_action *a);
/* Seeds a replay with a copy of snapshot s's state (s is unchanged). */
int silt_delta_replay_seed(silt_delta_replay *r, const silt_delta_snapshot *s, silt_error *err);
/* One JSON commit got and parsed (rc and err: the first failure). */
typedef struct silt_delta_fetched {
    silt_delta_actions acts;
    int rc;
    silt_error err;
} silt_delta_fetched;
/* Commits keys[0..n) got and parsed by worker threads (up to 8, at most 256 ahead of the one
 * applying), for the applying thread to take in order: wait for key i (0, 1, 2, ...), apply
 * its actions (taking them is allowed), release it. close stops and frees (NULL is a no-op).
 * open returns 0 or SILT_ENOMEM (*out set either way; close it). */
typedef struct silt_delta_fetch silt_delta_fetch;
int silt_delta_fetch_open(silt_delta_fetch **out, silt_store *store, char *const *keys, size_t n);
silt_delta_fetched *silt_delta_fetch_wait(silt_delta_fetch *f, size_t i);
void silt_delta_fetch_release(silt_delta_fetch *f, size_t i);
void silt_delta_fetch_close(silt_delta_fetch *f);

/* Reads, parses and applies the JSON commits keys[0..n) (fetched several at a time, applied in
 * order; the first failure in version order is the one reported). */
int silt_delta_replay_commits(silt_delta_replay *r, silt_store *store, char *const *keys, size_t n,
                              silt_error *err);
/* Turns a finished replay into a snapshot of `version` (protocol and metadata checks, schema,
 * compaction and sorting). The replay's arrays move into the snapshot. */
int silt_delta_replay_finish(silt_delta_snapshot **out, silt_delta_replay *r, silt_store *store,
                             int64_t version, silt_error *err);
/* silt_delta_snapshot_from_segment, telling whether a failure came from reading the checkpoint
 * (*out_cp_failed), which a caller can recover from by planning without it. */
int silt_delta_replay_segment(silt_delta_snapshot **out, bool *out_cp_failed, silt_store *store,
                              const silt_delta_segment *seg, const silt_delta_file_ops *file_ops,
                              silt_error *err);

#endif
