/* Test support: a fresh temporary directory for a test, and its removal. The directory is
 * $TMPDIR/silt-<tag>-XXXXXX (TMPDIR defaults to /tmp); SILT_KEEP_TMP=1 keeps it after the test,
 * to look at what a failing test wrote. */
#ifndef SILT_TEST_TMPDIR_H
#define SILT_TEST_TMPDIR_H

#include <stddef.h>

/* Makes the directory and writes its path to dir (cap bytes); fails the test if it cannot. */
void test_tmpdir_make(char *dir, size_t cap, const char *tag);

/* Removes dir and everything under it (unless SILT_KEEP_TMP is set): 0, or -1 when something
 * could not be removed. */
int test_tmpdir_remove(const char *dir);

#endif
