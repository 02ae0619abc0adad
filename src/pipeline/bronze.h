/* The bronze layer's row shape: every Kafka message kept byte for byte, with its coordinates,
 * and the batch builder that turns consumed messages into bronze column batches. */
#ifndef SILT_PIPELINE_BRONZE_H
#define SILT_PIPELINE_BRONZE_H

#include <stddef.h>
#include <stdint.h>

#include "batch/batch.h"

/* Column order of the bronze schema. */
enum {
    SILT_BRONZE_KEY = 0,     /* binary, null for a message without key */
    SILT_BRONZE_VALUE,       /* binary, null for a tombstone */
    SILT_BRONZE_TOPIC,       /* string */
    SILT_BRONZE_PARTITION,   /* int32 */
    SILT_BRONZE_OFFSET,      /* int64 */
    SILT_BRONZE_TIMESTAMP,   /* timestamp (UTC, micros): the Kafka message timestamp */
    SILT_BRONZE_HEADERS,     /* map<string, binary> */
    SILT_BRONZE_INGESTED_AT, /* timestamp (UTC, micros): when silt consumed it */
    SILT_BRONZE_INGEST_DATE, /* date of ingested_at: the partition column */
    SILT_BRONZE_NCOLS
};

#define SILT_BRONZE_PARTITION_COLUMN "ingest_date"

/* One message header; value may be NULL (a header without value). Borrowed. */
typedef struct silt_bronze_header {
    const char *name;
    size_t name_len;
    const void *value;
    size_t value_len;
} silt_bronze_header;

/* One consumed message, borrowed for the duration of silt_bronze_append. */
typedef struct silt_bronze_msg {
    const void *key; /* NULL = no key */
    size_t key_len;
    const void *value; /* NULL = tombstone */
    size_t value_len;
    const char *topic;
    int32_t partition;
    int64_t offset;
    int64_t timestamp_ms; /* Kafka timestamp, -1 when the broker gave none */
    size_t n_headers;
    const silt_bronze_header *headers;
} silt_bronze_msg;

/* Returns a new schema for bronze tables (caller owns it), or NULL on oom. */
silt_schema *silt_bronze_schema(void);

/* Appends one message as a row of b (a batch of silt_bronze_schema()), stamped with
 * ingested_at_us. Returns 0, SILT_ENOMEM, or SILT_ERANGE when the batch cannot hold the message
 * (over 2 GiB of bytes in one column): the caller cuts the batch before and retries. */
int silt_bronze_append(silt_batch *b, const silt_bronze_msg *m, int64_t ingested_at_us);

#endif
