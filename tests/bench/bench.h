/* dfota-bench: figures anyone can reproduce, one line each: "name value unit". */
#ifndef DFOTA_BENCH_H
#define DFOTA_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void bench_print(const char *name, double value, const char *unit);
uint64_t bench_now_us(void);

void bench_parse(size_t megabytes);
/* Checks the stream bench_parse() measures; returns the count of broken pieces. */
size_t bench_stream_check(size_t megabytes);
void bench_reopen(int reboots);
void bench_idle(int seconds);
void bench_footprint(void);
void bench_code_size(const char *core_archive);
/* The upload through dfota-sim, paced and unpaced, with and without acknowledgements. */
void bench_upload(bool quick);

/* Heap use seen by the malloc wrapper (bench_alloc.c). */
struct bench_heap {
    size_t allocations;
    size_t bytes;
};
void bench_heap_reset(void);
struct bench_heap bench_heap_read(void);

#endif
