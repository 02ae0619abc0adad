/* Fuzz target: the Parquet reader on whole-file bytes through a memory source: open, map the
 * schema, read every row group (the first one twice: also with lazy string columns, which are
 * then materialized; the others alternately with and without), render every row, and ask
 * statistics questions. */
#include "batch/canon.h"
#include "parquet/reader.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) return 0;
    silt_pq_source *src = silt_pq_source_mem(data, size, "fuzz.parquet");
    if (!src) return 0;
    silt_pq_reader *r = NULL;
    silt_error err;
    silt_error_clear(&err);
    if (silt_pq_reader_open(&r, src, &err) == 0) {
        int n = silt_pq_reader_num_row_groups(r);
        for (int g = 0, twice = 1; g < n && g < 64; g++) {
            silt_batch *b = NULL;
            silt_pq_reader_set_lazy_dict(r, g & 1 || !twice);
            if (silt_pq_reader_read_row_group(r, g, NULL, 0, &b, &err) == 0) {
                for (size_t c = 0; c < b->n_cols; c++)
                    if (silt_column_materialize(&b->cols[c])) b->n_rows = 0;
                silt_buf out = SILT_BUF_INIT;
                for (int64_t i = 0; i < b->n_rows && i < 1000; i++) {
                    silt_canon_row(&out, b, i);
                    silt_buf_reset(&out);
                }
                silt_buf_free(&out);
                silt_batch_destroy(b);
            }
            const silt_schema *s = silt_pq_reader_schema(r);
            for (size_t c = 0; c < s->n_fields && c < 16; c++) {
                silt_pq_rg_stats st;
                if (silt_pq_reader_row_group_stats(&st, r, g, (int)c, &err) == 0) {
                    if (st.has_min_max) silt_column_get_int(&st.min_max, 1);
                    silt_pq_rg_stats_clear(&st);
                }
            }
            if (g == 0 && twice--) g--; /* row group 0 again, lazy */
        }
        silt_pq_reader_destroy(r);
    }
    silt_pq_source_destroy(src);
    return 0;
}
