/* dfota-bench [--quick] [parse|reopen|idle|footprint|upload ...]: prints the figures the
 * tests/bench/README.md shows. dfota-bench check: checks the parse stream (a test),
 * exit 1 if it is not the stream it claims to be. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"

void bench_print(const char *name, double value, const char *unit)
{
    printf("%s %.3f %s\n", name, value, unit);
    fflush(stdout);
}

uint64_t bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Runs the named sections (parse, reopen, idle, footprint, upload), or all of them. */
static int wanted(int argc, char **argv, const char *section)
{
    int named = 0;

    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        named = 1;
        if (strcmp(argv[i], section) == 0)
            return 1;
    }
    return !named;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;

    if (argc == 2 && strcmp(argv[1], "check") == 0)
        return bench_stream_check(1) == 0 ? 0 : 1;

    if (wanted(argc, argv, "parse"))
        bench_parse(quick ? 8 : 64);
    if (wanted(argc, argv, "reopen"))
        bench_reopen(quick ? 10 : 100);
    if (wanted(argc, argv, "idle"))
        bench_idle(quick ? 2 : 30);
    if (wanted(argc, argv, "footprint")) {
        bench_footprint();
        bench_code_size(DFOTA_BENCH_CORE_ARCHIVE);
    }
    if (wanted(argc, argv, "upload"))
        bench_upload(quick);
    return 0;
}
