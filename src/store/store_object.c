/* Objects open for ranged reads (silt_store_object): a local file kept open, or ranges read
 * through the store by key. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/alloc.h"

int silt_store_pread_all(int fd, void *buf, uint64_t offset, size_t n, const char *path,
                         silt_error *err)
{
    for (size_t done = 0; done < n;) {
        ssize_t r = pread(fd, (char *)buf + done, n - done, (off_t)(offset + done));
        if (r < 0) {
            if (errno == EINTR) continue;
            silt_error_set_errno(err, SILT_EIO, errno, "cannot read '%s'", path);
            return silt_error_path(err, path);
        }
        if (r == 0) {
            silt_error_set(err, SILT_ECORRUPT,
                           "'%s' ends before byte %llu (read of %zu bytes at %llu)", path,
                           (unsigned long long)(offset + done), n, (unsigned long long)offset);
            return silt_error_path(err, path);
        }
        done += (size_t)r;
    }
    return 0;
}

int silt_store_object_open(silt_store_object *o, silt_store *s, const char *key, silt_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->store = s;
    silt_buf_init(&o->path);
    if (!(o->key = silt_strdup(key))) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    int rc;
    if (s->ops->open_fd) {
        rc = s->ops->open_fd(s, key, &o->fd, &o->size, &o->path, err);
    } else {
        silt_store_entry e = {0};
        rc = silt_store_head(s, &e, key, err);
        o->size = e.size;
        silt_free(e.key);
    }
    if (rc) silt_store_object_close(o);
    return rc;
}

int silt_store_object_read(silt_store_object *o, void *buf, uint64_t offset, size_t n,
                           silt_error *err)
{
    if (o->fd >= 0) return silt_store_pread_all(o->fd, buf, offset, n, (char *)o->path.ptr, err);
    return silt_store_get_range(o->store, buf, o->key, offset, n, err);
}

void silt_store_object_close(silt_store_object *o)
{
    if (o->fd >= 0) close(o->fd);
    o->fd = -1;
    silt_free(o->key);
    o->key = NULL;
    silt_buf_free(&o->path);
}
