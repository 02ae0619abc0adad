/* JSON lines and CSV sources (to come): for now they are refused with a clear message. */
#include "sql/scan.h"

int sql_scan_text_open(sql_node *n, sql_ctx *c, const sql_from *f)
{
    (void)n;
    return sql_error_at(c->err, SILT_EUNSUPPORTED, c->text, f->pos,
                        "%s.`...` tables are not readable yet: use delta.`...` or parquet.`...`",
                        f->format);
}

int sql_scan_text_run(sql_node *n, sql_rel *out, silt_error *err)
{
    (void)n;
    (void)out;
    return silt_error_set(err, SILT_EUNSUPPORTED, "text sources are not readable yet");
}
