/* A cmocka test that always fails: CTest runs it with WILL_FAIL so that the suite proves it
 * notices a failing test (and tests/integration/harness_exit_code.sh proves make/ctest exit 1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_one_plus_one_is_three(void **state)
{
    (void)state;
    assert_int_equal(1 + 1, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_one_plus_one_is_three)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
