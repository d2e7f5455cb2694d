/* The command phase: the target against the family's limits, the family's setup
 * commands, then AT+QFOTADL in the family's form. Nothing of it reaches the module when
 * the target breaks a rule of the family. */
#include <stdio.h>
#include <string.h>

#include "fsm/phases.h"
#include "at/target.h"

static bool command_target_fits(struct fsm *m)
{
    struct target_rules rules;
    const char *one[2];
    char why[CORE_TEXT_MAX], text[CORE_DONE_MAX];

    family_target_rules(m->family, m->set.ufs_prefix, &rules, one);
    if (target_check_rules(m->target, &rules, NULL, why, sizeof(why)) == DFOTA_OK)
        return true;
    snprintf(text, sizeof(text), "%s: %s", m->family->name, why);
    core_finish(&m->core, DFOTA_ERR_INVALID, -1, text);
    return false;
}

/* The next setup command, or AT+QFOTADL when they are all sent. */
static enum fsm_verdict command_send_next(struct fsm *m)
{
    size_t count = family_setup_count(m->family);

    while (m->setup_index < count) {
        size_t i = m->setup_index++;
        if (family_setup_command(m->family, &m->set.values, i, m->target, m->local, m->cmdline,
                                 sizeof(m->cmdline))) {
            core_send(&m->core, m->cmdline, AT_RESP_NONE, NULL, m->timing.command_ms);
            return FSM_STAY;
        }
    }
    if (!family_command(m->family, &m->set.values, m->target, m->local, m->cmdline,
                        sizeof(m->cmdline))) {
        core_finish(&m->core, DFOTA_ERR_INVALID, -1, "the command does not fit the line");
        return FSM_DONE;
    }
    m->setup_index = count + 1; /* the command itself is in flight */
    core_send(&m->core, m->cmdline, AT_RESP_NONE, NULL, m->timing.command_ms);
    return FSM_STAY;
}

static bool command_in_flight(const struct fsm *m)
{
    return m->setup_index > family_setup_count(m->family);
}

static enum fsm_verdict command_enter(struct fsm *m, uint64_t now)
{
    (void)now;
    core_set_phase(&m->core, DFOTA_PHASE_PREPARING);
    if (!command_target_fits(m))
        return FSM_DONE;
    m->setup_index = 0;
    return command_send_next(m);
}

static void command_refused(struct fsm *m, const char *what, enum at_result result, int code)
{
    char text[CORE_DONE_MAX];

    if (code >= 0)
        snprintf(text, sizeof(text), "the module refused %s (%s: %d)", what, at_result_name(result),
                 code);
    else
        snprintf(text, sizeof(text), "the module refused %s (%s)", what, at_result_name(result));
    core_finish(&m->core, DFOTA_ERR_REJECTED, code, text);
}

static enum fsm_verdict command_answer(struct fsm *m, enum at_result result, int code, uint64_t now)
{
    bool download = command_in_flight(m);
    char what[48];

    (void)now;
    if (result == AT_RESULT_OK)
        return download ? FSM_NEXT : command_send_next(m);
    snprintf(what, sizeof(what), "%.40s", download ? "AT+QFOTADL" : m->cmdline);
    if (result == AT_RESULT_TIMEOUT && download) {
        core_finish(&m->core, DFOTA_ERR_TIMEOUT, -1,
                    "no answer to AT+QFOTADL; the module may be upgrading anyway: "
                    "'dfota watch' can follow it");
    } else if (result == AT_RESULT_TIMEOUT) {
        char text[CORE_DONE_MAX];
        snprintf(text, sizeof(text), "no answer to %s", what);
        core_finish(&m->core, DFOTA_ERR_TIMEOUT, -1, text);
    } else {
        command_refused(m, what, result, code);
    }
    return FSM_DONE;
}

/* Once AT+QFOTADL is out, a port loss or a FOTA URC is the module at work: the follow
 * phase takes it. Before, a lost port ends the session. */
static enum fsm_verdict command_port(struct fsm *m, bool lost, uint64_t now)
{
    (void)now;
    if (!lost)
        return FSM_STAY;
    if (command_in_flight(m))
        return FSM_PASS;
    core_finish(&m->core, DFOTA_ERR_PORT, -1, "the port went away before the upgrade began");
    return FSM_DONE;
}

static enum fsm_verdict command_urc(struct fsm *m, const struct qind *urc, uint64_t now)
{
    (void)now;
    return command_in_flight(m) && urc->kind != QIND_RDY ? FSM_PASS : FSM_STAY;
}

const struct fsm_phase phase_command = {
    .enter = command_enter,
    .on_answer = command_answer,
    .on_urc = command_urc,
    .on_port = command_port,
};
