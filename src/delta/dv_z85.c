/* Z85 (ZeroMQ RFC 32), the base-85 text Delta uses for inline deletion vectors and for the uuid
 * in a DV file's name: 4 bytes, big-endian, to 5 characters. */
#include <string.h>

#include "delta/dv.h"

static const char alphabet[86] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 ".-:+=^!/*?&<>()[]{}@%$#";

int silt_delta_z85_encode(silt_buf *out, const uint8_t *p, size_t n)
{
    size_t groups = (n + 3) / 4;
    char *o = (char *)silt_buf_extend(out, groups * 5);
    if (!o) return SILT_ENOMEM;
    for (size_t g = 0; g < groups; g++) {
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            size_t i = g * 4 + k;
            v = v << 8 | (i < n ? p[i] : 0);
        }
        for (int k = 4; k >= 0; k--) {
            o[g * 5 + (size_t)k] = alphabet[v % 85];
            v /= 85;
        }
    }
    return 0;
}

/* Value of Z85 character c, or -1. */
static int digit(char c)
{
    const char *at = c ? memchr(alphabet, c, 85) : NULL;
    return at ? (int)(at - alphabet) : -1;
}

int silt_delta_z85_decode(silt_buf *out, const char *s, size_t n, silt_error *err)
{
    if (n % 5)
        return silt_error_set(err, SILT_ECORRUPT,
                              "Z85 text of %zu characters (not a multiple of 5)", n);
    uint8_t *o = silt_buf_extend(out, n / 5 * 4);
    if (!o) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t g = 0; g < n / 5; g++) {
        uint64_t v = 0;
        for (size_t k = 0; k < 5; k++) {
            int d = digit(s[g * 5 + k]);
            if (d < 0) {
                silt_error_set(err, SILT_ECORRUPT, "Z85 text: character %zu is not Z85",
                               g * 5 + k + 1);
                return silt_error_offset(err, (int64_t)(g * 5 + k));
            }
            v = v * 85 + (uint64_t)d;
        }
        if (v > 0xFFFFFFFFu) {
            silt_error_set(err, SILT_ECORRUPT, "Z85 text: group at %zu is above 2^32-1", g * 5);
            return silt_error_offset(err, (int64_t)(g * 5));
        }
        for (int k = 3; k >= 0; k--) {
            o[g * 4 + (size_t)k] = (uint8_t)v;
            v >>= 8;
        }
    }
    return 0;
}
