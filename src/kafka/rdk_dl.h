/* librdkafka loaded on first use (dlopen): linking it made every start of every command map and
 * relocate librdkafka and, through it, libssl, libsasl2 and libcrypto (a large part of a
 * `silt sql` query's start-up) although only the Kafka commands need it. The kafka module keeps
 * including <librdkafka/rdkafka.h> for its types; rdk_dl.c defines the rd_kafka_* functions silt
 * calls as forwarders into the loaded library. */
#ifndef SILT_KAFKA_RDK_DL_H
#define SILT_KAFKA_RDK_DL_H

#include "util/error.h"

/* The shared library loaded, and the Debian/Ubuntu package that installs it. */
#define SILT_RDKAFKA_SONAME "librdkafka.so.1"
#define SILT_RDKAFKA_PACKAGE "librdkafka1"

/* Loads librdkafka.so.1 and resolves every entry point silt uses (once per process;
 * thread-safe). Returns 0, or SILT_EUNSUPPORTED with a message naming the library, what failed
 * and the package to install. Every Kafka handle is created after this check; a forwarder
 * called while the library cannot be loaded prints the same message and exits the process. */
int silt_rdk_dl_load(silt_error *err);

/* librdkafka's version string, or NULL when it cannot be loaded. */
const char *silt_rdk_dl_version(void);

#endif
