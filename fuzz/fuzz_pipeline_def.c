/* Fuzz target: the pipeline file's parser and resolver (silt_pipeline_def_parse) on arbitrary
 * text, with ${K} and ${T} defined; a file that parses is also bound (pipeline/bind.h) unless it
 * names a path (FORMAT.`...`) or read_files, which would open files. Every input either parses
 * into a consistent definition (the order a permutation with sources before readers, every
 * table with a query) or is refused with a message; never a crash, leak or hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/bind.h"
#include "pipeline/def.h"

static void check(const silt_pipeline_def *d)
{
    char *seen = calloc(d->n_tables + 1, 1);
    if (!seen || !d->n_tables) abort();
    for (size_t k = 0; k < d->n_tables; k++) {
        int i = d->order[k];
        if (i < 0 || (size_t)i >= d->n_tables || seen[i]) abort();
        const silt_pipeline_table *t = &d->tables[i];
        for (size_t j = 0; j < t->n_sources; j++) {
            int up = t->sources[j].upstream;
            if (!t->sources[j].input_name || (up >= 0 && !seen[up])) abort();
        }
        for (size_t j = 0; j < t->n_reads; j++)
            if (!seen[t->reads[j]]) abort();
        if (!t->query || !t->bind_query || !t->query_text || !t->location) abort();
        seen[i] = 1;
    }
    free(seen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    char *text = malloc(size + 1);
    if (!text) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    silt_pipeline_var vars[] = {{"K", "127.0.0.1:9092"}, {"T", "events"}};
    silt_pipeline_parse_opts o = {"/nonexistent/lake", vars, 2, false};
    silt_pipeline_def *d = NULL;
    silt_error err = {0};
    int rc = silt_pipeline_def_parse(&d, text, "fuzz.sql", &o, &err);
    if (rc == 0) {
        check(d);
        if (!strchr(text, '`') && !strstr(text, "read_files") && !strstr(text, "READ_FILES")) {
            silt_pipeline_bound *b = NULL;
            silt_error e2 = {0};
            if (silt_pipeline_bind(&b, d, &e2) == 0) {
                if (!b || b->n != d->n_tables) abort();
            } else if (b || !e2.msg[0]) {
                abort();
            }
            silt_pipeline_bound_destroy(b);
        }
    } else if (d || !err.msg[0]) {
        abort(); /* a refusal leaves nothing and always says why */
    }
    silt_pipeline_def_destroy(d);
    free(text);
    return 0;
}
