/* Test support: the in-memory ingestion source (see mem_source.h). */
#include "support/mem_source.h"

#include <stdio.h>
#include <string.h>

static int src_poll(silt_ingest_source *s, silt_ingest *ing, int timeout_ms, silt_ingest_msg_fn fn,
                    silt_error *err)
{
    (void)timeout_ms;
    mem_source *m = (mem_source *)s;
    if (!m->assigned) {
        silt_ingest_tp tps[MEM_SOURCE_MAX_PARTS];
        for (int p = 0; p < m->n_parts; p++) tps[p] = (silt_ingest_tp){"t", p, 0};
        int rc = silt_ingest_on_assign(ing, tps, (size_t)m->n_parts, err);
        if (rc) return rc;
        for (int p = 0; p < m->n_parts; p++)
            m->pos[p] = tps[p].offset == SILT_INGEST_OFFSET_DEFAULT ? 0 : tps[p].offset;
        m->assigned = true;
    }
    int got = 0;
    for (int k = 0; k < m->per_poll; k++) {
        int p = (int)((m->delivered + k) % m->n_parts);
        if (m->pos[p] >= m->n_msgs) continue;
        if (m->pause_every && m->since_pause >= m->pause_every) {
            m->since_pause = 0;
            return silt_error_set(err, SILT_ECANCELLED, "paused");
        }
        m->since_pause++;
        char value[32];
        int len = snprintf(value, sizeof value, "v%d-%lld", p, (long long)m->pos[p]);
        silt_bronze_msg msg = {NULL, 0, value, (size_t)len, "t", p, m->pos[p], 1000, 0, NULL};
        m->pos[p]++;
        m->delivered++;
        got++;
        int rc = fn(ing, &msg);
        if (rc) return rc;
    }
    return got;
}

static int src_seek(silt_ingest_source *s, const char *topic, int32_t partition, int64_t offset,
                    silt_error *err)
{
    (void)topic;
    (void)err;
    ((mem_source *)s)->pos[partition] = offset;
    return 0;
}

bool mem_source_caught_up(const mem_source *m)
{
    for (int p = 0; p < m->n_parts; p++)
        if (m->pos[p] < m->n_msgs) return false;
    return true;
}

static bool src_caught_up(silt_ingest_source *s)
{
    return mem_source_caught_up((mem_source *)s);
}

static const struct silt_ingest_source_ops src_ops = {src_poll,      src_seek, NULL,
                                                      src_caught_up, NULL,     NULL};

void mem_source_init(mem_source *m, int n_parts, int64_t n_msgs, int per_poll)
{
    memset(m, 0, sizeof *m);
    m->base.ops = &src_ops;
    m->n_parts = n_parts;
    m->n_msgs = n_msgs;
    m->per_poll = per_poll;
}
