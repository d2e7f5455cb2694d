/* dfota-sim: --baud-pace. Each direction of the port is a line that carries one byte
 * per 10 bit times (start, 8 data, stop). Bytes wait until the line would have carried
 * them; a line kept busy keeps its schedule, so the sleeps' rounding does not add up. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sim.h"

#include <time.h>

#define PACE_SLACK_US 20000 /* a line idle longer than this starts afresh */

static uint64_t pace_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void sim_pace(struct sim *s, uint64_t *due_us, size_t bytes)
{
    uint32_t baud = s->o.ufs.baud_pace;
    uint64_t now, wait;

    if (baud == 0 || bytes == 0)
        return;
    now = pace_now_us();
    if (*due_us + PACE_SLACK_US < now)
        *due_us = now;
    *due_us += (uint64_t)bytes * 10u * 1000000u / baud;
    while ((now = pace_now_us()) < *due_us && !sim_should_stop(s)) {
        wait = *due_us - now;
        if (wait >= 2000) {
            (void)sim_poll(s, NULL, 0, (uint32_t)(wait / 1000 - 1));
        } else {
            /* below a millisecond: a short bounded sleep (signals wait for sim_poll) */
            struct timespec ts = {0, (long)wait * 1000L};
            (void)nanosleep(&ts, NULL);
        }
    }
}
