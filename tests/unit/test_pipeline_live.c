/* Unit tests for the live registry (src/pipeline/live.c): nothing is kept while it is off; per
 * table sums and the duration histogram's buckets; per partition positions and lag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "pipeline/live.h"

static void test_off_then_on(void **state)
{
    (void)state;
    silt_live_table t[4];
    silt_live_partition p[4];
    silt_live_batch("ignored", 5, 5, 1);
    silt_live_partition_set("ignored", 0, 1, 2);
    assert_false(silt_live_enabled());
    assert_int_equal(silt_live_tables(t, 4), 0);
    assert_int_equal(silt_live_partitions(p, 4), 0);
    silt_live_enable();
    assert_true(silt_live_enabled());
    silt_live_batch("silver", 10, 8, 20);  /* 0.02 s: buckets from 0.025 up */
    silt_live_batch("silver", 5, 5, 3000); /* 3 s: buckets 5 and 10 */
    silt_live_batch("gold", 13, 2, 10);    /* 0.01 s: every bucket */
    silt_live_batch(NULL, 1, 1, 1);        /* no name: ignored */
    assert_int_equal(silt_live_tables(t, 4), 2);
    assert_string_equal(t[0].name, "silver");
    assert_int_equal(t[0].rows_in, 15);
    assert_int_equal(t[0].rows_out, 13);
    assert_int_equal(t[0].batches, 2);
    assert_int_equal(t[0].last_ms, 3000);
    assert_true(t[0].dur_sum > 3.0199 && t[0].dur_sum < 3.0201);
    const double *b = silt_live_bounds();
    for (size_t k = 0; k < SILT_LIVE_BUCKETS; k++) {
        uint64_t want = (0.02 <= b[k]) + (3.0 <= b[k]);
        assert_int_equal(t[0].hist[k], want);
        assert_int_equal(t[1].hist[k], 1);
    }
    assert_int_equal(silt_live_tables(t, 1), 2); /* the count, even when fewer are copied */
}

static void test_partitions(void **state)
{
    (void)state;
    silt_live_partition p[4];
    silt_live_enable();
    silt_live_partition_set("orders", 0, 10, 25);
    silt_live_partition_set("orders", 1, 7, 7);
    silt_live_partition_set("orders", 0, 25, 30); /* the same partition, moved on */
    silt_live_partition_set("orders", 2, 40, 30); /* a stale watermark: no negative lag */
    assert_int_equal(silt_live_partitions(p, 4), 3);
    assert_string_equal(p[0].topic, "orders");
    assert_int_equal(p[0].position, 25);
    assert_int_equal(p[0].high, 30);
    assert_int_equal(p[0].lag, 5);
    assert_int_equal(p[1].lag, 0);
    assert_int_equal(p[2].lag, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off_then_on),
        cmocka_unit_test(test_partitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
