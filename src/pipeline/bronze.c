/* Bronze rows: Kafka messages as they came, plus topic/partition/offset/timestamp/headers. */
#include "pipeline/bronze.h"

#include "util/alloc.h"

#include <string.h>

silt_schema *silt_bronze_schema(void)
{
    silt_schema *s = silt_schema_create(SILT_BRONZE_NCOLS);
    if (!s) return NULL;
    silt_field *f = s->fields;
    int rc = silt_field_init(&f[SILT_BRONZE_KEY], "key", SILT_TYPE_BINARY, true);
    rc |= silt_field_init(&f[SILT_BRONZE_VALUE], "value", SILT_TYPE_BINARY, true);
    rc |= silt_field_init(&f[SILT_BRONZE_TOPIC], "topic", SILT_TYPE_STRING, false);
    rc |= silt_field_init(&f[SILT_BRONZE_PARTITION], "partition", SILT_TYPE_INT32, false);
    rc |= silt_field_init(&f[SILT_BRONZE_OFFSET], "offset", SILT_TYPE_INT64, false);
    rc |= silt_field_init(&f[SILT_BRONZE_TIMESTAMP], "timestamp", SILT_TYPE_TIMESTAMP, true);
    rc |= silt_field_init_nested(&f[SILT_BRONZE_HEADERS], "headers", SILT_TYPE_MAP, true, 1);
    if (rc == 0) {
        silt_field *kv = &f[SILT_BRONZE_HEADERS].children[0];
        rc |= silt_field_init_nested(kv, "key_value", SILT_TYPE_STRUCT, false, 2);
        if (rc == 0) {
            rc |= silt_field_init(&kv->children[0], "key", SILT_TYPE_STRING, false);
            rc |= silt_field_init(&kv->children[1], "value", SILT_TYPE_BINARY, true);
        }
    }
    rc |= silt_field_init(&f[SILT_BRONZE_INGESTED_AT], "ingested_at", SILT_TYPE_TIMESTAMP, false);
    rc |= silt_field_init(&f[SILT_BRONZE_INGEST_DATE], SILT_BRONZE_PARTITION_COLUMN,
                          SILT_TYPE_DATE32, false);
    if (rc) {
        silt_schema_destroy(s);
        return NULL;
    }
    return s;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Truncates every column back to `rows` rows after a failed append, so a batch never holds a
 * half-appended message. */
static void truncate_to(silt_batch *b, int64_t rows)
{
    for (size_t i = 0; i < b->n_cols; i++) {
        silt_column *c = &b->cols[i];
        if (c->length <= rows) continue;
        for (int64_t r = rows; r < c->length; r++)
            if (!silt_column_is_valid(c, r)) c->null_count--;
        if (c->type == SILT_TYPE_MAP) {
            int64_t keep = c->offsets[rows];
            silt_column *kv = &c->children[0];
            for (size_t k = 0; k < kv->n_children; k++) {
                silt_column *ch = &kv->children[k];
                for (int64_t r = keep; r < ch->length; r++)
                    if (!silt_column_is_valid(ch, r)) ch->null_count--;
                ch->length = keep;
            }
            kv->length = keep;
        }
        c->length = rows;
    }
}

int silt_bronze_append(silt_batch *b, const silt_bronze_msg *m, int64_t ingested_at_us)
{
    int64_t rows = b->cols[SILT_BRONZE_OFFSET].length;
    silt_column *c = b->cols;
    int rc;
    if (m->key)
        rc = silt_column_append_bytes(&c[SILT_BRONZE_KEY], m->key, m->key_len);
    else
        rc = silt_column_append_null(&c[SILT_BRONZE_KEY]);
    if (rc) goto fail;
    if (m->value)
        rc = silt_column_append_bytes(&c[SILT_BRONZE_VALUE], m->value, m->value_len);
    else
        rc = silt_column_append_null(&c[SILT_BRONZE_VALUE]);
    if (rc) goto fail;
    const char *topic = m->topic ? m->topic : "";
    if ((rc = silt_column_append_bytes(&c[SILT_BRONZE_TOPIC], topic, strlen(topic)))) goto fail;
    if ((rc = silt_column_append_int(&c[SILT_BRONZE_PARTITION], m->partition))) goto fail;
    if ((rc = silt_column_append_int(&c[SILT_BRONZE_OFFSET], m->offset))) goto fail;
    if (m->timestamp_ms >= 0)
        rc = silt_column_append_int(&c[SILT_BRONZE_TIMESTAMP], m->timestamp_ms * 1000);
    else
        rc = silt_column_append_null(&c[SILT_BRONZE_TIMESTAMP]);
    if (rc) goto fail;
    silt_column *h = &c[SILT_BRONZE_HEADERS];
    if (m->n_headers == 0) {
        rc = silt_column_append_null(h);
    } else {
        silt_column *kv = &h->children[0];
        for (size_t i = 0; i < m->n_headers; i++) {
            const silt_bronze_header *hd = &m->headers[i];
            if ((rc = silt_column_append_bytes(&kv->children[0], hd->name, hd->name_len)))
                goto fail;
            if (hd->value)
                rc = silt_column_append_bytes(&kv->children[1], hd->value, hd->value_len);
            else
                rc = silt_column_append_null(&kv->children[1]);
            if (rc) goto fail;
            if ((rc = silt_column_append_valid(kv))) goto fail;
        }
        rc = silt_column_append_valid(h);
    }
    if (rc) goto fail;
    if ((rc = silt_column_append_int(&c[SILT_BRONZE_INGESTED_AT], ingested_at_us))) goto fail;
    rc = silt_column_append_int(&c[SILT_BRONZE_INGEST_DATE],
                                floor_div(ingested_at_us, 86400LL * 1000000));
    if (rc) goto fail;
    b->n_rows = rows + 1;
    return 0;
fail:
    truncate_to(b, rows);
    b->n_rows = rows;
    return rc;
}
