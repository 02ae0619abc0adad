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

static const silt_opt_spec opts_spec[] = {
    {"brokers", 0, SILT_OPT_INT, "N", "3", "1..64", "number of brokers"},
    {"topic", 0, SILT_OPT_STRING, "NAME[:PARTITIONS]", NULL, NULL,
     "create a topic (repeatable); partitions default to --partitions"},
    {"partitions", 0, SILT_OPT_INT, "N", "6", "1..10000", "default partition count"},
    {"bootstrap-file", 0, SILT_OPT_STRING, "FILE", NULL, NULL,
     "also write the bootstrap address to FILE (written atomically once listening)"},
    {"control", 0, SILT_OPT_STRING, "FIFO", NULL, NULL,
     "create FIFO and read fault-injection commands from it (see below)"},
    {NULL, 0, 0, NULL, NULL, NULL, NULL},
};

static const char usage[] = "silt kafka-dev [--brokers N] [--topic NAME[:PARTITIONS]]... "
                            "[--bootstrap-file F] [--control FIFO]";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

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

static int run(int argc, char **argv)
{
    silt_opts o;
    int code;
    static char description[4096];
    snprintf(
        description, sizeof description,
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
    if (silt_cli_parse(&o, &code, opts_spec, argc, argv, 1, NULL, usage, description)) return code;
    silt_error err;
    silt_error_clear(&err);
    silt_kafka_dev *d = NULL;
    int ctl = -1, ctl_w = -1, rc = SILT_EXIT_RUNTIME;
    const char *ctl_path = silt_opts_str(&o, "control");
    int def_parts = (int)silt_opts_int(&o, "partitions");

    if (silt_kafka_dev_create(&d, (int)silt_opts_int(&o, "brokers"), &err)) goto fail;
    /* --topic may repeat; the option table keeps only the last, so walk argv. */
    for (int i = 1; i < argc; i++) {
        const char *spec = NULL;
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "--topic") == 0 && i + 1 < argc)
            spec = argv[++i];
        else if (strncmp(argv[i], "--topic=", 8) == 0)
            spec = argv[i] + 8;
        if (!spec) continue;
        char name[256];
        int parts;
        if (silt_kafka_dev_parse_topic(name, sizeof name, &parts, spec, def_parts, &err) ||
            silt_kafka_dev_topic_create(d, name, parts, &err))
            goto fail;
        fprintf(stderr, "silt kafka-dev: topic %s with %d partitions\n", name, parts);
    }
    if (ctl_path) {
        unlink(ctl_path);
        if (mkfifo(ctl_path, 0600) != 0) {
            silt_error_set_errno(&err, SILT_EIO, errno, "cannot create control FIFO %s", ctl_path);
            goto fail;
        }
        ctl = open(ctl_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        /* Keeping a writer open ourselves means writers coming and going never cause EOF. */
        ctl_w = ctl >= 0 ? open(ctl_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) : -1;
        if (ctl < 0 || ctl_w < 0) {
            silt_error_set_errno(&err, SILT_EIO, errno, "cannot open control FIFO %s", ctl_path);
            goto fail;
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    const char *boot = silt_kafka_dev_bootstrap(d);
    const char *bfile = silt_opts_str(&o, "bootstrap-file");
    if (bfile && write_file_atomic(bfile, boot, &err)) goto fail;
    printf("%s\n", boot);
    fflush(stdout);
    fprintf(stderr, "silt kafka-dev: %d broker(s) at %s; Ctrl-C to stop\n",
            (int)silt_opts_int(&o, "brokers"), boot);

    char acc[4096];
    size_t acc_len = 0;
    while (!stop_flag) {
        if (ctl >= 0) {
            struct pollfd pfd = {ctl, POLLIN, 0};
            if (poll(&pfd, 1, 200) > 0) serve_control(d, ctl, acc, &acc_len, sizeof acc);
        } else {
            usleep(200 * 1000);
        }
    }
    fprintf(stderr, "silt kafka-dev: stopping\n");
    rc = SILT_EXIT_OK;
    goto done;
fail:
    rc = silt_cli_fail("kafka-dev", &err);
done:
    if (ctl >= 0) close(ctl);
    if (ctl_w >= 0) close(ctl_w);
    if (ctl_path && ctl >= 0) unlink(ctl_path);
    silt_kafka_dev_destroy(d);
    return rc;
}

const silt_command silt_cmd_kafka_dev = {"kafka-dev",
                                         "run an in-memory Kafka cluster for development", run};
