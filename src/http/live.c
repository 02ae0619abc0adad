/* The running pipeline's live figures as JSON for /api/tables (live.h). */
#include <stdlib.h>

#include "http/live.h"
#include "pipeline/live.h"
#include "util/alloc.h"

#define MAX_ROWS 2048

static json_t *tables_json(void)
{
    json_t *o = json_object();
    silt_live_table *t = silt_calloc(MAX_ROWS, sizeof *t);
    size_t n = t ? silt_live_tables(t, MAX_ROWS) : 0;
    for (size_t i = 0; i < n && i < MAX_ROWS; i++)
        json_object_set_new(o, t[i].name,
                            json_pack("{s:I,s:I,s:I,s:I,s:I}", "rows_in", (json_int_t)t[i].rows_in,
                                      "rows_out", (json_int_t)t[i].rows_out, "batches",
                                      (json_int_t)t[i].batches, "last_batch_ms",
                                      (json_int_t)t[i].last_ms, "updated_ms",
                                      (json_int_t)t[i].updated_ms));
    silt_free(t);
    return o;
}

json_t *silt_http_live_json(void)
{
    if (!silt_live_enabled()) return NULL;
    json_t *o = json_object(), *arr = json_array();
    silt_live_partition *p = silt_calloc(MAX_ROWS, sizeof *p);
    size_t n = p ? silt_live_partitions(p, MAX_ROWS) : 0;
    json_int_t total = 0;
    for (size_t i = 0; i < n && i < MAX_ROWS; i++) {
        total += p[i].lag;
        json_array_append_new(arr, json_pack("{s:s,s:i,s:I,s:I,s:I}", "topic", p[i].topic,
                                             "partition", (int)p[i].partition, "position",
                                             (json_int_t)p[i].position, "high_watermark",
                                             (json_int_t)p[i].high, "lag", (json_int_t)p[i].lag));
    }
    silt_free(p);
    json_object_set_new(o, "tables", tables_json());
    json_object_set_new(o, "partitions", arr);
    json_object_set_new(o, "lag", json_integer(total));
    return o;
}
