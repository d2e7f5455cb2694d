/* The state machine's top: the plan of phases for each mode, and the one dispatcher that
 * hands each input to the phase in force and moves along the plan on its verdict. */
#include "fsm/fsm.h"

#include <stdio.h>
#include <string.h>

#include "fsm/ident.h"
#include "fsm/phases.h"
#include "fsm/settings.h"

/* The plans, one phase a line: the build's choices (build_config.h) come between them. */
/* clang-format off */
static const struct fsm_phase *const fsm_plan_upgrade[] = {
    &phase_identify,
#if DFOTA_WITH_PREFLIGHT /* the checks before the command, in a build that has them */
    &phase_preflight,
#endif
    &phase_command,
    &phase_follow,
    &phase_verify,
};
static const struct fsm_phase *const fsm_plan_watch[] = {&phase_follow, &phase_verify};
static const struct fsm_phase *const fsm_plan_info[] = {&phase_identify};
#if DFOTA_WITH_UPLOAD
static const struct fsm_phase *const fsm_plan_upgrade_upload[] = {
    &phase_identify,
#if DFOTA_WITH_PREFLIGHT
    &phase_preflight,
#endif
    &phase_upload,
    &phase_command,
    &phase_follow,
    &phase_verify,
};
static const struct fsm_phase *const fsm_plan_upload[] = {&phase_identify, &phase_upload};
#endif
/* clang-format on */

struct fsm_plan {
    const struct fsm_phase *const *phases;
    size_t len;
};

#define FSM_PLAN(p)                                                                                \
    {                                                                                              \
        p, sizeof(p) / sizeof(p[0])                                                                \
    }

static struct fsm_plan fsm_plan_of(enum fsm_mode mode)
{
    static const struct fsm_plan plans[] = {
        [FSM_MODE_UPGRADE] = FSM_PLAN(fsm_plan_upgrade),
        [FSM_MODE_WATCH] = FSM_PLAN(fsm_plan_watch),
        [FSM_MODE_INFO] = FSM_PLAN(fsm_plan_info),
#if DFOTA_WITH_UPLOAD
        [FSM_MODE_UPGRADE_UPLOAD] = FSM_PLAN(fsm_plan_upgrade_upload),
        [FSM_MODE_UPLOAD] = FSM_PLAN(fsm_plan_upload),
#endif
    };

    return plans[mode];
}

void fsm_init(struct fsm *m, const struct fsm_settings *settings)
{
    memset(m, 0, sizeof(*m));
    core_init(&m->core);
    m->set = *settings;
    settings_apply_family(m, settings->family ? settings->family : family_generic());
    m->family_known = settings->family != NULL;
}

static const struct fsm_phase *fsm_current(const struct fsm *m)
{
#if DFOTA_WITH_PREFLIGHT
    if (m->cleaning)
        return &phase_cleanup;
#endif
    return m->step < m->plan_len ? m->plan[m->step] : NULL;
}

/* The plan ran to its end without a result: info's (it identifies and stops) and
 * upload's (the package is on the module) do. */
static void fsm_plan_ended(struct fsm *m)
{
    char text[CORE_DONE_MAX];

    if (m->mode == FSM_MODE_UPLOAD)
        snprintf(text, sizeof(text), "uploaded to %.100s", fsm_target(m));
    else
        snprintf(text, sizeof(text), "%s %s",
                 m->before.model[0] ? m->before.model : "unknown model",
                 ident_unknown(&m->before) ? "unknown version" : ident_version(&m->before));
    core_finish(&m->core, DFOTA_OK, -1, text);
}

/* A result is held for the cleanup (core_hold): the cleanup phase takes over. */
static void fsm_start_cleanup(struct fsm *m, uint32_t now)
{
#if DFOTA_WITH_PREFLIGHT
    if (!core_held(&m->core) || m->cleaning)
        return;
    m->cleaning = true;
    runner_clear(m);
    (void)phase_cleanup.enter(m, now);
#else
    (void)m;
    (void)now;
#endif
}

/* Moves along the plan while phases say NEXT. Returns whether a phase is in force that
 * can take an input handed over with FSM_PASS. */
static bool fsm_advance(struct fsm *m, enum fsm_verdict v, uint32_t now)
{
    bool takes_input = false;

    while ((v == FSM_NEXT || v == FSM_PASS) && !m->core.done && !core_held(&m->core)) {
        bool pass = v == FSM_PASS;
        if (++m->step >= m->plan_len) {
            fsm_plan_ended(m);
            break;
        }
        runner_clear(m);
        v = fsm_current(m)->enter(m, now);
        if (pass && v == FSM_STAY) {
            takes_input = true;
            break;
        }
    }
    fsm_start_cleanup(m, now);
    return takes_input && !m->cleaning;
}

void fsm_begin(struct fsm *m, enum fsm_mode mode, const char *target, bool local,
               enum dfota_via via, uint32_t now)
{
    m->mode = mode;
    m->core.via = via;
    m->local = local;
    if (target)
        snprintf(fsm_target(m), FSM_TARGET_MAX + 1, "%s", target);
    m->plan = fsm_plan_of(mode).phases;
    m->plan_len = fsm_plan_of(mode).len;
    m->step = 0;
    if (mode != FSM_MODE_WATCH) /* watch tells "waiting" first */
        core_emit(&m->core, DFOTA_EVENT_PHASE, -1, -1, NULL);
    (void)fsm_advance(m, fsm_current(m)->enter(m, now), now);
}

#if DFOTA_WITH_UPLOAD
void fsm_set_upload(struct fsm *m, const struct fsm_upload_job *job)
{
    m->job = *job;
}
#endif

void fsm_on_response(struct fsm *m, const char *line)
{
    const struct fsm_phase *p = fsm_current(m);

    if (!p || m->core.done)
        return;
    if (p->on_line)
        p->on_line(m, line);
    else
        runner_on_line(m, line);
}

void fsm_on_result(struct fsm *m, enum at_result result, int code, uint32_t now)
{
    const struct fsm_phase *p = fsm_current(m);

    if (result == AT_RESULT_HANGUP || !p || m->core.done)
        return; /* a hang-up: fsm_on_port_lost() follows */
    (void)fsm_advance(m,
                      p->on_answer ? p->on_answer(m, result, code, now)
                                   : runner_on_answer(m, result, code, now),
                      now);
}

void fsm_on_urc(struct fsm *m, const struct qind *urc, uint32_t now)
{
    const struct fsm_phase *p = fsm_current(m);

    if (!p || m->core.done || !p->on_urc)
        return;
    if (fsm_advance(m, p->on_urc(m, urc, now), now) && fsm_current(m)->on_urc)
        (void)fsm_advance(m, fsm_current(m)->on_urc(m, urc, now), now);
}

static void fsm_on_port(struct fsm *m, bool lost, uint32_t now)
{
    const struct fsm_phase *p = fsm_current(m);

    if (!p || m->core.done)
        return;
    if (!p->on_port) { /* a phase before the module is at work: the session ends */
        if (lost)
            core_finish(&m->core, DFOTA_ERR_PORT, -1,
                        "the port went away before the upgrade began");
        return;
    }
    if (fsm_advance(m, p->on_port(m, lost, now), now) && fsm_current(m)->on_port)
        (void)fsm_advance(m, fsm_current(m)->on_port(m, lost, now), now);
}

void fsm_on_port_lost(struct fsm *m, uint32_t now)
{
    m->port_away = true;
    fsm_on_port(m, true, now);
}

void fsm_on_port_back(struct fsm *m, uint32_t now)
{
    m->port_away = false;
    fsm_on_port(m, false, now);
}

void fsm_cancel(struct fsm *m, uint32_t now)
{
    core_finish(&m->core, DFOTA_ERR_CANCELLED, -1, "cancelled");
    fsm_start_cleanup(m, now);
}

bool fsm_cleaning(const struct fsm *m)
{
    return m->cleaning && !m->core.done;
}

void fsm_on_tick(struct fsm *m, uint32_t now)
{
    const struct fsm_phase *cur = fsm_current(m);
    enum core_timer t;

    if (cur && !m->core.done && cur->on_tick)
        (void)fsm_advance(m, cur->on_tick(m, now), now);
    while (!m->core.done && (t = core_take_due(&m->core, now)) != CORE_TIMERS) {
        const struct fsm_phase *p = fsm_current(m);
        if (t == CORE_TIMER_PAUSE) /* the dialogue's own (runner.h) */
            (void)fsm_advance(m, runner_on_pause(m), now);
        else if (p && p->on_timer)
            (void)fsm_advance(m, p->on_timer(m, t, now), now);
    }
}

uint32_t fsm_deadline(const struct fsm *m)
{
    return core_deadline(&m->core);
}

bool fsm_done(const struct fsm *m)
{
    return m->core.done;
}

bool fsm_next_output(struct fsm *m, struct core_out *out)
{
    return core_next_output(&m->core, out);
}
