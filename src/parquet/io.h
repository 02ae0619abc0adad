/* Byte sinks (where the writer streams a file) and byte-range sources (where the reader reads
 * one), as small interfaces so the same Parquet code works on local disk, memory and object
 * storage. Implementations here: file descriptor and memory; src/store adds remote ones. */
#ifndef SILT_PARQUET_IO_H
#define SILT_PARQUET_IO_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct silt_pq_sink silt_pq_sink;
struct silt_pq_sink_ops {
    /* Appends n bytes. Returns 0 or a SILT_E* code (with err set). */
    int (*write)(silt_pq_sink *s, const void *data, size_t n, silt_error *err);
    /* Flushes and finishes the sink (fsync for files). Returns 0 or a SILT_E* code. */
    int (*finish)(silt_pq_sink *s, silt_error *err);
    /* Frees the sink (closing without finishing is an abort). NULL-safe at call sites. */
    void (*destroy)(silt_pq_sink *s);
};
struct silt_pq_sink {
    const struct silt_pq_sink_ops *ops;
    uint64_t written; /* bytes written so far, kept by the implementation */
};

typedef struct silt_pq_source silt_pq_source;
struct silt_pq_source_ops {
    /* Reads exactly n bytes at offset into buf. Reading past the end is SILT_ECORRUPT. */
    int (*read_at)(silt_pq_source *s, uint64_t offset, void *buf, size_t n, silt_error *err);
    void (*destroy)(silt_pq_source *s);
};
struct silt_pq_source {
    const struct silt_pq_source_ops *ops;
    uint64_t size;    /* total bytes */
    const char *name; /* for error messages: a path or URL; owned by the implementation */
};

/* File sink: creates (truncates) path. finish fsyncs and closes. NULL on error (err set). */
silt_pq_sink *silt_pq_sink_file(const char *path, silt_error *err);
/* Memory sink appending to buf (borrowed; must outlive the sink). */
silt_pq_sink *silt_pq_sink_buf(silt_buf *buf);

/* File source: opens path for pread. NULL on error (err set, naming the path). */
silt_pq_source *silt_pq_source_file(const char *path, silt_error *err);
/* Memory source over data (borrowed; must outlive the source); name is copied. */
silt_pq_source *silt_pq_source_mem(const void *data, size_t n, const char *name);

static inline int silt_pq_sink_write(silt_pq_sink *s, const void *p, size_t n, silt_error *err)
{
    int rc = s->ops->write(s, p, n, err);
    if (rc == 0) s->written += n;
    return rc;
}
static inline void silt_pq_sink_destroy(silt_pq_sink *s)
{
    if (s) s->ops->destroy(s);
}
static inline void silt_pq_source_destroy(silt_pq_source *s)
{
    if (s) s->ops->destroy(s);
}

#endif
