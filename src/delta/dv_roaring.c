/* Row sets of deletion vectors and their RoaringBitmapArray serialization: 64-bit row indexes
 * split by their high 32 bits into 32-bit Roaring bitmaps in the portable format. */
#include <stdlib.h>
#include <string.h>

#include "delta/dv.h"
#include "util/alloc.h"

/* Roaring's portable format cookies. */
#define COOKIE_NO_RUN 12346u
#define COOKIE_RUN 12347u
#define ARRAY_MAX 4096u /* a container with more values is a bitmap */

/* ---- row sets ---- */

int silt_delta_rowset_add(silt_delta_rowset *s, uint64_t row)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        uint64_t *r = silt_realloc(s->rows, cap * sizeof *r);
        if (!r) return SILT_ENOMEM;
        s->rows = r;
        s->cap = cap;
    }
    s->rows[s->n++] = row;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void silt_delta_rowset_normalize(silt_delta_rowset *s)
{
    if (s->n < 2) return;
    bool sorted = true;
    for (size_t i = 1; i < s->n && sorted; i++) sorted = s->rows[i - 1] < s->rows[i];
    if (sorted) return;
    qsort(s->rows, s->n, sizeof *s->rows, cmp_u64);
    size_t w = 1;
    for (size_t i = 1; i < s->n; i++)
        if (s->rows[i] != s->rows[w - 1]) s->rows[w++] = s->rows[i];
    s->n = w;
}

int silt_delta_rowset_union(silt_delta_rowset *s, const silt_delta_rowset *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (silt_delta_rowset_add(s, src->rows[i])) return SILT_ENOMEM;
    silt_delta_rowset_normalize(s);
    return 0;
}

bool silt_delta_rowset_has(const silt_delta_rowset *s, uint64_t row)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->rows[mid] < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->rows[lo] == row;
}

void silt_delta_rowset_free(silt_delta_rowset *s)
{
    silt_free(s->rows);
    memset(s, 0, sizeof *s);
}

/* ---- encoding ---- */

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Number of rows from rows[i] on whose bits above `shift` equal those of rows[i]. */
static size_t run_of(const uint64_t *rows, size_t n, size_t i, int shift)
{
    size_t j = i;
    while (j < n && rows[j] >> shift == rows[i] >> shift) j++;
    return j - i;
}

/* Appends the 32-bit portable bitmap of rows (all sharing their high 32 bits): the no-run
 * cookie, the container count, keys with cardinalities, offsets, then the containers. */
static int encode_bitmap32(silt_buf *out, const uint64_t *rows, size_t n)
{
    size_t n_cont = 0;
    for (size_t i = 0; i < n; i += run_of(rows, n, i, 16)) n_cont++;
    size_t head = 8 + 8 * n_cont, start = out->len;
    uint8_t *h = silt_buf_extend(out, head);
    if (!h) return SILT_ENOMEM;
    put32(h, COOKIE_NO_RUN);
    put32(h + 4, (uint32_t)n_cont);
    size_t k = 0;
    for (size_t i = 0; i < n; k++) {
        size_t card = run_of(rows, n, i, 16);
        uint32_t at = (uint32_t)(out->len - start);
        if (card <= ARRAY_MAX) {
            uint8_t *a = silt_buf_extend(out, 2 * card);
            if (!a) return SILT_ENOMEM;
            for (size_t j = 0; j < card; j++) put16(a + 2 * j, (uint32_t)(rows[i + j] & 0xFFFF));
        } else {
            uint8_t *b = silt_buf_extend(out, 8192);
            if (!b) return SILT_ENOMEM;
            for (size_t j = 0; j < card; j++) {
                uint32_t v = (uint32_t)(rows[i + j] & 0xFFFF);
                b[v >> 3] |= (uint8_t)(1u << (v & 7));
            }
        }
        h = out->ptr + start; /* the buffer may have moved */
        put16(h + 8 + 4 * k, (uint32_t)((rows[i] >> 16) & 0xFFFF));
        put16(h + 10 + 4 * k, (uint32_t)(card - 1));
        put32(h + 8 + 4 * n_cont + 4 * k, at);
        i += card;
    }
    return 0;
}

int silt_delta_roaring_encode(silt_buf *out, const silt_delta_rowset *s)
{
    size_t n_maps = 0;
    for (size_t i = 0; i < s->n; i += run_of(s->rows, s->n, i, 32)) n_maps++;
    uint8_t *h = silt_buf_extend(out, 12);
    if (!h) return SILT_ENOMEM;
    put32(h, SILT_DELTA_DV_MAGIC);
    put32(h + 4, (uint32_t)n_maps);
    put32(h + 8, (uint32_t)((uint64_t)n_maps >> 32));
    for (size_t i = 0; i < s->n;) {
        size_t m = run_of(s->rows, s->n, i, 32);
        uint8_t *k = silt_buf_extend(out, 4);
        if (!k) return SILT_ENOMEM;
        put32(k, (uint32_t)(s->rows[i] >> 32));
        if (encode_bitmap32(out, s->rows + i, m)) return SILT_ENOMEM;
        i += m;
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}
