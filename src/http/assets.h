/* The dashboard's files, embedded in the binary at build time (CMake generates the table from
 * src/http/assets/ and uPlot's dist files; see cmake/embed_assets.cmake). */
#ifndef SILT_HTTP_ASSETS_H
#define SILT_HTTP_ASSETS_H

#include <stddef.h>

typedef struct silt_http_asset {
    const char *name; /* file name, e.g. "app.js" */
    const unsigned char *data;
    size_t len;
} silt_http_asset;

extern const silt_http_asset silt_http_assets[];
extern const size_t silt_http_n_assets;

#endif
