/* The lake's catalog: walking the lake for tables, reading and refreshing their snapshots, and
 * the figures each table shows (rows, bytes, layer). Events are in catalog_events.c. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "delta/pqio.h"
#include "delta/schema.h"
#include "http/catalog_int.h"
#include "http/route.h"
#include "util/alloc.h"
#include "util/suggest.h"
#include "util/time.h"

static const char *layer_of(const char *name, const silt_delta_snapshot *snap)
{
    const char *cfg = snap ? silt_delta_snapshot_config(snap, "silt.layer") : NULL;
    static const char *const layers[] = {"bronze", "silver", "gold", "system"};
    for (size_t i = 0; cfg && i < 4; i++)
        if (!strcmp(cfg, layers[i])) return layers[i];
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (!strncmp(base, "bronze_", 7)) return "bronze";
    if (!strncmp(base, "silver_", 7)) return "silver";
    if (!strncmp(base, "gold_", 5)) return "gold";
    if (base[0] == '_') return "system";
    return "other";
}

static void figures(silt_http_table *t)
{
    t->rows = 0;
    t->bytes = 0;
    t->layer = layer_of(t->name, t->snap);
    t->loaded_ms = silt_time_wall_ms();
    if (!t->snap) return;
    for (size_t i = 0; i < t->snap->n_files; i++) {
        const silt_delta_add *a = &t->snap->files[i];
        int64_t n = 0;
        t->bytes += a->size;
        if (t->rows >= 0 && !silt_delta_stats_num_records(&n, a->stats, NULL))
            t->rows += n;
        else
            t->rows = -1;
    }
}

/* Reads a table's snapshot (outside any lock: the table is not published yet). */
static void table_load(silt_http_table *t)
{
    silt_error err;
    silt_error_clear(&err);
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    t->error[0] = 0;
    if (!t->store && silt_store_open(&t->store, t->location, &err)) goto fail;
    if (silt_delta_snapshot_load(&t->snap, t->store, &ro, &err)) goto fail;
    figures(t);
    return;
fail:
    snprintf(t->error, sizeof t->error, "%s", err.msg);
    figures(t);
}

void silt_http_table_clear(silt_http_table *t)
{
    silt_delta_snapshot_destroy(t->snap);
    silt_store_destroy(t->store);
    silt_free(t->name);
    silt_free(t->location);
    memset(t, 0, sizeof *t);
}

static int add_found(found_list *f, const char *name)
{
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 32;
        char **v = silt_realloc(f->names, nc * sizeof *v);
        if (!v) return SILT_ENOMEM;
        f->names = v;
        f->cap = nc;
    }
    if (!(f->names[f->n] = silt_strdup(name))) return SILT_ENOMEM;
    f->n++;
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Walks dir (rel: its name under the lake, "" for the lake) for tables. */
static int walk(found_list *f, const char *lake, const char *rel, int depth)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s%s%s", lake, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d) return 0; /* vanished or unreadable: not a table */
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d)) && f->n < SILT_HTTP_CATALOG_MAX) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "_delta_log")) continue;
        char sub[PATH_MAX], child[PATH_MAX], log[PATH_MAX];
        if ((size_t)snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >=
            sizeof sub)
            continue;
        if (!silt_http_name_ok(sub)) continue; /* a name the API could not carry */
        if (snprintf(child, sizeof child, "%s/%s", lake, sub) >= (int)sizeof child ||
            snprintf(log, sizeof log, "%s/_delta_log", child) >= (int)sizeof log)
            continue;
        if (!is_dir(child)) continue;
        if (is_dir(log))
            rc = add_found(f, sub);
        else if (depth + 1 < SILT_HTTP_CATALOG_DEPTH && strchr(e->d_name, '=') == NULL)
            rc = walk(f, lake, sub, depth + 1);
    }
    closedir(d);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int silt_http_catalog_walk(found_list *out, const char *lake)
{
    memset(out, 0, sizeof *out);
    int rc = walk(out, lake, "", 0);
    if (!rc && out->n) qsort(out->names, out->n, sizeof *out->names, cmp_names);
    return rc;
}

void silt_http_found_clear(found_list *f)
{
    for (size_t i = 0; i < f->n; i++) silt_free(f->names[i]);
    silt_free(f->names);
    memset(f, 0, sizeof *f);
}

int silt_http_table_init(silt_http_table *t, const char *lake, const char *name)
{
    memset(t, 0, sizeof *t);
    size_t n = strlen(lake) + strlen(name) + 2;
    t->name = silt_strdup(name);
    t->location = silt_malloc(n);
    if (!t->name || !t->location) {
        silt_http_table_clear(t);
        return SILT_ENOMEM;
    }
    snprintf(t->location, n, "%s/%s", lake, name);
    table_load(t);
    return 0;
}

/* True when the table has a commit after its snapshot (one stat of the next commit's name). */
static bool has_new_commit(const silt_http_table *t)
{
    char key[64], path[PATH_MAX];
    struct stat st;
    if (!t->snap) return true; /* try again: it may have become readable */
    silt_delta_commit_key(key, sizeof key, t->snap->version + 1);
    snprintf(path, sizeof path, "%s/%s", t->location, key);
    return stat(path, &st) == 0;
}

/* Brings one table up to date under the write lock; returns true when its version moved. */
bool silt_http_table_update(silt_http_catalog *c, silt_http_table *t)
{
    if (!has_new_commit(t)) return false;
    int64_t before = t->snap ? t->snap->version : -1;
    silt_error err;
    silt_error_clear(&err);
    pthread_rwlock_wrlock(&c->lock);
    if (!t->snap) {
        table_load(t);
    } else if (silt_delta_snapshot_update(&t->snap, t->store, &err)) {
        silt_delta_snapshot_destroy(t->snap);
        t->snap = NULL;
        table_load(t); /* a needed commit was cleaned up: read it again */
    } else {
        figures(t);
    }
    int64_t after = t->snap ? t->snap->version : -1;
    pthread_rwlock_unlock(&c->lock);
    silt_http_catalog_changed(c); /* its figures or its error may have moved */
    return after != before;
}

const char *silt_http_catalog_lake(const silt_http_catalog *c)
{
    return c->lake;
}

void silt_http_catalog_rdlock(silt_http_catalog *c)
{
    pthread_rwlock_rdlock(&c->lock);
}

void silt_http_catalog_unlock(silt_http_catalog *c)
{
    pthread_rwlock_unlock(&c->lock);
}

const silt_http_table *silt_http_catalog_tables(const silt_http_catalog *c, size_t *out_n)
{
    *out_n = c->n;
    return c->tables;
}

const silt_http_table *silt_http_catalog_find(const silt_http_catalog *c, const char *name)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = strcmp(c->tables[mid].name, name);
        if (!k) return &c->tables[mid];
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *silt_http_catalog_suggest(const silt_http_catalog *c, const char *name)
{
    const char **cand = silt_calloc(c->n + 1, sizeof *cand);
    if (!cand) return NULL;
    for (size_t i = 0; i < c->n; i++) cand[i] = c->tables[i].name;
    const char *best = silt_suggest(name, cand, c->n);
    silt_free(cand);
    return best;
}
