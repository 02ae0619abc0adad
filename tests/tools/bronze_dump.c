/* Test tool: prints every row of a bronze table as "topic partition offset key-hash value-hash
 * length" (hashes are silt_hash_bytes(…, 0) in hex, "null" for null), the format of
 * tool_kafka_consume and tool_kafka_produce_special, so tests diff what Kafka had with what the
 * table holds. Usage: tool_bronze_dump TABLE_LOCATION */
#include "delta/log.h"
#include "delta/pqio.h"
#include "pipeline/bronze.h"
#include "util/hash.h"

#include <stdio.h>
#include <string.h>

static int print_rows(void *arg, const silt_batch *b, silt_error *err)
{
    (void)arg;
    (void)err;
    long ck = silt_schema_find(b->schema, "key"), cv = silt_schema_find(b->schema, "value");
    long ct = silt_schema_find(b->schema, "topic"), cp = silt_schema_find(b->schema, "partition");
    long co = silt_schema_find(b->schema, "offset");
    if (ck < 0 || cv < 0 || ct < 0 || cp < 0 || co < 0) {
        fprintf(stderr, "bronze_dump: not a bronze table\n");
        return SILT_EINVAL;
    }
    for (int64_t i = 0; i < b->n_rows; i++) {
        char kh[20] = "null", vh[20] = "null";
        size_t kl, vl = 0, tl;
        const uint8_t *p;
        if (silt_column_is_valid(&b->cols[ck], i)) {
            p = silt_column_bytes(&b->cols[ck], i, &kl);
            snprintf(kh, sizeof kh, "%016llx", (unsigned long long)silt_hash_bytes(p, kl, 0));
        }
        if (silt_column_is_valid(&b->cols[cv], i)) {
            p = silt_column_bytes(&b->cols[cv], i, &vl);
            snprintf(vh, sizeof vh, "%016llx", (unsigned long long)silt_hash_bytes(p, vl, 0));
        }
        const uint8_t *t = silt_column_bytes(&b->cols[ct], i, &tl);
        printf("%.*s %d %lld %s %s %zu\n", (int)tl, (const char *)t,
               (int)silt_column_get_int(&b->cols[cp], i),
               (long long)silt_column_get_int(&b->cols[co], i), kh, vh, vl);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tool_bronze_dump TABLE_LOCATION\n");
        return 2;
    }
    silt_error err;
    silt_error_clear(&err);
    silt_store *store = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_schema *data = NULL;
    int rc = silt_store_open(&store, argv[1], &err);
    silt_delta_read_opts o = silt_delta_read_opts_default();
    o.file_ops = silt_delta_parquet_ops();
    if (rc == 0) rc = silt_delta_snapshot_load(&snap, store, &o, &err);
    if (rc == 0) {
        /* the data columns: every column but the partition column */
        data = silt_schema_create(snap->schema->n_fields - 1);
        for (size_t i = 0, k = 0; data && i < snap->schema->n_fields; i++)
            if (strcmp(snap->schema->fields[i].name, SILT_BRONZE_PARTITION_COLUMN) != 0)
                silt_field_copy(&data->fields[k++], &snap->schema->fields[i]);
    }
    for (size_t i = 0; rc == 0 && i < snap->n_files; i++)
        rc = o.file_ops->read_file(NULL, store, snap->files[i].path, data, print_rows, NULL, &err);
    if (rc) fprintf(stderr, "bronze_dump: %s\n", err.msg);
    silt_schema_destroy(data);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
    return rc ? 1 : 0;
}
