/* Growable byte buffer {ptr, len, cap} with a sticky out-of-memory flag: after a failed growth
 * every later append is a no-op and silt_buf_oom() reports it once, at the end. */
#ifndef SILT_UTIL_BUF_H
#define SILT_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct silt_buf {
    uint8_t *ptr; /* owned; NULL until the first growth */
    size_t len;
    size_t cap;
    bool oom;
} silt_buf;

#define SILT_BUF_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

void silt_buf_init(silt_buf *b);
/* Frees the storage and resets to empty. */
void silt_buf_free(silt_buf *b);
/* Keeps the storage, sets len to 0 and clears the oom flag. */
void silt_buf_reset(silt_buf *b);
/* Ensures room for `extra` more bytes; returns 0 or SILT_ENOMEM (and sets oom). */
int silt_buf_reserve(silt_buf *b, size_t extra);
int silt_buf_append(silt_buf *b, const void *data, size_t n);
int silt_buf_putc(silt_buf *b, uint8_t c);
int silt_buf_puts(silt_buf *b, const char *s);
int silt_buf_printf(silt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends n zero bytes and returns a pointer to them, or NULL on oom. */
uint8_t *silt_buf_extend(silt_buf *b, size_t n);
/* Appends a NUL without counting it in len, so ptr can be used as a C string. */
int silt_buf_cstr(silt_buf *b);
/* Little-endian fixed-width appends. */
int silt_buf_put_u32le(silt_buf *b, uint32_t v);
int silt_buf_put_u64le(silt_buf *b, uint64_t v);
/* Hands the storage to the caller (who frees it with silt_free) and resets b. */
uint8_t *silt_buf_detach(silt_buf *b, size_t *out_len);
static inline bool silt_buf_oom(const silt_buf *b)
{
    return b->oom;
}

#endif
