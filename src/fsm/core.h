/* The core under the state machine's phases: the output queue, the phase the user sees,
 * named timers and the finish. It knows no phase and no DFOTA step; the phases call it.
 * No I/O, no clock reads: time comes in as a number. */
#ifndef DFOTA_MACHINE_H
#define DFOTA_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "at/at.h"
#include "dfota.h"

#define CORE_TEXT_MAX 96 /* an event's text: a version, a model */
#define CORE_DONE_MAX 200
/* The most outputs one input pushes before the session drains them is 6 (info on an
 * unknown model: the warning, model, version, family, the phase and the result: see
 * tests/unit/test_machine_queue.c); the queue keeps a margin of 2 over it. */
#define CORE_OUT_WORST 6
#define CORE_OUT_MAX (CORE_OUT_WORST + 2)

/* Named timers; each phase arms those it needs. The core reports the earliest. */
enum core_timer {
    CORE_TIMER_WINDOW,   /* the first-URC window after a reboot */
    CORE_TIMER_PORT,     /* the port away at a reboot */
    CORE_TIMER_STALL,    /* no URC while updating */
    CORE_TIMER_DOWNLOAD, /* the module's download */
    CORE_TIMER_PAUSE,    /* between tries of a command */
    CORE_TIMER_VERIFY,   /* after the final reboot, for the module to answer */
    CORE_TIMERS,
};

enum core_out_kind {
    CORE_OUT_EVENT,
    CORE_OUT_SEND,
    CORE_OUT_REOPEN,
    CORE_OUT_WARN, /* text: a warning for the log */
    CORE_OUT_DONE,
};

struct core_out {
    enum core_out_kind kind;
    struct dfota_event event; /* EVENT, DONE (event.result, event.code, event.text) */
    union {
        struct at_cmd cmd;        /* SEND */
        char text[CORE_TEXT_MAX]; /* EVENT, WARN: the text, copied */
    } u;
};

struct core {
    enum dfota_phase phase; /* what the user is told */
    enum dfota_via via;
    int attempt; /* carried by every event */
    bool done;
    bool hold; /* the session changed the module: a finish waits for the cleanup */
    bool held; /* a finish is waiting: result, code and done_text hold it */
    /* result, code and done_text: the finish's, the one held, or the one proposed */
    int result;
    int code;
    uint32_t timer[CORE_TIMERS]; /* AT_NEVER: not armed */
    char done_text[CORE_DONE_MAX];
    struct core_out out[CORE_OUT_MAX];
    unsigned out_head;
    unsigned out_count;
};

void core_init(struct core *c);

/* An event for the user; text may be NULL. */
void core_emit(struct core *c, enum dfota_event_type type, int percent, int code, const char *text);
/* A command to send. text and prefix (the response prefix for AT_RESP_PREFIX, or NULL)
 * are not copied: they must stay valid until the command's final result, for the AT
 * engine keeps pointing at them while the command is in flight (the echo is matched
 * against text, the answer lines against prefix, a timeout names text). */
void core_send(struct core *c, const char *text, enum at_resp resp, const char *prefix,
               uint32_t timeout_ms);
/* An event that counts bytes (the upload's). */
void core_emit_bytes(struct core *c, enum dfota_event_type type, int percent, uint64_t bytes,
                     bool ok, const char *text);
/* A check before the upgrade: name (static), status (enum dfota_check_status), detail. */
void core_check(struct core *c, const char *name, int status, const char *detail);
/* A warning for the log; a build without log lines (build_config.h) keeps none of their
 * texts. */
#if DFOTA_WITH_TEXTS
void core_warn(struct core *c, const char *text);
#else
#define core_warn(c, text) ((void)(c))
#endif
/* A command with all its parts (a raw transfer's source too), copied as it is. */
void core_send_cmd(struct core *c, const struct at_cmd *cmd);
/* "Try to open the port again". */
void core_reopen(struct core *c);
/* Tells the user when the phase changes. */
void core_set_phase(struct core *c, enum dfota_phase phase);
/* The one result; later calls are ignored. Once core_hold() was called, the first
 * call only keeps the result and stops the timers (core_held() is then true) until
 * core_release() gives it, so that what the session changed on the module is put
 * back whatever the ending was. */
void core_finish(struct core *c, int result, int code, const char *text);
/* A result for a later phase to give should it find none better (the first-URC window
 * ran out: the verify phase weighs that against the version). It is kept where the
 * finish keeps its own, so the phases share no copy of it: core_finish() puts another
 * in its place, core_finish_proposed() gives it. */
void core_propose(struct core *c, int result, int code, const char *text);
void core_finish_proposed(struct core *c);
/* From now on a finish waits for core_release(). */
void core_hold(struct core *c);
/* Whether a finish is waiting for the cleanup. */
bool core_held(const struct core *c);
/* Gives the result core_finish() kept, unchanged. */
void core_release(struct core *c);

/* Arms t to fire ms after now (at.h: the time, and its deadlines). */
void core_arm(struct core *c, enum core_timer t, uint32_t now, uint32_t ms);
void core_disarm(struct core *c, enum core_timer t);
/* Every timer: a phase's own begin afresh. */
void core_disarm_all(struct core *c);
/* The earliest armed timer's time, or AT_NEVER. */
uint32_t core_deadline(const struct core *c);
/* The earliest timer due by now, disarmed, or CORE_TIMERS when none is. */
enum core_timer core_take_due(struct core *c, uint32_t now);

/* Takes the oldest output; false when there is none. */
bool core_next_output(struct core *c, struct core_out *out);

#endif
