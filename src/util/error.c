/* Error record handling: set, decorate and render errors without allocating. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void clear_context(silt_error *err)
{
    err->path[0] = '\0';
    err->column[0] = '\0';
    err->offset = -1;
    err->line = -1;
    err->col = -1;
}

void silt_error_clear(silt_error *err)
{
    if (!err) return;
    err->code = 0;
    err->retriable = false;
    err->msg[0] = '\0';
    clear_context(err);
}

static int vset(silt_error *err, int code, const char *fmt, va_list ap)
{
    if (!err) return code;
    err->code = code;
    err->retriable = false;
    clear_context(err);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

int silt_error_set(silt_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int silt_error_set_errno(silt_error *err, int code, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(err, code, fmt, ap);
    va_end(ap);
    if (err) {
        size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, ": %s", strerror(errnum));
    }
    return code;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) {
        /* keep the tail of long paths: it is the part that identifies the file */
        src += n - (cap - 4);
        memcpy(dst, "...", 3);
        memcpy(dst + 3, src, cap - 4);
        dst[cap - 1] = '\0';
        return;
    }
    if (n) memcpy(dst, src, n);
    dst[n] = '\0';
}

int silt_error_path(silt_error *err, const char *path)
{
    if (!err) return SILT_EGENERIC;
    copy_str(err->path, sizeof err->path, path);
    return err->code;
}

int silt_error_column(silt_error *err, const char *column)
{
    if (!err) return SILT_EGENERIC;
    copy_str(err->column, sizeof err->column, column);
    return err->code;
}

int silt_error_offset(silt_error *err, int64_t offset)
{
    if (!err) return SILT_EGENERIC;
    err->offset = offset;
    return err->code;
}

int silt_error_position(silt_error *err, int64_t line, int64_t col)
{
    if (!err) return SILT_EGENERIC;
    err->line = line;
    err->col = col;
    return err->code;
}

void silt_error_retriable(silt_error *err, bool retriable)
{
    if (err) err->retriable = retriable;
}

void silt_error_prefix(silt_error *err, const char *fmt, ...)
{
    if (!err) return;
    char head[SILT_ERROR_MSG_MAX];
    char old[SILT_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t hl = strlen(head), ol = strlen(old), cap = sizeof err->msg - 1;
    if (hl > cap) hl = cap;
    memcpy(err->msg, head, hl);
    size_t pos = hl;
    if (pos + 2 <= cap) {
        memcpy(err->msg + pos, ": ", 2);
        pos += 2;
    }
    if (ol > cap - pos) ol = cap - pos;
    memcpy(err->msg + pos, old, ol);
    err->msg[pos + ol] = '\0';
}

const char *silt_error_code_name(int code)
{
    switch (code) {
    case SILT_OK: return "ok";
    case SILT_ENOMEM: return "out of memory";
    case SILT_EINVAL: return "invalid argument";
    case SILT_EIO: return "I/O error";
    case SILT_ENOTFOUND: return "not found";
    case SILT_EEXISTS: return "already exists";
    case SILT_ECORRUPT: return "corrupt input";
    case SILT_EUNSUPPORTED: return "unsupported";
    case SILT_ECONFLICT: return "conflict";
    case SILT_ETIMEOUT: return "timed out";
    case SILT_ERANGE: return "out of range";
    case SILT_ECANCELLED: return "cancelled";
    default: return "error";
    }
}

const char *silt_error_format(const silt_error *err, char *out, size_t n)
{
    if (!out || n == 0) return out;
    if (!err || err->code == 0) {
        snprintf(out, n, "no error");
        return out;
    }
    size_t len =
        (size_t)snprintf(out, n, "%s", err->msg[0] ? err->msg : silt_error_code_name(err->code));
    const char *sep = " (";
    bool any = false;
#define APPEND(...)                                                                                \
    do {                                                                                           \
        if (len < n) len += (size_t)snprintf(out + len, n - len, __VA_ARGS__);                     \
    } while (0)
    if (err->path[0]) {
        APPEND("%s%s", sep, err->path);
        sep = ", ";
        any = true;
    }
    if (err->column[0]) {
        APPEND("%scolumn %s", sep, err->column);
        sep = ", ";
        any = true;
    }
    if (err->offset >= 0) {
        APPEND("%soffset %lld", sep, (long long)err->offset);
        sep = ", ";
        any = true;
    }
    if (err->line >= 0) {
        if (err->col >= 0)
            APPEND("%sline %lld:%lld", sep, (long long)err->line, (long long)err->col);
        else
            APPEND("%sline %lld", sep, (long long)err->line);
        any = true;
    }
    if (any) APPEND(")");
#undef APPEND
    return out;
}
