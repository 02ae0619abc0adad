/* Kafka consumer: librdkafka's high-level consumer in a group (cooperative-sticky, manual
 * offsets). Starting positions come from the caller on every assignment; messages are handed
 * out in batches that point into librdkafka's buffers (no copy). */
#ifndef SILT_KAFKA_CONSUMER_H
#define SILT_KAFKA_CONSUMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct silt_kafka_consumer silt_kafka_consumer;

/* Where a partition starts when the caller knows no position for it. */
typedef enum {
    SILT_KAFKA_START_EARLIEST = 0,
    SILT_KAFKA_START_LATEST,
} silt_kafka_start;

/* A topic-partition (topic borrowed from librdkafka for the duration of a callback). */
typedef struct silt_kafka_tp {
    const char *topic;
    int32_t partition;
} silt_kafka_tp;

/* Asked once per newly assigned partition: returns the offset to start from (the next offset to
 * read), or -1 when the caller has no position (the fallback then applies). */
typedef int64_t (*silt_kafka_start_fn)(void *opaque, const char *topic, int32_t partition);

/* Told before partitions are taken away (lost = true when the group already gave them to
 * another member, e.g. after a session timeout): the caller flushes or drops what it buffered
 * for them. Messages of these partitions already handed out stay valid until released. */
typedef void (*silt_kafka_revoke_fn)(void *opaque, const silt_kafka_tp *parts, size_t n, bool lost);

/* Told, during a poll, that the fetcher of a partition has reached the partition's end: every
 * message before `offset` (the high watermark at that fetch) has been handed out, in order, by
 * this or an earlier poll. */
typedef void (*silt_kafka_eof_fn)(void *opaque, const char *topic, int32_t partition,
                                  int64_t offset);

typedef struct silt_kafka_consumer_config {
    const char *brokers;       /* bootstrap list */
    const char *group;         /* group.id */
    const char *const *topics; /* subscribed topics (names, or "^regex") */
    size_t n_topics;
    silt_kafka_start start;       /* fallback for partitions without a position */
    bool use_committed;           /* fallback consults Kafka's committed offset first */
    const char *const *prop_keys; /* librdkafka properties ("kafka." prefix optional) */
    const char *const *prop_vals;
    size_t n_props;
    silt_kafka_start_fn start_fn;   /* may be NULL */
    silt_kafka_revoke_fn revoke_fn; /* may be NULL */
    silt_kafka_eof_fn eof_fn;       /* may be NULL; when set, enable.partition.eof is forced on */
    void *opaque;                   /* passed to the callbacks */
} silt_kafka_consumer_config;

/* One message; every pointer is borrowed from librdkafka and valid until the batch is released. */
typedef struct silt_kafka_msg {
    const void *key; /* NULL for a null key */
    size_t key_len;
    const void *value; /* NULL for a null value (tombstone); non-NULL with len 0 when empty */
    size_t value_len;
    const char *topic;
    int32_t partition;
    int64_t offset;
    int64_t timestamp_ms; /* -1 when the message has none */
    void *handle_;        /* internal: the rd_kafka_message_t */
} silt_kafka_msg;

typedef struct silt_kafka_batch {
    silt_kafka_msg *msgs; /* owned storage */
    size_t n, cap;
    int64_t bytes; /* key + value bytes in the batch */
} silt_kafka_batch;

/* Creates the consumer and subscribes. silt's settings (enable.auto.commit=false,
 * enable.auto.offset.store=false, partition.assignment.strategy=cooperative-sticky,
 * auto.offset.reset from `start`) come first; the caller's properties override them.
 * Returns 0, SILT_EINVAL (bad property, named; no topics), SILT_ENOMEM. */
int silt_kafka_consumer_create(silt_kafka_consumer **out, const silt_kafka_consumer_config *cfg,
                               silt_error *err);
/* Leaves the group (revoking through revoke_fn) and frees everything. NULL is a no-op. */
void silt_kafka_consumer_destroy(silt_kafka_consumer *c);

/* Waits until a broker of the bootstrap list has answered a metadata request, for at most
 * timeout_ms. Returns 0, or SILT_ETIMEOUT with a message that names the brokers and says what
 * to check. */
int silt_kafka_consumer_wait_ready(silt_kafka_consumer *c, int timeout_ms, silt_error *err);

/* Leaves the group cleanly (revoke_fn is called for what was assigned). Returns 0 or SILT_EIO. */
int silt_kafka_consumer_close(silt_kafka_consumer *c, silt_error *err);

/* Appends up to `max` messages to out (which must have been released or be empty), waiting at
 * most timeout_ms for the first one; serves rebalance callbacks meanwhile. Messages of partitions
 * revoked during the call are dropped before it returns (the caller was told through revoke_fn;
 * the next owner reads them again). Returns the number of messages added (0 on timeout), or a
 * negative code on a fatal consumer error. Transient errors (broker down, retries) are logged
 * and do not end polling. */
int silt_kafka_consumer_poll(silt_kafka_batch *out, silt_kafka_consumer *c, size_t max,
                             int timeout_ms, silt_error *err);

/* Commits next-offsets for the given partitions to Kafka. offsets[i] is the next offset to read
 * of parts[i]. With timeout_ms > 0 waits at most that long for the broker's answer; with 0
 * sends it and returns at once (errors are then only logged by librdkafka). Returns 0,
 * SILT_ETIMEOUT (retriable; the commit may still land) or SILT_EIO (retriable when librdkafka
 * says so). A commit sent while the member is rejoining a rebalance can be refused
 * with an illegal generation, and librdkafka then treats the whole assignment as lost (revoke_fn
 * with lost = true): commit from revoke_fn and at batch boundaries, and keep the true positions
 * elsewhere (silt: the Delta log); Kafka's committed offsets are for lag tools. */
int silt_kafka_consumer_commit(silt_kafka_consumer *c, const silt_kafka_tp *parts,
                               const int64_t *offsets, size_t n, int timeout_ms, silt_error *err);

/* Number of partitions currently assigned to this member. */
size_t silt_kafka_consumer_assignment_count(silt_kafka_consumer *c);

/* The partitions currently assigned: *out is an owned array of *out_n entries (topics included)
 * to free with silt_kafka_tp_array_free. Returns 0, SILT_ENOMEM or SILT_EIO. */
int silt_kafka_consumer_assignment(silt_kafka_tp **out, size_t *out_n, silt_kafka_consumer *c,
                                   silt_error *err);
void silt_kafka_tp_array_free(silt_kafka_tp *parts, size_t n);

/* Low and high watermarks (first offset, next offset to be written) of a partition. With
 * query = false, the values cached from the last fetch (no network; -1 when unknown), for lag
 * in progress lines; with query = true, asks the leader (waits up to timeout_ms). Returns 0,
 * or SILT_EIO / SILT_ETIMEOUT (retriable). */
int silt_kafka_consumer_watermarks(int64_t *out_low, int64_t *out_high, silt_kafka_consumer *c,
                                   const char *topic, int32_t partition, bool query, int timeout_ms,
                                   silt_error *err);

/* Number of headers of m, and header i (name NUL-terminated; value NULL for a null header).
 * Both borrowed from the message. Returns 0 or SILT_ENOTFOUND. */
size_t silt_kafka_msg_header_count(const silt_kafka_msg *m);
int silt_kafka_msg_header(const char **out_name, const void **out_value, size_t *out_len,
                          const silt_kafka_msg *m, size_t i);

/* Gives the messages back to librdkafka; keeps the storage for the next poll. */
void silt_kafka_batch_release(silt_kafka_batch *b);
/* Releases and frees the storage. */
void silt_kafka_batch_free(silt_kafka_batch *b);

/* Moves an assigned partition's fetch position to offset (the next offset to read), e.g. after
 * a commit conflict. Returns 0, SILT_ENOTFOUND (not assigned) or SILT_EIO. */
int silt_kafka_consumer_seek(silt_kafka_consumer *c, const char *topic, int32_t partition,
                             int64_t offset, silt_error *err);

#endif
