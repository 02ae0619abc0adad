/* "Did you mean ...?": closest valid name by edit distance. */
#ifndef SILT_UTIL_SUGGEST_H
#define SILT_UTIL_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance between a and b (bytes), capped at 255. */
int silt_suggest_distance(const char *a, const char *b);
/* Returns the candidate closest to `word` if it is close enough to be a plausible typo
 * (distance <= max(2, len/3)) or has `word` as a prefix; NULL otherwise. Borrowed pointer. */
const char *silt_suggest(const char *word, const char *const *candidates, size_t n);

#endif
