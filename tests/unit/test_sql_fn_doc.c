/* Keeps docs/sql-functions.md in step with the function registry: the document must be exactly
 * what the registry's doc strings generate (every function, one line each). After adding or
 * changing a function, regenerate it with
 *   SILT_WRITE_FN_DOC=1 build/test_sql_fn_doc
 * Also checks the registry itself: unique names, a doc line per function naming it, and bind
 * errors instead of crashes for argument types a function does not take. */
#define _GNU_SOURCE
#include "test_sql_fn_harness.h"

#include <stdlib.h>
#include <strings.h>

#include "util/buf.h"

typedef struct entry {
    const char *name, *doc;
    bool agg;
} entry;

typedef struct entries {
    entry e[512];
    size_t n;
} entries;

static void collect(void *arg, const char *name, const char *doc, bool aggregate)
{
    entries *l = arg;
    assert_true(l->n < 512);
    l->e[l->n++] = (entry){name, doc, aggregate};
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static void section(silt_buf *o, const entries *l, bool agg)
{
    silt_buf_puts(o, "| function | what it does, and an example |\n|---|---|\n");
    for (size_t i = 0; i < l->n; i++) {
        if (l->e[i].agg != agg) continue;
        silt_buf_printf(o, "| `%s` | ", l->e[i].name);
        for (const char *p = l->e[i].doc; *p; p++) {
            if (*p == '|') silt_buf_putc(o, '\\');
            silt_buf_putc(o, (uint8_t)*p);
        }
        silt_buf_puts(o, " |\n");
    }
}

static void generate(silt_buf *o, entries *l)
{
    qsort(l->e, l->n, sizeof l->e[0], by_name);
    silt_buf_puts(o, "# SQL functions\n\n"
                     "Every function `silt sql` knows, generated from the registry's doc strings "
                     "(src/sql/fn_*.c) by\n`SILT_WRITE_FN_DOC=1 build/test_sql_fn_doc`; the "
                     "unit test `test_sql_fn_doc` fails when this file\nand the registry "
                     "differ. Names are case-insensitive. Semantics are Spark 3.5's with\n"
                     "`spark.sql.ansi.enabled=false`: a NULL argument gives NULL unless the "
                     "function says otherwise,\nand input a function cannot use (text that is "
                     "not a date, a malformed regular expression in a\ncolumn, JSON that does "
                     "not fit) gives NULL rather than an error. Timestamps are read and "
                     "written\nin UTC (silt's session time zone). Deliberate differences from "
                     "Spark are listed at the end.\n\n## Scalar functions\n\n");
    section(o, l, false);
    silt_buf_puts(o, "\n## Aggregates\n\nEvery aggregate skips NULL values, and its per-group "
                     "states merge, so partial results per batch\ncombine into a running "
                     "result.\n\n");
    section(o, l, true);
    silt_buf_puts(
        o,
        "\n## Differences from Spark\n\n"
        "- `from_json`: a text that does not fit the schema gives a struct whose fields are all "
        "NULL\n  (Spark 3.5 keeps the fields it could convert); the decoder's reason is kept per "
        "row.\n"
        "- `get_json_object`: wildcards (`[*]`, `.*`) are not supported (an error when the path "
        "is a\n  constant); numbers are returned as written in the text.\n"
        "- `window`: tumbling windows only (a slide different from the duration is an error).\n"
        "- `approx_count_distinct`: HyperLogLog without HyperLogLog++'s bias tables, so "
        "estimates\n  differ slightly from Spark's (same relative error).\n"
        "- Regular expressions are PCRE2's, which reads the common Java patterns the same way.\n"
        "- `upper`/`lower` map one character to one (Unicode simple case mapping): `upper('ß')` "
        "is `ß`.\n");
}

static char *read_doc(size_t *len)
{
    const char *root = getenv("SILT_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/sql-functions.md", root ? root : ".");
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void test_doc_in_step(void **state)
{
    (void)state;
    entries *l = calloc(1, sizeof *l);
    silt_sql_fn_each(collect, l);
    assert_true(l->n > 100);
    silt_buf o = SILT_BUF_INIT;
    generate(&o, l);
    if (getenv("SILT_WRITE_FN_DOC")) {
        const char *root = getenv("SILT_ROOT");
        char path[1024];
        snprintf(path, sizeof path, "%s/docs/sql-functions.md", root ? root : ".");
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(o.ptr, 1, o.len, f);
        fclose(f);
    }
    size_t len;
    char *doc = read_doc(&len);
    if (len != o.len || memcmp(doc, o.ptr, len) != 0)
        fail_msg("docs/sql-functions.md is not what the registry generates: run "
                 "SILT_WRITE_FN_DOC=1 build/test_sql_fn_doc");
    free(doc);
    silt_buf_free(&o);
    free(l);
}

static void test_registry_entries(void **state)
{
    (void)state;
    entries *l = calloc(1, sizeof *l);
    silt_sql_fn_each(collect, l);
    qsort(l->e, l->n, sizeof l->e[0], by_name);
    for (size_t i = 0; i < l->n; i++) {
        if (i > 0 && strcmp(l->e[i].name, l->e[i - 1].name) == 0)
            fail_msg("%s registered twice", l->e[i].name);
        /* the doc line starts with the call, names an example and fits one line */
        assert_int_equal(strncmp(l->e[i].doc, l->e[i].name, strlen(l->e[i].name)), 0);
        assert_non_null(strstr(l->e[i].doc, "->"));
        assert_null(strchr(l->e[i].doc, '\n'));
        if (l->e[i].agg)
            assert_non_null(silt_sql_agg_find(l->e[i].name));
        else
            assert_ptr_equal(silt_sql_scalar_find(l->e[i].name)->doc, l->e[i].doc);
    }
    free(l);
}

/* Every function bound with argument types it may not take (a struct, an array, binary, and
 * no constants) either binds or refuses with a message naming it: never a crash. */
static void test_bind_any_types(void **state)
{
    (void)state;
    entries *l = calloc(1, sizeof *l);
    silt_sql_fn_each(collect, l);
    silt_field kinds[4];
    silt_field_init_nested(&kinds[0], "s", SILT_TYPE_STRUCT, true, 1);
    silt_field_init(&kinds[0].children[0], "x", SILT_TYPE_INT32, true);
    silt_field_init_nested(&kinds[1], "l", SILT_TYPE_LIST, true, 1);
    silt_field_init(&kinds[1].children[0], "element", SILT_TYPE_STRING, true);
    silt_field_init(&kinds[2], "b", SILT_TYPE_BINARY, true);
    silt_field_init(&kinds[3], "d", SILT_TYPE_DATE32, true);
    for (size_t i = 0; i < l->n; i++) {
        for (int k = 0; k < 4; k++) {
            const silt_field *types[4] = {&kinds[k], &kinds[k], &kinds[k], &kinds[k]};
            const silt_column *consts[4] = {NULL};
            silt_field want[4];
            memset(want, 0, sizeof want);
            int lo = l->e[i].agg ? silt_sql_agg_find(l->e[i].name)->min_args
                                 : silt_sql_scalar_find(l->e[i].name)->min_args;
            silt_sql_fn_bind b = {.n_args = (size_t)(lo ? lo : 1),
                                  .arg_types = types,
                                  .const_args = consts,
                                  .want = want};
            silt_error err = {0};
            int rc;
            void (*fr)(void *);
            if (l->e[i].agg) {
                const silt_sql_agg_fn *fn = silt_sql_agg_find(l->e[i].name);
                rc = fn->bind(&b, &err);
                fr = fn->free_state;
            } else {
                const silt_sql_scalar_fn *fn = silt_sql_scalar_find(l->e[i].name);
                rc = fn->bind(&b, &err);
                fr = fn->free_state;
            }
            if (rc != 0) {
                assert_int_equal(rc, SILT_EINVAL);
                /* "name(types): what", name possibly the function an alias stands for */
                if (!strstr(err.msg, "): ") && !strstr(err.msg, ": "))
                    fail_msg("%s: unhelpful message '%s'", l->e[i].name, err.msg);
            }
            if (fr) fr(b.state);
            silt_field_clear(&b.ret);
            for (int w = 0; w < 4; w++) silt_field_clear(&want[w]);
        }
    }
    for (int k = 0; k < 4; k++) silt_field_clear(&kinds[k]);
    free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_in_step),
        cmocka_unit_test(test_registry_entries),
        cmocka_unit_test(test_bind_any_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
