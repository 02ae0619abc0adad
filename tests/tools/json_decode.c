/* Test tool: decodes a JSON-lines file into the seed's transaction schema as silver types it
 * (TransactionNo string, Date date from M/d/yyyy, ProductNo and ProductName strings, Price
 * decimal(10,2), Quantity int32, CustomerNo int64, Country string) and prints each row in the
 * canonical form (tests/oracle/README.md), one per line; rows refused go to stderr as
 * "line N: message". Exit 0 when every line decoded, 1 otherwise.
 * Usage: tool_json_decode FILE */
#include "batch/canon.h"
#include "json/decode.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void leaf(silt_field *f, const char *name, silt_type_id t)
{
    if (silt_field_init(f, name, t, true)) exit(2);
}

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
    silt_schema *s = silt_schema_create(8);
    if (!s) return 2;
    leaf(&s->fields[0], "TransactionNo", SILT_TYPE_STRING);
    leaf(&s->fields[1], "Date", SILT_TYPE_DATE32);
    leaf(&s->fields[2], "ProductNo", SILT_TYPE_STRING);
    leaf(&s->fields[3], "ProductName", SILT_TYPE_STRING);
    leaf(&s->fields[4], "Price", SILT_TYPE_DECIMAL);
    s->fields[4].precision = 10;
    s->fields[4].scale = 2;
    leaf(&s->fields[5], "Quantity", SILT_TYPE_INT32);
    leaf(&s->fields[6], "CustomerNo", SILT_TYPE_INT64);
    leaf(&s->fields[7], "Country", SILT_TYPE_STRING);
    silt_json_field_format ff[] = {{"Date", "M/d/yyyy"}};
    silt_json_decode_opts o = {.formats = ff, .n_formats = 1};
    silt_error err;
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
