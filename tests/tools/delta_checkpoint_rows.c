/* Test tool: prints the checkpoint rows silt builds for a table (replayed from its JSON log) in
 * the canonical row form (tests/oracle/README.md), to diff against DuckDB's reading of a
 * checkpoint Parquet file written by Spark.  tool_delta_checkpoint_rows LOCATION [VERSION] */
#include <stdio.h>
#include <stdlib.h>

#include "batch/canon.h"
#include "delta/checkpoint.h"
#include "delta/log.h"
#include "store/store.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: tool_delta_checkpoint_rows LOCATION [VERSION]\n");
        return 2;
    }
    silt_error err;
    silt_store *s = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_batch *b = NULL;
    silt_buf out = SILT_BUF_INIT;
    silt_delta_read_opts o = silt_delta_read_opts_default();
    if (argc > 2) o.version = atoll(argv[2]);
    int rc = silt_store_open(&s, argv[1], &err);
    if (!rc) rc = silt_delta_snapshot_load(&snap, s, &o, &err);
    if (!rc) rc = silt_delta_checkpoint_batch(&b, snap, 0, &err);
    if (!rc && silt_canon_batch(&out, b)) rc = silt_error_set(&err, SILT_ENOMEM, "out of memory");
    if (!rc)
        fwrite(out.ptr, 1, out.len, stdout);
    else
        fprintf(stderr, "tool_delta_checkpoint_rows: %s\n", err.msg);
    silt_buf_free(&out);
    silt_batch_destroy(b);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(s);
    return rc ? 1 : 0;
}
