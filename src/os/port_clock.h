/* The system's monotonic clock: the leaf of the port stack, used by the backends for
 * their write deadlines and by the session when the caller brings no clock. */
#ifndef DFOTA_PORT_CLOCK_H
#define DFOTA_PORT_CLOCK_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC (never goes back, not moved by setting the time). */
uint64_t port_clock_now_ms(void);

#endif
