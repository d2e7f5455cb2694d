/* Reopen latency over real pseudo-terminals, and the CPU a waiting session costs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.h"
#include "dfota.h"
#include "os/port_sys.h"

struct reboot_rig {
    char dir[64];
    char link[96];
    int reboots;
    int to_module[2];     /* "the host has closed its port: come back" */
    int to_host[2];       /* "the port is open: go away" */
    uint64_t appeared_us; /* when the new node's link appeared */
};

static int open_pty(char *name, size_t size)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);

    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
        ptsname_r(master, name, size) != 0) {
        if (master >= 0)
            close(master);
        return -1;
    }
    return master;
}

/* The module: a new pty behind the link at each reboot, then gone when told. */
static void *module_thread(void *arg)
{
    struct reboot_rig *r = arg;
    char name[64], tmp[128];
    char go;

    for (int i = 0; i < r->reboots; i++) {
        if (read(r->to_module[0], &go, 1) != 1)
            break;
        int master = open_pty(name, sizeof(name));
        snprintf(tmp, sizeof(tmp), "%s.new", r->link);
        if (master < 0 || symlink(name, tmp) != 0)
            break;
        r->appeared_us = bench_now_us();
        if (rename(tmp, r->link) != 0)
            break;
        if (read(r->to_module[0], &go, 1) != 1)
            break;
        unlink(r->link);
        close(master);
    }
    return NULL;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Waits (as the session does) until the port is open again; returns the latency. */
static double host_reopen(const struct dfota_port_ops *ops, void *ctx, struct reboot_rig *r)
{
    while (ops->open(ctx) != DFOTA_PORT_OK)
        ops->wait(ctx, 1000);
    return (double)(bench_now_us() - r->appeared_us) / 1000.0;
}

void bench_reopen(int reboots)
{
    struct reboot_rig r = {.reboots = reboots};
    struct port_sys_config pc = {.baud = 115200};
    const struct dfota_port_ops *ops;
    void *ctx;
    pthread_t module;
    double *ms = calloc((size_t)reboots, sizeof(double));

    snprintf(r.dir, sizeof(r.dir), "/tmp/dfota-bench-XXXXXX");
    if (!ms || !mkdtemp(r.dir) || pipe(r.to_module) || pipe(r.to_host))
        return;
    snprintf(r.link, sizeof(r.link), "%s/ttyUSB2", r.dir);
    pc.path = r.link;
    if (port_sys_new(&pc, &ops, &ctx, NULL, 0) != DFOTA_OK)
        return;
    ops->wait(ctx, 0); /* arms the watch, as a closed session port has */
    pthread_create(&module, NULL, module_thread, &r);
    for (int i = 0; i < reboots; i++) {
        (void)!write(r.to_module[1], "c", 1); /* closed: the module may come back */
        ms[i] = host_reopen(ops, ctx, &r);
        (void)!write(r.to_module[1], "o", 1); /* open: reboot */
        while (ops->wait(ctx, 1000) != DFOTA_PORT_HANGUP)
            ;
        ops->close(ctx);
    }
    pthread_join(module, NULL);
    port_sys_free(ctx);
    rmdir(r.dir);
    qsort(ms, (size_t)reboots, sizeof(double), compare_double);
    bench_print("reopen_median", ms[reboots / 2], "ms");
    bench_print("reopen_p90", ms[reboots * 9 / 10], "ms");
    bench_print("reopen_max", ms[reboots - 1], "ms");
    bench_print("reopen_reboots", reboots, "reboots");
    free(ms);
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* A session following a silent module (watch: it sends nothing) through its own loop. */
void bench_idle(int seconds)
{
    char name[64];
    int master = open_pty(name, sizeof(name));
    struct dfota_config cfg;
    struct dfota *s;
    uint64_t end;
    double cpu0;
    int wakeups = 0;

    dfota_config_init(&cfg);
    cfg.port = name;
    if (master < 0 || dfota_open(&s, &cfg) != DFOTA_OK || dfota_watch(s) != DFOTA_OK)
        return;
    cpu0 = cpu_seconds();
    end = bench_now_us() + (uint64_t)seconds * 1000000u;
    while (dfota_process(s) == DFOTA_IN_PROGRESS && bench_now_us() < end) {
        uint64_t left_ms = (end - bench_now_us()) / 1000 + 1;
        uint32_t t = dfota_timeout_ms(s);
        struct pollfd p = {dfota_fd(s), POLLIN, 0};
        poll(&p, 1, (int)(t < left_ms ? t : left_ms));
        wakeups++;
    }
    bench_print("idle_cpu", (cpu_seconds() - cpu0) * 1000.0, "ms");
    bench_print("idle_seconds", seconds, "s");
    bench_print("idle_wakeups", wakeups, "wakeups");
    dfota_close(s);
    close(master);
}
