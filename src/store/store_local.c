/* Local-filesystem object store: objects are files under a root directory; puts go through a
 * fsynced temporary file, put-if-absent publishes it with link() so exactly one writer wins. */
#define _GNU_SOURCE /* syncfs */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/time.h"

typedef struct local_store {
    silt_store base;
    char *root; /* owned, no trailing '/' */
} local_store;

/* True when a path component of key is "..". */
static bool has_dotdot(const char *key)
{
    for (const char *c = key; c;) {
        if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0')) return true;
        c = strchr(c, '/');
        if (c) c++;
    }
    return false;
}

static int full_path(silt_buf *out, const local_store *ls, const char *key, silt_error *err)
{
    silt_buf_reset(out);
    if (!key || !*key || key[0] == '/' || has_dotdot(key)) {
        return silt_error_set(err, SILT_EINVAL,
                              "object key '%s' is not a relative path inside the store",
                              key ? key : "");
    }
    silt_buf_printf(out, "%s/%s", ls->root, key);
    if (silt_buf_cstr(out)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    return 0;
}

static int io_error(silt_error *err, int errnum, const char *what, const char *path)
{
    int code = errnum == ENOENT ? SILT_ENOTFOUND : SILT_EIO;
    silt_error_set_errno(err, code, errnum, "%s '%s'", what, path);
    silt_error_path(err, path);
    if (errnum == EINTR || errnum == EAGAIN) silt_error_retriable(err, true);
    return code;
}

static int local_get(silt_store *s, silt_buf *out, const char *key, silt_error *err)
{
    silt_buf path = SILT_BUF_INIT;
    int fd = -1, rc = full_path(&path, (local_store *)s, key, err);
    if (rc) goto fail;
    fd = open((char *)path.ptr, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = io_error(err, errno, "cannot open", (char *)path.ptr);
        goto fail;
    }
    silt_buf_reset(out);
    for (;;) {
        if (silt_buf_reserve(out, 65536)) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory reading '%s'", key);
            goto fail;
        }
        ssize_t r = read(fd, out->ptr + out->len, out->cap - out->len);
        if (r < 0) {
            if (errno == EINTR) continue;
            rc = io_error(err, errno, "cannot read", (char *)path.ptr);
            goto fail;
        }
        if (r == 0) break;
        out->len += (size_t)r;
    }
fail:
    if (fd >= 0) close(fd);
    silt_buf_free(&path);
    return rc;
}

static int local_get_range(silt_store *s, void *buf, const char *key, uint64_t offset, size_t n,
                           silt_error *err)
{
    silt_buf path = SILT_BUF_INIT;
    int fd = -1, rc = full_path(&path, (local_store *)s, key, err);
    if (rc) goto fail;
    fd = open((char *)path.ptr, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = io_error(err, errno, "cannot open", (char *)path.ptr);
        goto fail;
    }
    rc = silt_store_pread_all(fd, buf, offset, n, (char *)path.ptr, err);
fail:
    if (fd >= 0) close(fd);
    silt_buf_free(&path);
    return rc;
}

/* Creates every missing directory of path's parent: most often only the parent itself is
 * missing (a new partition's folder), made with one mkdir; else every ancestor in turn. */
static int make_parents(char *path, silt_error *err)
{
    char *last = strrchr(path, '/');
    if (last && last != path) {
        *last = '\0';
        int r = mkdir(path, 0777);
        *last = '/';
        if (r == 0) return 0;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int r = mkdir(path, 0777);
        int e = errno;
        *p = '/';
        if (r != 0 && e != EEXIST) {
            *p = '\0';
            io_error(err, e, "cannot create directory", path);
            *p = '/';
            return err ? err->code : SILT_EIO;
        }
    }
    return 0;
}

static int fsync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    size_t n = slash && slash != path ? (size_t)(slash - path) : 1;
    if (n >= sizeof dir) return -1;
    memcpy(dir, path, n);
    dir[n] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

/* Creates a fresh temporary file next to path (its name into tmp), open for writing in *fd.
 * The folders are made only when the first attempt finds one missing: a folder that exists
 * costs no mkdir, whose lock on the parent folder writers of sibling partitions would share. */
static int create_temp(silt_buf *tmp, char *path, int *fd, silt_error *err)
{
    static unsigned counter;
    silt_buf_reset(tmp);
    const char *slash = strrchr(path, '/');
    silt_buf_printf(tmp, "%.*s/.%s.%ld.%u.%lld.tmp", (int)(slash - path), path, slash + 1,
                    (long)getpid(), __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED),
                    (long long)(silt_time_mono_ns() % 1000000007ull));
    if (silt_buf_cstr(tmp)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    *fd = open((char *)tmp->ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (*fd < 0 && errno == ENOENT) {
        int rc = make_parents(path, err);
        if (rc) return rc;
        *fd = open((char *)tmp->ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    }
    if (*fd < 0) return io_error(err, errno, "cannot create", (char *)tmp->ptr);
    return 0;
}

/* Writes data to a fresh temporary file next to path, fsynced when sync is set; its name goes
 * into tmp. */
static int write_temp(silt_buf *tmp, char *path, const void *data, size_t n, bool sync,
                      silt_error *err)
{
    int fd = -1;
    int rc = create_temp(tmp, path, &fd, err);
    if (rc) return rc;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *)data + done, n - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            rc = io_error(err, errno, "cannot write", (char *)tmp->ptr);
            goto fail;
        }
        done += (size_t)w;
    }
    if (sync && fsync(fd) != 0) {
        rc = io_error(err, errno, "cannot fsync", (char *)tmp->ptr);
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = io_error(err, errno, "cannot close", (char *)tmp->ptr);
        goto fail;
    }
    return 0;
fail:
    if (fd >= 0) close(fd);
    unlink((char *)tmp->ptr);
    return rc;
}

static int local_put_common(silt_store *s, const char *key, const void *data, size_t n,
                            bool if_absent, silt_error *err)
{
    silt_buf path = SILT_BUF_INIT, tmp = SILT_BUF_INIT;
    int rc = full_path(&path, (local_store *)s, key, err);
    if (rc) goto fail;
    if ((rc = write_temp(&tmp, (char *)path.ptr, data, n, true, err))) goto fail;
    if (if_absent) {
        /* link() fails with EEXIST when the name is taken, atomically, on every POSIX fs */
        if (link((char *)tmp.ptr, (char *)path.ptr) != 0) {
            int e = errno;
            unlink((char *)tmp.ptr);
            if (e == EEXIST) {
                rc = silt_error_set(err, SILT_EEXISTS, "'%s' already exists", key);
                silt_error_path(err, (char *)path.ptr);
            } else {
                rc = io_error(err, e, "cannot publish", (char *)path.ptr);
            }
            goto fail;
        }
        unlink((char *)tmp.ptr);
    } else if (rename((char *)tmp.ptr, (char *)path.ptr) != 0) {
        int e = errno;
        unlink((char *)tmp.ptr);
        rc = io_error(err, e, "cannot rename into", (char *)path.ptr);
        goto fail;
    }
    if (fsync_parent((char *)path.ptr) != 0)
        rc = io_error(err, errno, "cannot fsync the directory of", (char *)path.ptr);
fail:
    silt_buf_free(&path);
    silt_buf_free(&tmp);
    return rc;
}

static int local_put(silt_store *s, const char *key, const void *data, size_t n, silt_error *err)
{
    return local_put_common(s, key, data, n, false, err);
}

static int local_put_if_absent(silt_store *s, const char *key, const void *data, size_t n,
                               silt_error *err)
{
    return local_put_common(s, key, data, n, true, err);
}

/* Walks dir (path rel below the root) and pushes every regular file whose key starts with
 * prefix; skips our temporary files. */
static int walk(silt_store_listing *out, silt_buf *path, size_t root_len, const char *prefix,
                silt_error *err)
{
    if (silt_buf_cstr(path)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    DIR *d = opendir((char *)path->ptr);
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR) return 0;
        return io_error(err, errno, "cannot list", (char *)path->ptr);
    }
    int rc = 0;
    size_t base = path->len;
    size_t plen = strlen(prefix);
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0) continue;
        path->len = base;
        silt_buf_printf(path, "%s%s", base > root_len ? "/" : "", nm);
        if (silt_buf_cstr(path)) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
            break;
        }
        const char *key = (char *)path->ptr + root_len;
        size_t klen = path->len - root_len;
        size_t cmp = klen < plen ? klen : plen;
        if (strncmp(key, prefix, cmp) != 0) continue;
        struct stat st;
        if (lstat((char *)path->ptr, &st) != 0) continue; /* raced with a delete */
        if (S_ISDIR(st.st_mode)) {
            if ((rc = walk(out, path, root_len, prefix, err))) break;
        } else if (S_ISREG(st.st_mode) && klen >= plen) {
            size_t nl = strlen(nm);
            if (nm[0] == '.' && nl > 4 && strcmp(nm + nl - 4, ".tmp") == 0) continue;
            int64_t mt = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
            if (silt_store_list_push(out, key, (uint64_t)st.st_size, mt)) {
                rc = silt_error_set(err, SILT_ENOMEM, "out of memory listing");
                break;
            }
        }
    }
    path->len = base;
    closedir(d);
    return rc;
}

static int local_list(silt_store *s, silt_store_listing *out, const char *prefix, silt_error *err)
{
    local_store *ls = (local_store *)s;
    silt_buf path = SILT_BUF_INIT;
    out->n = 0;
    out->entries = NULL;
    silt_buf_printf(&path, "%s/", ls->root);
    int rc = walk(out, &path, path.len, prefix ? prefix : "", err);
    silt_buf_free(&path);
    if (rc) {
        silt_store_list_clear(out);
        return rc;
    }
    silt_store_list_sort(out);
    return 0;
}

static int local_del(silt_store *s, const char *key, silt_error *err)
{
    silt_buf path = SILT_BUF_INIT;
    int rc = full_path(&path, (local_store *)s, key, err);
    if (!rc && unlink((char *)path.ptr) != 0)
        rc = io_error(err, errno, "cannot delete", (char *)path.ptr);
    silt_buf_free(&path);
    return rc;
}

static int local_head(silt_store *s, silt_store_entry *out, const char *key, silt_error *err)
{
    silt_buf path = SILT_BUF_INIT;
    struct stat st;
    out->key = NULL;
    int rc = full_path(&path, (local_store *)s, key, err);
    if (rc) goto fail;
    if (stat((char *)path.ptr, &st) != 0) {
        rc = io_error(err, errno, "cannot stat", (char *)path.ptr);
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = silt_error_set(err, SILT_ENOTFOUND, "'%s' is not a file", (char *)path.ptr);
        goto fail;
    }
    if (!(out->key = silt_strdup(key))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    out->size = (uint64_t)st.st_size;
    out->mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
fail:
    silt_buf_free(&path);
    return rc;
}

static void local_destroy(silt_store *s)
{
    local_store *ls = (local_store *)s;
    silt_free(ls->root);
    silt_free(ls->base.url);
    silt_free(ls);
}

/* ---- streaming writer: a temporary file renamed into place on close ---- */

typedef struct local_writer {
    silt_store_writer base;
    int fd;
    silt_buf path, tmp; /* final and temporary paths */
    bool defer;         /* the store's defer_sync when opened: no fsync on close */
} local_writer;

static void lw_free(local_writer *w)
{
    if (w->fd >= 0) close(w->fd);
    silt_buf_free(&w->path);
    silt_buf_free(&w->tmp);
    silt_free(w);
}

static int lw_write(silt_store_writer *sw, const void *data, size_t n, silt_error *err)
{
    local_writer *w = (local_writer *)sw;
    for (size_t done = 0; done < n;) {
        ssize_t r = write(w->fd, (const char *)data + done, n - done);
        if (r < 0) {
            if (errno == EINTR) continue;
            return io_error(err, errno, "cannot write", (char *)w->tmp.ptr);
        }
        done += (size_t)r;
    }
    sw->written += n;
    return 0;
}

static int lw_close(silt_store_writer *sw, silt_error *err)
{
    local_writer *w = (local_writer *)sw;
    int rc = 0;
    if ((!w->defer && fsync(w->fd) != 0) || close(w->fd) != 0) {
        rc = io_error(err, errno, w->defer ? "cannot close" : "cannot fsync", (char *)w->tmp.ptr);
    } else if (rename((char *)w->tmp.ptr, (char *)w->path.ptr) != 0) {
        rc = io_error(err, errno, "cannot rename into", (char *)w->path.ptr);
    } else if (!w->defer && fsync_parent((char *)w->path.ptr) != 0) {
        rc = io_error(err, errno, "cannot fsync the directory of", (char *)w->path.ptr);
    }
    w->fd = -1;
    if (rc) unlink((char *)w->tmp.ptr);
    lw_free(w);
    return rc;
}

static void lw_abort(silt_store_writer *sw)
{
    local_writer *w = (local_writer *)sw;
    unlink((char *)w->tmp.ptr);
    lw_free(w);
}

static const struct silt_store_writer_ops lw_ops = {lw_write, lw_close, lw_abort};

static int local_open_writer(silt_store *s, silt_store_writer **out, const char *key,
                             silt_error *err)
{
    *out = NULL;
    local_writer *w = silt_calloc(1, sizeof *w);
    if (!w) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    w->base.ops = &lw_ops;
    w->fd = -1;
    int rc = full_path(&w->path, (local_store *)s, key, err);
    /* a temporary file, created the same way put creates its own (fsynced on close) */
    w->defer = s->defer_sync;
    if (!rc) rc = create_temp(&w->tmp, (char *)w->path.ptr, &w->fd, err);
    if (rc) {
        lw_free(w);
        return rc;
    }
    *out = &w->base;
    return 0;
}

/* The file opened once for the ranged reads of a silt_store_object. */
static int local_open_fd(silt_store *s, const char *key, int *fd, uint64_t *size, silt_buf *path,
                         silt_error *err)
{
    *fd = -1;
    int rc = full_path(path, (local_store *)s, key, err);
    if (rc) return rc;
    int f = open((char *)path->ptr, O_RDONLY | O_CLOEXEC);
    if (f < 0) return io_error(err, errno, "cannot open", (char *)path->ptr);
    struct stat st;
    if (fstat(f, &st) != 0) {
        rc = io_error(err, errno, "cannot stat", (char *)path->ptr);
    } else if (!S_ISREG(st.st_mode)) {
        rc = silt_error_set(err, SILT_ENOTFOUND, "'%s' is not a file", (char *)path->ptr);
    }
    if (rc) {
        close(f);
        return rc;
    }
    *fd = f;
    *size = (uint64_t)st.st_size;
    return 0;
}

/* Everything the store's writers left to the kernel, and whatever else is pending on the same
 * filesystem, reaches the disk: one flush for many files. */
static int local_sync(silt_store *s, silt_error *err)
{
    local_store *ls = (local_store *)s;
    int fd = open(ls->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? 0 : io_error(err, errno, "cannot open", ls->root);
    int rc = syncfs(fd) != 0 ? io_error(err, errno, "cannot sync the filesystem of", ls->root) : 0;
    close(fd);
    return rc;
}

static const struct silt_store_ops local_ops = {
    local_get,  local_get_range, local_put,         local_put_if_absent, local_list,    local_del,
    local_head, local_destroy,   local_open_writer, local_sync,          local_open_fd,
};

int silt_store_local_create(silt_store **out, const char *dir, silt_error *err)
{
    *out = NULL;
    if (!dir || dir[0] != '/')
        return silt_error_set(err, SILT_EINVAL, "local store root '%s' is not an absolute path",
                              dir ? dir : "");
    local_store *ls = silt_calloc(1, sizeof *ls);
    if (!ls) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    ls->base.ops = &local_ops;
    ls->root = silt_strndup(dir, n);
    ls->base.url = silt_strdup(dir);
    if (!ls->root || !ls->base.url) {
        local_destroy(&ls->base);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    *out = &ls->base;
    return 0;
}
