/* Temporary directories for tests (see tmpdir.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "support/tmpdir.h"

void test_tmpdir_make(char *dir, size_t cap, const char *tag)
{
    const char *root = getenv("TMPDIR");
    int n = snprintf(dir, cap, "%s/silt-%s-XXXXXX", root && *root ? root : "/tmp", tag);
    assert_true(n > 0 && (size_t)n < cap);
    assert_non_null(mkdtemp(dir));
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

int test_tmpdir_remove(const char *dir)
{
    if (getenv("SILT_KEEP_TMP")) {
        fprintf(stderr, "kept %s (SILT_KEEP_TMP)\n", dir);
        return 0;
    }
    return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}
