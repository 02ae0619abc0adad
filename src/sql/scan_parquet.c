/* The Parquet source: a file or a glob of files with one schema (the first file's), read row
 * group by row group with only the projected columns. */
#include <glob.h>
#include <string.h>
#include <strings.h>

#include "parquet/io.h"
#include "parquet/reader.h"
#include "sql/scan.h"
#include "util/alloc.h"

typedef struct pq_src {
    glob_t g;
    bool globbed;
} pq_src;

static void pq_src_free(void *p)
{
    pq_src *s = p;
    if (s->globbed) globfree(&s->g);
    silt_free(s);
}

static int open_reader(silt_pq_reader **r, silt_pq_source **src, const char *path, silt_error *err)
{
    *r = NULL;
    if (!(*src = silt_pq_source_file(path, err))) return err->code ? err->code : SILT_EIO;
    int rc = silt_pq_reader_open(r, *src, err);
    if (rc) {
        silt_pq_source_destroy(*src);
        *src = NULL;
    }
    return rc;
}

int sql_scan_parquet_open(sql_node *n, sql_ctx *c, const sql_from *f)
{
    pq_src *s = silt_calloc(1, sizeof *s);
    if (!s) return sql_oom(c);
    int rc = sql_ctx_defer(c, pq_src_free, s);
    if (rc) return rc;
    if (glob(f->path, 0, NULL, &s->g) != 0 || !s->g.gl_pathc)
        return sql_error_at(c->err, SILT_ENOTFOUND, c->text, f->pos, "parquet.`%s`: no such file",
                            f->path);
    s->globbed = true;
    n->source = s;
    silt_pq_reader *r;
    silt_pq_source *src;
    silt_error e2;
    silt_error_clear(&e2);
    if ((rc = open_reader(&r, &src, s->g.gl_pathv[0], &e2))) {
        *c->err = e2;
        return rc;
    }
    const silt_schema *sc = silt_pq_reader_schema(r);
    n->schema.n_fields = sc->n_fields;
    n->schema.fields = sql_ctx_alloc(c, (sc->n_fields + 1) * sizeof(silt_field));
    for (size_t i = 0; n->schema.fields && !rc && i < sc->n_fields; i++)
        if (sql_field_dup(c->a, &n->schema.fields[i], &sc->fields[i], sc->fields[i].name))
            rc = sql_oom(c);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return n->schema.fields ? rc : SILT_ENOMEM;
}

static int read_file(sql_node *n, sql_rel *out, const char *path, silt_error *err)
{
    silt_pq_reader *r;
    silt_pq_source *src;
    int rc = open_reader(&r, &src, path, err);
    if (rc) return rc;
    const silt_schema *sc = silt_pq_reader_schema(r);
    int *cols = silt_calloc(n->n_columns + 1, sizeof *cols);
    if (!cols) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < n->n_columns; k++) {
        long i = silt_schema_find(sc, n->columns[k]);
        if (i < 0)
            rc = silt_error_set(err, SILT_ECORRUPT, "%s has no column '%s' (the first file has)",
                                path, n->columns[k]);
        cols[k] = (int)i;
    }
    int nrg = silt_pq_reader_num_row_groups(r);
    for (int g = 0; !rc && g < nrg; g++) {
        silt_batch *b;
        if ((rc = silt_pq_reader_read_row_group(r, g, cols, n->n_columns, &b, err))) break;
        rc = sql_scan_keep(n, out, b, err);
        silt_batch_destroy(b);
    }
    n->files_read++;
    silt_free(cols);
    silt_pq_reader_destroy(r);
    silt_pq_source_destroy(src);
    return rc;
}

int sql_scan_parquet_run(sql_node *n, sql_rel *out, silt_error *err)
{
    pq_src *s = n->source;
    n->files_total = s->g.gl_pathc;
    for (size_t i = 0; i < s->g.gl_pathc; i++) {
        int rc = read_file(n, out, s->g.gl_pathv[i], err);
        if (rc) return rc;
    }
    return 0;
}
