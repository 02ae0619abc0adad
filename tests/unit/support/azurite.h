/* Test support for the Azure store: Azurite, the fault proxy and helpers around them. */
#ifndef SILT_TEST_AZURITE_H
#define SILT_TEST_AZURITE_H

#include <sys/types.h>

#include "store/store.h"

/* Azurite's well-known development account key (public, documented by Microsoft). */
#define SILT_AZ_TEST_KEY                                                                           \
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

extern char silt_az_test_tmp[256];      /* the test's temporary folder */
extern char silt_az_test_endpoint[128]; /* http://127.0.0.1:PORT/devstoreaccount1 */
extern int silt_az_test_port;           /* Azurite's port */
extern int silt_az_test_proxy_port;     /* the fault proxy's port (forwards to Azurite) */

/* cmocka group setup/teardown: a temporary folder, Azurite (in memory) and the proxy. */
int silt_az_test_setup(void **state);
int silt_az_test_teardown(void **state);
/* Runs `node tests/tools/SCRIPT ARGS...` in its own process group and waits until it writes
 * its port to port_file. */
pid_t silt_az_test_start_node(const char *script, const char *const *args, const char *port_file,
                              int *port);
/* Stops a process group started by silt_az_test_start_node. */
void silt_az_test_stop(pid_t pid);
/* Opens url on Azurite with the emulator account plus extra options (NULL-terminated or NULL);
 * fails the test on error. */
silt_store *silt_az_test_open(const char *url, const char *const *extra);
/* Creates container name on Azurite. */
void silt_az_test_container(const char *name);
/* Runs a shell command; returns its first output line (a static buffer). */
const char *silt_az_test_run(const char *cmd);

#endif
