/* GET /metrics in the Prometheus text format (version 0.0.4): build info, the process (CPU,
 * memory, open files, start time), each table's figures, the server's requests and queries,
 * and the pipeline's totals from its event log when there is one. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "http/eventlog.h"
#include "http/live.h"
#include "http/server_int.h"
#include "util/time.h"
#include "version.h"

static void family(silt_buf *o, const char *name, const char *type, const char *help)
{
    silt_buf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void process_metrics(silt_buf *o, const silt_http_server *s)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    family(o, "process_cpu_seconds_total", "counter", "User and system CPU time spent.");
    silt_buf_printf(o, "process_cpu_seconds_total %.6f\n", cpu);
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
        fclose(f);
    }
    family(o, "process_resident_memory_bytes", "gauge", "Resident memory size.");
    silt_buf_printf(o, "process_resident_memory_bytes %lld\n",
                    (long long)rss * (long long)sysconf(_SC_PAGESIZE));
    long fds = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));) fds += e->d_name[0] != '.';
    if (d) closedir(d), fds--; /* the listing's own descriptor */
    family(o, "process_open_fds", "gauge", "Open file descriptors.");
    silt_buf_printf(o, "process_open_fds %ld\n", fds);
    family(o, "process_start_time_seconds", "gauge", "Start time of the process (Unix time).");
    silt_buf_printf(o, "process_start_time_seconds %.3f\n", (double)s->start_ms / 1000.0);
}

static void table_metrics(silt_buf *o, silt_http_server *s)
{
    static const struct {
        const char *name, *type, *help;
    } fams[] = {
        {"silt_table_rows", "gauge", "Rows in the table's current version."},
        {"silt_table_size_bytes", "gauge", "Bytes of the table's live data files."},
        {"silt_table_files", "gauge", "Live data files of the table."},
        {"silt_table_version", "gauge", "The table's current Delta version."},
        {"silt_table_commits_total", "counter", "Commits in the table's log (version + 1)."},
        {"silt_table_last_commit_timestamp_seconds", "gauge",
         "Time of the table's latest commit (Unix time)."},
    };
    size_t n;
    silt_http_catalog_rdlock(s->cat);
    const silt_http_table *t = silt_http_catalog_tables(s->cat, &n);
    for (size_t k = 0; k < sizeof fams / sizeof fams[0]; k++) {
        family(o, fams[k].name, fams[k].type, fams[k].help);
        for (size_t i = 0; i < n; i++) {
            const silt_delta_snapshot *sn = t[i].snap;
            double v;
            if (!sn || (k == 0 && t[i].rows < 0)) continue;
            switch (k) {
            case 0: v = (double)t[i].rows; break;
            case 1: v = (double)t[i].bytes; break;
            case 2: v = (double)sn->n_files; break;
            case 3: v = (double)sn->version; break;
            case 4: v = (double)sn->version + 1; break;
            default: v = (double)sn->timestamp_ms / 1000.0; break;
            }
            silt_buf_printf(o, "%s{table=\"%s\",layer=\"%s\"} %.17g\n", fams[k].name, t[i].name,
                            t[i].layer, v);
        }
    }
    family(o, "silt_catalog_tables", "gauge", "Tables in the lake's catalog.");
    silt_buf_printf(o, "silt_catalog_tables %zu\n", n);
    silt_http_catalog_unlock(s->cat);
}

static void histogram(silt_buf *o, silt_http_server *s)
{
    static const char *const bounds[] = {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
                                         "0.1",   "0.25",   "0.5",   "1",    "2.5",   "10"};
    family(o, "silt_http_request_duration_seconds", "histogram",
           "Time from a request's arrival to the end of its response.");
    uint64_t cum = 0; /* the buckets are cumulative: each counts the requests up to its bound */
    for (size_t i = 0; i < 12; i++) {
        cum += atomic_load(&s->hist[i]);
        silt_buf_printf(o, "silt_http_request_duration_seconds_bucket{le=\"%s\"} %llu\n", bounds[i],
                        (unsigned long long)cum);
    }
    cum += atomic_load(&s->hist[12]);
    silt_buf_printf(o, "silt_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                    (unsigned long long)cum);
    silt_buf_printf(o, "silt_http_request_duration_seconds_sum %.6f\n",
                    (double)atomic_load(&s->hist_sum_ns) / 1e9);
    silt_buf_printf(o, "silt_http_request_duration_seconds_count %llu\n", (unsigned long long)cum);
}

static void server_metrics(silt_buf *o, silt_http_server *s)
{
    uint64_t c4, c5, refreshes, commits;
    silt_http_respond_counts(&c4, &c5);
    silt_http_catalog_counters(s->cat, &refreshes, &commits);
    family(o, "silt_http_requests_total", "counter", "Requests received.");
    silt_buf_printf(o, "silt_http_requests_total %llu\n",
                    (unsigned long long)atomic_load(&s->requests));
    family(o, "silt_http_errors_total", "counter", "Responses with an error status, by class.");
    silt_buf_printf(o, "silt_http_errors_total{class=\"4xx\"} %llu\n", (unsigned long long)c4);
    silt_buf_printf(o, "silt_http_errors_total{class=\"5xx\"} %llu\n", (unsigned long long)c5);
    histogram(o, s);
    family(o, "silt_sql_queries_total", "counter", "Queries through the API, by outcome.");
    silt_buf_printf(o, "silt_sql_queries_total{outcome=\"ok\"} %llu\n",
                    (unsigned long long)atomic_load(&s->queries_run));
    silt_buf_printf(o, "silt_sql_queries_total{outcome=\"failed\"} %llu\n",
                    (unsigned long long)atomic_load(&s->queries_failed));
    silt_buf_printf(o, "silt_sql_queries_total{outcome=\"refused\"} %llu\n",
                    (unsigned long long)atomic_load(&s->queries_refused));
    silt_buf_printf(o, "silt_sql_queries_total{outcome=\"timed_out\"} %llu\n",
                    (unsigned long long)atomic_load(&s->queries_timed_out));
    family(o, "silt_sql_queries_running", "gauge", "Queries running now.");
    silt_buf_printf(o, "silt_sql_queries_running %d\n", atomic_load(&s->queries));
    family(o, "silt_sql_rows_returned_total", "counter", "Rows sent by queries and samples.");
    silt_buf_printf(o, "silt_sql_rows_returned_total %llu\n",
                    (unsigned long long)atomic_load(&s->rows_returned));
    family(o, "silt_events_clients", "gauge", "Clients following /api/events.");
    silt_buf_printf(o, "silt_events_clients %d\n", atomic_load(&s->sse_clients));
    family(o, "silt_catalog_refreshes_total", "counter", "Times the catalog looked for changes.");
    silt_buf_printf(o, "silt_catalog_refreshes_total %llu\n", (unsigned long long)refreshes);
    family(o, "silt_catalog_commits_seen_total", "counter",
           "New table versions the catalog has seen since the server started.");
    silt_buf_printf(o, "silt_catalog_commits_seen_total %llu\n", (unsigned long long)commits);
}

/* The whole text, family by family. Families added later are appended at the end, here. */
static void render(silt_buf *o, silt_http_server *s)
{
    family(o, "silt_build_info", "gauge", "silt's version and git revision (always 1).");
    silt_buf_printf(o, "silt_build_info{version=\"%s\",revision=\"%s\"} 1\n", SILT_VERSION,
                    SILT_GIT_REVISION);
    process_metrics(o, s);
    table_metrics(o, s);
    server_metrics(o, s);
    silt_http_eventlog_metrics(s->cat, o);
    silt_http_metrics_live(s->cat, o);
    /* further families: append them here */
}

/* A fresh response (a reference for the cache), or NULL when out of memory. */
static struct MHD_Response *build(void *arg)
{
    silt_buf o = SILT_BUF_INIT;
    render(&o, arg);
    struct MHD_Response *r = NULL;
    if (!silt_buf_oom(&o)) r = MHD_create_response_from_buffer(o.len, o.ptr, MHD_RESPMEM_MUST_COPY);
    silt_buf_free(&o);
    if (!r) return NULL;
    silt_http_secure_headers(r, true);
    MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
}

/* Rendered at most once per cfg.cache_ms (sooner when the catalog or the event log changed);
 * the requests in between share it (cache.h). */
enum MHD_Result silt_http_metrics(silt_http_server *s, struct MHD_Connection *conn)
{
    return silt_http_cache_serve(&s->metrics_cache, conn, silt_http_catalog_generation(s->cat),
                                 s->cfg.cache_ms, build, s);
}
