/* Benchmark helper: runs a command with its output discarded and prints its wall time and peak
 * resident set (getrusage of the waited child), for end-to-end timings of `silt sql`.
 *   bench_rusage CMD [ARGS...]   prints "seconds=S max_rss_kb=K exit=E" on stdout (the
 *                                command's own output is discarded); exits with its status. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_rusage CMD [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench_rusage: fork");
        return 1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
        execvp(argv[1], argv + 1);
        perror("bench_rusage: exec");
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("bench_rusage: wait4");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    printf("seconds=%.6f max_rss_kb=%ld exit=%d\n", secs, ru.ru_maxrss, code);
    return code;
}
