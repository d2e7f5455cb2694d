/* The one dialogue runner: every exchange before the download is rows of it, as Zephyr's
 * modem_chat scripts are. A row is a command (written out, or built into the machine's
 * command line), the kind of answer and the prefix it reads, its timeout, how often and
 * how long it is asked again and the pause between, whether it applies, the handler that
 * keeps what an answer line says and the judge that turns the answer into a verdict.
 * Identification, the checks, a family's setup commands, the upload's file commands and
 * AT+QFUPL, AT+QFOTADL itself and putting the URC port back are such rows (ident.c,
 * phase_*.c). The runner owns the one pause timer (CORE_TIMER_PAUSE). No I/O: it sends
 * through the core. */
#ifndef DFOTA_RUNNER_H
#define DFOTA_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "at/at.h"

struct fsm;

/* What a phase says after an input: stay; done with it (on to the next phase); the
 * session is finished; or the input is not this phase's any more: on to the next phase,
 * which is handed the same input. Here because a dialogue's end is a phase's verdict. */
enum fsm_verdict { FSM_STAY, FSM_NEXT, FSM_DONE, FSM_PASS };

/* What a judge makes of an answer. */
enum runner_verdict {
    RUNNER_GO,    /* on to the next row */
    RUNNER_AGAIN, /* ask the same row again after its pause (never given when last) */
    RUNNER_STOP,  /* the dialogue ends here; the judge has said why (core_finish) */
};

/* What a row's build did; RUNNER_SENT is also the runner's word for any row that went
 * out. SENT and FAILED have the values of FSM_STAY and FSM_DONE, which they become: the
 * compiler hands them on as they are. */
enum runner_build { RUNNER_SENT, RUNNER_SKIP, RUNNER_FAILED, RUNNER_BUILT };

struct runner_row {
    const char *command; /* NULL: build() writes it into the machine's command line */
    const char *prefix;  /* of the answer lines, for AT_RESP_PREFIX */
    uint16_t timeout_ms; /* the longest wait for an answer; 0: the session's command timeout */
    uint16_t pause_ms;   /* before it is asked again */
    uint8_t tries;       /* asked at most this often, pause_ms apart; 0: no count (the phase
                          * bounds it with a timer of its own) */
    uint8_t resp;        /* enum at_resp: the kind of answer */
    uint8_t arg;         /* the phase's own: which check a row is */
    uint8_t count;       /* 0 or 1: one command; n: build() writes n, runner_index() 0..n-1 */
    bool (*applies)(const struct fsm *m, const struct runner_row *row); /* NULL: always */
    /* Writes the command into out (the start of the machine's line, size bytes; one that
     * builds it elsewhere in the line points m->run.text at it): RUNNER_BUILT;
     * RUNNER_SENT: sent it itself, whole (core_send_cmd), as a raw transfer's must be,
     * with its source and a timeout of its own; RUNNER_SKIP: this row is not sent (a
     * value left at 0); RUNNER_FAILED: it cannot be written, and build has finished the
     * session saying why. */
    enum runner_build (*build)(struct fsm *m, const struct runner_row *row, char *out, size_t size);
    void (*line)(struct fsm *m, const char *line); /* each answer line; NULL: none kept */
    /* The answer; last: no try is left, so AGAIN is no verdict. NULL: always GO. */
    enum runner_verdict (*judge)(struct fsm *m, enum at_result r, int code, bool last);
};

/* What a dialogue that ran to its end means for its phase; NULL: on to the next phase. */
typedef enum fsm_verdict (*runner_done_fn)(struct fsm *m);

/* Where a dialogue stands. */
struct runner {
    const struct runner_row *rows;
    const char *text; /* the command build() wrote: the line's start, unless it says where */
    runner_done_fn done;
    uint8_t count;
    uint8_t row;   /* the row in flight */
    uint8_t index; /* which of its commands (count) */
    uint8_t tries; /* of that command so far */
};

/* Runs rows[0..count) from the first that applies. The phase's verdict: STAY while a row
 * is in flight, DONE when a row stopped the session, else done's (when no row applies). */
enum fsm_verdict runner_start(struct fsm *m, const struct runner_row *rows, size_t count,
                              runner_done_fn done);
/* No dialogue is in flight: a phase that runs none sees no answer of another's. */
void runner_clear(struct fsm *m);
/* An answer line of the row in flight. */
void runner_on_line(struct fsm *m, const char *line);
/* The answer of the row in flight, as runner_start() says; STAY when none is. */
enum fsm_verdict runner_on_answer(struct fsm *m, enum at_result r, int code, uint32_t now);
/* The pause is over (CORE_TIMER_PAUSE): the row is asked again. The phase's verdict, as
 * runner_start() gives it (a row built anew may fail or be skipped). */
enum fsm_verdict runner_on_pause(struct fsm *m);
/* The row in flight, or NULL when the dialogue is over. */
const struct runner_row *runner_current(const struct fsm *m);
/* Which of the row's commands is in flight (its count). */
unsigned runner_index(const struct fsm *m);

#endif
