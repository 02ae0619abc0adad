/* Fuzz target: a commit file's bytes -> action parsing, the write/re-parse round trip, schema
 * and stats parsing of what it contains, and a snapshot replay of it as version 0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delta/action.h"
#include "delta/checkpoint.h"
#include "delta/log.h"
#include "delta/schema.h"
#include "store/store.h"

static size_t written_count(const silt_delta_actions *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n; i++) n += a->items[i].type != SILT_DELTA_OTHER;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20) return 0;
    silt_error err;
    silt_delta_actions a = {0};
    if (silt_delta_actions_parse(&a, data, size, "fuzz.json", &err) == 0) {
        /* what we write we must read back, with the same actions (actions silt does not know
         * are not written: a commit of nothing else writes nothing, which no reader accepts) */
        silt_buf b = SILT_BUF_INIT;
        if (written_count(&a) > 0 && silt_delta_actions_write(&b, &a, &err) == 0) {
            silt_delta_actions back = {0};
            if (silt_delta_actions_parse(&back, b.ptr, b.len, "rewritten.json", &err) != 0 ||
                written_count(&back) != written_count(&a))
                abort();
            silt_delta_actions_clear(&back);
        }
        silt_buf_free(&b);
        for (size_t i = 0; i < a.n; i++) {
            const silt_delta_action *x = &a.items[i];
            if (x->type == SILT_DELTA_METADATA) {
                silt_schema *s = NULL;
                if (silt_delta_schema_parse(&s, x->u.metadata.schema_string, &err) == 0) {
                    silt_buf sb = SILT_BUF_INIT;
                    (void)silt_delta_schema_write(&sb, s, &err);
                    silt_buf_free(&sb);
                }
                silt_schema_destroy(s);
            } else if (x->type == SILT_DELTA_ADD) {
                int64_t n;
                (void)silt_delta_stats_num_records(&n, x->u.add.stats, &err);
                silt_delta_col_stats cs;
                if (silt_delta_stats_column(&cs, x->u.add.stats, "a", &err) == 0)
                    silt_delta_col_stats_clear(&cs);
            }
        }
    }
    silt_delta_actions_clear(&a);
    /* the same bytes as a whole table's log */
    silt_store *s = NULL;
    if (silt_store_mem_create(&s, &err) == 0 &&
        silt_store_put(s, "_delta_log/00000000000000000000.json", data, size, &err) == 0) {
        silt_delta_snapshot *snap = NULL;
        if (silt_delta_snapshot_load(&snap, s, NULL, &err) == 0) {
            silt_batch *cb = NULL;
            if (silt_delta_checkpoint_batch(&cb, snap, 0, &err) == 0) {
                silt_delta_actions back = {0};
                if (silt_delta_actions_from_batch(&back, cb, &err) != 0) abort();
                silt_delta_actions_clear(&back);
            }
            silt_batch_destroy(cb);
        }
        silt_delta_snapshot_destroy(snap);
    }
    silt_store_destroy(s);
    return 0;
}
