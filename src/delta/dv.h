/* Deletion vectors (Delta protocol, "Deletion Vectors"): sets of deleted row indexes of a data
 * file, their RoaringBitmapArray serialization, Z85, the DV file format and descriptors. */
#ifndef SILT_DELTA_DV_H
#define SILT_DELTA_DV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "delta/action.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/error.h"

/* ---- row sets ---- */

/* Row indexes of one data file (0-based, below 2^63). After silt_delta_rowset_normalize (and
 * from every decoder) sorted and distinct. Owns rows; zero-initialise before use. */
typedef struct silt_delta_rowset {
    uint64_t *rows;
    size_t n, cap;
} silt_delta_rowset;

/* Appends row (in any order). Returns 0 or SILT_ENOMEM. */
int silt_delta_rowset_add(silt_delta_rowset *s, uint64_t row);
/* Sorts and removes duplicates. */
void silt_delta_rowset_normalize(silt_delta_rowset *s);
/* Adds every row of src (normalized) to s and normalizes s. Returns 0 or SILT_ENOMEM. */
int silt_delta_rowset_union(silt_delta_rowset *s, const silt_delta_rowset *src);
/* Whether the normalized set holds row (binary search). */
bool silt_delta_rowset_has(const silt_delta_rowset *s, uint64_t row);
void silt_delta_rowset_free(silt_delta_rowset *s);

/* ---- RoaringBitmapArray ---- */

/* The magic number that opens a serialized RoaringBitmapArray (portable format). */
#define SILT_DELTA_DV_MAGIC 1681511377u

/* Appends s (normalized) serialized as Delta stores a DV: the magic (LE 32), the number of
 * 32-bit bitmaps (LE 64), then per bitmap its key (the high 32 bits, LE 32) and the bitmap in
 * Roaring's portable format (array and bitmap containers). Returns 0 or SILT_ENOMEM. */
int silt_delta_roaring_encode(silt_buf *out, const silt_delta_rowset *s);

/* Decodes a serialized RoaringBitmapArray (magic first; array, bitmap and run containers) into
 * out (emptied first; sorted and distinct). More than max_rows rows is SILT_ECORRUPT (bounds the
 * memory a hostile input can claim); so are a bad magic, truncation, unsorted keys or values,
 * and trailing bytes. Returns 0, SILT_ECORRUPT (err says what and at which offset) or
 * SILT_ENOMEM. */
int silt_delta_roaring_decode(silt_delta_rowset *out, const uint8_t *p, size_t n, uint64_t max_rows,
                              silt_error *err);

/* ---- Z85 ---- */

/* Appends the Z85 text of p[0..n) (zero-padded to a multiple of 4 bytes, as Delta pads inline
 * DVs). Returns 0 or SILT_ENOMEM. */
int silt_delta_z85_encode(silt_buf *out, const uint8_t *p, size_t n);
/* Appends the bytes of Z85 text s[0..n) (n a multiple of 5). Returns 0, SILT_ECORRUPT (length,
 * a character outside the alphabet, a group above 2^32-1) or SILT_ENOMEM. */
int silt_delta_z85_decode(silt_buf *out, const char *s, size_t n, silt_error *err);

/* ---- descriptors and files ---- */

/* The DV's unique id as the protocol defines it: storageType, pathOrInlineDv, then "@offset"
 * when it has an offset. Appends it to out; an absent DV appends nothing. */
int silt_delta_dv_unique_id(silt_buf *out, const silt_delta_dv *dv);
/* Whether a and b name the same DV (both absent counts as the same). */
bool silt_delta_dv_same(const silt_delta_dv *a, const silt_delta_dv *b);

/* Appends to key the store key (relative to the table root) of the file a 'u' or 'p' DV lives
 * in: "<prefix>/deletion_vector_<uuid>.bin" for 'u'; for 'p', the path with the table's URL
 * (table_url) stripped. Returns 0, SILT_ECORRUPT (bad Z85 uuid) or SILT_EUNSUPPORTED (a 'p'
 * path outside the table, or an inline DV, which has no file). */
int silt_delta_dv_file_key(silt_buf *key, const silt_delta_dv *dv, const char *table_url,
                           silt_error *err);

/* Reads the rows dv marks deleted into out (emptied first): decodes an inline DV, or reads its
 * byte range of the DV file through store (the table's root), checking the size field, the
 * CRC-32 and that the cardinality matches the descriptor. Returns 0, SILT_ECORRUPT (err names
 * the file and what is wrong), SILT_ENOTFOUND (the DV file is missing) or a store error. */
int silt_delta_dv_load(silt_delta_rowset *out, silt_store *store, const silt_delta_dv *dv,
                       silt_error *err);

/* Builds one DV file holding n sets: the version byte 1, then per set its size (BE 32), its
 * serialization and the CRC-32 of that (BE 32). Appends the bytes to file and fills out[i]
 * ('u' descriptors pointing at uuid16's file, offsets into it, sizes, cardinalities; out[i]
 * owned by the caller). Returns 0 or SILT_ENOMEM. */
int silt_delta_dv_file_build(silt_buf *file, silt_delta_dv *out, const silt_delta_rowset *sets,
                             size_t n, const uint8_t uuid16[16]);

/* Writes the DV file for sets with a new random uuid at the table root and fills out[i] as
 * silt_delta_dv_file_build does. *out_bytes (may be NULL) is the file's size. Returns 0 or the
 * store's error. */
int silt_delta_dv_write(silt_delta_dv *out, uint64_t *out_bytes, silt_store *store,
                        const silt_delta_rowset *sets, size_t n, silt_error *err);

/* ---- JSON ---- */

struct json_t; /* jansson */

/* Parses a deletionVector object into out (owned). Returns 0 or SILT_ECORRUPT naming the field
 * (a missing or mistyped storageType, pathOrInlineDv, sizeInBytes or cardinality; an unknown
 * storage type), or SILT_ENOMEM. */
int silt_delta_dv_parse_json(silt_delta_dv *out, const struct json_t *o, silt_error *err);
/* A new JSON object for dv (the caller owns the reference), or NULL when out of memory. */
struct json_t *silt_delta_dv_to_json(const silt_delta_dv *dv);

#endif
