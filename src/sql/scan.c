/* Table sources: dispatch by format, and the common step that keeps (and filters) each batch
 * a source reads. */
#include <string.h>
#include <strings.h>

#include "sql/scan.h"

int sql_scan_open(sql_node *node, sql_ctx *c, const sql_from *f)
{
    node->version = f->version;
    node->timestamp = f->timestamp;
    node->format = f->format;
    node->path = f->path;
    if (!strcasecmp(f->format, "delta")) return sql_scan_delta_open(node, c, f);
    if (!strcasecmp(f->format, "parquet")) return sql_scan_parquet_open(node, c, f);
    if (!strcasecmp(f->format, "json") || !strcasecmp(f->format, "csv"))
        return sql_scan_text_open(node, c, f);
    return sql_error_at(c->err, SILT_EINVAL, c->text, f->pos,
                        "unknown table format '%s' (use delta, parquet, json or csv, as in "
                        "delta.`/path/to/table`)",
                        f->format);
}

int sql_exec_scan(sql_rel *out, sql_node *n, silt_error *err)
{
    if (!strcasecmp(n->format, "delta")) return sql_scan_delta_run(n, out, err);
    if (!strcasecmp(n->format, "parquet")) return sql_scan_parquet_run(n, out, err);
    return sql_scan_text_run(n, out, err);
}

int sql_scan_keep(sql_node *n, sql_rel *out, const silt_batch *b, silt_error *err)
{
    silt_batch *o;
    int rc = 0;
    n->rows_in += b->n_rows;
    if (!n->pred && n->sink_lend) { /* a consumer that only reads: no copy */
        n->rows_out += b->n_rows;
        return b->n_rows ? n->sink_lend(n->sink_arg, b, err) : 0;
    }
    if (n->pred) {
        if ((rc = sql_filter_batch(&o, b, n->pred, err))) return rc;
        o->schema = &n->schema; /* same layout, names as the plan knows them */
    } else {
        if (!(o = silt_batch_create(&n->schema)))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        for (size_t c = 0; c < o->n_cols && !rc; c++)
            if (!(rc = silt_column_append_range(&o->cols[c], &b->cols[c], 0, b->n_rows)))
                rc = silt_column_share_dict(&o->cols[c], &b->cols[c], NULL, b->n_rows);
        o->n_rows = b->n_rows;
        if (rc) {
            silt_batch_destroy(o);
            return silt_error_set(err, rc, "out of memory reading %s", n->path);
        }
    }
    n->rows_out += o->n_rows;
    if (o->n_rows == 0 && (out->n || n->sink)) {
        silt_batch_destroy(o);
        return 0;
    }
    if (n->sink) return n->sink(n->sink_arg, o, err);
    if ((rc = sql_rel_push(out, o))) return silt_error_set(err, rc, "out of memory");
    return 0;
}
