/* Classic Delta checkpoints as column batches: the exact nested schema Spark writes, a snapshot
 * turned into checkpoint rows, and checkpoint rows (Spark's or delta-rs's layout, columns
 * resolved by name) turned back into actions. Parquet (de)serialisation is in file_ops. */
#ifndef SILT_DELTA_CHECKPOINT_H
#define SILT_DELTA_CHECKPOINT_H

#include "batch/batch.h"
#include "delta/action.h"
#include "delta/fileio.h"
#include "delta/log.h"

/* The checkpoint schema Spark 3.5 / Delta 3.2 writes (txn, add, remove, metaData, protocol,
 * domainMetadata with their nested fields). Returns 0 and *out (owned) or SILT_ENOMEM. */
int silt_delta_checkpoint_schema(silt_schema **out, silt_error *err);

/* The checkpoint rows of a snapshot: one row per action (protocol, metaData, txns, live adds,
 * tombstones not older than min_tombstone_ms), exactly one non-null top-level column per row.
 * Returns 0 and *out (owned, with its own schema) or SILT_ENOMEM. */
int silt_delta_checkpoint_batch(silt_batch **out, const silt_delta_snapshot *snap,
                                int64_t min_tombstone_ms, silt_error *err);

/* Appends the actions held in the rows of a checkpoint batch. Top-level columns and nested
 * fields are found by name; unknown ones are ignored, missing ones read as null, so both
 * Spark's and delta-rs's layouts work. Returns 0 or SILT_ECORRUPT (naming the column/row). */
int silt_delta_actions_from_batch(silt_delta_actions *out, const silt_batch *b, silt_error *err);

/* Writes a checkpoint of snap through file_ops->write_checkpoint and then _last_checkpoint.
 * Tombstones older than the table's delta.deletedFileRetentionDuration (default 7 days) before
 * now_ms are dropped. Returns 0, SILT_EUNSUPPORTED without a checkpoint writer, or the error of
 * the write. */
int silt_delta_checkpoint_write(silt_store *store, const silt_delta_snapshot *snap,
                                const silt_delta_file_ops *file_ops, int64_t now_ms,
                                silt_error *err);

#endif
