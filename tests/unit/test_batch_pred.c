/* Tests of the predicate operators and the one evaluator of comparisons and statistics ranges
 * (src/batch/pred.h), which Delta file skipping, Parquet row-group skipping and row filtering
 * share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "batch/pred.h"

static silt_pred_range range(int cmp_min, int cmp_max)
{
    silt_pred_range r = silt_pred_range_unknown();
    r.has_min = r.has_max = true;
    r.cmp_min = cmp_min;
    r.cmp_max = cmp_max;
    r.null_count = 0;
    r.count = 10;
    return r;
}

static void test_holds(void **state)
{
    (void)state;
    assert_true(silt_pred_holds(SILT_PRED_EQ, 0));
    assert_false(silt_pred_holds(SILT_PRED_EQ, 1));
    assert_true(silt_pred_holds(SILT_PRED_LT, -1));
    assert_false(silt_pred_holds(SILT_PRED_LT, 0));
    assert_true(silt_pred_holds(SILT_PRED_LE, 0));
    assert_false(silt_pred_holds(SILT_PRED_LE, 1));
    assert_true(silt_pred_holds(SILT_PRED_GT, 1));
    assert_false(silt_pred_holds(SILT_PRED_GT, 0));
    assert_true(silt_pred_holds(SILT_PRED_GE, 0));
    assert_false(silt_pred_holds(SILT_PRED_GE, -1));
    assert_false(silt_pred_holds(SILT_PRED_IS_NULL, 0)); /* a value is not null */
    /* unknown operators keep the row */
    assert_true(silt_pred_holds(0, 1));
    assert_true(silt_pred_holds(99, -1));
    assert_false(silt_pred_op_known(0));
    assert_false(silt_pred_op_known(99));
    assert_true(silt_pred_op_known(SILT_PRED_IS_NULL));
    assert_string_equal(silt_pred_op_name(SILT_PRED_LE), "<=");
    assert_string_equal(silt_pred_op_name(42), "?");
}

static void test_range(void **state)
{
    (void)state;
    /* values in [min, max] with the literal below min (cmp_min > 0, cmp_max > 0) */
    silt_pred_range above = range(1, 1);
    assert_false(silt_pred_range_may_hold(SILT_PRED_EQ, &above));
    assert_false(silt_pred_range_may_hold(SILT_PRED_LT, &above));
    assert_false(silt_pred_range_may_hold(SILT_PRED_LE, &above));
    assert_true(silt_pred_range_may_hold(SILT_PRED_GT, &above));
    assert_true(silt_pred_range_may_hold(SILT_PRED_GE, &above));
    /* literal equal to min */
    silt_pred_range at_min = range(0, 1);
    assert_true(silt_pred_range_may_hold(SILT_PRED_EQ, &at_min));
    assert_false(silt_pred_range_may_hold(SILT_PRED_LT, &at_min));
    assert_true(silt_pred_range_may_hold(SILT_PRED_LE, &at_min));
    /* literal above max */
    silt_pred_range below = range(-1, -1);
    assert_false(silt_pred_range_may_hold(SILT_PRED_EQ, &below));
    assert_false(silt_pred_range_may_hold(SILT_PRED_GT, &below));
    assert_false(silt_pred_range_may_hold(SILT_PRED_GE, &below));
    assert_true(silt_pred_range_may_hold(SILT_PRED_LT, &below));
    /* literal equal to max */
    silt_pred_range at_max = range(-1, 0);
    assert_false(silt_pred_range_may_hold(SILT_PRED_GT, &at_max));
    assert_true(silt_pred_range_may_hold(SILT_PRED_GE, &at_max));
    /* IS NULL follows the null count */
    assert_false(silt_pred_range_may_hold(SILT_PRED_IS_NULL, &above));
    above.null_count = 3;
    assert_true(silt_pred_range_may_hold(SILT_PRED_IS_NULL, &above));
    /* only nulls: no comparison holds, whatever the bounds say */
    silt_pred_range nulls = range(0, 0);
    nulls.null_count = nulls.count = 4;
    assert_false(silt_pred_range_may_hold(SILT_PRED_EQ, &nulls));
    assert_true(silt_pred_range_may_hold(SILT_PRED_IS_NULL, &nulls));
}

static void test_unknown_keeps(void **state)
{
    (void)state;
    /* nothing known: everything may hold */
    silt_pred_range u = silt_pred_range_unknown();
    for (int op = SILT_PRED_EQ; op <= SILT_PRED_IS_NULL; op++)
        assert_true(silt_pred_range_may_hold(op, &u));
    /* an unknown operator never skips, even when the statistics exclude every known one */
    silt_pred_range nulls = range(1, 1);
    nulls.null_count = nulls.count;
    assert_true(silt_pred_range_may_hold(0, &nulls));
    assert_true(silt_pred_range_may_hold(77, &nulls));
    /* a missing bound does not exclude */
    silt_pred_range half = range(1, 1);
    half.has_min = false;
    assert_true(silt_pred_range_may_hold(SILT_PRED_LT, &half));
    assert_true(silt_pred_range_may_hold(SILT_PRED_EQ, &half));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_holds),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_unknown_keeps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
