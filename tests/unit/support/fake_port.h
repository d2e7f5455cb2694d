/* An in-memory port for the unit tests: scripted input on a fake clock, captured output,
 * hang-up and return on demand. wait() advances the fake clock to the next scripted step
 * (or by the whole timeout), so a test walks through minutes in microseconds. */
#ifndef DFOTA_FAKE_PORT_H
#define DFOTA_FAKE_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfota.h"

#define FAKE_PORT_STEPS 256
#define FAKE_PORT_IN_MAX 8192
#define FAKE_PORT_OUT_MAX 16384
#define FAKE_PORT_STEP_BYTES 256

enum fake_step_kind { FAKE_STEP_BYTES, FAKE_STEP_HANGUP, FAKE_STEP_PRESENT };

struct fake_step {
    uint64_t at_ms;
    enum fake_step_kind kind;
    char bytes[FAKE_PORT_STEP_BYTES];
    size_t len;
};

struct fake_port;
/* Called with each write (a whole command line or raw block); may push input. */
typedef void (*fake_responder)(struct fake_port *fp, const char *data, size_t len, void *user);

#define FAKE_PORT_HELD_MAX                                                                         \
    4096 /* above the longest command of any build (DFOTA_URL_MAX <= 4000)                         \
          */

struct fake_port {
    uint64_t now;
    struct fake_step steps[FAKE_PORT_STEPS];
    size_t step_count;
    uint8_t in[FAKE_PORT_IN_MAX];
    size_t in_len;
    size_t in_pos;
    size_t read_chunk; /* most bytes one read() returns; 0: all */
    bool present;
    bool is_open;
    bool hung_up;
    char out[FAKE_PORT_OUT_MAX + 1];
    size_t out_len;
    int open_calls;
    int wait_calls;
    uint32_t min_write_timeout_ms; /* the shortest timeout a write was given; UINT32_MAX: none */
    fake_responder responder;
    void *responder_user;
    /* Optional: a fake device's own timer (the module's data timeout of an upload):
     * wait() wakes at timer_due() (UINT64_MAX: none) as at a scripted step, and calls
     * timer_tick() once that time has come. */
    uint64_t (*timer_due)(void *user);
    void (*timer_tick)(void *user);
    void *timer_user;
    /* A command written without its CR, held until the CR comes (the AT engine writes
     * them apart), so that the responder hears one line as a module reads it. */
    char held[FAKE_PORT_HELD_MAX];
    size_t held_len;
};

extern const struct dfota_port_ops fake_port_ops;

/* A present, closed port at time 0 with nothing scripted. */
void fake_port_init(struct fake_port *fp);
/* Input available at once (if the port is open; bytes sent to a closed port are lost). */
void fake_port_push(struct fake_port *fp, const char *text);
void fake_port_push_bytes(struct fake_port *fp, const void *data, size_t len);
/* Input arriving at a given time. */
void fake_port_push_at(struct fake_port *fp, uint64_t at_ms, const char *text);
/* The device vanishes at at_ms (reads see hang-up; open() sees ABSENT). */
void fake_port_hangup_at(struct fake_port *fp, uint64_t at_ms);
/* The device is back at at_ms. */
void fake_port_present_at(struct fake_port *fp, uint64_t at_ms);
/* Clears the captured output. */
void fake_port_clear_output(struct fake_port *fp);
/* The fake clock, as struct dfota_config's now_ms (user = the fake_port). */
uint64_t fake_port_now(void *user);

#endif
