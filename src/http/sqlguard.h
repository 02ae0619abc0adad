/* The guard in front of POST /api/sql: a query names tables by their catalog names only; they
 * are rewritten to the lake's locations here, and every way of naming a file from the request
 * (delta.`path`, parquet.`glob`, json.`file`, csv.`file`) is refused. A pure function over the
 * query text (fuzzed by fuzz/fuzz_http_route.c). */
#ifndef SILT_HTTP_SQLGUARD_H
#define SILT_HTTP_SQLGUARD_H

#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

/* Looks a catalog name up (case-sensitive): the table's location (borrowed), or NULL. */
typedef const char *(*silt_http_resolve_fn)(void *ctx, const char *name);

/* Rewrites one statement: every table reference (after FROM or JOIN, or a comma in a FROM list)
 * that is a catalog name becomes delta.`<location>`; other names (WITH queries, unknown tables)
 * are left for the SQL engine, and the first one is copied to unknown (size n_unknown; "" when
 * none) so that an error can suggest a catalog name. Returns 0 and the text in *out (appended),
 * or SILT_EINVAL when the statement is not a query (it must start with SELECT, WITH, VALUES or
 * '('), names a table with a qualifier (format.`path`, or db.table), or has an unterminated
 * string, quoted name or comment (the SQL engine's own tokens: silt_sql_tokens); SILT_ENOMEM. */
int silt_http_sql_rewrite(silt_buf *out, const char *sql, silt_http_resolve_fn resolve, void *ctx,
                          char *unknown, size_t n_unknown, silt_error *err);

#endif
