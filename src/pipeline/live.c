/* The live registry (live.h): fixed arrays behind one mutex; a hook costs a lock and a short
 * scan, and nothing at all while collection is off. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "pipeline/live.h"
#include "util/time.h"

#define MAX_TABLES 512
#define MAX_PARTS 2048

static const double bounds[SILT_LIVE_BUCKETS] = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
static atomic_bool enabled;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static silt_live_table tables[MAX_TABLES];
static size_t n_tables;
static silt_live_partition parts[MAX_PARTS];
static size_t n_parts;

void silt_live_enable(void)
{
    atomic_store(&enabled, true);
}

bool silt_live_enabled(void)
{
    return atomic_load(&enabled);
}

const double *silt_live_bounds(void)
{
    return bounds;
}

static silt_live_table *table_of(const char *name)
{
    for (size_t i = 0; i < n_tables; i++)
        if (!strcmp(tables[i].name, name)) return &tables[i];
    if (n_tables == MAX_TABLES || strlen(name) >= SILT_LIVE_NAME_MAX) return NULL;
    silt_live_table *t = &tables[n_tables++];
    memset(t, 0, sizeof *t);
    strcpy(t->name, name);
    return t;
}

void silt_live_batch(const char *table, int64_t rows_in, int64_t rows_out, int64_t duration_ms)
{
    if (!atomic_load(&enabled) || !table) return;
    double sec = (double)duration_ms / 1000.0;
    pthread_mutex_lock(&mu);
    silt_live_table *t = table_of(table);
    if (t) {
        t->rows_in += rows_in;
        t->rows_out += rows_out;
        t->batches++;
        t->last_ms = duration_ms;
        t->updated_ms = silt_time_wall_ms();
        t->dur_sum += sec;
        for (size_t k = 0; k < SILT_LIVE_BUCKETS; k++)
            if (sec <= bounds[k]) t->hist[k]++;
    }
    pthread_mutex_unlock(&mu);
}

static silt_live_partition *part_of(const char *topic, int32_t partition)
{
    for (size_t i = 0; i < n_parts; i++)
        if (parts[i].partition == partition && !strcmp(parts[i].topic, topic)) return &parts[i];
    if (n_parts == MAX_PARTS || strlen(topic) >= SILT_LIVE_NAME_MAX) return NULL;
    silt_live_partition *p = &parts[n_parts++];
    memset(p, 0, sizeof *p);
    strcpy(p->topic, topic);
    p->partition = partition;
    return p;
}

void silt_live_partition_set(const char *topic, int32_t partition, int64_t position, int64_t high)
{
    if (!atomic_load(&enabled) || !topic) return;
    pthread_mutex_lock(&mu);
    silt_live_partition *p = part_of(topic, partition);
    if (p) {
        p->position = position;
        p->high = high;
        p->lag = high > position ? high - position : 0;
        p->updated_ms = silt_time_wall_ms();
    }
    pthread_mutex_unlock(&mu);
}

size_t silt_live_tables(silt_live_table *out, size_t max)
{
    pthread_mutex_lock(&mu);
    size_t n = n_tables;
    memcpy(out, tables, (n < max ? n : max) * sizeof *out);
    pthread_mutex_unlock(&mu);
    return n;
}

size_t silt_live_partitions(silt_live_partition *out, size_t max)
{
    pthread_mutex_lock(&mu);
    size_t n = n_parts;
    memcpy(out, parts, (n < max ? n : max) * sizeof *out);
    pthread_mutex_unlock(&mu);
    return n;
}
