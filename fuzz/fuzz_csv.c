/* Fuzz target: the CSV reader, type inference and row-to-JSON conversion on arbitrary bytes;
 * every JSON object produced must be valid JSON (checked with jansson); invalid UTF-8 is either
 * replaced (never an error) or refused as SILT_ECORRUPT. */
#include "json/write.h"
#include "feed/csv.h"
#include "util/buf.h"
#include "util/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    silt_csv_reader *r = NULL;
    silt_error err;
    silt_error_clear(&err);
    if (silt_csv_reader_create(&r, data, size, "fuzz.csv", &err)) return 0;
    bool replace = size % 4 < 2;
    silt_csv_reader_set_invalid_utf8(r, replace ? SILT_CSV_UTF8_REPLACE : SILT_CSV_UTF8_FAIL);
    size_t ncols = silt_csv_reader_ncols(r);
    silt_csv_type *types = calloc(ncols ? ncols : 1, sizeof *types);
    int64_t rows;
    silt_buf json = SILT_BUF_INIT;
    if (types && silt_csv_infer_types(types, &rows, r, &err) == 0) {
        int rc;
        unsigned flags = size % 2 ? SILT_JSON_PY : 0;
        while ((rc = silt_csv_reader_next(r, &err)) == 1) {
            silt_buf_reset(&json);
            if (silt_csv_record_to_json(&json, r, types, flags, &err)) {
                if (replace || err.code != SILT_ECORRUPT || !strstr(err.msg, "UTF-8")) abort();
                continue;
            }
            json_error_t je;
            json_t *v = json_loadb((const char *)json.ptr, json.len, JSON_ALLOW_NUL, &je);
            /* duplicate header names make duplicate keys, which jansson accepts */
            if (!v) abort();
            json_decref(v);
        }
        if (rc < 0 && err.code != SILT_ECORRUPT) abort();
    }
    silt_buf_free(&json);
    free(types);
    silt_csv_reader_destroy(r);
    return 0;
}
