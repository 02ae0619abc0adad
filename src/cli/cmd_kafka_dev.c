/* `silt kafka-dev`: a Kafka cluster for development and tests, librdkafka's mock cluster with
 * real listeners on 127.0.0.1, running until SIGINT/SIGTERM, with a FIFO for fault injection. */
#include "cli/cli.h"
#include "kafka/devcluster.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct settings {
    int64_t brokers;
    silt_opt_strings topics;
    int64_t partitions;
    const char *bootstrap_file;
    const char *control;
} settings;

static const silt_opt_spec opts_spec[] = {
    {"brokers", 0, SILT_OPT_INT, "N", "3", "1..64", "number of brokers",
     SILT_OPT_TO_I64(settings, brokers)},
    {"topic", 0, SILT_OPT_STRINGS, "NAME[:PARTITIONS]", NULL, NULL,
     "create a topic (repeatable); partitions default to --partitions",
     SILT_OPT_TO_STRINGS(settings, topics)},
    {"partitions", 0, SILT_OPT_INT, "N", "6", "1..10000", "default partition count",
     SILT_OPT_TO_I64(settings, partitions)},
    {"bootstrap-file", 0, SILT_OPT_STRING, "FILE", NULL, NULL,
     "also write the bootstrap address to FILE (written atomically once listening)",
     SILT_OPT_TO_STR(settings, bootstrap_file)},
    {"control", 0, SILT_OPT_STRING, "FIFO", NULL, NULL,
     "create FIFO and read fault-injection commands from it (see below)",
     SILT_OPT_TO_STR(settings, control)},
    {0},
};

static const char usage[] = "silt kafka-dev [--brokers N] [--topic NAME[:PARTITIONS]]... "
                            "[--bootstrap-file F] [--control FIFO]";

static int write_file_atomic(const char *path, const char *text, silt_error *err)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return silt_error_set_errno(err, SILT_EIO, errno, "cannot write %s", tmp);
    int ok = fprintf(f, "%s\n", text) >= 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return silt_error_set_errno(err, SILT_EIO, e, "cannot write %s", path);
    }
    return 0;
}

static void handle_line(silt_kafka_dev *d, const char *line)
{
    char reply[1200];
    silt_error err;
    silt_error_clear(&err);
    if (line[0] == '\0' || line[0] == '#') return;
    if (silt_kafka_dev_control(reply, sizeof reply, d, line, &err))
        printf("error %s\n", err.msg);
    else
        printf("%s\n", reply);
    fflush(stdout);
}

/* Reads what is available on the FIFO and runs each complete line. */
static void serve_control(silt_kafka_dev *d, int fd, char *acc, size_t *acc_len, size_t cap)
{
    for (;;) {
        ssize_t k = read(fd, acc + *acc_len, cap - 1 - *acc_len);
        if (k <= 0) return;
        *acc_len += (size_t)k;
        acc[*acc_len] = '\0';
        char *start = acc, *nl;
        while ((nl = strchr(start, '\n'))) {
            *nl = '\0';
            handle_line(d, start);
            start = nl + 1;
        }
        size_t rest = *acc_len - (size_t)(start - acc);
        memmove(acc, start, rest);
        *acc_len = rest;
        if (*acc_len == cap - 1) *acc_len = 0; /* an over-long line is dropped */
    }
}

static const char *description(void)
{
    static char text[4096];
    snprintf(
        text, sizeof text,
        "Run a Kafka cluster for development and tests, with nothing to install: "
        "librdkafka's mock cluster with N brokers listening on 127.0.0.1 (random ports). "
        "Prints the bootstrap address on stdout and runs until SIGINT or SIGTERM. Kafka "
        "clients (librdkafka, kcat, silt) produce to it, consume from it in groups and "
        "commit offsets.\n\n"
        "Limits: everything is in memory and lost on exit (no persistence); each partition "
        "keeps only about 5 MiB (and at most 100,000 message batches) -- older batches are "
        "dropped, so compress and spread large volumes over partitions; topics that are "
        "not created here are auto-created on first use with 4 partitions; replication is only "
        "simulated; no TLS, SASL or ACLs. Consumer groups work (cooperative-sticky included) but "
        "a new group waits 3 s for its first assignment, and a rebalance of a running group "
        "takes about session.timeout.ms - 1 s, as does the first join after the last member "
        "left (a real broker empties the group at once): give clients a short "
        "kafka.session.timeout.ms (e.g. 6000; silt ingest's default) in tests.\n\n"
        "%s",
        silt_kafka_dev_control_help());
    return text;
}

static int create_topics(silt_kafka_dev *d, const settings *set, silt_error *err)
{
    for (size_t i = 0; i < set->topics.n; i++) {
        char name[256];
        int parts;
        if (silt_kafka_dev_parse_topic(name, sizeof name, &parts, set->topics.v[i],
                                       (int)set->partitions, err) ||
            silt_kafka_dev_topic_create(d, name, parts, err))
            return err->code;
        fprintf(stderr, "silt kafka-dev: topic %s with %d partitions\n", name, parts);
    }
    return 0;
}

/* Creates the control FIFO at path and opens it for reading (*rd) and, so that writers coming
 * and going never cause EOF, for writing too (*wr). */
static int open_control(int *rd, int *wr, const char *path, silt_error *err)
{
    unlink(path);
    if (mkfifo(path, 0600) != 0)
        return silt_error_set_errno(err, SILT_EIO, errno, "cannot create control FIFO %s", path);
    *rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    *wr = *rd >= 0 ? open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) : -1;
    if (*rd < 0 || *wr < 0)
        return silt_error_set_errno(err, SILT_EIO, errno, "cannot open control FIFO %s", path);
    return 0;
}

/* Serves the control FIFO (ctl, or none when -1) until SIGINT or SIGTERM. */
static void serve(silt_kafka_dev *d, int ctl)
{
    silt_cli_catch_stop();
    signal(SIGPIPE, SIG_IGN);
    char acc[4096];
    size_t acc_len = 0;
    while (!silt_cli_stop) {
        if (ctl >= 0) {
            struct pollfd pfd = {ctl, POLLIN, 0};
            if (poll(&pfd, 1, 200) > 0) serve_control(d, ctl, acc, &acc_len, sizeof acc);
        } else {
            usleep(200 * 1000);
        }
    }
    fprintf(stderr, "silt kafka-dev: stopping\n");
}

static int run(int argc, char **argv)
{
    silt_opts o;
    settings set;
    int code;
    if (silt_cli_parse(&o, &code, opts_spec, &set, argc, argv, 1, NULL, usage, description()))
        return code;
    silt_error err;
    silt_error_clear(&err);
    silt_kafka_dev *d = NULL;
    int ctl = -1, ctl_w = -1, rc = SILT_EXIT_RUNTIME;
    if (silt_kafka_dev_create(&d, (int)set.brokers, &err) || create_topics(d, &set, &err) ||
        (set.control && open_control(&ctl, &ctl_w, set.control, &err)))
        goto fail;
    const char *boot = silt_kafka_dev_bootstrap(d);
    if (set.bootstrap_file && write_file_atomic(set.bootstrap_file, boot, &err)) goto fail;
    printf("%s\n", boot);
    fflush(stdout);
    fprintf(stderr, "silt kafka-dev: %d broker(s) at %s; Ctrl-C to stop\n", (int)set.brokers, boot);
    serve(d, ctl);
    rc = SILT_EXIT_OK;
    goto done;
fail:
    rc = silt_cli_fail("kafka-dev", &err);
done:
    if (ctl >= 0) close(ctl);
    if (ctl_w >= 0) close(ctl_w);
    if (set.control && ctl >= 0) unlink(set.control);
    silt_kafka_dev_destroy(d);
    return rc;
}

const silt_command silt_cmd_kafka_dev = {"kafka-dev",
                                         "run an in-memory Kafka cluster for development", run};
