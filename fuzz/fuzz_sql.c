/* Fuzz target: the SQL parser, binder and planner (silt_sql_prepare) on arbitrary text, against
 * named inputs with fixed schemas (sales, types, nulls, products, countries, nested: the tables
 * of the SQL corpus, whose queries seed fuzz/corpus/sql). Every input either prepares, and then
 * the plan has a schema and explains itself, or is refused with a message; never a crash, leak
 * or hang. Table paths are not fuzzed (no file is opened): inputs naming delta.`...`,
 * parquet.`...`, json.`...` or csv.`...` are skipped. */
#include "batch/batch.h"
#include "sql/sql.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void leaf(silt_field *f, const char *name, silt_type_id t)
{
    if (silt_field_init(f, name, t, true)) abort();
}

static silt_schema *make_sales(void)
{
    static const char *names[] = {"TransactionNo", "Date",     "ProductNo",  "ProductName",
                                  "Price",         "Quantity", "CustomerNo", "Country"};
    static const silt_type_id types[] = {SILT_TYPE_STRING, SILT_TYPE_STRING, SILT_TYPE_STRING,
                                         SILT_TYPE_STRING, SILT_TYPE_DOUBLE, SILT_TYPE_INT32,
                                         SILT_TYPE_DOUBLE, SILT_TYPE_STRING};
    silt_schema *s = silt_schema_create(8);
    if (!s) abort();
    for (size_t i = 0; i < 8; i++) leaf(&s->fields[i], names[i], types[i]);
    return s;
}

/* st struct<x int, y string>, arr array<int>, m map<string,int> */
static void nested_fields(silt_field *st, silt_field *arr, silt_field *m)
{
    if (silt_field_init_nested(st, "st", SILT_TYPE_STRUCT, true, 2)) abort();
    leaf(&st->children[0], "x", SILT_TYPE_INT32);
    leaf(&st->children[1], "y", SILT_TYPE_STRING);
    if (silt_field_init_nested(arr, "arr", SILT_TYPE_LIST, true, 1)) abort();
    leaf(&arr->children[0], "element", SILT_TYPE_INT32);
    if (silt_field_init_nested(m, "m", SILT_TYPE_MAP, true, 1)) abort();
    silt_field *kv = &m->children[0];
    if (silt_field_init_nested(kv, "key_value", SILT_TYPE_STRUCT, false, 2)) abort();
    if (silt_field_init(&kv->children[0], "key", SILT_TYPE_STRING, false)) abort();
    leaf(&kv->children[1], "value", SILT_TYPE_INT32);
}

static silt_schema *make_types(void)
{
    static const char *names[] = {"id",  "b", "i8", "i16", "i32", "i64", "f32",
                                  "f64", "d", "dl", "s",   "bin", "dt",  "ts"};
    static const silt_type_id types[] = {
        SILT_TYPE_INT32,  SILT_TYPE_BOOL,   SILT_TYPE_INT8,   SILT_TYPE_INT16,    SILT_TYPE_INT32,
        SILT_TYPE_INT64,  SILT_TYPE_FLOAT,  SILT_TYPE_DOUBLE, SILT_TYPE_DECIMAL,  SILT_TYPE_DECIMAL,
        SILT_TYPE_STRING, SILT_TYPE_BINARY, SILT_TYPE_DATE32, SILT_TYPE_TIMESTAMP};
    silt_schema *s = silt_schema_create(18);
    if (!s) abort();
    for (size_t i = 0; i < 14; i++) leaf(&s->fields[i], names[i], types[i]);
    s->fields[8].precision = 10;
    s->fields[8].scale = 2;
    s->fields[9].precision = 38;
    s->fields[9].scale = 10;
    s->fields[13].tz_utc = true;
    nested_fields(&s->fields[14], &s->fields[15], &s->fields[16]);
    leaf(&s->fields[17], "js", SILT_TYPE_STRING);
    return s;
}

static silt_schema *make_simple(const char *const *names, const silt_type_id *types, size_t n)
{
    silt_schema *s = silt_schema_create(n);
    if (!s) abort();
    for (size_t i = 0; i < n; i++) leaf(&s->fields[i], names[i], types[i]);
    return s;
}

/* a struct<aa string, ab string, ac struct<aca int, acb bigint>>, b int (a golden table) */
static silt_schema *make_nested(void)
{
    silt_schema *s = silt_schema_create(2);
    if (!s) abort();
    silt_field *a = &s->fields[0];
    if (silt_field_init_nested(a, "a", SILT_TYPE_STRUCT, true, 3)) abort();
    leaf(&a->children[0], "aa", SILT_TYPE_STRING);
    leaf(&a->children[1], "ab", SILT_TYPE_STRING);
    silt_field *ac = &a->children[2];
    if (silt_field_init_nested(ac, "ac", SILT_TYPE_STRUCT, true, 2)) abort();
    leaf(&ac->children[0], "aca", SILT_TYPE_INT32);
    leaf(&ac->children[1], "acb", SILT_TYPE_INT64);
    leaf(&s->fields[1], "b", SILT_TYPE_INT32);
    return s;
}

/* True when the text names a table by path (FORMAT.`...`), which would open files. */
static bool names_a_path(const char *q, size_t n)
{
    static const char *fmts[] = {"delta.`", "parquet.`", "json.`", "csv.`"};
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < 4; k++) {
            size_t len = strlen(fmts[k]);
            if (i + len <= n && strncasecmp(q + i, fmts[k], len) == 0) return true;
        }
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    char *q = malloc(size + 1);
    if (!q) abort();
    memcpy(q, data, size);
    q[size] = '\0';
    if (names_a_path(q, size)) {
        free(q);
        return 0;
    }
    static const char *nulls_n[] = {"id", "s", "d", "n", "b", "dt", "dec", "grp"};
    static const silt_type_id nulls_t[] = {SILT_TYPE_INT64,   SILT_TYPE_STRING, SILT_TYPE_DOUBLE,
                                           SILT_TYPE_INT32,   SILT_TYPE_BOOL,   SILT_TYPE_DATE32,
                                           SILT_TYPE_DECIMAL, SILT_TYPE_INT64};
    static const char *prod_n[] = {"ProductNo", "ProductName", "Category", "UnitCost"};
    static const silt_type_id prod_t[] = {SILT_TYPE_STRING, SILT_TYPE_STRING, SILT_TYPE_STRING,
                                          SILT_TYPE_DOUBLE};
    static const char *ctry_n[] = {"Country", "Region", "Population"};
    static const silt_type_id ctry_t[] = {SILT_TYPE_STRING, SILT_TYPE_STRING, SILT_TYPE_DOUBLE};
    silt_schema *schemas[6] = {make_sales(),
                               make_types(),
                               make_simple(nulls_n, nulls_t, 8),
                               make_simple(prod_n, prod_t, 4),
                               make_simple(ctry_n, ctry_t, 3),
                               make_nested()};
    schemas[2]->fields[6].precision = 10;
    schemas[2]->fields[6].scale = 2;
    static const char *names[6] = {"sales", "types", "nulls", "products", "countries", "nested"};
    silt_sql_input inputs[6];
    for (size_t i = 0; i < 6; i++) inputs[i] = (silt_sql_input){names[i], schemas[i]};
    silt_sql_plan *p = NULL;
    silt_error err = {0};
    int rc = silt_sql_prepare(&p, q, inputs, 6, &err);
    if (rc == 0) {
        if (!p || !silt_sql_plan_schema(p)) abort();
        silt_buf b = {0};
        if (silt_sql_explain(p, &b, false) == 0 && b.len == 0) abort();
        silt_buf_free(&b);
        silt_sql_plan_destroy(p);
    } else if (p || !err.msg[0]) {
        abort(); /* a refusal leaves no plan and always says why */
    }
    for (size_t i = 0; i < 6; i++) silt_schema_destroy(schemas[i]);
    free(q);
    return 0;
}
