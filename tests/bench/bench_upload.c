/* The upload's speed: dfota_upload() through the library against dfota-sim, whose port
 * is paced to a baud rate (--baud-pace) or not paced at all (the pty's own speed), with
 * the module's one 'A' per 1024 bytes (ack mode) and without. The simulator is the
 * build's own, beside this program (build/tests/sim/dfota-sim), started here and awaited
 * on its "ready" line. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "dfota.h"

#define BENCH_UPLOAD_READY_MS 10000

extern char **environ;

struct bench_upload_sim {
    pid_t pid;
    int out; /* its stdout */
    char dir[64];
    char link[96];
};

/* One measured upload: what happened between the uploading phase and upload_end. */
struct bench_upload_run {
    const uint8_t *data;
    size_t size;
    uint64_t began_us, ended_us;
    bool ok;
};

/* dfota-sim beside this program in the build tree: ../sim/dfota-sim. */
static int bench_upload_sim_path(char *out, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

    if (n <= 0)
        return -1;
    self[n] = '\0';
    if (snprintf(out, size, "%s/../sim/dfota-sim", dirname(self)) >= (int)size)
        return -1;
    return access(out, X_OK);
}

/* Reads the simulator's "ready <link>" line, waiting at most BENCH_UPLOAD_READY_MS. */
static int bench_upload_sim_ready(struct bench_upload_sim *sim)
{
    char line[160];
    size_t len = 0;
    uint64_t deadline = bench_now_us() + BENCH_UPLOAD_READY_MS * 1000u;

    while (len + 1 < sizeof(line)) {
        struct pollfd p = {sim->out, POLLIN, 0};
        uint64_t now = bench_now_us();

        if (now >= deadline || poll(&p, 1, (int)((deadline - now) / 1000u) + 1) <= 0)
            return -1;
        if (read(sim->out, &line[len], 1) != 1)
            return -1;
        if (line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    return strncmp(line, "ready ", 6) == 0 && strcmp(line + 6, sim->link) == 0 ? 0 : -1;
}

static int bench_upload_sim_start(struct bench_upload_sim *sim, uint32_t baud)
{
    char path[PATH_MAX], pace[16];
    int pipefd[2];
    posix_spawn_file_actions_t fa;
    char *pacing = baud ? "--baud-pace" : NULL; /* unpaced: the list ends there */
    char *argv[] = {path,           "--link", sim->link, "--log", "/dev/null",
                    "--exit-after", "300",    pacing,    pace,    NULL};
    int rc;

    snprintf(sim->dir, sizeof(sim->dir), "/tmp/dfota-bench-XXXXXX");
    if (bench_upload_sim_path(path, sizeof(path)) != 0 || !mkdtemp(sim->dir) || pipe(pipefd) != 0) {
        fprintf(stderr, "upload: no dfota-sim beside the bench (%s)\n", path);
        return -1;
    }
    snprintf(sim->link, sizeof(sim->link), "%s/ttyUSB2", sim->dir);
    snprintf(pace, sizeof(pace), "%u", (unsigned)baud);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    rc = posix_spawn(&sim->pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    sim->out = pipefd[0];
    if (rc != 0 || bench_upload_sim_ready(sim) != 0) {
        fprintf(stderr, "upload: dfota-sim did not get ready\n");
        if (rc == 0) {
            kill(sim->pid, SIGKILL);
            waitpid(sim->pid, NULL, 0);
        }
        close(sim->out);
        rmdir(sim->dir);
        return -1;
    }
    return 0;
}

static void bench_upload_sim_stop(struct bench_upload_sim *sim)
{
    kill(sim->pid, SIGTERM);
    while (waitpid(sim->pid, NULL, 0) < 0 && errno == EINTR) {
    }
    close(sim->out);
    rmdir(sim->dir);
}

static int bench_upload_read(void *user, size_t offset, uint8_t *buf, size_t len, size_t *got)
{
    const struct bench_upload_run *run = user;
    size_t n = run->size - offset < len ? run->size - offset : len;

    memcpy(buf, run->data + offset, n);
    *got = n;
    return 0;
}

static void bench_upload_on_event(void *user, const struct dfota_event *ev)
{
    struct bench_upload_run *run = user;

    if (ev->type == DFOTA_EVENT_PHASE && ev->phase == DFOTA_PHASE_UPLOADING)
        run->began_us = bench_now_us();
    if (ev->type == DFOTA_EVENT_UPLOAD_END) {
        run->ended_us = bench_now_us();
        run->ok = ev->ok;
    }
}

static double bench_upload_cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* One upload of size bytes at baud (0: unpaced); prints its figures. */
static void bench_upload_measure(uint32_t baud, bool ack, const uint8_t *data, size_t size)
{
    struct bench_upload_sim sim;
    struct bench_upload_run run = {data, size, 0, 0, false};
    struct dfota_config cfg;
    struct dfota_package pkg = {NULL, bench_upload_read, &run, size, "bench.bin"};
    struct dfota *s;
    char prefix[40], name[64];
    double cpu = 0, took;
    int rc;

    if (bench_upload_sim_start(&sim, baud) != 0)
        return;
    dfota_config_init(&cfg);
    cfg.port = sim.link;
    cfg.baud = baud ? baud : 115200;
    cfg.log_level = DFOTA_LOG_ERROR;
    cfg.on_event = bench_upload_on_event;
    cfg.user = &run;
    cfg.upload_no_ack = !ack;
    cfg.no_preflight = true;
    rc = dfota_open(&s, &cfg);
    if (rc == DFOTA_OK) {
        cpu = bench_upload_cpu_s();
        rc = dfota_upload(s, &pkg);
        if (rc == DFOTA_OK)
            rc = dfota_run(s);
        cpu = bench_upload_cpu_s() - cpu;
        dfota_close(s);
    }
    bench_upload_sim_stop(&sim);
    if (rc != DFOTA_OK || !run.ok || run.ended_us <= run.began_us) {
        fprintf(stderr, "upload at %u baud, ack %d: failed (%d)\n", (unsigned)baud, ack, rc);
        return;
    }
    took = (double)(run.ended_us - run.began_us) / 1e6;
    if (baud)
        snprintf(prefix, sizeof(prefix), "upload_%u_%s", (unsigned)baud, ack ? "ack" : "noack");
    else
        snprintf(prefix, sizeof(prefix), "upload_unpaced_%s", ack ? "ack" : "noack");
    printf("# %s: %zu bytes in %.3f s\n", prefix, size, took);
    snprintf(name, sizeof(name), "%s_throughput", prefix);
    bench_print(name, (double)size / took / 1000.0, "KB/s");
    if (baud) { /* the line's raw byte rate: 10 bits a byte */
        snprintf(name, sizeof(name), "%s_line_ratio", prefix);
        bench_print(name, 100.0 * (double)size / took / ((double)baud / 10.0), "%");
    }
    snprintf(name, sizeof(name), "%s_cpu_per_mb", prefix);
    bench_print(name, cpu * 1000.0 / ((double)size / 1e6), "ms/MB");
}

void bench_upload(bool quick)
{
    static const struct {
        uint32_t baud;
        size_t size; /* a few seconds each at the line's rate */
    } lines[] = {{115200, 64 * 1024}, {921600, 384 * 1024}, {0, 16 * 1024 * 1024}};
    size_t max = 16 * 1024 * 1024;
    uint8_t *data = malloc(max);
    uint32_t x = 2463534242u;

    if (!data)
        return;
    for (size_t i = 0; i < max; i++) { /* xorshift: bytes that do not compress */
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (uint8_t)x;
    }
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        size_t size = quick ? lines[i].size / 4 : lines[i].size;

        bench_upload_measure(lines[i].baud, true, data, size);
        bench_upload_measure(lines[i].baud, false, data, size);
    }
    free(data);
}
