/* STREAM read_files('path-or-glob', format => ...): where the files are (a folder, local or any
 * store location, and a glob over the names under it), which format they have, and the schema
 * inferred from the first file when the query gives none. Used by binding (pipeline/bind.c)
 * and by the runtime (run_files.c). */
#ifndef SILT_PIPELINE_FILES_SRC_H
#define SILT_PIPELINE_FILES_SRC_H

#include <stdbool.h>

#include "batch/batch.h"
#include "pipeline/def.h"
#include "util/error.h"

typedef enum silt_pipeline_files_format {
    SILT_PIPELINE_FILES_JSON = 0, /* JSON lines */
    SILT_PIPELINE_FILES_CSV,      /* CSV with a header row */
    SILT_PIPELINE_FILES_PARQUET,
} silt_pipeline_files_format;

typedef struct silt_pipeline_files {
    char *dir;     /* the folder: a path or store URL (owned) */
    char *pattern; /* glob over the names under dir (fnmatch, '/' matched only by '/'), or NULL:
                    * every file under dir (owned) */
    silt_pipeline_files_format format;
    const char *path; /* the argument as written (borrowed from the source) */
} silt_pipeline_files;

/* Splits s's path into folder and glob (the folder ends at the last '/' before the first
 * '*', '?' or '['), and reads format => (json, csv or parquet; default json). Returns 0 or
 * SILT_EINVAL / SILT_ENOMEM. */
int silt_pipeline_files_init(silt_pipeline_files *out, const silt_pipeline_source *s,
                             silt_error *err);
void silt_pipeline_files_clear(silt_pipeline_files *f);

/* True when key (a name under dir, from the store's listing) is a file of the source: it
 * matches the glob, or without one no part of it starts with '.' or '_' (hidden files and
 * Spark's _SUCCESS, _committed_... markers are skipped). */
bool silt_pipeline_files_match(const silt_pipeline_files *f, const char *key);

/* The schema of the first file (by name): inferred as `silt sql` reads json.`f`, csv.`f`,
 * parquet.`f`. Returns 0 and *out (owned), or SILT_EINVAL when the folder is unreachable or
 * holds no file, naming schema => '...' as the way out. */
int silt_pipeline_files_infer(silt_schema **out, const silt_pipeline_files *f, silt_error *err);

#endif
