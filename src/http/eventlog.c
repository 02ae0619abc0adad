/* The pipeline's event log as `silt serve` reads it: not written yet by any pipeline in this
 * tree, so the figures are empty until one is (see eventlog.h). */
#include "http/eventlog.h"

void silt_http_eventlog_refresh(silt_http_catalog *c)
{
    (void)c;
}

json_t *silt_http_eventlog_quality(silt_http_catalog *c, const char *table)
{
    (void)c;
    (void)table;
    return json_null();
}

void silt_http_eventlog_metrics(silt_http_catalog *c, silt_buf *out)
{
    (void)c;
    (void)out;
}
