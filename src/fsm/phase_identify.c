/* The identify phase: who the module is, and so which family's dialect it speaks. */
#include <stdio.h>

#include "fsm/ident.h"
#include "fsm/phases.h"
#include "fsm/settings.h"

static enum fsm_verdict identify_enter(struct fsm *m, uint64_t now)
{
    core_set_phase(&m->core, DFOTA_PHASE_PREPARING);
    (void)ident_run(m, &m->before, false, now);
    return FSM_STAY;
}

static void identify_pick_family(struct fsm *m)
{
    const struct family *f = m->set.family;
    char text[CORE_TEXT_MAX];

    if (!f)
        f = family_for_model(m->before.model, ident_version(&m->before));
    m->family_known = f != NULL;
    if (!f) {
        f = family_generic();
        if (DFOTA_WITH_TEXTS) { /* the warning's text is for the log only */
            snprintf(text, sizeof(text), "unknown model '%.40s': using the generic family's limits",
                     m->before.model[0] ? m->before.model : "?");
            core_warn(&m->core, text);
        }
    }
    settings_apply_family(m, f);
}

static enum fsm_verdict identify_done(struct fsm *m)
{
    identify_pick_family(m);
    if (m->before.model[0])
        core_emit(&m->core, DFOTA_EVENT_MODEL, -1, -1, m->before.model);
    if (!ident_unknown(&m->before))
        core_emit(&m->core, DFOTA_EVENT_VERSION, -1, -1, ident_version(&m->before));
    core_emit(&m->core, DFOTA_EVENT_FAMILY, -1, -1, m->family->name);
    return FSM_NEXT;
}

static enum fsm_verdict identify_answer(struct fsm *m, enum at_result result, int code,
                                        uint64_t now)
{
    switch (runner_on_answer(m, result, code, now)) {
    case RUNNER_DONE:
        return identify_done(m);
    case RUNNER_STOPPED:
        return FSM_DONE;
    case RUNNER_RUNNING:
        break;
    }
    return FSM_STAY;
}

static enum fsm_verdict identify_timer(struct fsm *m, enum core_timer t, uint64_t now)
{
    (void)now;
    if (t == CORE_TIMER_PAUSE)
        runner_on_pause(m);
    return FSM_STAY;
}

const struct fsm_phase phase_identify = {
    .enter = identify_enter,
    .on_line = runner_on_line,
    .on_answer = identify_answer,
    .on_timer = identify_timer,
};
