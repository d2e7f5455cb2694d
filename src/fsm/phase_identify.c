/* The identify phase: who the module is, and so which family's dialect it speaks. */
#include <stdio.h>

#include "fsm/ident.h"
#include "fsm/phases.h"
#include "fsm/settings.h"

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

static enum fsm_verdict identify_enter(struct fsm *m, uint32_t now)
{
    (void)now;
    core_set_phase(&m->core, DFOTA_PHASE_PREPARING);
    return ident_run(m, &m->before, false, identify_done);
}

const struct fsm_phase phase_identify = {.enter = identify_enter};
