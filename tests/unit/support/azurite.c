/* Test support for the Azure store: starts Azurite and the fault proxy (node tools in
 * tests/tools) in their own process groups, opens stores on them, runs helper commands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/azurite.h"
#include "store/store_azure.h"

char silt_az_test_tmp[256], silt_az_test_endpoint[128];
static char endpoint_opt[200];
static pid_t azurite_pid, proxy_pid;
int silt_az_test_proxy_port;
int silt_az_test_port;

/* Runs `node script args...` in its own process group; waits for it to write port_file. */
pid_t silt_az_test_start_node(const char *script, const char *const *args, const char *port_file,
                              int *port)
{
    const char *root = getenv("SILT_ROOT");
    char path[512];
    snprintf(path, sizeof path, "%s/tests/tools/%s", root ? root : ".", script);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        /* If the test dies (a sanitizer abort, a crash) the tool goes with it, and it never
         * holds the test's output pipe open: CTest would wait for that pipe to close. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        char log[600];
        snprintf(log, sizeof log, "%s.log", port_file);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        const char *argv[24] = {"node", path};
        size_t n = 2;
        for (size_t i = 0; args[i] && n < 22; i++) argv[n++] = args[i];
        argv[n] = NULL;
        execvp("node", (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 600; i++) { /* up to 60 s on a loaded machine */
        FILE *f = fopen(port_file, "r");
        if (f) {
            int ok = fscanf(f, "%d", port);
            fclose(f);
            if (ok == 1) return pid;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid)
            fail_msg("%s exited before it listened (its output: %s.log)", script, port_file);
        usleep(100000);
    }
    fail_msg("%s did not start (its output: %s.log)", script, port_file);
    return -1;
}

void silt_az_test_stop(pid_t pid)
{
    if (pid <= 0) return;
    kill(-pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

int silt_az_test_setup(void **state)
{
    (void)state;
    snprintf(silt_az_test_tmp, sizeof silt_az_test_tmp, "%s/silt-az-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(silt_az_test_tmp)) return -1;
    char dir[300], pf[300], target[128], ppf[300];
    snprintf(dir, sizeof dir, "%s/azurite", silt_az_test_tmp);
    snprintf(pf, sizeof pf, "%s/azurite.port", silt_az_test_tmp);
    int port = 0;
    azurite_pid = silt_az_test_start_node(
        "azurite.mjs", (const char *[]){"--dir", dir, "--port-file", pf, "--memory", NULL}, pf,
        &port);
    silt_az_test_port = port;
    snprintf(silt_az_test_endpoint, sizeof silt_az_test_endpoint,
             "http://127.0.0.1:%d/devstoreaccount1", port);
    snprintf(endpoint_opt, sizeof endpoint_opt, "AZURE_STORAGE_ENDPOINT=%s", silt_az_test_endpoint);
    snprintf(target, sizeof target, "http://127.0.0.1:%d", port);
    snprintf(ppf, sizeof ppf, "%s/proxy.port", silt_az_test_tmp);
    proxy_pid = silt_az_test_start_node(
        "fault_proxy.mjs", (const char *[]){"--target", target, "--port-file", ppf, NULL}, ppf,
        &silt_az_test_proxy_port);
    return 0;
}

int silt_az_test_teardown(void **state)
{
    (void)state;
    silt_az_test_stop(proxy_pid);
    silt_az_test_stop(azurite_pid);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", silt_az_test_tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* Opens url with the emulator's account key plus extra options (NULL-terminated). */
silt_store *silt_az_test_open(const char *url, const char *const *extra)
{
    const char *opts[16] = {"AZURE_STORAGE_USE_EMULATOR=true", endpoint_opt};
    size_t n = 2;
    for (size_t i = 0; extra && extra[i]; i++) opts[n++] = extra[i];
    opts[n] = NULL;
    silt_store *s = NULL;
    silt_error err;
    if (silt_store_open_opts(&s, url, opts, &err)) fail_msg("open %s: %s", url, err.msg);
    return s;
}

void silt_az_test_container(const char *name)
{
    char url[128];
    snprintf(url, sizeof url, "az://%s", name);
    silt_store *s = silt_az_test_open(url, NULL);
    silt_error err;
    if (silt_az_container_create(s, &err)) fail_msg("create container %s: %s", name, err.msg);
    silt_store_destroy(s);
}

/* Runs a shell command and returns its first output line (static buffer). */
const char *silt_az_test_run(const char *cmd)
{
    static char line[1024];
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    line[0] = '\0';
    if (!fgets(line, sizeof line, p)) line[0] = '\0';
    pclose(p);
    line[strcspn(line, "\n")] = '\0';
    return line;
}
