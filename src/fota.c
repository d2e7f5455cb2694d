/* The state machine's top: the plan of phases for each mode, and the one dispatcher that
 * hands each input to the phase in force and moves along the plan on its verdict. */
#include "fota.h"

#include <stdio.h>
#include <string.h>

#include "ident.h"
#include "phases.h"
#include "settings.h"

/* The plans, one phase a line: the build's choices (build_config.h) come between them. */
/* clang-format off */
static const struct fota_phase *const fota_plan_upgrade[] = {
    &phase_identify,
#if DFOTA_WITH_PREFLIGHT /* the checks before the command, in a build that has them */
    &phase_preflight,
#endif
    &phase_command,
    &phase_follow,
    &phase_verify,
};
static const struct fota_phase *const fota_plan_watch[] = {&phase_follow, &phase_verify};
static const struct fota_phase *const fota_plan_info[] = {&phase_identify};
#if DFOTA_WITH_UPLOAD
static const struct fota_phase *const fota_plan_upgrade_upload[] = {
    &phase_identify,
#if DFOTA_WITH_PREFLIGHT
    &phase_preflight,
#endif
    &phase_upload,
    &phase_command,
    &phase_follow,
    &phase_verify,
};
static const struct fota_phase *const fota_plan_upload[] = {&phase_identify, &phase_upload};
#endif
/* clang-format on */

struct fota_plan {
    const struct fota_phase *const *phases;
    size_t len;
};

#define FOTA_PLAN(p)                                                                               \
    {                                                                                              \
        p, sizeof(p) / sizeof(p[0])                                                                \
    }

static struct fota_plan fota_plan_of(enum fota_mode mode)
{
    static const struct fota_plan plans[] = {
        [FOTA_MODE_UPGRADE] = FOTA_PLAN(fota_plan_upgrade),
        [FOTA_MODE_WATCH] = FOTA_PLAN(fota_plan_watch),
        [FOTA_MODE_INFO] = FOTA_PLAN(fota_plan_info),
#if DFOTA_WITH_UPLOAD
        [FOTA_MODE_UPGRADE_UPLOAD] = FOTA_PLAN(fota_plan_upgrade_upload),
        [FOTA_MODE_UPLOAD] = FOTA_PLAN(fota_plan_upload),
#endif
    };

    return plans[mode];
}

void fota_init(struct fota *m, const struct fota_settings *settings)
{
    memset(m, 0, sizeof(*m));
    machine_init(&m->core);
    m->set = *settings;
    settings_apply_family(m, settings->family ? settings->family : family_generic());
    m->family_known = settings->family != NULL;
}

static const struct fota_phase *fota_current(const struct fota *m)
{
#if DFOTA_WITH_PREFLIGHT
    if (m->cleaning)
        return &phase_cleanup;
#endif
    return m->step < m->plan_len ? m->plan[m->step] : NULL;
}

/* The plan ran to its end without a result: info's (it identifies and stops) and
 * upload's (the package is on the module) do. */
static void fota_plan_ended(struct fota *m)
{
    char text[MACHINE_DONE_MAX];

    if (m->mode == FOTA_MODE_UPLOAD)
        snprintf(text, sizeof(text), "uploaded to %.100s", m->target);
    else
        snprintf(text, sizeof(text), "%s %s",
                 m->before.model[0] ? m->before.model : "unknown model",
                 ident_unknown(&m->before) ? "unknown version" : ident_version(&m->before));
    machine_finish(&m->core, DFOTA_OK, -1, text);
}

/* A result is held for the cleanup (machine_hold): the cleanup phase takes over. */
static void fota_start_cleanup(struct fota *m, uint64_t now)
{
#if DFOTA_WITH_PREFLIGHT
    if (!machine_held(&m->core) || m->cleaning)
        return;
    m->cleaning = true;
    (void)phase_cleanup.enter(m, now);
#else
    (void)m;
    (void)now;
#endif
}

/* Moves along the plan while phases say NEXT. Returns whether a phase is in force that
 * can take an input handed over with FOTA_PASS. */
static bool fota_advance(struct fota *m, enum fota_verdict v, uint64_t now)
{
    bool takes_input = false;

    while ((v == FOTA_NEXT || v == FOTA_PASS) && !m->core.done && !machine_held(&m->core)) {
        bool pass = v == FOTA_PASS;
        if (++m->step >= m->plan_len) {
            fota_plan_ended(m);
            break;
        }
        v = fota_current(m)->enter(m, now);
        if (pass && v == FOTA_STAY) {
            takes_input = true;
            break;
        }
    }
    fota_start_cleanup(m, now);
    return takes_input && !m->cleaning;
}

void fota_begin(struct fota *m, enum fota_mode mode, const char *target, bool local,
                enum dfota_via via, uint64_t now)
{
    m->mode = mode;
    m->core.via = via;
    m->local = local;
    if (target)
        snprintf(m->target, sizeof(m->target), "%s", target);
    m->plan = fota_plan_of(mode).phases;
    m->plan_len = fota_plan_of(mode).len;
    m->step = 0;
    if (mode != FOTA_MODE_WATCH) /* watch tells "waiting" first */
        machine_emit(&m->core, DFOTA_EVENT_PHASE, -1, -1, NULL);
    (void)fota_advance(m, fota_current(m)->enter(m, now), now);
}

#if DFOTA_WITH_UPLOAD
void fota_set_upload(struct fota *m, const struct fota_upload_job *job)
{
    m->job = *job;
}
#endif

void fota_on_response(struct fota *m, const char *line)
{
    const struct fota_phase *p = fota_current(m);

    if (p && !m->core.done && p->on_line)
        p->on_line(m, line);
}

void fota_on_result(struct fota *m, enum at_result result, int code, uint64_t now)
{
    const struct fota_phase *p = fota_current(m);

    if (result == AT_RESULT_HANGUP || !p || m->core.done || !p->on_answer)
        return; /* a hang-up: fota_on_port_lost() follows */
    (void)fota_advance(m, p->on_answer(m, result, code, now), now);
}

void fota_on_urc(struct fota *m, const struct qind *urc, uint64_t now)
{
    const struct fota_phase *p = fota_current(m);

    if (!p || m->core.done || !p->on_urc)
        return;
    if (fota_advance(m, p->on_urc(m, urc, now), now) && fota_current(m)->on_urc)
        (void)fota_advance(m, fota_current(m)->on_urc(m, urc, now), now);
}

static void fota_on_port(struct fota *m, bool lost, uint64_t now)
{
    const struct fota_phase *p = fota_current(m);

    if (!p || m->core.done)
        return;
    if (!p->on_port) { /* a phase before the module is at work: the session ends */
        if (lost)
            machine_finish(&m->core, DFOTA_ERR_PORT, -1,
                           "the port went away before the upgrade began");
        return;
    }
    if (fota_advance(m, p->on_port(m, lost, now), now) && fota_current(m)->on_port)
        (void)fota_advance(m, fota_current(m)->on_port(m, lost, now), now);
}

void fota_on_port_lost(struct fota *m, uint64_t now)
{
    m->port_away = true;
    fota_on_port(m, true, now);
}

void fota_on_port_back(struct fota *m, uint64_t now)
{
    m->port_away = false;
    fota_on_port(m, false, now);
}

void fota_cancel(struct fota *m, uint64_t now)
{
    machine_finish(&m->core, DFOTA_ERR_CANCELLED, -1, "cancelled");
    fota_start_cleanup(m, now);
}

bool fota_cleaning(const struct fota *m)
{
    return m->cleaning && !m->core.done;
}

void fota_on_tick(struct fota *m, uint64_t now)
{
    const struct fota_phase *cur = fota_current(m);
    enum machine_timer t;

    if (cur && !m->core.done && cur->on_tick)
        (void)fota_advance(m, cur->on_tick(m, now), now);
    while (!m->core.done && (t = machine_take_due(&m->core, now)) != MACHINE_TIMERS) {
        const struct fota_phase *p = fota_current(m);
        if (p && p->on_timer)
            (void)fota_advance(m, p->on_timer(m, t, now), now);
    }
}

uint64_t fota_deadline(const struct fota *m)
{
    return machine_deadline(&m->core);
}

bool fota_done(const struct fota *m)
{
    return m->core.done;
}

bool fota_next_output(struct fota *m, struct machine_out *out)
{
    return machine_next_output(&m->core, out);
}
