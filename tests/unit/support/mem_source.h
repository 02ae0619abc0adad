/* Test support: an in-memory ingestion source with n_parts partitions of n_msgs messages each
 * (topic "t"), handed out a few at a time, that can pause (fail the poll) every N messages to
 * simulate a worker that dies or is interleaved with another. */
#ifndef SILT_TEST_MEM_SOURCE_H
#define SILT_TEST_MEM_SOURCE_H

#include "pipeline/ingest.h"

#define MEM_SOURCE_MAX_PARTS 16

typedef struct mem_source {
    silt_ingest_source base;
    int n_parts;
    int64_t n_msgs;
    int64_t pos[MEM_SOURCE_MAX_PARTS];
    bool assigned;
    int per_poll;
    int64_t delivered;
    int64_t pause_every; /* poll fails with SILT_ECANCELLED after every this many messages */
    int64_t since_pause;
} mem_source;

void mem_source_init(mem_source *m, int n_parts, int64_t n_msgs, int per_poll);
bool mem_source_caught_up(const mem_source *m);

#endif
