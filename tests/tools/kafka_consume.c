/* Test tool: consumes with silt's Kafka consumer in a group and prints one line per message
 * ("topic partition offset key-hash value-hash value-length"), committing what it printed. Like
 * silt ingest with its Delta positions, it resumes a partition it gets back after losing it from
 * its own position rather than from the fallback.
 * Assignment and revocation events go to stderr. With --positions FILE, consumers share a position
 * store that plays the part of the bronze table's txn actions: positions are read from it on
 * assignment, and each batch is printed and recorded under a lock only if the store still holds
 * the position this consumer started from (else another member owns the partition now and the
 * batch is dropped), which is how silt ingest gets exactly-once whatever Kafka's commits do.
 * Used by the kafka_* integration tests and the consumer benchmark. */
#include "kafka/consumer.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/opt.h"
#include "util/time.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

typedef struct settings {
    const char *brokers, *topics, *group, *start_offsets, *positions;
    int start; /* silt_kafka_start */
    bool committed, commit;
    int64_t count, idle_ms, timeout_ms, batch, delay_ms, commit_every;
    int print; /* 0 hash, 1 value, 2 none */
} settings;

#define S_(kind, field) SILT_OPT_TO_##kind(settings, field)
static const silt_opt_choice starts[] = {
    {"earliest", SILT_KAFKA_START_EARLIEST}, {"latest", SILT_KAFKA_START_LATEST}, {NULL, 0}};
static const silt_opt_choice prints[] = {{"hash", 0}, {"value", 1}, {"none", 2}, {NULL, 0}};

static const silt_opt_spec spec[] = {
    {"brokers", 'b', SILT_OPT_STRING, "HOST:PORT", NULL, NULL, "bootstrap brokers",
     S_(STR, brokers)},
    {"topics", 't', SILT_OPT_STRING, "T1,T2", NULL, NULL, "comma-separated topics",
     S_(STR, topics)},
    {"group", 'g', SILT_OPT_STRING, "G", "silt-tool", NULL, "consumer group", S_(STR, group)},
    {"start", 0, SILT_OPT_CHOICE, "WHERE", "earliest", NULL, "fallback start", S_(INT, start),
     SILT_OPT_CHOICES(starts)},
    {"committed", 0, SILT_OPT_FLAG, NULL, NULL, NULL, "fallback consults committed offsets",
     S_(BOOL, committed)},
    {"start-offsets", 0, SILT_OPT_STRING, "T:P=O,...", NULL, NULL,
     "offsets the start callback returns", S_(STR, start_offsets)},
    {"count", 'n', SILT_OPT_INT, "N", "0", "0..", "stop after N messages (0 = no limit)",
     S_(I64, count)},
    {"idle-ms", 0, SILT_OPT_INT, "MS", "0", "0..", "stop after MS without messages once assigned",
     S_(I64, idle_ms)},
    {"timeout-ms", 0, SILT_OPT_INT, "MS", "60000", "1..", "give up (exit 3) after MS",
     S_(I64, timeout_ms)},
    {"batch", 0, SILT_OPT_INT, "N", "10000", "1..1000000", "messages per poll", S_(I64, batch)},
    {"delay-ms", 0, SILT_OPT_INT, "MS", "0", "0..", "sleep after each batch (a slow consumer)",
     S_(I64, delay_ms)},
    {"commit", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "commit printed positions on revocation and at exit", S_(BOOL, commit)},
    {"commit-every", 0, SILT_OPT_INT, "MS", "0", "0..",
     "also commit every MS (0 = never; a commit racing a rebalance can lose the assignment)",
     S_(I64, commit_every)},
    {"print", 0, SILT_OPT_CHOICE, "WHAT", "hash", NULL, "what to print per msg", S_(INT, print),
     SILT_OPT_CHOICES(prints)},
    {"positions", 0, SILT_OPT_STRING, "FILE", NULL, NULL,
     "shared position store (see the top of this file)", S_(STR, positions)},
    {0},
};

#define MAX_TP 256

typedef struct tool {
    silt_kafka_consumer *c;
    const char *start_spec;
    bool commit;
    size_t n_tp;
    char *tp_topic[MAX_TP];
    int32_t tp_part[MAX_TP];
    int64_t tp_next[MAX_TP];   /* next offset after the last printed message, -1 = none */
    int64_t tp_expect[MAX_TP]; /* what the position store should hold, -1 = no entry */
    bool tp_fenced[MAX_TP];    /* the store moved on: another member owns the partition */
    const char *positions;     /* --positions FILE or NULL */
} tool;

/* ---- the position store: lines "topic partition next-offset", guarded by flock ---- */
#define MAX_POS 1024

typedef struct pos_entry {
    char topic[128];
    int32_t part;
    int64_t next;
} pos_entry;

static pos_entry store[MAX_POS];
static size_t n_store;

/* Opens and locks the store and reads it into `store`; returns the fd or -1. */
static int store_open(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        perror(path);
        if (fd >= 0) close(fd);
        return -1;
    }
    static char text[MAX_POS * 160];
    ssize_t k = pread(fd, text, sizeof text - 1, 0);
    text[k > 0 ? k : 0] = '\0';
    n_store = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && n_store < MAX_POS;
         line = strtok_r(NULL, "\n", &save)) {
        pos_entry *e = &store[n_store];
        long long next;
        int part;
        if (sscanf(line, "%127s %d %lld", e->topic, &part, &next) == 3) {
            e->part = part;
            e->next = next;
            n_store++;
        }
    }
    return fd;
}

static int64_t store_get(const char *topic, int32_t part)
{
    for (size_t i = 0; i < n_store; i++)
        if (store[i].part == part && strcmp(store[i].topic, topic) == 0) return store[i].next;
    return -1;
}

static void store_set(const char *topic, int32_t part, int64_t next)
{
    for (size_t i = 0; i < n_store; i++)
        if (store[i].part == part && strcmp(store[i].topic, topic) == 0) {
            store[i].next = next;
            return;
        }
    if (n_store == MAX_POS) return;
    snprintf(store[n_store].topic, sizeof store[n_store].topic, "%s", topic);
    store[n_store].part = part;
    store[n_store++].next = next;
}

/* Writes `store` back and unlocks. */
static void store_close(int fd)
{
    static char text[MAX_POS * 160];
    size_t len = 0;
    for (size_t i = 0; i < n_store; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s %d %lld\n", store[i].topic,
                                (int)store[i].part, (long long)store[i].next);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, text, len, 0) != (ssize_t)len) perror("store");
    close(fd);
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static size_t tp_index(tool *t, const char *topic, int32_t partition);

/* Starting offset: this process's own position when it read the partition before and did not
 * hand it over (it came back after being lost), else --start-offsets, else the fallback. */
static int64_t start_fn(void *opaque, const char *topic, int32_t partition)
{
    tool *t = opaque;
    int64_t off = -1;
    size_t ti = tp_index(t, topic, partition);
    if (t->positions && ti < MAX_TP) {
        int fd = store_open(t->positions);
        if (fd >= 0) {
            off = store_get(topic, partition);
            close(fd);
        }
        t->tp_expect[ti] = off;
        t->tp_next[ti] = off; /* forget a position from before the partition was lost */
        t->tp_fenced[ti] = false;
    }
    if (off >= 0) {
        /* from the store */
    } else if (!t->positions && ti < MAX_TP && t->tp_next[ti] >= 0) {
        off = t->tp_next[ti];
    } else if (t->start_spec) {
        char want[300];
        snprintf(want, sizeof want, "%s:%d=", topic, (int)partition);
        const char *p = t->start_spec;
        size_t wl = strlen(want);
        while (p && *p) {
            if (strncmp(p, want, wl) == 0) off = strtoll(p + wl, NULL, 10);
            p = strchr(p, ',');
            if (p) p++;
        }
    }
    fprintf(stderr, "assigned %s %d %lld\n", topic, (int)partition, (long long)off);
    return off;
}

static size_t tp_index(tool *t, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < t->n_tp; i++)
        if (t->tp_part[i] == partition && strcmp(t->tp_topic[i], topic) == 0) return i;
    if (t->n_tp == MAX_TP) return MAX_TP;
    t->tp_topic[t->n_tp] = silt_strdup(topic);
    t->tp_part[t->n_tp] = partition;
    t->tp_next[t->n_tp] = -1;
    t->tp_expect[t->n_tp] = -1;
    t->tp_fenced[t->n_tp] = false;
    return t->n_tp++;
}

static void commit_all(tool *t, const char *topic_only, int32_t part_only)
{
    silt_kafka_tp tps[MAX_TP];
    int64_t offs[MAX_TP];
    size_t n = 0;
    for (size_t i = 0; i < t->n_tp; i++) {
        if (t->tp_next[i] < 0) continue;
        if (topic_only && (t->tp_part[i] != part_only || strcmp(t->tp_topic[i], topic_only)))
            continue;
        tps[n].topic = t->tp_topic[i];
        tps[n].partition = t->tp_part[i];
        offs[n++] = t->tp_next[i];
    }
    silt_error err;
    silt_error_clear(&err);
    if (silt_kafka_consumer_commit(t->c, tps, offs, n, 5000, &err))
        fprintf(stderr, "commit failed: %s\n", err.msg);
}

static void revoke_fn(void *opaque, const silt_kafka_tp *parts, size_t n, bool lost)
{
    tool *t = opaque;
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "revoked %s %d%s\n", parts[i].topic, (int)parts[i].partition,
                lost ? " lost" : "");
        if (lost) continue;
        if (t->commit) commit_all(t, parts[i].topic, parts[i].partition);
        /* handed over cleanly: the next owner continues from the commit */
        size_t ti = tp_index(t, parts[i].topic, parts[i].partition);
        if (ti < MAX_TP) t->tp_next[ti] = -1;
    }
}

int main(int argc, char **argv)
{
    silt_opts o;
    settings set;
    silt_error err;
    silt_error_clear(&err);
    if (silt_opts_parse(&o, spec, &set, argc, argv, 1, "kafka.", &err)) {
        fprintf(stderr, "kafka_consume: %s\n", err.msg);
        return 2;
    }
    if (o.help) {
        silt_opts_print_help(stdout, "tool_kafka_consume --brokers B --topics T [options]",
                             "Consume with silt's consumer and print what was read.", spec);
        return 0;
    }
    const char *brokers = set.brokers, *topics = set.topics;
    if (!brokers || !topics) {
        fprintf(stderr, "kafka_consume: --brokers and --topics are required\n");
        return 2;
    }
    char tbuf[1024];
    snprintf(tbuf, sizeof tbuf, "%s", topics);
    const char *tl[32];
    size_t nt = 0;
    for (char *save = NULL, *p = strtok_r(tbuf, ",", &save); p && nt < 32;
         p = strtok_r(NULL, ",", &save))
        tl[nt++] = p;
    static tool t;
    t.start_spec = set.start_offsets;
    t.commit = set.commit;
    t.positions = set.positions;
    silt_kafka_consumer_config cfg = {
        .brokers = brokers,
        .group = set.group,
        .topics = tl,
        .n_topics = nt,
        .start = (silt_kafka_start)set.start,
        .use_committed = set.committed,
        .prop_keys = o.extra_key,
        .prop_vals = o.extra_val,
        .n_props = o.n_extra,
        .start_fn = start_fn,
        .revoke_fn = revoke_fn,
        .opaque = &t,
    };
    if (silt_kafka_consumer_create(&t.c, &cfg, &err)) {
        fprintf(stderr, "kafka_consume: %s\n", err.msg);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    int64_t count = set.count, idle_ms = set.idle_ms;
    int64_t timeout_ms = set.timeout_ms, delay_ms = set.delay_ms;
    size_t batch_max = (size_t)set.batch;
    int64_t commit_every = set.commit_every;
    uint64_t last_commit = silt_time_mono_ns();
    int mode = set.print;
    silt_kafka_batch b = {0};
    int64_t got = 0, bytes = 0;
    uint64_t t0 = silt_time_mono_ns(), first = 0, last_msg = t0;
    int rc = 0;
    while (!stop_flag && (count == 0 || got < count)) {
        size_t want = batch_max;
        if (count && (int64_t)want > count - got) want = (size_t)(count - got);
        int k = silt_kafka_consumer_poll(&b, t.c, want, 100, &err);
        uint64_t now = silt_time_mono_ns();
        if (k < 0) {
            fprintf(stderr, "kafka_consume: %s\n", err.msg);
            rc = 1;
            break;
        }
        if (k > 0 && !first) first = now;
        int store_fd = -1;
        if (t.positions && b.n) {
            store_fd = store_open(t.positions);
            if (store_fd < 0) {
                rc = 1;
                break;
            }
            /* a partition whose stored position moved away from ours belongs to someone else */
            for (size_t i = 0; i < b.n; i++) {
                size_t ti = tp_index(&t, b.msgs[i].topic, b.msgs[i].partition);
                if (ti == MAX_TP || t.tp_fenced[ti]) continue;
                int64_t have = store_get(b.msgs[i].topic, b.msgs[i].partition);
                if (have != t.tp_expect[ti]) {
                    t.tp_fenced[ti] = true;
                    fprintf(stderr, "fenced %s %d: store at %lld, expected %lld\n", b.msgs[i].topic,
                            (int)b.msgs[i].partition, (long long)have, (long long)t.tp_expect[ti]);
                }
            }
        }
        for (size_t i = 0; i < b.n; i++) {
            const silt_kafka_msg *m = &b.msgs[i];
            size_t ti = tp_index(&t, m->topic, m->partition);
            if (t.positions && (ti == MAX_TP || t.tp_fenced[ti])) continue;
            if (mode == 0) {
                char kh[20] = "null", vh[20] = "null";
                if (m->key)
                    snprintf(kh, sizeof kh, "%016llx",
                             (unsigned long long)silt_hash_bytes(m->key, m->key_len, 0));
                if (m->value)
                    snprintf(vh, sizeof vh, "%016llx",
                             (unsigned long long)silt_hash_bytes(m->value, m->value_len, 0));
                printf("%s %d %lld %s %s %zu\n", m->topic, (int)m->partition, (long long)m->offset,
                       kh, vh, m->value_len);
            } else if (mode == 1) {
                if (m->value) fwrite(m->value, 1, m->value_len, stdout);
                putchar('\n');
            }
            if (ti < MAX_TP) t.tp_next[ti] = m->offset + 1;
            bytes += (int64_t)(m->key_len + m->value_len);
            got++;
        }
        if (store_fd >= 0) {
            fflush(stdout);
            for (size_t i = 0; i < t.n_tp; i++)
                if (!t.tp_fenced[i] && t.tp_next[i] >= 0 && t.tp_next[i] != t.tp_expect[i]) {
                    store_set(t.tp_topic[i], t.tp_part[i], t.tp_next[i]);
                    t.tp_expect[i] = t.tp_next[i];
                }
            store_close(store_fd);
        }
        if (b.n) last_msg = now;
        silt_kafka_batch_release(&b);
        if (k > 0) {
            fflush(stdout);
            if (t.commit && commit_every &&
                now - last_commit > (uint64_t)commit_every * 1000000ull) {
                commit_all(&t, NULL, 0);
                last_commit = now;
            }
            if (delay_ms) {
                struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
                nanosleep(&ts, NULL);
            }
        }
        if (idle_ms && got > 0 && now - last_msg > (uint64_t)idle_ms * 1000000ull) break;
        if (now - t0 > (uint64_t)timeout_ms * 1000000ull) {
            fprintf(stderr, "kafka_consume: timeout after %lld messages\n", (long long)got);
            rc = 3;
            break;
        }
    }
    uint64_t end = silt_time_mono_ns();
    double secs = first ? (double)(end - first) / 1e9 : 0;
    fprintf(stderr, "consumed %lld messages, %lld bytes, %.3f s from first message, %.0f msgs/s\n",
            (long long)got, (long long)bytes, secs, secs > 0 ? (double)got / secs : 0.0);
    fflush(stdout);
    silt_kafka_batch_free(&b);
    if (t.commit) commit_all(&t, NULL, 0);
    silt_kafka_consumer_destroy(t.c);
    for (size_t i = 0; i < t.n_tp; i++) silt_free(t.tp_topic[i]);
    return rc;
}
