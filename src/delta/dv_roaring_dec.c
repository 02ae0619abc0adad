/* Decoding a serialized RoaringBitmapArray (Delta's deletion vectors): 32-bit Roaring bitmaps in
 * the portable format, with array, bitmap and run containers, every length checked. */
#include <string.h>

#include "delta/dv.h"

#define COOKIE_NO_RUN 12346u
#define COOKIE_RUN 12347u
#define ARRAY_MAX 4096u
#define NO_OFFSET_THRESHOLD 4u

typedef struct reader {
    const uint8_t *p;
    size_t n, pos;
    silt_delta_rowset *out;
    uint64_t max_rows;
    uint64_t high; /* the current bitmap's key, shifted into place */
    bool any;      /* a row was added: last is set */
    uint64_t last;
    silt_error *err;
} reader;

static int bad(reader *r, const char *what)
{
    silt_error_set(r->err, SILT_ECORRUPT, "deletion vector: %s at byte %zu", what, r->pos);
    return silt_error_offset(r->err, (int64_t)r->pos);
}

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Whether n more bytes are there. */
static bool have(const reader *r, size_t n)
{
    return r->n - r->pos >= n;
}

/* Adds one row; rows must come in increasing order. */
static int emit(reader *r, uint64_t row)
{
    if (r->any && row <= r->last) return bad(r, "row indexes out of order");
    if (r->out->n >= r->max_rows) return bad(r, "more rows than the descriptor allows");
    if (silt_delta_rowset_add(r->out, row))
        return silt_error_set(r->err, SILT_ENOMEM, "out of memory");
    r->any = true;
    r->last = row;
    return 0;
}

/* One container's values: `card` of them under 16-bit key `key`. */
static int container(reader *r, uint32_t key, uint32_t card, bool run)
{
    uint64_t base = r->high | (uint64_t)key << 16;
    int rc = 0;
    if (run) {
        if (!have(r, 2)) return bad(r, "truncated run container");
        uint32_t n_runs = get16(r->p + r->pos);
        r->pos += 2;
        if (!have(r, (size_t)n_runs * 4)) return bad(r, "truncated run container");
        uint32_t total = 0;
        for (uint32_t i = 0; i < n_runs && rc == 0; i++) {
            uint32_t start = get16(r->p + r->pos), len = get16(r->p + r->pos + 2);
            r->pos += 4;
            if (start + len > 0xFFFF) return bad(r, "run past the container's end");
            for (uint32_t v = start; v <= start + len && rc == 0; v++) rc = emit(r, base | v);
            total += len + 1;
        }
        if (rc == 0 && total != card) return bad(r, "run container's cardinality disagrees");
        return rc;
    }
    if (card <= ARRAY_MAX) {
        if (!have(r, (size_t)card * 2)) return bad(r, "truncated array container");
        for (uint32_t i = 0; i < card && rc == 0; i++)
            rc = emit(r, base | get16(r->p + r->pos + 2 * i));
        r->pos += (size_t)card * 2;
        return rc;
    }
    if (!have(r, 8192)) return bad(r, "truncated bitmap container");
    uint32_t total = 0;
    for (uint32_t v = 0; v < 65536 && rc == 0; v++)
        if (r->p[r->pos + (v >> 3)] >> (v & 7) & 1) {
            rc = emit(r, base | v);
            total++;
        }
    r->pos += 8192;
    if (rc == 0 && total != card) return bad(r, "bitmap container's cardinality disagrees");
    return rc;
}

/* One 32-bit portable bitmap at r->pos. */
static int bitmap32(reader *r)
{
    size_t start = r->pos;
    if (!have(r, 4)) return bad(r, "truncated bitmap header");
    uint32_t cookie = get32(r->p + r->pos), n_cont;
    const uint8_t *runs = NULL;
    bool offsets;
    if (cookie == COOKIE_NO_RUN) {
        if (!have(r, 8)) return bad(r, "truncated bitmap header");
        n_cont = get32(r->p + r->pos + 4);
        r->pos += 8;
        offsets = true;
    } else if ((cookie & 0xFFFF) == COOKIE_RUN) {
        n_cont = (cookie >> 16) + 1;
        r->pos += 4;
        if (!have(r, (n_cont + 7) / 8)) return bad(r, "truncated run flags");
        runs = r->p + r->pos;
        r->pos += (n_cont + 7) / 8;
        offsets = n_cont >= NO_OFFSET_THRESHOLD;
    } else {
        return bad(r, "not a portable Roaring bitmap (unknown cookie)");
    }
    if (n_cont > 65536) return bad(r, "more than 65536 containers");
    const uint8_t *keys = r->p + r->pos;
    if (!have(r, (size_t)n_cont * 4)) return bad(r, "truncated container keys");
    r->pos += (size_t)n_cont * 4;
    if (offsets) {
        if (!have(r, (size_t)n_cont * 4)) return bad(r, "truncated container offsets");
        r->pos += (size_t)n_cont * 4;
    }
    for (uint32_t i = 0; i < n_cont; i++) {
        if (offsets && get32(keys + 4 * (size_t)n_cont + 4 * i) != r->pos - start)
            return bad(r, "container offset disagrees with the data");
        bool run = runs && (runs[i / 8] >> (i % 8) & 1);
        int rc = container(r, get16(keys + 4 * i), get16(keys + 4 * i + 2) + 1, run);
        if (rc) return rc;
    }
    return 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The older "native" layout (big-endian magic 1681511376, a big-endian count, then per bitmap
 * its big-endian size and the bitmap; keys are the bitmaps' positions), as in the protocol's
 * inline example. */
static int decode_native(reader *r)
{
    if (!have(r, 8)) return bad(r, "shorter than its header");
    uint32_t n_maps = be32(r->p + 4);
    r->pos = 8;
    for (uint32_t i = 0; i < n_maps; i++) {
        if (!have(r, 4)) return bad(r, "truncated bitmap size");
        size_t size = be32(r->p + r->pos), end;
        r->pos += 4;
        if (!have(r, size)) return bad(r, "truncated bitmap");
        end = r->pos + size;
        r->high = (uint64_t)i << 32;
        int rc = bitmap32(r);
        if (rc) return rc;
        if (r->pos != end) return bad(r, "bitmap shorter than its size field");
    }
    if (r->pos != r->n) return bad(r, "trailing bytes after the last bitmap");
    return 0;
}

int silt_delta_roaring_decode(silt_delta_rowset *out, const uint8_t *p, size_t n, uint64_t max_rows,
                              silt_error *err)
{
    out->n = 0;
    reader r = {p, n, 0, out, max_rows, 0, false, 0, err};
    if (!have(&r, 12)) return bad(&r, "shorter than its header");
    if (be32(p) == SILT_DELTA_DV_MAGIC - 1) return decode_native(&r);
    if (get32(p) != SILT_DELTA_DV_MAGIC) return bad(&r, "wrong magic number");
    uint64_t n_maps = get32(p + 4) | (uint64_t)get32(p + 8) << 32;
    r.pos = 12;
    int64_t last_key = -1;
    for (uint64_t i = 0; i < n_maps; i++) {
        if (!have(&r, 4)) return bad(&r, "truncated bitmap key");
        uint32_t key = get32(p + r.pos);
        if ((int64_t)key <= last_key || key > 0x7FFFFFFF)
            return bad(&r, "bitmap keys out of order");
        last_key = key;
        r.pos += 4;
        r.high = (uint64_t)key << 32;
        int rc = bitmap32(&r);
        if (rc) return rc;
    }
    if (r.pos != n) return bad(&r, "trailing bytes after the last bitmap");
    return 0;
}
