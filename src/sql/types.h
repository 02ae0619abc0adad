/* SQL types in the engine: arena copies of silt_field descriptors, the NULL literal's type,
 * Spark's implicit widening (the common type of two types) and the result types of
 * arithmetic. */
#ifndef SILT_SQL_TYPES_H
#define SILT_SQL_TYPES_H

#include <stdbool.h>

#include "batch/batch.h"
#include "util/arena.h"

/* The type of an untyped NULL literal (Spark's "void"); never reaches a column. */
#define SQL_TYPE_NULL ((silt_type_id)0)

/* Deep copy of src into arena memory, named name. Returns 0 or SILT_ENOMEM. */
int sql_field_dup(silt_arena *a, silt_field *out, const silt_field *src, const char *name);
/* A leaf type (no allocation). */
silt_field sql_type(silt_type_id t);
silt_field sql_decimal_type(int p, int s);

bool sql_type_is_integral(const silt_field *t);
bool sql_type_is_numeric(const silt_field *t); /* integral, float, double, decimal */
bool sql_type_is_string(const silt_field *t);
bool sql_type_equal(const silt_field *a, const silt_field *b);
/* An integral type as the decimal that holds all its values (int: decimal(10,0)). */
silt_field sql_decimal_of(const silt_field *t);
/* Spark's wider common type of a and b into *out (arena copy). false when there is none. */
bool sql_common_type(silt_arena *a, silt_field *out, const silt_field *x, const silt_field *y);
/* Spark's type name (for error messages): "int", "decimal(10,2)", "struct<a:int>". */
const char *sql_type_str(const silt_field *t, char *buf, size_t cap);
/* Decimal precision after Spark's precision-loss adjustment (p > 38). */
silt_field sql_decimal_adjust(int p, int s);

#endif
