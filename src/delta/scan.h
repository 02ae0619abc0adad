/* Scanning a Delta snapshot: the rows of its live files as column batches in the table schema
 * (partition columns rebuilt from partitionValues), with column projection, and a conjunction
 * of predicates `column op literal` that prunes partitions, skips files and Parquet row groups
 * by their statistics, and filters rows. */
#ifndef SILT_DELTA_SCAN_H
#define SILT_DELTA_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "batch/batch.h"
#include "delta/fileio.h"
#include "delta/log.h"
#include "delta/skip.h"
#include "store/store.h"
#include "util/error.h"

struct silt_delta_scan_pos;

typedef struct silt_delta_scan_opts {
    const char *const *columns; /* projection, in output order; NULL: every column */
    size_t n_columns;
    const silt_delta_pred *pred;         /* one predicate (NULL: none); same as preds of one */
    int64_t limit;                       /* stop after this many rows; < 0: no limit */
    const silt_delta_file_ops *file_ops; /* data-file reader (required: read_file) */
    /* A conjunction (AND) of predicates, in addition to pred: only rows that satisfy every
     * term are emitted. Terms on partition columns prune files by their partition values;
     * other terms skip files by their Delta statistics and, when file_ops has
     * read_file_filtered (silt_delta_parquet_ops does), Parquet row groups by theirs. A WHERE
     * clause's `col op literal` conjuncts can be pushed here as they are. NULL/0: none. */
    const silt_delta_pred *preds;
    size_t n_preds;
    /* The terms only prune partitions and skip files and row groups; every row of what is read
     * is emitted (for a caller that filters rows itself, such as the SQL engine's vectorized
     * filter, so no row is tested twice). */
    bool prune_only;
    /* With emit_pos, each batch also says where its rows come from (and row groups are not
     * skipped, so positions are exact): called instead of emit. */
    int (*emit_pos)(void *arg, const silt_batch *b, const struct silt_delta_scan_pos *pos,
                    silt_error *err);
    /* With prune_only and no emit_pos: a string column whose Parquet row group is wholly
     * dictionary-encoded may be emitted lazy (silt_column.lazy: codes and dictionary, no
     * bytes), for a caller that evaluates it through the dictionary view and gathers only the
     * rows it keeps (silt_column_append_range and silt_column_materialize resolve it). */
    bool lazy_dict;
} silt_delta_scan_opts;

/* Where the rows of a batch come from: one live file, and each row's index in it (0-based,
 * in the file's row order, before its deletion vector is applied). Borrowed for the call. */
typedef struct silt_delta_scan_pos {
    const silt_delta_add *file;
    const uint64_t *rows; /* b->n_rows of them */
} silt_delta_scan_pos;

/* What a scan did. */
typedef struct silt_delta_scan_stats {
    size_t files_total;   /* live files in the snapshot */
    size_t files_read;    /* files opened (after pruning and skipping) */
    int64_t rows_read;    /* rows in the parts of files read */
    int64_t rows_emitted; /* rows passed to emit */
    /* parts of the files opened (Parquet row groups) read and skipped by their statistics;
     * both 0 when the reader does not filter (no read_file_filtered, or no data predicate) */
    int64_t row_groups_read, row_groups_skipped;
} silt_delta_scan_stats;

/* Default options: every column, no predicate, no limit, silt_delta_parquet_ops is NOT implied:
 * the caller sets file_ops. */
silt_delta_scan_opts silt_delta_scan_opts_default(void);

/* The schema of the batches a scan emits: the projected fields of snap->schema in the order
 * given. Returns 0 and *out (owned) or SILT_EINVAL naming an unknown column (with a suggestion). */
int silt_delta_scan_schema(silt_schema **out, const silt_delta_snapshot *snap,
                           const char *const *columns, size_t n_columns, silt_error *err);

typedef int (*silt_delta_scan_emit_fn)(void *arg, const silt_batch *b, silt_error *err);

/* Reads the rows of snap's live files (in path order) and calls emit with batches of the scan
 * schema (borrowed for the call; emit returns 0 to go on, or an error code that stops the scan
 * and is returned). Partition columns are typed from partitionValues (null included). With
 * predicates, files (and row groups) that provably hold no match are not read and only rows
 * matching every predicate are emitted (comparisons with null are false; IS NULL matches
 * nulls). out_stats may be NULL. Returns 0, SILT_EINVAL (bad column or predicate), or the
 * reader's / emit's error (err names the file). */
int silt_delta_scan(silt_delta_scan_stats *out_stats, const silt_delta_snapshot *snap,
                    silt_store *store, const silt_delta_scan_opts *opts,
                    silt_delta_scan_emit_fn emit, void *arg, silt_error *err);

/* silt_delta_scan over the given files (e.g. those a range of commits added) instead of the
 * snapshot's live files: snap gives the schema and partition columns; files are borrowed and
 * read in the order given. Same returns as silt_delta_scan. */
int silt_delta_scan_files(silt_delta_scan_stats *out_stats, const silt_delta_snapshot *snap,
                          const silt_delta_add *files, size_t n_files, silt_store *store,
                          const silt_delta_scan_opts *opts, silt_delta_scan_emit_fn emit, void *arg,
                          silt_error *err);

#endif
