/* The cleanup phase: after every ending the module can still hear (success, a failure,
 * a cancel, a port that went and came back), it puts back what the session changed on
 * the module: the URC port, which the checks routed to dfota's port. It never changes
 * the result it was given: the core holds it (machine_hold) until this phase releases it. */
#include <stdio.h>

#include "phases.h"

/* Only a build with the checks routes the URCs, and so has something to put back. */
#if DFOTA_WITH_PREFLIGHT
static void cleanup_send(struct fota *m)
{
    snprintf(m->cmdline, sizeof(m->cmdline), "AT+QURCCFG=\"urcport\",\"%s\"", m->clean.urcport);
    machine_send(&m->core, m->cmdline, AT_RESP_NONE, NULL, m->timing.command_ms);
}

static enum fota_verdict cleanup_give(struct fota *m, const char *warning)
{
    if (warning)
        machine_warn(&m->core, warning);
    machine_release(&m->core);
    return FOTA_DONE;
}

static enum fota_verdict cleanup_enter(struct fota *m, uint64_t now)
{
    (void)now;
    if (m->port_away) /* the module cannot hear: it keeps dfota's routing */
        return cleanup_give(m, "the port is away: the URC port stays where dfota set it");
    cleanup_send(m);
    return FOTA_STAY;
}

static enum fota_verdict cleanup_answer(struct fota *m, enum at_result result, int code,
                                        uint64_t now)
{
    (void)code;
    (void)now;
    return cleanup_give(m, result == AT_RESULT_OK
                               ? NULL
                               : "could not put the URC port back; it stays where dfota set it");
}

/* The module may reboot on the command (or be rebooting): put it back once it is back. */
static enum fota_verdict cleanup_port(struct fota *m, bool lost, uint64_t now)
{
    if (lost) {
        machine_emit(&m->core, DFOTA_EVENT_PORT_LOST, -1, -1, NULL);
        machine_arm(&m->core, MACHINE_TIMER_PORT, now + m->timing.port_ms);
        machine_reopen(&m->core);
        return FOTA_STAY;
    }
    machine_emit(&m->core, DFOTA_EVENT_PORT_BACK, -1, -1, NULL);
    machine_disarm(&m->core, MACHINE_TIMER_PORT);
    cleanup_send(m);
    return FOTA_STAY;
}

static enum fota_verdict cleanup_timer(struct fota *m, enum machine_timer t, uint64_t now)
{
    (void)now;
    if (t != MACHINE_TIMER_PORT)
        return FOTA_STAY;
    return cleanup_give(m, "the port did not come back: the URC port stays where dfota set it");
}

const struct fota_phase phase_cleanup = {
    .enter = cleanup_enter,
    .on_answer = cleanup_answer,
    .on_port = cleanup_port,
    .on_timer = cleanup_timer,
};
#endif
