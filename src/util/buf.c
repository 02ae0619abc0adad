/* Growable byte buffer with a sticky out-of-memory flag. */
#include "util/buf.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void silt_buf_init(silt_buf *b)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->oom = false;
}

void silt_buf_free(silt_buf *b)
{
    if (!b) return;
    silt_free(b->ptr);
    silt_buf_init(b);
}

void silt_buf_reset(silt_buf *b)
{
    b->len = 0;
    b->oom = false;
}

int silt_buf_reserve(silt_buf *b, size_t extra)
{
    if (b->oom) return SILT_ENOMEM;
    if (extra <= b->cap - b->len) return 0;
    if (extra > SIZE_MAX - b->len - 1) goto fail;
    size_t need = b->len + extra + 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    uint8_t *p = silt_realloc(b->ptr, cap);
    if (!p) goto fail;
    b->ptr = p;
    b->cap = cap;
    return 0;
fail:
    b->oom = true;
    return SILT_ENOMEM;
}

int silt_buf_append(silt_buf *b, const void *data, size_t n)
{
    if (n == 0) return b->oom ? SILT_ENOMEM : 0;
    if (silt_buf_reserve(b, n)) return SILT_ENOMEM;
    memcpy(b->ptr + b->len, data, n);
    b->len += n;
    return 0;
}

int silt_buf_putc(silt_buf *b, uint8_t c)
{
    if (b->len < b->cap && !b->oom) {
        b->ptr[b->len++] = c;
        return 0;
    }
    return silt_buf_append(b, &c, 1);
}

int silt_buf_puts(silt_buf *b, const char *s)
{
    return silt_buf_append(b, s, strlen(s));
}

int silt_buf_printf(silt_buf *b, const char *fmt, ...)
{
    if (b->oom) return SILT_ENOMEM;
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->cap - b->len;
    int n = vsnprintf(room ? (char *)b->ptr + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) return SILT_EINVAL;
    if ((size_t)n >= room) {
        if (silt_buf_reserve(b, (size_t)n + 1)) return SILT_ENOMEM;
        va_start(ap, fmt);
        vsnprintf((char *)b->ptr + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
    return 0;
}

uint8_t *silt_buf_extend(silt_buf *b, size_t n)
{
    /* at least one byte: an empty buffer has no storage yet, and NULL means out of memory */
    if (silt_buf_reserve(b, n ? n : 1)) return NULL;
    uint8_t *p = b->ptr + b->len;
    memset(p, 0, n);
    b->len += n;
    return p;
}

int silt_buf_cstr(silt_buf *b)
{
    if (silt_buf_reserve(b, 1)) return SILT_ENOMEM;
    b->ptr[b->len] = '\0';
    return 0;
}

int silt_buf_put_u32le(silt_buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return silt_buf_append(b, x, 4);
}

int silt_buf_put_u64le(silt_buf *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++) x[i] = (uint8_t)(v >> (8 * i));
    return silt_buf_append(b, x, 8);
}

uint8_t *silt_buf_detach(silt_buf *b, size_t *out_len)
{
    uint8_t *p = b->ptr;
    if (out_len) *out_len = b->len;
    silt_buf_init(b);
    return p;
}
