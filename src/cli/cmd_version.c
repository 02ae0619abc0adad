/* `silt version`: version, git revision, build type and the versions of linked libraries. */
#include "cli/cli.h"
#include "http/mhd_dl.h"
#include "kafka/rdk_dl.h"
#include "store/curl_dl.h"
#include "util/crypto_dl.h"
#include "version.h"

#include <jansson.h>
#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

typedef struct settings {
    bool short_only;
} settings;

static const silt_opt_spec opts_spec[] = {
    {"short", 0, SILT_OPT_FLAG, NULL, NULL, NULL, "print only the version number",
     SILT_OPT_TO_BOOL(settings, short_only)},
    {0},
};

static int run(int argc, char **argv)
{
    silt_opts o;
    settings set;
    int code;
    if (silt_cli_parse(&o, &code, opts_spec, &set, argc, argv, 1, NULL, "silt version [--short]",
                       "Print silt's version, the git revision it was built from, the build type "
                       "and the versions of the libraries it is linked with."))
        return code;
    if (set.short_only) {
        printf("%s\n", SILT_VERSION);
        return 0;
    }
    printf("silt %s\n", SILT_VERSION);
    printf("git revision: %s\n", SILT_GIT_REVISION);
    printf("build type:   %s\n", SILT_BUILD_TYPE);
    printf("compiler:     %s\n", SILT_COMPILER);
    printf("libraries:\n");
    const char *rdk = silt_rdk_dl_version(); /* loaded on first use: only Kafka needs it */
    printf("  librdkafka     %s\n", rdk ? rdk : "not found (needed only for Kafka)");
    printf("  zstd           %s\n", ZSTD_versionString());
    printf("  zlib           %s\n", zlibVersion());
    printf("  lz4            %s\n", LZ4_versionString());
    printf("  snappy         %s\n", SILT_SNAPPY_VERSION);
    printf("  jansson        %s\n", JANSSON_VERSION);
    const char *curl = silt_curl_dl_version(); /* loaded on first use: only Azure needs it */
    printf("  libcurl        %s\n", curl ? curl : "not found (needed only for Azure storage)");
    const char *ssl = silt_crypto_dl_version(); /* loaded on first use */
    printf("  openssl        %s\n", ssl ? ssl : "not found (needed for digests, Azure, tokens)");
    const char *mhd = silt_mhd_dl_version(); /* loaded on first use: only serving needs it */
    printf("  libmicrohttpd  %s\n", mhd ? mhd : "not found (needed only for silt serve)");
    return 0;
}

const silt_command silt_cmd_version = {"version", "print version and linked library versions", run};
