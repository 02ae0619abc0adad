/* Declarations shared by the files of the Parquet reader (reader.c, reader_schema.c,
 * reader_chunk.c, reader_values.c, reader_assemble.c); not part of the public interface. */
#ifndef SILT_PARQUET_READER_INT_H
#define SILT_PARQUET_READER_INT_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parquet/decode.h"
#include "parquet/format.h"
#include "parquet/format_ids.h"
#include "parquet/reader.h"

#define SILT_PQR_MAX_DEPTH 64                       /* schema nesting */
#define SILT_PQR_MAX_PAGE_VALUES (64 * 1024 * 1024) /* level entries in one page */
#define SILT_PQR_MAX_FOOTER (256u * 1024 * 1024)

/* A node of the Parquet schema tree. */
typedef struct pq_node {
    const silt_pq_schema_elem *e;
    struct pq_node *children;
    int n_children;
    int16_t def, rep; /* levels of this node (counting itself) */
    int first_leaf, n_leaves;
} pq_node;

/* How one silt column is assembled from the levels of one leaf. */
typedef struct pq_plan {
    silt_type_id type;
    int16_t d_slot, r_slot; /* a slot exists for entries with rep <= r_slot && def >= d_slot */
    int16_t d_valid;        /* the slot is valid when def >= d_valid */
    int16_t d_elem, r_elem; /* LIST/MAP: an element starts when rep <= r_elem && def >= d_elem */
    int leaf;               /* leaf whose levels drive this column */
    const silt_pq_schema_elem *e; /* leaf: its schema element */
    size_t n_children;
    struct pq_plan *children;
} pq_plan;

typedef struct pq_leaf {
    const silt_pq_schema_elem *e;
    char *path; /* dotted path for messages */
    int16_t max_def, max_rep;
} pq_leaf;

struct silt_pq_reader {
    silt_pq_source *src;
    silt_pq_file_meta *meta;
    pq_node root;
    int n_leaves;
    pq_leaf *leaves;
    silt_schema *schema;
    pq_plan *plans; /* one per top-level field */
    /* scratch buffers kept across row groups, so large ones are not faulted in again each time */
    uint8_t *chunk_buf, *page_buf;
    size_t chunk_cap, page_cap;
    struct leaf_data *lds; /* one per leaf */
    bool lazy_dict;        /* silt_pq_reader_set_lazy_dict */
};

/* Decoded contents of one column chunk. */
struct leaf_data {
    uint16_t *def, *rep;
    int64_t n, cap; /* level entries */
    uint8_t *fixed; /* fixed-width physical values */
    int64_t n_values, cap_values;
    int width;
    silt_pq_bin bin; /* byte arrays */
    bool is_bin;
    /* dictionary */
    uint8_t *dict_fixed;
    silt_pq_bin dict_bin;
    int64_t dict_n;
    bool has_dict;
    /* byte-array dictionary indices of the values, in order (a dictionary view for the column
     * when every value of the chunk came through the dictionary) */
    int32_t *codes;
    int64_t n_codes, cap_codes;
    /* dictionary pages keep only their codes (bin holds nothing for them): set for a flat
     * string or binary column read for a lazy column (silt_column.lazy); cleared, with the
     * bytes of the values so far gathered into bin, when the column cannot be one */
    bool lazy;
    uint64_t chunk_off;  /* file offset of the column chunk, for errors found after decoding */
    int64_t max_entries; /* flat columns: the row group's row count */
};
typedef struct leaf_data leaf_data;

/* Context for errors while reading one column chunk. */
typedef struct chunk_ctx {
    const silt_pq_reader *r;
    const pq_leaf *leaf;
    int codec;
    uint64_t page_off; /* file offset of the current page */
    silt_error *err;
} chunk_ctx;

/* ---- reader_schema.c */

/* Builds r->root, r->leaves, r->schema and r->plans from r->meta's schema elements. */
int silt_pqr_schema_build(silt_pq_reader *r, silt_error *err);
void silt_pqr_node_free(pq_node *n);
void silt_pqr_plan_free(pq_plan *p);

/* ---- reader_chunk.c */

void silt_pqr_leaf_data_free(leaf_data *d);
/* Empties d for the next row group, keeping the level, value and byte buffers. */
void silt_pqr_leaf_data_recycle(leaf_data *d);
/* Grows a scratch buffer to at least n bytes. Returns 0 or SILT_ENOMEM. */
int silt_pqr_scratch(uint8_t **buf, size_t *cap, size_t n);
int silt_pqr_phys_width(const silt_pq_schema_elem *e);
/* Sets err to fmt (with detail in its %s), naming the file, the column and the offset. */
int silt_pqr_chunk_err(chunk_ctx *c, int code, uint64_t off, const char *fmt, const char *detail);
/* Adds the file, column and page offset to an error set by a lower decoder. */
int silt_pqr_chunk_ctx_err(chunk_ctx *c, int code);
int silt_pqr_grow_levels(leaf_data *d, const pq_leaf *l, int64_t more);
int silt_pqr_grow_values(leaf_data *d, int64_t more);
/* Reads and decodes every page of column chunk `leaf` of row group rg into d. */
int silt_pqr_read_chunk(silt_pq_reader *r, int rg, int leaf, leaf_data *d, silt_error *err);

/* ---- reader_values.c */

/* Reads a dictionary page's values into d's dictionary. */
int silt_pqr_read_dictionary(chunk_ctx *c, leaf_data *d, const silt_pq_page_header *h,
                             const uint8_t *p, size_t n);
/* Gathers the bytes of the values a lazy leaf (leaf_data.lazy) kept only as codes into its
 * bin, and clears lazy. Returns 0 or an error set through c. */
int silt_pqr_unlazy(chunk_ctx *c, leaf_data *d);
/* Decodes count values of encoding enc from p[0..n) and appends them to d. */
int silt_pqr_decode_values(chunk_ctx *c, leaf_data *d, int enc, const uint8_t *p, size_t n,
                           size_t count);

/* ---- reader_assemble.c */

/* Converts the dense physical values of a leaf into dense silt values of the plan's type.
 * *out is either d->fixed (identity) or a new block the caller frees (*owned). */
int silt_pqr_convert_dense(const pq_plan *pl, leaf_data *d, uint8_t **out, bool *owned,
                           chunk_ctx *c);
/* Appends the column chunk data of lds to col as the plan describes (recursively). */
int silt_pqr_assemble(silt_pq_reader *r, const pq_plan *pl, silt_column *col, leaf_data *lds,
                      silt_error *err);
/* Spreads the values of leaf data d over the `slots` slots of a primitive column (appended
 * to col), validity from the definition levels. */
int silt_pqr_assemble_leaf(silt_pq_reader *r, const pq_plan *pl, silt_column *col, leaf_data *d,
                           int64_t slots, silt_error *err);
/* Marks the leaves whose column chunks a plan needs. */
void silt_pqr_plan_leaves(const pq_plan *pl, bool *need);

#endif
