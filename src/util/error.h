/* Error codes and the caller-supplied error record: a fixed-size message plus context
 * (path, byte offset, column, line:col), so reporting an error never allocates. */
#ifndef SILT_UTIL_ERROR_H
#define SILT_UTIL_ERROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Return codes: 0 is success, errors are negative. */
enum {
    SILT_OK = 0,
    SILT_EGENERIC = -1,     /* anything not listed below */
    SILT_ENOMEM = -2,       /* out of memory */
    SILT_EINVAL = -3,       /* bad argument or usage */
    SILT_EIO = -4,          /* I/O error from the OS or a remote store */
    SILT_ENOTFOUND = -5,    /* file, object, table or key does not exist */
    SILT_EEXISTS = -6,      /* put-if-absent lost: the object already exists */
    SILT_ECORRUPT = -7,     /* malformed input: bad file, bad JSON, bad log */
    SILT_EUNSUPPORTED = -8, /* valid input using a feature silt does not implement */
    SILT_ECONFLICT = -9,    /* concurrent modification that cannot be retried */
    SILT_ETIMEOUT = -10,    /* operation timed out */
    SILT_ERANGE = -11,      /* value out of range */
    SILT_ECANCELLED = -12,  /* stopped by a signal or a caller */
};

#define SILT_ERROR_MSG_MAX 512
#define SILT_ERROR_PATH_MAX 256
#define SILT_ERROR_COLUMN_MAX 128

typedef struct silt_error {
    int code;       /* one of SILT_E*, 0 when no error is set */
    bool retriable; /* the same call may succeed if tried again */
    char msg[SILT_ERROR_MSG_MAX];
    /* Optional context; empty strings / negative numbers mean "not set". */
    char path[SILT_ERROR_PATH_MAX];
    char column[SILT_ERROR_COLUMN_MAX];
    int64_t offset; /* byte offset in `path` */
    int64_t line;   /* 1-based line, for text inputs */
    int64_t col;    /* 1-based column in the line */
} silt_error;

/* Reset to "no error"; a NULL err is accepted everywhere and ignored. */
void silt_error_clear(silt_error *err);

/* Set code and message (printf-style) and clear the context. Returns `code`, so that
 * `return silt_error_set(err, SILT_EIO, "...")` reads naturally. */
int silt_error_set(silt_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like silt_error_set, appending ": <strerror(errnum)>". */
int silt_error_set_errno(silt_error *err, int code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Context setters; each returns err->code so they can be chained in a return. */
int silt_error_path(silt_error *err, const char *path);
int silt_error_column(silt_error *err, const char *column);
int silt_error_offset(silt_error *err, int64_t offset);
int silt_error_position(silt_error *err, int64_t line, int64_t col);
void silt_error_retriable(silt_error *err, bool retriable);

/* Prefix the message with "<prefix>: ", keeping code and context. */
void silt_error_prefix(silt_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Short name of a code, e.g. "corrupt input". Never NULL. */
const char *silt_error_code_name(int code);

/* Render "message (path, column c, offset N, line L:C)" into out (size n). Returns out. */
const char *silt_error_format(const silt_error *err, char *out, size_t n);

#endif
