/* A malloc wrapper (linked with -Wl,--wrap=...) that counts the heap the library uses. */
#include <stddef.h>

#include "bench.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

static struct bench_heap heap; /* the bench is one thread while it counts */

void *__wrap_malloc(size_t size)
{
    heap.allocations++;
    heap.bytes += size;
    return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    heap.allocations++;
    heap.bytes += n * size;
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    heap.allocations++;
    heap.bytes += size;
    return __real_realloc(p, size);
}

void bench_heap_reset(void)
{
    heap.allocations = 0;
    heap.bytes = 0;
}

struct bench_heap bench_heap_read(void)
{
    return heap;
}
