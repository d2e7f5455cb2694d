/* The verify phase: after the final reboot (or a first-URC window that ran out after the
 * update began), the module's firmware version decides. END,0 is not proof by itself: a
 * module still on the version it ran before did not upgrade; one that never answers
 * cannot be confirmed. A new version proves the upgrade even when END was lost. */
#include <stdio.h>
#include <string.h>

#include "fsm/ident.h"
#include "fsm/phases.h"

static enum fsm_verdict verify_proposed(struct fsm *m)
{
    core_finish_proposed(&m->core); /* the follow phase's, for a window that ran out */
    return FSM_DONE;
}

/* The module is back but could not be confirmed; why is given. */
static enum fsm_verdict verify_unconfirmed(struct fsm *m, int result, const char *why)
{
    char text[CORE_DONE_MAX];

    if (!m->end_ok)
        return verify_proposed(m);
    snprintf(text, sizeof(text), "the module reported success but could not be confirmed: %s", why);
    core_finish(&m->core, result, -1, text);
    return FSM_DONE;
}

/* Success; the cleanup phase then puts back what the session changed. */
static enum fsm_verdict verify_succeed(struct fsm *m, const char *text)
{
    core_finish(&m->core, DFOTA_OK, 0, text);
    return FSM_DONE;
}

static bool verify_expected(const struct fsm *m, const char *after)
{
    const char *want = m->set.expect_version;

    return !want || !want[0] || strstr(after, want) != NULL;
}

static enum fsm_verdict verify_judge(struct fsm *m)
{
    const char *before = ident_version(&m->before), *after = ident_version(&m->after);
    bool new_version = ident_differs(&m->before, &m->after);
    char text[CORE_DONE_MAX];

    if (!ident_unknown(&m->after))
        core_emit(&m->core, DFOTA_EVENT_VERSION, -1, -1, after);
    if (!m->end_ok && !new_version)
        return verify_proposed(m);
    if (ident_unknown(&m->after))
        return verify_unconfirmed(m, DFOTA_ERR_TIMEOUT, "its firmware version could not be read");
    if (!ident_unknown(&m->before) && !ident_comparable(&m->before, &m->after))
        return verify_unconfirmed(m, DFOTA_ERR_TIMEOUT,
                                  "its versions before and after were read differently");
    if (!ident_unknown(&m->before) && !new_version) {
        snprintf(text, sizeof(text), "the module reported success but still runs %s", after);
        core_finish(&m->core, DFOTA_ERR_UPDATE, -1, text);
    } else if (!verify_expected(m, after)) {
        snprintf(text, sizeof(text), "the module runs %s, not the expected %s", after,
                 m->set.expect_version);
        core_finish(&m->core, DFOTA_ERR_UPDATE, -1, text);
    } else if (!ident_unknown(&m->before)) {
        snprintf(text, sizeof(text), "upgraded %s -> %s%s", before, after,
                 m->end_ok ? "" : " (the module's END was not seen)");
        return verify_succeed(m, text);
    } else {
        snprintf(text, sizeof(text), "upgraded to %s", after);
        return verify_succeed(m, text);
    }
    return FSM_DONE;
}

/* The version after: the window for the module's first answer, then its identity. */
static enum fsm_verdict verify_start(struct fsm *m, uint32_t now)
{
    core_arm(&m->core, CORE_TIMER_VERIFY, now, m->timing.first_urc_ms);
    return ident_run(m, &m->after, true, verify_judge);
}

static enum fsm_verdict verify_enter(struct fsm *m, uint32_t now)
{
    /* The follow phase's timers are over: only the verify window counts from here. */
    core_disarm_all(&m->core);
    core_set_phase(&m->core, DFOTA_PHASE_FINAL_REBOOT);
    return verify_start(m, now);
}

static enum fsm_verdict verify_port(struct fsm *m, bool lost, uint32_t now)
{
    if (lost) {
        core_emit(&m->core, DFOTA_EVENT_PORT_LOST, -1, -1, NULL);
        core_disarm(&m->core, CORE_TIMER_VERIFY);
        core_disarm(&m->core, CORE_TIMER_PAUSE);
        core_arm(&m->core, CORE_TIMER_PORT, now, m->timing.port_ms);
        core_reopen(&m->core);
        return FSM_STAY;
    }
    core_emit(&m->core, DFOTA_EVENT_PORT_BACK, -1, -1, NULL);
    core_disarm(&m->core, CORE_TIMER_PORT);
    return verify_start(m, now);
}

static enum fsm_verdict verify_timer(struct fsm *m, enum core_timer t, uint32_t now)
{
    char why[CORE_TEXT_MAX];

    (void)now;
    switch (t) {
    case CORE_TIMER_VERIFY:
        snprintf(why, sizeof(why), "it did not answer within %u s",
                 (unsigned)(m->timing.first_urc_ms / 1000));
        return verify_unconfirmed(m, DFOTA_ERR_TIMEOUT, why);
    case CORE_TIMER_PORT:
        snprintf(why, sizeof(why), "the port did not come back within %u s",
                 (unsigned)(m->timing.port_ms / 1000));
        return verify_unconfirmed(m, DFOTA_ERR_PORT, why);
    default:
        return FSM_STAY;
    }
}

const struct fsm_phase phase_verify = {
    .enter = verify_enter,
    .on_port = verify_port,
    .on_timer = verify_timer,
};
