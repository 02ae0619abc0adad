/* File and memory implementations of the Parquet sink and source interfaces. */
#include "parquet/io.h"

#include "util/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    silt_pq_sink base;
    int fd;
    char *path;
} file_sink;

static int fsink_write(silt_pq_sink *s, const void *data, size_t n, silt_error *err)
{
    file_sink *f = (file_sink *)s;
    const uint8_t *p = data;
    while (n) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            silt_error_set_errno(err, SILT_EIO, errno, "cannot write");
            return silt_error_path(err, f->path);
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fsink_finish(silt_pq_sink *s, silt_error *err)
{
    file_sink *f = (file_sink *)s;
    if (f->fd < 0) return 0;
    int rc = 0;
    if (fsync(f->fd) != 0) {
        rc = silt_error_set_errno(err, SILT_EIO, errno, "cannot fsync");
        silt_error_path(err, f->path);
    }
    if (close(f->fd) != 0 && rc == 0) {
        rc = silt_error_set_errno(err, SILT_EIO, errno, "cannot close");
        silt_error_path(err, f->path);
    }
    f->fd = -1;
    return rc;
}

static void fsink_destroy(silt_pq_sink *s)
{
    file_sink *f = (file_sink *)s;
    if (f->fd >= 0) close(f->fd);
    silt_free(f->path);
    silt_free(f);
}

static const struct silt_pq_sink_ops file_sink_ops = {fsink_write, fsink_finish, fsink_destroy};

silt_pq_sink *silt_pq_sink_file(const char *path, silt_error *err)
{
    file_sink *f = silt_calloc(1, sizeof *f);
    if (!f || !(f->path = silt_strdup(path))) {
        silt_free(f);
        silt_error_set(err, SILT_ENOMEM, "out of memory");
        return NULL;
    }
    f->base.ops = &file_sink_ops;
    f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (f->fd < 0) {
        silt_error_set_errno(err, SILT_EIO, errno, "cannot create file");
        silt_error_path(err, path);
        fsink_destroy(&f->base);
        return NULL;
    }
    return &f->base;
}

typedef struct {
    silt_pq_sink base;
    silt_buf *buf;
} buf_sink;

static int bsink_write(silt_pq_sink *s, const void *data, size_t n, silt_error *err)
{
    buf_sink *b = (buf_sink *)s;
    if (silt_buf_append(b->buf, data, n))
        return silt_error_set(err, SILT_ENOMEM, "out of memory writing to a memory buffer");
    return 0;
}

static int bsink_finish(silt_pq_sink *s, silt_error *err)
{
    (void)s;
    (void)err;
    return 0;
}

static void bsink_destroy(silt_pq_sink *s)
{
    silt_free(s);
}

static const struct silt_pq_sink_ops buf_sink_ops = {bsink_write, bsink_finish, bsink_destroy};

silt_pq_sink *silt_pq_sink_buf(silt_buf *buf)
{
    buf_sink *b = silt_calloc(1, sizeof *b);
    if (!b) return NULL;
    b->base.ops = &buf_sink_ops;
    b->buf = buf;
    return &b->base;
}

typedef struct {
    silt_pq_source base;
    int fd;
    char *path;
} file_source;

static int fsrc_read_at(silt_pq_source *s, uint64_t off, void *buf, size_t n, silt_error *err)
{
    file_source *f = (file_source *)s;
    if (off > s->size || n > s->size - off) {
        silt_error_set(err, SILT_ECORRUPT,
                       "read of %zu bytes at offset %llu is past the end of the file (%llu bytes)",
                       n, (unsigned long long)off, (unsigned long long)s->size);
        silt_error_path(err, f->path);
        return silt_error_offset(err, (int64_t)off);
    }
    uint8_t *p = buf;
    while (n) {
        ssize_t r = pread(f->fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            silt_error_set_errno(err, SILT_EIO, r < 0 ? errno : EIO, "cannot read");
            silt_error_path(err, f->path);
            return silt_error_offset(err, (int64_t)off);
        }
        p += r;
        off += (uint64_t)r;
        n -= (size_t)r;
    }
    return 0;
}

static void fsrc_destroy(silt_pq_source *s)
{
    file_source *f = (file_source *)s;
    if (f->fd >= 0) close(f->fd);
    silt_free(f->path);
    silt_free(f);
}

static const struct silt_pq_source_ops file_source_ops = {fsrc_read_at, fsrc_destroy};

silt_pq_source *silt_pq_source_file(const char *path, silt_error *err)
{
    file_source *f = silt_calloc(1, sizeof *f);
    if (!f || !(f->path = silt_strdup(path))) {
        silt_free(f);
        silt_error_set(err, SILT_ENOMEM, "out of memory");
        return NULL;
    }
    f->base.ops = &file_source_ops;
    f->base.name = f->path;
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (f->fd < 0 || fstat(f->fd, &st) != 0) {
        silt_error_set_errno(err, errno == ENOENT ? SILT_ENOTFOUND : SILT_EIO, errno,
                             "cannot open file");
        silt_error_path(err, path);
        fsrc_destroy(&f->base);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        silt_error_set(err, SILT_EINVAL, "is a directory, not a file");
        silt_error_path(err, path);
        fsrc_destroy(&f->base);
        return NULL;
    }
    f->base.size = (uint64_t)st.st_size;
    return &f->base;
}

typedef struct {
    silt_pq_source base;
    const uint8_t *data;
    char *name;
} mem_source;

static int msrc_read_at(silt_pq_source *s, uint64_t off, void *buf, size_t n, silt_error *err)
{
    mem_source *m = (mem_source *)s;
    if (off > s->size || n > s->size - off) {
        silt_error_set(err, SILT_ECORRUPT,
                       "read of %zu bytes at offset %llu is past the end of the data (%llu bytes)",
                       n, (unsigned long long)off, (unsigned long long)s->size);
        silt_error_path(err, m->name);
        return silt_error_offset(err, (int64_t)off);
    }
    if (n) memcpy(buf, m->data + off, n);
    return 0;
}

static void msrc_destroy(silt_pq_source *s)
{
    mem_source *m = (mem_source *)s;
    silt_free(m->name);
    silt_free(m);
}

static const struct silt_pq_source_ops mem_source_ops = {msrc_read_at, msrc_destroy};

silt_pq_source *silt_pq_source_mem(const void *data, size_t n, const char *name)
{
    mem_source *m = silt_calloc(1, sizeof *m);
    if (!m || !(m->name = silt_strdup(name ? name : "<memory>"))) {
        silt_free(m);
        return NULL;
    }
    m->base.ops = &mem_source_ops;
    m->base.size = n;
    m->base.name = m->name;
    m->data = data;
    return &m->base;
}
