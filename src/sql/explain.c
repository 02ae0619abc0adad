/* EXPLAIN: the plan as an indented tree, one operator a line, with what each scan reads (the
 * projected columns, the predicate pushed to the Delta scan) and, after a run, rows, files
 * read of files in the table, and memory held by aggregates, joins and sorts. */
#include <inttypes.h>
#include <string.h>

#include "sql/plan.h"
#include "sql/scan.h"

static const char *kind_name(sql_node_kind k)
{
    static const char *const n[] = {"Scan",          "OneRow",   "Filter", "Project",
                                    "HashAggregate", "Sort",     "Limit",  "Distinct",
                                    "HashJoin",      "UnionAll", "Input"};
    return n[k];
}

static void node_line(silt_buf *out, const sql_node *n)
{
    silt_buf_puts(out, kind_name(n->kind));
    switch (n->kind) {
    case N_SCAN:
        silt_buf_printf(out, " %s.`%s` columns [", n->format, n->path);
        for (size_t i = 0; i < n->n_columns; i++)
            silt_buf_printf(out, "%s%s", i ? ", " : "", n->columns[i]);
        silt_buf_puts(out, "]");
        if (n->version >= 0) silt_buf_printf(out, " version %" PRId64, n->version);
        if (!strcmp(n->format, "delta")) sql_scan_delta_explain(out, n);
        break;
    case N_AGG: silt_buf_printf(out, " keys %zu, aggregates %zu", n->n_exprs, n->n_aggs); break;
    case N_SORT:
        silt_buf_printf(out, " keys %zu", n->n_keys);
        if (n->limit >= 0) silt_buf_printf(out, ", top %" PRId64, n->limit);
        break;
    case N_LIMIT: silt_buf_printf(out, " %" PRId64, n->limit); break;
    case N_JOIN:
        silt_buf_printf(out, " %s on %zu key(s)", n->left_join ? "LEFT" : "INNER", n->n_keys);
        break;
    case N_PROJECT:
        silt_buf_puts(out, " [");
        for (size_t i = 0; i < n->schema.n_fields; i++)
            silt_buf_printf(out, "%s%s", i ? ", " : "", n->schema.fields[i].name);
        silt_buf_puts(out, "]");
        break;
    default: break;
    }
}

static void node_stats(silt_buf *out, const sql_node *n)
{
    silt_buf_printf(out, "  (rows out %" PRId64, n->rows_out);
    if (n->kind == N_SCAN)
        silt_buf_printf(out, ", rows read %" PRId64 ", files read %zu of %zu", n->rows_in,
                        n->files_read, n->files_total);
    if (n->mem_peak) silt_buf_printf(out, ", memory %zu bytes", n->mem_peak);
    silt_buf_puts(out, ")");
}

int sql_explain(silt_buf *out, const sql_node *n, int depth, bool stats)
{
    for (int i = 0; i < depth; i++) silt_buf_puts(out, "  ");
    const sql_node *shown = n;
    if (n->kind == N_FILTER && n->in && n->in->kind == N_SCAN) {
        silt_buf_puts(out, "Filter (fused into the scan below)");
        if (stats) node_stats(out, n);
        silt_buf_putc(out, '\n');
        for (int i = 0; i <= depth; i++) silt_buf_puts(out, "  ");
        shown = n->in;
        /* the scan's pushed predicate comes from the filter */
        sql_node tmp = *shown;
        tmp.pred = n->pred;
        node_line(out, &tmp);
        if (stats) node_stats(out, shown);
        silt_buf_putc(out, '\n');
        return silt_buf_oom(out) ? SILT_ENOMEM : 0;
    }
    node_line(out, n);
    if (stats) node_stats(out, n);
    silt_buf_putc(out, '\n');
    if (n->in) sql_explain(out, n->in, depth + 1, stats);
    if (n->right) sql_explain(out, n->right, depth + 1, stats);
    for (size_t i = 0; i < n->n_inputs; i++) sql_explain(out, n->inputs[i], depth + 1, stats);
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}
