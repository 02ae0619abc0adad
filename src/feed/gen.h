/* Synthetic e-commerce transactions in the seed's schema (TransactionNo, Date, ProductNo,
 * ProductName, Price, Quantity, CustomerNo, Country), deterministic for a seed. */
#ifndef SILT_FEED_GEN_H
#define SILT_FEED_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct silt_gen silt_gen;

/* One generated line item. Strings point into the generator (catalog) or into the row itself and
 * are valid until the next silt_gen_next. */
typedef struct silt_gen_row {
    char transaction_no[16]; /* "581482", or "C581482" for a cancellation */
    char date[16];           /* "M/D/YYYY" as in the seed's data */
    const char *product_no;  /* "22485", sometimes with a letter suffix ("85123A") */
    const char *product_name;
    double price;     /* two decimals */
    int64_t quantity; /* negative for a cancellation */
    bool has_customer;
    double customer_no; /* float in the seed's schema; unset when has_customer is false */
    const char *country;
} silt_gen_row;

/* Creates a generator with its catalog (about 3,800 products, 4,400 customers, 38 countries).
 * Returns 0 or SILT_ENOMEM. The same seed always yields the same sequence. */
int silt_gen_create(silt_gen **out, uint64_t seed, silt_error *err);
/* NULL is a no-op. */
void silt_gen_destroy(silt_gen *g);

/* Produces the next line item: invoices of 1 to ~30 lines, about 3% of lines cancelled (C-prefixed,
 * negative quantities), about 0.5% without a customer, dates advancing over time. */
void silt_gen_next(silt_gen *g, silt_gen_row *out);

/* Appends the row as a JSON object with the seed's types (TransactionNo, Date, ProductNo,
 * ProductName and Country strings, Price and CustomerNo floats, Quantity int; missing CustomerNo
 * is null). Returns 0 or SILT_ENOMEM. */
int silt_gen_row_to_json(silt_buf *out, const silt_gen_row *row, unsigned flags);

#endif
