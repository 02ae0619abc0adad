/* The predicate operators and the one evaluator of comparisons and of statistics ranges. */
#include "batch/pred.h"

bool silt_pred_op_known(int op)
{
    return op >= SILT_PRED_EQ && op <= SILT_PRED_IS_NULL;
}

const char *silt_pred_op_name(int op)
{
    switch (op) {
    case SILT_PRED_EQ: return "=";
    case SILT_PRED_LT: return "<";
    case SILT_PRED_LE: return "<=";
    case SILT_PRED_GT: return ">";
    case SILT_PRED_GE: return ">=";
    case SILT_PRED_IS_NULL: return "IS NULL";
    default: return "?";
    }
}

bool silt_pred_holds(int op, int cmp)
{
    switch (op) {
    case SILT_PRED_EQ: return cmp == 0;
    case SILT_PRED_LT: return cmp < 0;
    case SILT_PRED_LE: return cmp <= 0;
    case SILT_PRED_GT: return cmp > 0;
    case SILT_PRED_GE: return cmp >= 0;
    case SILT_PRED_IS_NULL: return false;
    default: return true;
    }
}

silt_pred_range silt_pred_range_unknown(void)
{
    silt_pred_range r = {false, false, 0, 0, -1, -1};
    return r;
}

bool silt_pred_range_may_hold(int op, const silt_pred_range *r)
{
    if (!silt_pred_op_known(op)) return true;
    if (op == SILT_PRED_IS_NULL) return r->null_count != 0;
    if (r->null_count >= 0 && r->count >= 0 && r->null_count >= r->count)
        return false; /* only nulls (or nothing): no comparison holds */
    switch (op) {
    case SILT_PRED_EQ: return !(r->has_min && r->cmp_min > 0) && !(r->has_max && r->cmp_max < 0);
    case SILT_PRED_LT: return !r->has_min || r->cmp_min < 0;
    case SILT_PRED_LE: return !r->has_min || r->cmp_min <= 0;
    case SILT_PRED_GT: return !r->has_max || r->cmp_max > 0;
    default: return !r->has_max || r->cmp_max >= 0; /* GE */
    }
}
