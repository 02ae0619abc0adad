/* Test tool: decodes a JSON-lines file into the seed's transaction schema as silver types it
 * (TransactionNo string, Date date from M/d/yyyy, ProductNo and ProductName strings, Price
 * decimal(10,2), Quantity int32, CustomerNo int64, Country string) and prints each row in the
 * canonical form (tests/oracle/README.md), one per line; rows refused go to stderr as
 * "line N: message". Exit 0 when every line decoded, 1 otherwise.
 * Usage: tool_json_decode FILE */
#include "batch/canon.h"
#include "delta/schema.h"
#include "json/decode.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The seed's transaction as silver types it, in Delta's schema JSON. */
static const char SEED_SCHEMA[] =
    "{\"type\":\"struct\",\"fields\":["
    "{\"name\":\"TransactionNo\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"Date\",\"type\":\"date\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"ProductNo\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"ProductName\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"Price\",\"type\":\"decimal(10,2)\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"Quantity\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"CustomerNo\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},"
    "{\"name\":\"Country\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}}]}";

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tool_json_decode FILE\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        perror(argv[1]);
        return 2;
    }
    silt_schema *s = NULL;
    silt_error err;
    if (silt_delta_schema_parse(&s, SEED_SCHEMA, &err)) {
        fprintf(stderr, "tool_json_decode: %s\n", err.msg);
        return 2;
    }
    silt_json_field_format ff[] = {{"Date", "M/d/yyyy"}};
    silt_json_decode_opts o = {.formats = ff, .n_formats = 1};
    silt_json_decoder *d = NULL;
    if (silt_json_decoder_create(&d, s, &o, &err)) return 2;
    silt_batch *b = silt_batch_create(s);
    if (!b) return 2;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long no = 0, bad = 0;
    silt_buf out = SILT_BUF_INIT;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        no++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
        if (!n) continue;
        if (silt_json_decode_row(d, b, line, (size_t)n, &err)) {
            fprintf(stderr, "line %ld: %s (offset %lld)\n", no, err.msg, (long long)err.offset);
            bad++;
            continue;
        }
        silt_buf_reset(&out);
        if (silt_canon_row(&out, b, b->n_rows - 1)) return 2;
        fwrite(out.ptr, 1, out.len, stdout);
        putchar('\n');
    }
    silt_buf_free(&out);
    free(line);
    fclose(fp);
    silt_batch_destroy(b);
    silt_json_decoder_destroy(d);
    silt_schema_destroy(s);
    return bad ? 1 : 0;
}
