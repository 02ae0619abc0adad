/* The catalog's insides, shared by catalog.c (tables) and catalog_refresh.c (the refresh, the
 * events and the catalog's lifetime). */
#ifndef SILT_HTTP_CATALOG_INT_H
#define SILT_HTTP_CATALOG_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "http/catalog.h"

#define SILT_HTTP_EVENT_RING 256

struct silt_http_catalog {
    char *lake;              /* absolute */
    pthread_rwlock_t lock;   /* tables: readers vs the refresher's changes */
    silt_http_table *tables; /* sorted by name */
    size_t n;
    /* events */
    pthread_mutex_t ev_mu;
    pthread_cond_t ev_cv;
    uint64_t ev_seq;                     /* sequence number of the newest event */
    char *ev_text[SILT_HTTP_EVENT_RING]; /* "event: T\ndata: J\n" of seq s at s % RING */
    bool woken;
    uint64_t refreshes, commits_seen;
    atomic_uint_fast64_t gen; /* moves with every change a reader can see (read without a lock) */
    struct silt_http_evlog *evlog; /* the event log's totals (eventlog.c), NULL until read */
};

/* Frees the event log's totals (eventlog.c). */
void silt_http_evlog_free(struct silt_http_evlog *e);

/* Table names found under a lake, sorted. */
typedef struct found_list {
    char **names;
    size_t n, cap;
} found_list;

int silt_http_catalog_walk(found_list *out, const char *lake);
void silt_http_found_clear(found_list *f);
/* Sets up and reads a table (not yet published). Returns 0 or SILT_ENOMEM. */
int silt_http_table_init(silt_http_table *t, const char *lake, const char *name);
void silt_http_table_clear(silt_http_table *t);
/* Refreshes a published table (takes the write lock when it changed). True when its version
 * moved. */
bool silt_http_table_update(silt_http_catalog *c, silt_http_table *t);

#endif
