/* Edit-distance suggestions for mistyped commands, options and configuration keys. */
#include "util/suggest.h"

#include <string.h>

int silt_suggest_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64) la = 64;
    if (lb > 64) lb = 64;
    int row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = prev + cost;
            if (row[j] + 1 < v) v = row[j] + 1;
            if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
            row[j] = v;
            prev = cur;
        }
    }
    return row[lb] > 255 ? 255 : row[lb];
}

const char *silt_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    int best_d = 1 << 20;
    size_t wl = strlen(word);
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i]) continue;
        int d = silt_suggest_distance(word, candidates[i]);
        if (wl >= 2 && strncmp(candidates[i], word, wl) == 0) d = d < 1 ? d : 1;
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    int limit = (int)(wl / 3) > 2 ? (int)(wl / 3) : 2;
    return best && best_d <= limit ? best : NULL;
}
