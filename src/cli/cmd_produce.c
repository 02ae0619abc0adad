/* `silt produce`: sends CSV rows (as JSON objects typed like pandas), JSON lines, or generated
 * e-commerce transactions to a Kafka topic, with rate limiting, progress and a summary. */
#include "cli/cli.h"
#include "json/write.h"
#include "feed/csv.h"
#include "feed/gen.h"
#include "kafka/producer.h"
#include "util/log.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/time.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct settings {
    const char *brokers, *topic;
    const char *csv, *jsonl;
    int64_t generate;
    bool has_generate;
    int64_t seed;
    double rate;
    const char *key;
    int64_t partition;
    int compression;  /* index in compressions */
    int invalid_utf8; /* silt_csv_utf8_policy */
} settings;

/* librdkafka's compression.codec names; the value is the index. */
static const silt_opt_choice compressions[] = {{"none", 0}, {"gzip", 1}, {"snappy", 2},
                                               {"lz4", 3},  {"zstd", 4}, {NULL, 0}};
static const silt_opt_choice utf8_policies[] = {
    {"fail", SILT_CSV_UTF8_FAIL}, {"replace", SILT_CSV_UTF8_REPLACE}, {NULL, 0}};

static const silt_opt_spec opts_spec[] = {
    {"brokers", 'b', SILT_OPT_STRING, "HOST:PORT", NULL, NULL, "bootstrap brokers (required)",
     SILT_OPT_TO_STR(settings, brokers)},
    {"topic", 't', SILT_OPT_STRING, "TOPIC", NULL, NULL, "topic to produce to (required)",
     SILT_OPT_TO_STR(settings, topic)},
    {"csv", 0, SILT_OPT_STRING, "FILE", NULL, NULL,
     "CSV with a header row; each row is sent as one JSON object", SILT_OPT_TO_STR(settings, csv)},
    {"jsonl", 0, SILT_OPT_STRING, "FILE", NULL, NULL, "send each non-empty line as is",
     SILT_OPT_TO_STR(settings, jsonl)},
    {"generate", 0, SILT_OPT_INT, "N", NULL, "0..", "send N synthetic sales transactions",
     SILT_OPT_TO_I64(settings, generate), SILT_OPT_GIVEN(settings, has_generate)},
    {"seed", 0, SILT_OPT_INT, "S", "1", NULL, "seed of --generate (same seed, same data)",
     SILT_OPT_TO_I64(settings, seed)},
    {"rate", 0, SILT_OPT_DOUBLE, "MSGS_PER_S", "0", "0..",
     "messages per second; 0 = as fast as possible", SILT_OPT_TO_DOUBLE(settings, rate)},
    {"key", 0, SILT_OPT_STRING, "FIELD", NULL, NULL,
     "use this field's value as the message key (default: no key)", SILT_OPT_TO_STR(settings, key)},
    {"partition", 0, SILT_OPT_INT, "P", "-1", "-1..",
     "send every message to partition P; -1 lets the partitioner choose",
     SILT_OPT_TO_I64(settings, partition)},
    {"compression", 0, SILT_OPT_CHOICE, "CODEC", "none", NULL, "batch compression",
     SILT_OPT_TO_INT(settings, compression), SILT_OPT_CHOICES(compressions)},
    {"invalid-utf8", 0, SILT_OPT_CHOICE, "WHAT", "fail", NULL,
     "a CSV cell that is not valid UTF-8: stop with its line and column, or replace each bad "
     "byte with U+FFFD",
     SILT_OPT_TO_INT(settings, invalid_utf8), SILT_OPT_CHOICES(utf8_policies)},
    {0},
};

static const char usage[] =
    "silt produce --brokers HOST:PORT --topic T (--csv FILE | --jsonl FILE | --generate N) "
    "[--seed S] [--rate MSGS_PER_S] [--key FIELD] [--compression CODEC] [kafka.PROP=VALUE]...";

/* A whole input file, mapped (or read when it cannot be mapped, e.g. a pipe). */
typedef struct input_file {
    const uint8_t *data;
    size_t len;
    void *map;
    silt_buf buf;
} input_file;

static int input_open(input_file *in, const char *path, silt_error *err)
{
    memset(in, 0, sizeof *in);
    int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        silt_error_set_errno(err, SILT_ENOTFOUND, errno, "cannot open %s", path);
        return silt_error_path(err, path);
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            in->map = m;
            in->data = m;
            in->len = (size_t)st.st_size;
            close(fd);
            return 0;
        }
    }
    for (;;) {
        if (silt_buf_reserve(&in->buf, 1 << 16)) {
            close(fd);
            return silt_error_set(err, SILT_ENOMEM, "out of memory reading %s", path);
        }
        ssize_t k = read(fd, in->buf.ptr + in->buf.len, in->buf.cap - in->buf.len);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            int e = errno;
            close(fd);
            silt_error_set_errno(err, SILT_EIO, e, "cannot read %s", path);
            return silt_error_path(err, path);
        }
        if (k == 0) break;
        in->buf.len += (size_t)k;
    }
    close(fd);
    in->data = in->buf.ptr ? in->buf.ptr : (const uint8_t *)"";
    in->len = in->buf.len;
    return 0;
}

static void input_close(input_file *in)
{
    if (in->map) munmap(in->map, in->len);
    silt_buf_free(&in->buf);
    memset(in, 0, sizeof *in);
}

typedef struct run_state {
    silt_kafka_producer *p;
    const char *topic;
    int32_t partition;
    double rate;
    uint64_t t0;
    uint64_t last_progress;
    int64_t sent;
    int64_t bytes;
    bool tty;
} run_state;

static void progress(run_state *s, bool force)
{
    uint64_t now = silt_time_mono_ns();
    uint64_t every = s->tty ? 1000000000ull : 5000000000ull;
    if (!force && now - s->last_progress < every) return;
    s->last_progress = now;
    silt_kafka_producer_stats st;
    silt_kafka_producer_stats_get(&st, s->p);
    double secs = (double)(now - s->t0) / 1e9;
    fprintf(stderr, "%sproduced %lld messages, %.1f MB, %.0f msgs/s, %lld delivered, %lld failed%s",
            s->tty ? "\r" : "", (long long)s->sent, (double)s->bytes / 1e6,
            secs > 0 ? (double)s->sent / secs : 0.0, (long long)st.delivered, (long long)st.failed,
            s->tty ? "   " : "\n");
}

/* Sends one message, pacing to --rate. */
static int send_one(run_state *s, const void *key, size_t klen, const void *val, size_t vlen,
                    silt_error *err)
{
    if (s->rate > 0) {
        uint64_t due = s->t0 + (uint64_t)((double)s->sent * 1e9 / s->rate);
        for (;;) {
            uint64_t now = silt_time_mono_ns();
            if (now >= due || silt_cli_stop) break;
            uint64_t wait = due - now;
            if (wait > 50000000ull) wait = 50000000ull;
            struct timespec ts = {0, (long)wait};
            nanosleep(&ts, NULL);
            silt_kafka_producer_poll(s->p);
        }
    }
    int rc = silt_kafka_producer_send(s->p, s->topic, s->partition, key, klen, val, vlen, err);
    if (rc) return rc;
    s->sent++;
    s->bytes += (int64_t)(klen + vlen);
    if ((s->sent & 1023) == 0) silt_kafka_producer_poll(s->p);
    progress(s, false);
    return 0;
}

static int produce_csv(run_state *s, const char *path, const char *key_field,
                       silt_csv_utf8_policy utf8, silt_error *err)
{
    input_file in;
    silt_csv_reader *r = NULL;
    silt_csv_type *types = NULL;
    silt_buf json = SILT_BUF_INIT;
    int rc = input_open(&in, path, err);
    if (rc) return rc;
    rc = silt_csv_reader_create(&r, in.data, in.len, path, err);
    if (rc) goto done;
    silt_csv_reader_set_invalid_utf8(r, utf8);
    size_t ncols = silt_csv_reader_ncols(r);
    long key_col = -1;
    if (key_field) {
        for (size_t i = 0; i < ncols; i++)
            if (strcmp(silt_csv_reader_column(r, i), key_field) == 0) key_col = (long)i;
        if (key_col < 0) {
            rc =
                silt_error_set(err, SILT_EINVAL, "--key %s: no such column in %s", key_field, path);
            goto done;
        }
    }
    types = silt_calloc(ncols, sizeof *types);
    if (!types) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto done;
    }
    int64_t rows;
    rc = silt_csv_infer_types(types, &rows, r, err);
    if (rc) goto done;
    for (size_t i = 0; i < ncols; i++)
        fprintf(stderr, "silt produce: column %s: %s\n", silt_csv_reader_column(r, i),
                silt_csv_type_name(types[i]));
    while (!silt_cli_stop && (rc = silt_csv_reader_next(r, err)) == 1) {
        silt_buf_reset(&json);
        rc = silt_csv_record_to_json(&json, r, types, SILT_JSON_PY, err);
        if (rc) goto done;
        const char *k = NULL;
        size_t kl = 0;
        if (key_col >= 0 && !silt_csv_reader_field(r, (size_t)key_col, &k, &kl)) k = NULL;
        rc = send_one(s, k, kl, json.ptr, json.len, err);
        if (rc) goto done;
    }
    if (rc > 0) rc = 0;
done:
    silt_buf_free(&json);
    silt_free(types);
    silt_csv_reader_destroy(r);
    input_close(&in);
    return rc;
}

/* The key of a JSON line: the field's text for a string, its JSON for anything else, no key if
 * the line is not an object or lacks the field. Returns the key in kbuf (may be empty). */
static bool jsonl_key(silt_buf *kbuf, const char *line, size_t n, const char *field)
{
    json_error_t jerr;
    json_t *root = json_loadb(line, n, JSON_DECODE_ANY, &jerr);
    bool ok = false;
    silt_buf_reset(kbuf);
    json_t *v = root && json_is_object(root) ? json_object_get(root, field) : NULL;
    if (v && json_is_string(v)) {
        silt_buf_append(kbuf, json_string_value(v), json_string_length(v));
        ok = true;
    } else if (v && !json_is_null(v)) {
        char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        if (t) {
            silt_buf_puts(kbuf, t);
            free(t);
            ok = true;
        }
    }
    json_decref(root);
    return ok && !silt_buf_oom(kbuf);
}

static int produce_jsonl(run_state *s, const char *path, const char *key_field, silt_error *err)
{
    input_file in;
    silt_buf kbuf = SILT_BUF_INIT;
    int rc = input_open(&in, path, err);
    if (rc) return rc;
    size_t pos = 0;
    while (!silt_cli_stop && pos < in.len) {
        const uint8_t *nl = memchr(in.data + pos, '\n', in.len - pos);
        size_t end = nl ? (size_t)(nl - in.data) : in.len;
        size_t n = end - pos;
        if (n && in.data[pos + n - 1] == '\r') n--;
        if (n) {
            const char *line = (const char *)in.data + pos;
            bool has_key = key_field && jsonl_key(&kbuf, line, n, key_field);
            rc = send_one(s, has_key ? (const char *)kbuf.ptr : NULL, has_key ? kbuf.len : 0, line,
                          n, err);
            if (rc) break;
        }
        pos = end + 1;
    }
    silt_buf_free(&kbuf);
    input_close(&in);
    return rc;
}

/* The text of generated field `idx` (as in `fields`) for --key: strings as they are, numbers as
 * in the JSON; NULL (no key) for a missing CustomerNo or no --key. kb holds formatted numbers. */
static const char *gen_key(char *kb, const silt_gen_row *row, int idx)
{
    switch (idx) {
    case 0: return row->transaction_no;
    case 1: return row->date;
    case 2: return row->product_no;
    case 3: return row->product_name;
    case 4: silt_json_format_double(kb, row->price); return kb;
    case 5: snprintf(kb, SILT_JSON_DOUBLE_MAX, "%lld", (long long)row->quantity); return kb;
    case 6:
        if (!row->has_customer) return NULL;
        silt_json_format_double(kb, row->customer_no);
        return kb;
    case 7: return row->country;
    default: return NULL;
    }
}

static int produce_generated(run_state *s, int64_t n, uint64_t seed, const char *key_field,
                             silt_error *err)
{
    static const char *const fields[] = {"TransactionNo", "Date",     "ProductNo",  "ProductName",
                                         "Price",         "Quantity", "CustomerNo", "Country"};
    int key_idx = -1;
    if (key_field) {
        for (int i = 0; i < 8; i++)
            if (strcmp(fields[i], key_field) == 0) key_idx = i;
        if (key_idx < 0)
            return silt_error_set(err, SILT_EINVAL,
                                  "--key %s: generated rows have TransactionNo, Date, ProductNo, "
                                  "ProductName, Price, Quantity, CustomerNo, Country",
                                  key_field);
    }
    silt_gen *g = NULL;
    silt_buf json = SILT_BUF_INIT;
    int rc = silt_gen_create(&g, seed, err);
    if (rc) return rc;
    for (int64_t i = 0; i < n && !silt_cli_stop; i++) {
        silt_gen_row row;
        silt_gen_next(g, &row);
        silt_buf_reset(&json);
        if (silt_gen_row_to_json(&json, &row, SILT_JSON_PY)) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
            break;
        }
        char kb[SILT_JSON_DOUBLE_MAX + 8];
        const char *k = gen_key(kb, &row, key_idx);
        size_t kl = 0;
        if (k) kl = strlen(k);
        rc = send_one(s, k, kl, json.ptr, json.len, err);
        if (rc) break;
    }
    silt_buf_free(&json);
    silt_gen_destroy(g);
    return rc;
}

static const char description[] =
    "Send messages to a Kafka topic: the rows of a CSV file (RFC 4180, header row) as JSON "
    "objects with types inferred per column as pandas.read_csv does (int, float, bool, string; "
    "empty and NA strings are null), the lines of a JSON-lines file as they are, or N synthetic "
    "e-commerce transactions in the seed's schema. Any kafka.<property>=value is passed to "
    "librdkafka. Prints progress and a summary on stderr; exits non-zero if any message failed "
    "delivery.";

/* Exit code 2 with a message when a required option is missing or the sources are not one. */
static int check_usage(const settings *set)
{
    int sources = (set->csv != NULL) + (set->jsonl != NULL) + set->has_generate;
    const char *why = !set->brokers || !*set->brokers ? "--brokers is required"
                      : !set->topic || !*set->topic   ? "--topic is required"
                      : sources != 1 ? "give exactly one of --csv, --jsonl and --generate"
                                     : NULL;
    if (!why) return 0;
    fprintf(stderr, "silt produce: %s\nUsage: %s\n", why, usage);
    return SILT_EXIT_USAGE;
}

/* Creates the producer (--compression first, then the kafka.* settings) and waits briefly for
 * the brokers, so that --rate paces from a connected start. */
static int start(run_state *s, const settings *set, const silt_opts *o, silt_error *err)
{
    const char *pk[SILT_OPT_MAX_ARGS + 1], *pv[SILT_OPT_MAX_ARGS + 1];
    size_t np = 0;
    pk[np] = "compression.codec";
    pv[np++] = compressions[set->compression].name;
    for (size_t i = 0; i < o->n_extra; i++, np++) {
        pk[np] = o->extra_key[i];
        pv[np] = o->extra_val[i];
    }
    memset(s, 0, sizeof *s);
    int rc = silt_kafka_producer_create(&s->p, set->brokers, pk, pv, np, err);
    if (rc) return rc;
    /* connected and the topic's leaders known before the clock starts: --rate paces from
     * here, and the first messages' timestamps are not aged by the connection set-up. Without
     * an answer, messages are queued anyway: they are delivered when a broker comes back, or
     * fail after message.timeout.ms and are counted. */
    if (silt_kafka_producer_wait_ready(s->p, set->brokers, set->topic, 5000, err)) {
        silt_log_warn("produce: %s; queueing messages anyway", err->msg);
        silt_error_clear(err);
    }
    s->topic = set->topic;
    s->partition = (int32_t)set->partition;
    s->rate = set->rate;
    s->tty = isatty(2);
    s->t0 = s->last_progress = silt_time_mono_ns();
    silt_cli_catch_stop();
    return 0;
}

static int produce_all(run_state *s, const settings *set, silt_error *err)
{
    if (set->csv)
        return produce_csv(s, set->csv, set->key, (silt_csv_utf8_policy)set->invalid_utf8, err);
    if (set->jsonl) return produce_jsonl(s, set->jsonl, set->key, err);
    return produce_generated(s, set->generate, (uint64_t)set->seed, set->key, err);
}

/* Flushes, prints the summary, frees the producer and returns the exit code. */
static int finish(run_state *s, int rc, silt_error *err)
{
    silt_error ferr;
    silt_error_clear(&ferr);
    int frc = silt_kafka_producer_flush(s->p, 60000, &ferr);
    progress(s, true);
    if (s->tty) fputc('\n', stderr);
    silt_kafka_producer_stats st;
    silt_kafka_producer_stats_get(&st, s->p);
    double secs = (double)(silt_time_mono_ns() - s->t0) / 1e9;
    fprintf(stderr,
            "silt produce: %lld messages, %lld bytes to %s in %.2f s (%.0f msgs/s); %lld "
            "delivered, %lld failed\n",
            (long long)s->sent, (long long)s->bytes, s->topic, secs,
            secs > 0 ? (double)s->sent / secs : 0.0, (long long)st.delivered, (long long)st.failed);
    silt_kafka_producer_destroy(s->p);
    if (rc) return silt_cli_fail("produce", err);
    if (frc) return silt_cli_fail("produce", &ferr);
    if (st.failed > 0) {
        fprintf(stderr, "silt produce: error: %lld messages failed delivery; first: %s\n",
                (long long)st.failed, st.first_error);
        return SILT_EXIT_RUNTIME;
    }
    if (silt_cli_stop) {
        fprintf(stderr, "silt produce: interrupted\n");
        return SILT_EXIT_RUNTIME;
    }
    return SILT_EXIT_OK;
}

static int run(int argc, char **argv)
{
    silt_opts o;
    settings set;
    int code;
    if (silt_cli_parse(&o, &code, opts_spec, &set, argc, argv, 1, "kafka.", usage, description))
        return code;
    if ((code = check_usage(&set))) return code;
    silt_error err;
    silt_error_clear(&err);
    run_state s;
    if (start(&s, &set, &o, &err)) return silt_cli_fail("produce", &err);
    return finish(&s, produce_all(&s, &set, &err), &err);
}

const silt_command silt_cmd_produce = {
    "produce", "send CSV rows, JSON lines or generated sales to Kafka", run};
