/* Protocol checks: whether silt can read or write a table of a given protocol (reader and
 * writer versions, table features) and metadata (column mapping). */
#include "delta/log.h"

#include <stdio.h>
#include <string.h>

static const char *const reader_features_ok[] = {"timestampNtz", "vacuumProtocolCheck",
                                                 "checkpointProtection", "deletionVectors"};
static const char *const writer_features_ok[] = {"appendOnly",           "invariants",
                                                 "timestampNtz",         "vacuumProtocolCheck",
                                                 "checkpointProtection", "deletionVectors"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0) return true;
    return false;
}

static int check_features(char *const *features, size_t n, const char *const *ok, size_t n_ok,
                          const char *kind, silt_error *err)
{
    char names[300] = "";
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (in_list(features[i], ok, n_ok)) continue;
        size_t l = strlen(names);
        snprintf(names + l, sizeof names - l, "%s'%s'", bad ? ", " : "", features[i]);
        bad++;
    }
    if (!bad) return 0;
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "the table uses %s feature%s %s, which silt does not support", kind,
                          bad > 1 ? "s" : "", names);
}

static bool column_mapping(const silt_delta_metadata *m)
{
    const char *mode;
    return m && silt_delta_map_get(&m->configuration, "delta.columnMapping.mode", &mode) && mode &&
           strcmp(mode, "none") != 0;
}

int silt_delta_protocol_check_read(const silt_delta_protocol *p, const silt_delta_metadata *m,
                                   silt_error *err)
{
    if (p->min_reader_version < 1 || p->min_reader_version > SILT_DELTA_MAX_READER_VERSION)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "the table requires Delta reader version %d; silt supports reader "
                              "versions 1 to %d",
                              (int)p->min_reader_version, SILT_DELTA_MAX_READER_VERSION);
    if (p->min_reader_version == 3) {
        int rc =
            check_features(p->reader_features, p->n_reader_features, reader_features_ok,
                           sizeof reader_features_ok / sizeof *reader_features_ok, "reader", err);
        if (rc) return rc;
    }
    if (column_mapping(m))
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "the table uses reader feature 'columnMapping', which silt does not "
                              "support");
    return 0;
}

int silt_delta_protocol_check_write(const silt_delta_protocol *p, const silt_delta_metadata *m,
                                    silt_error *err)
{
    int rc = silt_delta_protocol_check_read(p, m, err);
    if (rc) return rc;
    if (p->min_writer_version < 1 || p->min_writer_version > SILT_DELTA_MAX_WRITER_VERSION ||
        (p->min_writer_version > 2 && p->min_writer_version < 7))
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "the table requires Delta writer version %d; silt writes tables of "
                              "writer version 1, 2 or 7 (with features it implements)",
                              (int)p->min_writer_version);
    if (p->min_writer_version == 7)
        return check_features(p->writer_features, p->n_writer_features, writer_features_ok,
                              sizeof writer_features_ok / sizeof *writer_features_ok, "writer",
                              err);
    return 0;
}
