/* The object-store interface: whole and ranged gets, put, put-if-absent, sorted prefix listing,
 * delete and head, with local-filesystem and in-memory (fault-injecting) backends. */
#ifndef SILT_STORE_STORE_H
#define SILT_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

/* Keys are relative to the store's root, '/'-separated, e.g.
 * "_delta_log/00000000000000000000.json". */
typedef struct silt_store_entry {
    char *key;        /* owned */
    uint64_t size;    /* bytes */
    int64_t mtime_ms; /* last modification, ms since epoch */
} silt_store_entry;

typedef struct silt_store_listing {
    size_t n;
    silt_store_entry *entries; /* owned; sorted by key (byte order) */
} silt_store_listing;

typedef struct silt_store silt_store;
typedef struct silt_store_writer silt_store_writer;
struct silt_store_ops {
    /* Replaces out's contents with the whole object. SILT_ENOTFOUND when absent. */
    int (*get)(silt_store *s, silt_buf *out, const char *key, silt_error *err);
    /* Reads exactly n bytes at offset into buf; past the end is SILT_ECORRUPT. */
    int (*get_range)(silt_store *s, void *buf, const char *key, uint64_t offset, size_t n,
                     silt_error *err);
    /* Writes the object atomically (readers see the old or the new object, never a part). */
    int (*put)(silt_store *s, const char *key, const void *data, size_t n, silt_error *err);
    /* Writes the object only if no object has that key: SILT_EEXISTS when another did first.
     * Atomic: of several concurrent callers (threads or processes) exactly one wins. */
    int (*put_if_absent)(silt_store *s, const char *key, const void *data, size_t n,
                         silt_error *err);
    /* Every object whose key starts with prefix (recursively), sorted by key. */
    int (*list)(silt_store *s, silt_store_listing *out, const char *prefix, silt_error *err);
    /* Deletes the object; SILT_ENOTFOUND when absent. */
    int (*del)(silt_store *s, const char *key, silt_error *err);
    /* Size and mtime of the object (out->key is set to an owned copy of key). */
    int (*head)(silt_store *s, silt_store_entry *out, const char *key, silt_error *err);
    void (*destroy)(silt_store *s);
    /* Optional (NULL: silt_store_open_writer buffers the object and puts it on close). Opens a
     * streaming writer for key; the object appears, whole, only when the writer is closed. */
    int (*open_writer)(silt_store *s, silt_store_writer **out, const char *key, silt_error *err);
    /* Optional (NULL: every write is durable when it returns). Makes durable what streaming
     * writers closed while defer_sync was set. */
    int (*sync)(silt_store *s, silt_error *err);
    /* Optional (NULL: silt_store_object reads each range through get_range). Opens the object
     * for ranged reads: *fd (the caller closes it), *size, and its name for messages in path. */
    int (*open_fd)(silt_store *s, const char *key, int *fd, uint64_t *size, silt_buf *path,
                   silt_error *err);
};
struct silt_store {
    const struct silt_store_ops *ops;
    char *url;       /* owned: the location the store was opened at */
    bool defer_sync; /* silt_store_defer_sync */
};

/* Opens the store for a table location given by a user: "/abs/path", "relative/path" (against
 * the current directory), or a file: URI as Spark and delta-rs take it ("file:///abs/path",
 * "file:/abs/path", "file://localhost/abs/path"; percent-escapes decoded). The local directory
 * is created on the first put. Refused with SILT_EINVAL naming the location: a path that is a
 * regular file (a table is a folder), a file: URI without an absolute path, and mem: (in-memory
 * stores vanish with the process: tests open them with silt_store_mem_open_named);
 * SILT_EUNSUPPORTED: any other scheme. Returns 0 and *out (owned, free with
 * silt_store_destroy). */
int silt_store_open(silt_store **out, const char *url, silt_error *err);
void silt_store_destroy(silt_store *s);

/* Local filesystem store rooted at dir (an absolute path). */
int silt_store_local_create(silt_store **out, const char *dir, silt_error *err);
/* A fresh, unnamed in-memory store. */
int silt_store_mem_create(silt_store **out, silt_error *err);
/* The in-memory store called name, shared by every open of that name in this process (its
 * objects live until the process exits). */
int silt_store_mem_open_named(silt_store **out, const char *name, silt_error *err);

/* Fault injection for in-memory stores (no-ops on other stores). The nth store call from now
 * (1 = the next; 0 disables) fails with SILT_EIO; calls whose key contains path_substr (NULL
 * disables) fail with SILT_EIO until cleared. */
void silt_store_mem_fail_nth(silt_store *s, uint64_t n);
void silt_store_mem_fail_path(silt_store *s, const char *path_substr);
/* Number of calls made on an in-memory store (every operation counts one). */
uint64_t silt_store_mem_calls(const silt_store *s);

/* Convenience wrappers calling through ops. */
static inline int silt_store_get(silt_store *s, silt_buf *out, const char *key, silt_error *err)
{
    return s->ops->get(s, out, key, err);
}
static inline int silt_store_get_range(silt_store *s, void *buf, const char *key, uint64_t off,
                                       size_t n, silt_error *err)
{
    return s->ops->get_range(s, buf, key, off, n, err);
}
static inline int silt_store_put(silt_store *s, const char *key, const void *data, size_t n,
                                 silt_error *err)
{
    return s->ops->put(s, key, data, n, err);
}
static inline int silt_store_put_if_absent(silt_store *s, const char *key, const void *data,
                                           size_t n, silt_error *err)
{
    return s->ops->put_if_absent(s, key, data, n, err);
}
static inline int silt_store_list(silt_store *s, silt_store_listing *out, const char *prefix,
                                  silt_error *err)
{
    return s->ops->list(s, out, prefix, err);
}
static inline int silt_store_delete(silt_store *s, const char *key, silt_error *err)
{
    return s->ops->del(s, key, err);
}
static inline int silt_store_head(silt_store *s, silt_store_entry *out, const char *key,
                                  silt_error *err)
{
    return s->ops->head(s, out, key, err);
}

/* Frees a listing's entries and resets it to empty. */
void silt_store_list_clear(silt_store_listing *l);
/* Appends an entry (key copied). For backends. Returns 0 or SILT_ENOMEM. */
int silt_store_list_push(silt_store_listing *l, const char *key, uint64_t size, int64_t mtime_ms);
/* Sorts a listing by key. For backends. */
void silt_store_list_sort(silt_store_listing *l);

/* Like silt_store_open, with storage options: options is NULL or a NULL-terminated array of
 * "name=value" strings (e.g. "AZURE_STORAGE_ACCOUNT_KEY=..."), which take precedence over the
 * environment. Also opens Azure locations: abfss://container@account.dfs.core.windows.net/path,
 * abfs://..., az://container/path, azure://container/path and
 * https://account.blob.core.windows.net/container/path (see docs/AZURE.md). */
int silt_store_open_opts(silt_store **out, const char *url, const char *const *options,
                         silt_error *err);
/* Checks one "name=value" storage option (known name, well-formed); SILT_EINVAL suggesting the
 * closest valid name otherwise. For the CLI's --storage-option. */
int silt_store_option_check(const char *option, silt_error *err);

/* Adds a process-wide storage option ("name=value", checked as above) that every later open
 * uses after the options given to it and before the environment. Returns 0, SILT_EINVAL or
 * SILT_ENOMEM. */
int silt_store_option_add(const char *option, silt_error *err);
/* Takes every "--storage-option NAME=VALUE" (or "--storage-option=NAME=VALUE") out of argv
 * (argv[*argc] is set to NULL) and adds it with silt_store_option_add. For the CLI, before the
 * command parses its options. Returns 0 or the first option's error. */
int silt_store_options_from_argv(int *argc, char **argv, silt_error *err);

/* A streaming writer: bytes written go to the object, which appears atomically and whole on a
 * successful close (readers never see a part). Both close and abort free the writer. */
struct silt_store_writer_ops {
    int (*write)(silt_store_writer *w, const void *data, size_t n, silt_error *err);
    int (*close)(silt_store_writer *w, silt_error *err);
    void (*abort)(silt_store_writer *w);
};
struct silt_store_writer {
    const struct silt_store_writer_ops *ops;
    uint64_t written; /* bytes accepted so far */
};

/* An object open for ranged reads (a Parquet file's column chunks): a local file is opened and
 * sized once, and each range is one pread, instead of an open, a read and a close per range;
 * other stores read each range by key. One thread at a time. */
typedef struct silt_store_object {
    silt_store *store;
    char *key;
    uint64_t size;
    int fd;        /* -1: ranges go through the store */
    silt_buf path; /* the local file's path, for messages */
} silt_store_object;
/* Opens key (SILT_ENOTFOUND when absent or not a file). Close with silt_store_object_close. */
int silt_store_object_open(silt_store_object *o, silt_store *s, const char *key, silt_error *err);
/* Reads exactly n bytes at offset; past the end is SILT_ECORRUPT. */
int silt_store_object_read(silt_store_object *o, void *buf, uint64_t offset, size_t n,
                           silt_error *err);
void silt_store_object_close(silt_store_object *o);
/* Reads exactly n bytes at offset of fd (path names it in errors): SILT_EIO, or SILT_ECORRUPT
 * when the file ends first. */
int silt_store_pread_all(int fd, void *buf, uint64_t offset, size_t n, const char *path,
                         silt_error *err);

/* With on, streaming writers opened from now on publish their object on close without waiting
 * for it to reach the disk (a local store skips the file's and its folder's fsync); the caller
 * must call silt_store_sync before anything that refers to those objects is committed. Puts
 * stay durable. For a writer of many small files at once (a partitioned batch): one sync
 * instead of two per file. One thread at a time sets it. */
void silt_store_defer_sync(silt_store *s, bool on);
/* Makes every object published so far durable (a local store: syncfs(2) of its filesystem;
 * object stores: nothing to do). Returns 0 or SILT_EIO with err set. */
int silt_store_sync(silt_store *s, silt_error *err);

/* Opens a writer for key on any store (the backend's own, or one buffering in memory and
 * putting on close). Returns 0 and *out (owned; finish with close or abort). */
int silt_store_open_writer(silt_store *s, silt_store_writer **out, const char *key,
                           silt_error *err);
static inline int silt_store_writer_write(silt_store_writer *w, const void *data, size_t n,
                                          silt_error *err)
{
    return w->ops->write(w, data, n, err);
}
/* Publishes the object and frees the writer (also on failure). */
static inline int silt_store_writer_close(silt_store_writer *w, silt_error *err)
{
    return w->ops->close(w, err);
}
/* Drops everything written and frees the writer; NULL is a no-op. */
static inline void silt_store_writer_abort(silt_store_writer *w)
{
    if (w) w->ops->abort(w);
}

#endif
