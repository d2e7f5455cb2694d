/* The cleanup phase: after every ending the module can still hear (success, a failure,
 * a cancel, a port that went and came back), it puts back what the session changed on
 * the module: the URC port, which the checks routed to dfota's port. It never changes
 * the result it was given: the core holds it (core_hold) until this phase releases it. */
#include <stdio.h>

#include "fsm/phases.h"

/* Only a build with the checks routes the URCs, and so has something to put back. */
#if DFOTA_WITH_PREFLIGHT
static enum fsm_verdict cleanup_give(struct fsm *m, const char *warning)
{
    if (warning)
        core_warn(&m->core, warning);
    core_release(&m->core);
    return FSM_DONE;
}

static enum runner_build cleanup_build(struct fsm *m, const struct runner_row *row, char *out,
                                       size_t size)
{
    (void)row;
    snprintf(out, size, PHASES_SET_URCPORT, m->clean.urcport);
    return RUNNER_BUILT;
}

static enum runner_verdict cleanup_judge(struct fsm *m, enum at_result result, int code, bool last)
{
    (void)code;
    (void)last;
    (void)cleanup_give(m, result == AT_RESULT_OK
                              ? NULL
                              : "could not put the URC port back; it stays where dfota set it");
    return RUNNER_STOP; /* the result is out */
}

static const struct runner_row cleanup_rows[] = {{.build = cleanup_build, .judge = cleanup_judge}};

static enum fsm_verdict cleanup_send(struct fsm *m)
{
    return runner_start(m, cleanup_rows, 1, NULL);
}

static enum fsm_verdict cleanup_enter(struct fsm *m, uint32_t now)
{
    if (m->port_away) /* the module cannot hear: it keeps dfota's routing */
        return cleanup_give(m, "the port is away: the URC port stays where dfota set it");
    if (m->clean.quiet_ms) { /* it still takes an upload's data: after that, not into it */
        core_arm(&m->core, CORE_TIMER_WINDOW, now, m->clean.quiet_ms);
        return FSM_STAY;
    }
    return cleanup_send(m);
}

/* The module may reboot on the command (or be rebooting): put it back once it is back. */
static enum fsm_verdict cleanup_port(struct fsm *m, bool lost, uint32_t now)
{
    if (lost) {
        core_emit(&m->core, DFOTA_EVENT_PORT_LOST, -1, -1, NULL);
        core_disarm(&m->core, CORE_TIMER_WINDOW); /* back from a reboot, it hears at once */
        core_arm(&m->core, CORE_TIMER_PORT, now, m->timing.port_ms);
        core_reopen(&m->core);
        return FSM_STAY;
    }
    core_emit(&m->core, DFOTA_EVENT_PORT_BACK, -1, -1, NULL);
    core_disarm(&m->core, CORE_TIMER_PORT);
    return cleanup_send(m);
}

static enum fsm_verdict cleanup_timer(struct fsm *m, enum core_timer t, uint32_t now)
{
    (void)now;
    if (t == CORE_TIMER_WINDOW) /* the module's own data timeout is over */
        return cleanup_send(m);
    if (t != CORE_TIMER_PORT)
        return FSM_STAY;
    return cleanup_give(m, "the port did not come back: the URC port stays where dfota set it");
}

const struct fsm_phase phase_cleanup = {
    .enter = cleanup_enter,
    .on_port = cleanup_port,
    .on_timer = cleanup_timer,
};
#endif
