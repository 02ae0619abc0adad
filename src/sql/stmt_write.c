/* CREATE TABLE delta.`path` [PARTITIONED BY (cols)] AS SELECT and INSERT INTO delta.`path`
 * SELECT: the query's rows written as Parquet data files and committed to the Delta log. */
#include "sql/plan.h"
#include "sql/sql.h"

int sql_write_prepare(silt_sql_plan *p);
int sql_write_prepare(silt_sql_plan *p)
{
    (void)p;
    return SILT_EUNSUPPORTED;
}

int sql_write_run(silt_sql_plan *p, sql_rel *rows, silt_batch **out, silt_error *err);
int sql_write_run(silt_sql_plan *p, sql_rel *rows, silt_batch **out, silt_error *err)
{
    (void)p;
    (void)rows;
    (void)out;
    return silt_error_set(err, SILT_EUNSUPPORTED, "writing tables is not implemented yet");
}
