/* Private to the JSON family (fn_json*.c): what from_json keeps of its last evaluation. */
#ifndef SILT_SQL_FN_JSON_H
#define SILT_SQL_FN_JSON_H

#include "sql/fn_util.h"

/* Why row `row` of from_json's last evaluation at this call site gave a struct of NULLs (the
 * decoder's message, e.g. "field 'a': expected int32, got string \"x\""), or NULL when the row
 * decoded (or its input was NULL). state is the call site's (bind's b->state). Borrowed, valid
 * until the next evaluation. */
const char *fn_json_reason(const void *state, int64_t row);

#endif
