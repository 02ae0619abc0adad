/* Test support for the pipeline runtime's unit tests: a run until caught up, and one-value
 * queries over the tables it wrote. */
#ifndef SILT_TEST_PIPELINE_FIXTURE_H
#define SILT_TEST_PIPELINE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/run.h"
#include "util/error.h"

/* Runs def until caught up, quickly (1 ms trigger, no progress lines). no_bronze: the test fills
 * bronze itself (no Kafka); max_versions: upstream versions per batch (0: the default);
 * crash_after: stop as a crash would after that many writes (0: never). */
int pf_run_caught_up(const silt_pipeline_def *def, bool no_bronze, int64_t max_versions,
                     int crash_after, silt_error *err);

/* The first column of the first row of a query's result, as text ("" for no rows); fails the
 * test when the query fails. */
void pf_query1(char *out, size_t cap, const char *sql);

/* Fails the test unless pf_query1 of the formatted query gives want. */
void pf_expect_q(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A query's rows, canonical and sorted, one per line, as one string (owned); fails the test
 * when the query fails. */
char *pf_rows(const char *sql);

/* Appends msgs[0..n) to the bronze table at loc as one commit, as the ingestion runtime would
 * (topic "t", partition 0, from offset *next, which moves past them; message i ingested at
 * at[i], microseconds). */
void pf_produce(const char *loc, int64_t *next, const char *const *msgs, const int64_t *at, int n);

#endif
