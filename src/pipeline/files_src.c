/* read_files' folder, glob and format, and the schema inferred from its first file. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pipeline/files_src.h"
#include "sql/sql.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"

static const char *arg_of(const silt_pipeline_source *s, const char *key)
{
    for (size_t i = 0; i < s->n_args; i++)
        if (!strcasecmp(s->args[i].key, key)) return s->args[i].value;
    return NULL;
}

static const char *const format_names[] = {"json", "csv", "parquet"};

int silt_pipeline_files_init(silt_pipeline_files *out, const silt_pipeline_source *s,
                             silt_error *err)
{
    memset(out, 0, sizeof *out);
    out->path = s->path;
    const char *fmt = arg_of(s, "format");
    bool known = !fmt;
    for (int k = 0; fmt && k < 3; k++)
        if (!strcasecmp(fmt, format_names[k])) {
            out->format = (silt_pipeline_files_format)k;
            known = true;
        }
    if (!known)
        return silt_error_set(err, SILT_EINVAL,
                              "read_files('%s'): format => '%s' is not one silt reads: use "
                              "'json' (JSON lines), 'csv' or 'parquet'",
                              s->path, fmt);
    const char *wild = strpbrk(s->path, "*?[");
    size_t cut = strlen(s->path);
    if (wild) {
        const char *slash = wild;
        while (slash > s->path && *slash != '/') slash--;
        cut = (size_t)(slash - s->path);
        if (*slash != '/')
            return silt_error_set(err, SILT_EINVAL,
                                  "read_files('%s'): a glob needs its folder before it: "
                                  "read_files('dir/*.json')",
                                  s->path);
    }
    while (cut > 1 && s->path[cut - 1] == '/') cut--;
    out->dir = silt_strndup(s->path, cut);
    if (wild) out->pattern = silt_strdup(s->path + cut + 1);
    if (!out->dir || (wild && !out->pattern)) {
        silt_pipeline_files_clear(out);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    return 0;
}

void silt_pipeline_files_clear(silt_pipeline_files *f)
{
    silt_free(f->dir);
    silt_free(f->pattern);
    f->dir = f->pattern = NULL;
}

bool silt_pipeline_files_match(const silt_pipeline_files *f, const char *key)
{
    if (f->pattern) return fnmatch(f->pattern, key, FNM_PATHNAME | FNM_PERIOD) == 0;
    for (const char *p = key; p; p = strchr(p, '/')) {
        if (*p == '/') p++;
        if (*p == '.' || *p == '_') return false;
    }
    return *key != 0;
}

/* The first file of the source by name, "" when none; SILT_EINVAL when the folder is not there. */
static int first_key(char **out, silt_store *st, const silt_pipeline_files *f, silt_error *err)
{
    silt_store_listing l = {0};
    int rc = silt_store_list(st, &l, "", err);
    if (rc == SILT_ENOTFOUND) {
        silt_error_clear(err);
        rc = 0;
    }
    *out = NULL;
    for (size_t i = 0; !rc && i < l.n && !*out; i++)
        if (silt_pipeline_files_match(f, l.entries[i].key) &&
            !(*out = silt_strdup(l.entries[i].key)))
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_store_list_clear(&l);
    return rc;
}

/* A local path of the file: itself on a local folder, else a temporary copy (*tmp set). */
static int local_copy(char *out, size_t cap, bool *tmp, silt_store *st,
                      const silt_pipeline_files *f, const char *key, silt_error *err)
{
    *tmp = strstr(f->dir, "://") != NULL;
    if (!*tmp) {
        snprintf(out, cap, "%s/%s", strncmp(f->dir, "file:", 5) ? f->dir : f->dir + 5, key);
        return 0;
    }
    silt_buf b = SILT_BUF_INIT;
    int rc = silt_store_get(st, &b, key, err);
    snprintf(out, cap, "/tmp/silt-read-files-XXXXXX.%s", format_names[f->format]);
    int fd = rc ? -1 : mkstemps(out, (int)strlen(format_names[f->format]) + 1);
    if (!rc && fd < 0) rc = silt_error_set_errno(err, SILT_EIO, errno, "creating %s", out);
    if (fd >= 0 && write(fd, b.ptr, b.len) != (ssize_t)b.len)
        rc = silt_error_set_errno(err, SILT_EIO, errno, "writing %s", out);
    if (fd >= 0) close(fd);
    silt_buf_free(&b);
    return rc;
}

static int infer_from(silt_schema **out, const char *fmt, const char *path, silt_error *err)
{
    silt_buf q = SILT_BUF_INIT;
    silt_buf_printf(&q, "SELECT * FROM %s.`", fmt);
    for (const char *c = path; *c; c++) {
        if (*c == '`') silt_buf_putc(&q, '`');
        silt_buf_putc(&q, (uint8_t)*c);
    }
    silt_buf_putc(&q, '`');
    silt_buf_cstr(&q);
    silt_sql_plan *p = NULL;
    int rc = silt_buf_oom(&q) ? silt_error_set(err, SILT_ENOMEM, "out of memory")
                              : silt_sql_prepare(&p, (const char *)q.ptr, NULL, 0, err);
    silt_buf_free(&q);
    if (!rc && !(*out = silt_schema_copy(silt_sql_plan_schema(p))))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_sql_plan_destroy(p);
    return rc;
}

int silt_pipeline_files_infer(silt_schema **out, const silt_pipeline_files *f, silt_error *err)
{
    *out = NULL;
    silt_store *st = NULL;
    char *key = NULL, path[4200];
    bool tmp = false;
    int rc = silt_store_open(&st, f->dir, err);
    if (!rc) rc = first_key(&key, st, f, err);
    if (rc == SILT_ENOMEM) goto done;
    if (rc || !key) {
        bool local = !strstr(f->dir, "://");
        const char *d = strncmp(f->dir, "file:", 5) ? f->dir : f->dir + 5;
        const char *so = " so its schema cannot be inferred:";
        char why[SILT_ERROR_MSG_MAX];
        if (rc)
            snprintf(why, sizeof why, "the folder cannot be listed (%.300s),", err->msg);
        else if (local && access(d, F_OK))
            snprintf(why, sizeof why, "no such folder here,");
        else {
            snprintf(why, sizeof why, "the folder has no file to infer the schema from%s:",
                     f->pattern ? " that matches the glob" : "");
            so = "";
        }
        silt_error_set(err, SILT_EINVAL, "read_files('%s'): %s%s give schema => 'col TYPE, ...'",
                       f->path, why, so);
        rc = SILT_EINVAL;
        goto done;
    }
    rc = local_copy(path, sizeof path, &tmp, st, f, key, err);
    if (!rc) rc = infer_from(out, format_names[f->format], path, err);
    if (rc) silt_error_prefix(err, "read_files('%s'): inferring the schema from %s", f->path, key);
    if (tmp) unlink(path);
done:
    silt_free(key);
    silt_store_destroy(st);
    return rc;
}
