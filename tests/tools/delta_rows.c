/* Test tool: writes Delta tables with real Parquet data files of every type, for the interop,
 * concurrency, crash and compaction tests.
 *   tool_delta_rows create LOCATION flat|partitioned
 *       columns id long, b boolean, i8 byte, i16 short, i32 integer, f float, d double,
 *       s string, bin binary, dec decimal(12,3), dt date, ts timestamp, tsn timestamp_ntz,
 *       st struct<x:integer,y:string>, arr array<long>, m map<string,double>, part string,
 *       pday date; "partitioned" partitions by (part, pday)
 *   tool_delta_rows append LOCATION TAG N ROWS [--auto-compact]
 *       N commits of one data file with ROWS rows each (ids TAG*1e9 + i*ROWS + r; nulls in every
 *       7th row; part cycles through "a", "b c", "x/y%" and null), committed against the last
 *       version this process saw (blind appends, checkpoints every 10 versions); with
 *       --auto-compact, silt_delta_auto_compact runs after each commit.
 * Prints one line per commit: its version. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delta/commit.h"
#include "delta/log.h"
#include "delta/optimize.h"
#include "delta/pqio.h"
#include "delta/schema.h"
#include "store/store.h"
#include "util/alloc.h"

static const char *schema_json =
    "{\"type\":\"struct\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"long\",\"nullable\":false,\"metadata\":{}},"
    "{\"name\":\"b\",\"type\":\"boolean\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"i8\",\"type\":\"byte\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"i16\",\"type\":\"short\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"i32\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"f\",\"type\":\"float\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"d\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"s\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"bin\",\"type\":\"binary\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"dec\",\"type\":\"decimal(12,3)\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"dt\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"ts\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"tsn\",\"type\":\"timestamp_ntz\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"st\",\"type\":{\"type\":\"struct\",\"fields\":["
    "{\"name\":\"x\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"y\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]},"
    "\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"arr\",\"type\":{\"type\":\"array\",\"elementType\":\"long\","
    "\"containsNull\":true},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"double\","
    "\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"part\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"pday\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}}]}";

#define N_DATA 16 /* columns before part and pday */

static int die(const silt_error *err)
{
    fprintf(stderr, "tool_delta_rows: %s\n", err->msg);
    return 1;
}

static int64_t tag_number(const char *tag)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *tag; tag++) h = (h ^ (uint8_t)*tag) * 1099511628211ULL;
    return (int64_t)(h % 1000);
}

/* One row of the data columns (and, for a flat table, part and pday) for row number k. */
static int put_row(silt_batch *b, int64_t id, int64_t k, const char *part, int pday_days, bool flat)
{
    int rc = 0;
    bool nul = k % 7 == 3;
    silt_column *c = b->cols;
    rc |= silt_column_append_int(&c[0], id);
#define NUL_OR(col, expr) (nul ? silt_column_append_null(col) : (expr))
    rc |= NUL_OR(&c[1], silt_column_append_bool(&c[1], k % 2 == 0));
    rc |= NUL_OR(&c[2], silt_column_append_int(&c[2], (int8_t)(k * 37)));
    rc |= NUL_OR(&c[3], silt_column_append_int(&c[3], (int16_t)(k * 1009 - 20000)));
    rc |= NUL_OR(&c[4], silt_column_append_int(&c[4], (int32_t)(k * 100003 - 7)));
    rc |= NUL_OR(&c[5], silt_column_append_float(&c[5], (float)k / 8.0f - 3.25f));
    rc |= NUL_OR(&c[6], silt_column_append_double(&c[6], (double)k * 1.1 - 0.5));
    char s[64];
    int n = snprintf(s, sizeof s, "row %lld \"q\" \xc3\xa9", (long long)k);
    rc |= NUL_OR(&c[7], silt_column_append_bytes(&c[7], s, (size_t)n));
    uint8_t bin[3] = {(uint8_t)k, 0, 0xff};
    rc |= NUL_OR(&c[8], silt_column_append_bytes(&c[8], bin, sizeof bin));
    rc |= NUL_OR(&c[9], silt_column_append_decimal_i64(&c[9], k * 12345 - 999999));
    rc |= NUL_OR(&c[10], silt_column_append_int(&c[10], 19000 + k));
    rc |= NUL_OR(&c[11], silt_column_append_int(&c[11], 1700000000000000LL + k * 1000001));
    rc |= NUL_OR(&c[12], silt_column_append_int(&c[12], 1600000000123456LL + k * 60000000));
    if (nul) {
        rc |= silt_column_append_null(&c[13]);
        rc |= silt_column_append_null(&c[14]);
        rc |= silt_column_append_null(&c[15]);
    } else {
        rc |= silt_column_append_int(&c[13].children[0], k);
        rc |= k % 3 ? silt_column_append_bytes(&c[13].children[1], "why", 3)
                    : silt_column_append_null(&c[13].children[1]);
        rc |= silt_column_append_valid(&c[13]);
        for (int64_t j = 0; j < k % 4; j++)
            rc |= j == 1 ? silt_column_append_null(&c[14].children[0])
                         : silt_column_append_int(&c[14].children[0], k * 10 + j);
        rc |= silt_column_append_valid(&c[14]);
        silt_column *kv = &c[15].children[0];
        for (int64_t j = 0; j < k % 3; j++) {
            char key[16];
            int kn = snprintf(key, sizeof key, "k%lld", (long long)j);
            rc |= silt_column_append_bytes(&kv->children[0], key, (size_t)kn);
            rc |= j == 1 ? silt_column_append_null(&kv->children[1])
                         : silt_column_append_double(&kv->children[1], (double)k + 0.25 * j);
            rc |= silt_column_append_valid(kv);
        }
        rc |= silt_column_append_valid(&c[15]);
    }
#undef NUL_OR
    if (flat) {
        rc |= part ? silt_column_append_bytes(&c[16], part, strlen(part))
                   : silt_column_append_null(&c[16]);
        rc |=
            pday_days ? silt_column_append_int(&c[17], pday_days) : silt_column_append_null(&c[17]);
    }
    return rc;
}

static int do_append(silt_store *s, const char *tag, int n, int64_t rows, bool auto_compact,
                     silt_error *err)
{
    const silt_delta_file_ops *ops = silt_delta_parquet_ops();
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = ops;
    silt_delta_snapshot *snap = NULL;
    silt_schema *data = NULL;
    silt_batch *b = NULL;
    int rc = silt_delta_snapshot_load(&snap, s, &ro, err);
    if (rc) return rc;
    bool flat = snap->metadata.n_partition_columns == 0;
    data = silt_schema_create(flat ? N_DATA + 2 : N_DATA);
    if (!data) goto oom;
    for (size_t i = 0; i < data->n_fields; i++)
        if (silt_field_copy(&data->fields[i], &snap->schema->fields[i])) goto oom;
    int64_t read_version = snap->version;
    int64_t base = tag_number(tag) * 1000000000LL;
    static const char *parts[] = {"a", "b c", "x/y%", NULL};
    for (int i = 0; i < n; i++) {
        const char *part = parts[i % 4];
        int pday = i % 3 ? 19723 + i % 3 : 0;
        if (!(b = silt_batch_create(data))) goto oom;
        for (int64_t r = 0; r < rows; r++)
            if (put_row(b, base + i * rows + r, i * rows + r, part, pday, flat)) goto oom;
        if ((rc = silt_batch_validate(b, err))) goto fail;
        silt_delta_map pv = {0};
        char day[16];
        snprintf(day, sizeof day, "2024-01-0%d", 1 + i % 3);
        if (silt_delta_map_set(&pv, "part", part) ||
            silt_delta_map_set(&pv, "pday", pday ? day : NULL)) {
            silt_delta_map_clear(&pv);
            goto oom;
        }
        silt_delta_actions acts = {0};
        silt_delta_action *a = silt_delta_actions_push(&acts, SILT_DELTA_ADD);
        if (!a) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        if (!rc)
            rc = silt_delta_write_data_file(&a->u.add, s, ops, b, flat ? NULL : &pv,
                                            (const char *const *)snap->metadata.partition_columns,
                                            snap->metadata.n_partition_columns, err);
        silt_delta_map_clear(&pv);
        silt_delta_map params = {0};
        silt_delta_map_set(&params, "mode", "Append");
        silt_delta_commit_opts o = {"WRITE", &params, 0, ops, 0};
        int64_t v = -1;
        if (!rc) rc = silt_delta_commit(&v, s, read_version, &acts, &o, err);
        silt_delta_map_clear(&params);
        silt_delta_actions_clear(&acts);
        silt_batch_destroy(b);
        b = NULL;
        if (rc) goto fail;
        printf("%" PRId64 "\n", v);
        fflush(stdout);
        read_version = v;
        if (auto_compact) {
            silt_delta_optimize_opts oo = {0};
            oo.file_ops = ops;
            silt_delta_optimize_result res;
            if ((rc = silt_delta_auto_compact(&res, s, NULL, &oo, err))) goto fail;
        }
    }
    goto fail;
oom:
    rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
fail:
    silt_batch_destroy(b);
    silt_schema_destroy(data);
    silt_delta_snapshot_destroy(snap);
    return rc;
}

int main(int argc, char **argv)
{
    silt_error err;
    silt_error_clear(&err);
    if (argc < 4) {
        fprintf(stderr, "usage: tool_delta_rows create LOCATION flat|partitioned | append LOCATION "
                        "TAG N ROWS [--auto-compact]\n");
        return 2;
    }
    silt_store *s = NULL;
    if (silt_store_open(&s, argv[2], &err)) return die(&err);
    int rc = 0;
    if (strcmp(argv[1], "create") == 0) {
        silt_schema *schema = NULL;
        rc = silt_delta_schema_parse(&schema, schema_json, &err);
        const char *parts[] = {"part", "pday"};
        bool partitioned = strcmp(argv[3], "partitioned") == 0;
        silt_delta_table_def def = {schema, parts, partitioned ? 2 : 0, "all_types", NULL, NULL};
        int64_t v = -1;
        if (!rc) rc = silt_delta_create_table(&v, s, &def, NULL, &err);
        if (!rc) printf("%" PRId64 "\n", v);
        silt_schema_destroy(schema);
    } else if (strcmp(argv[1], "append") == 0 && argc >= 6) {
        bool ac = argc > 6 && strcmp(argv[6], "--auto-compact") == 0;
        rc = do_append(s, argv[3], atoi(argv[4]), atoll(argv[5]), ac, &err);
    } else {
        fprintf(stderr, "tool_delta_rows: unknown or incomplete command '%s'\n", argv[1]);
        silt_store_destroy(s);
        return 2;
    }
    silt_store_destroy(s);
    return rc ? die(&err) : 0;
}
