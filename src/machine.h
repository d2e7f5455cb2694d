/* The core under the state machine's phases: the output queue, the phase the user sees,
 * named timers and the finish. It knows no phase and no DFOTA step; the phases call it.
 * No I/O, no clock reads: time comes in as a number. */
#ifndef DFOTA_MACHINE_H
#define DFOTA_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "at.h"
#include "dfota.h"

#define MACHINE_TEXT_MAX 96 /* an event's text: a version, a model */
#define MACHINE_DONE_MAX 200
/* The most outputs one input pushes before the session drains them is 6 (info on an
 * unknown model: the warning, model, version, family, the phase and the result: see
 * tests/unit/test_machine_queue.c); the queue keeps a margin of 2 over it. */
#define MACHINE_OUT_WORST 6
#define MACHINE_OUT_MAX (MACHINE_OUT_WORST + 2)

/* Named timers; each phase arms those it needs. The core reports the earliest. */
enum machine_timer {
    MACHINE_TIMER_WINDOW,   /* the first-URC window after a reboot */
    MACHINE_TIMER_PORT,     /* the port away at a reboot */
    MACHINE_TIMER_STALL,    /* no URC while updating */
    MACHINE_TIMER_DOWNLOAD, /* the module's download */
    MACHINE_TIMER_PAUSE,    /* between tries of a command */
    MACHINE_TIMER_VERIFY,   /* after the final reboot, for the module to answer */
    MACHINE_TIMERS,
};

enum machine_out_kind {
    MACHINE_OUT_EVENT,
    MACHINE_OUT_SEND,
    MACHINE_OUT_REOPEN,
    MACHINE_OUT_WARN, /* text: a warning for the log */
    MACHINE_OUT_DONE,
};

struct machine_out {
    enum machine_out_kind kind;
    struct dfota_event event; /* EVENT, DONE (event.result, event.code, event.text) */
    struct at_cmd cmd;        /* SEND */
    char text[MACHINE_TEXT_MAX];
};

struct machine {
    enum dfota_phase phase; /* what the user is told */
    enum dfota_via via;
    int attempt; /* carried by every event */
    bool done;
    bool hold; /* the session changed the module: a finish waits for the cleanup */
    bool held; /* a finish is waiting: result, code and done_text hold it */
    int result;
    int code;
    uint64_t timer[MACHINE_TIMERS]; /* UINT64_MAX: not armed */
    char done_text[MACHINE_DONE_MAX];
    struct machine_out out[MACHINE_OUT_MAX];
    unsigned out_head;
    unsigned out_count;
};

void machine_init(struct machine *c);

/* An event for the user; text may be NULL. */
void machine_emit(struct machine *c, enum dfota_event_type type, int percent, int code,
                  const char *text);
/* A command to send. text and prefix (the response prefix for AT_RESP_PREFIX, or NULL)
 * are not copied: they must stay valid until the output is taken. */
void machine_send(struct machine *c, const char *text, enum at_resp resp, const char *prefix,
                  uint32_t timeout_ms);
/* An event that counts bytes (the upload's). */
void machine_emit_bytes(struct machine *c, enum dfota_event_type type, int percent, uint64_t bytes,
                        bool ok, const char *text);
/* A check before the upgrade: name (static), status (enum dfota_check_status), detail. */
void machine_check(struct machine *c, const char *name, int status, const char *detail);
/* A warning for the log; a build without log lines (build_config.h) keeps none of their
 * texts. */
#if DFOTA_WITH_LOG
void machine_warn(struct machine *c, const char *text);
#else
#define machine_warn(c, text) ((void)(c))
#endif
/* A command with all its parts (a raw transfer's source too), copied as it is. */
void machine_send_cmd(struct machine *c, const struct at_cmd *cmd);
/* "Try to open the port again". */
void machine_reopen(struct machine *c);
/* Tells the user when the phase changes. */
void machine_set_phase(struct machine *c, enum dfota_phase phase);
/* The one result; later calls are ignored. Once machine_hold() was called, the first
 * call only keeps the result and stops the timers (machine_held() is then true) until
 * machine_release() gives it, so that what the session changed on the module is put
 * back whatever the ending was. */
void machine_finish(struct machine *c, int result, int code, const char *text);
/* From now on a finish waits for machine_release(). */
void machine_hold(struct machine *c);
/* Whether a finish is waiting for the cleanup. */
bool machine_held(const struct machine *c);
/* Gives the result machine_finish() kept, unchanged. */
void machine_release(struct machine *c);

void machine_arm(struct machine *c, enum machine_timer t, uint64_t at);
void machine_disarm(struct machine *c, enum machine_timer t);
/* Every timer: a phase's own begin afresh. */
void machine_disarm_all(struct machine *c);
/* The earliest armed timer's time, or UINT64_MAX. */
uint64_t machine_deadline(const struct machine *c);
/* The earliest timer due by now, disarmed, or MACHINE_TIMERS when none is. */
enum machine_timer machine_take_due(struct machine *c, uint64_t now);

/* Takes the oldest output; false when there is none. */
bool machine_next_output(struct machine *c, struct machine_out *out);

#endif
