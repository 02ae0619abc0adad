/* The store contract shared by the unit tests of every store backend. */
#ifndef SILT_TEST_STORE_CONTRACT_H
#define SILT_TEST_STORE_CONTRACT_H

#include <stddef.h>

#include "store/store.h"

/* Runs every operation on s (which must start empty) and checks the results: gets, ranged gets,
 * put replacing, put-if-absent, sorted prefix listing, head, delete, the byte-range source. */
void silt_test_store_contract(silt_store *s);
/* Writes total bytes through a streaming writer and checks the object, an aborted writer and an
 * empty one (keys under "w/"). */
void silt_test_store_writer_contract(silt_store *s, size_t total);

#endif
