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
    if (target_check_rules(fsm_target(m), &rules, NULL, why, sizeof(why)) == DFOTA_OK)
        return true;
    snprintf(text, sizeof(text), "%s: %s", m->family->name, why);
    core_finish(&m->core, DFOTA_ERR_INVALID, -1, text);
    return false;
}

/* The family's setup command runner_index(), skipped when it keeps a value of 0. One
 * that does not fit ends the session: AT+QFOTADL must not go without it. */
static enum runner_build command_build_setup(struct fsm *m, const struct runner_row *row, char *out,
                                             size_t size)
{
    unsigned i = runner_index(m);

    (void)row;
    if (i >= family_setup_count(m->family))
        return RUNNER_SKIP;
    switch (
        family_setup_command(m->family, &m->set.values, i, fsm_target(m), m->local, out, size)) {
    case FAMILY_SETUP_WRITTEN:
        return RUNNER_BUILT;
    case FAMILY_SETUP_SKIP:
        return RUNNER_SKIP;
    case FAMILY_SETUP_TOO_LONG:
        break;
    }
    core_finish(&m->core, DFOTA_ERR_INVALID, -1, "a setup command is too long");
    return RUNNER_FAILED;
}

/* The longest AT+QFOTADL fits, so building it cannot fail: the head goes into the short
 * commands' room before the target, the tail into the line after the longest target,
 * and the whole into the AT engine's command. */
#define COMMAND_TAIL_ROOM sizeof(((struct family_command_parts *)0)->tail)
_Static_assert(FAMILY_COMMAND_HEAD_MAX <= FSM_SHORT_MAX, "the head fits before the target");
_Static_assert(COMMAND_TAIL_ROOM <= FSM_CMDLINE_MAX - FSM_TARGET_MAX + 1, "the tail fits after it");
_Static_assert(FAMILY_COMMAND_HEAD_MAX + FSM_TARGET_MAX + COMMAND_TAIL_ROOM - 1 <= AT_CMD_MAX,
               "the engine takes the longest command");

/* AT+QFOTADL, built around the target where it lies (fsm.h): the family's head just
 * before the target's part, the tail just after it. The target's bytes stay where they
 * are, so what points into them (the session's secret, to hide the password in the
 * echo) stays right; the target itself is not needed after this. */
static enum runner_build command_build_download(struct fsm *m, const struct runner_row *row,
                                                char *out, size_t size)
{
    char *target = fsm_target(m), *start = m->line;
    struct family_command_parts parts;
    size_t head;

    (void)row;
    (void)out; /* the line's start, with the short commands' room: this one has it all */
    (void)size;
    family_command_parts(m->family, &m->set.values, target, m->local, &parts);
    head = strlen(parts.head);
    if (parts.body_len > 0) /* the body is the target or its end; the head fits before it */
        start = target + (parts.body - target) - head;
    memcpy(start, parts.head, head);
    memcpy(start + head + parts.body_len, parts.tail, strlen(parts.tail) + 1);
    m->run.text = start;
    return RUNNER_BUILT;
}

static enum runner_verdict command_judge(struct fsm *m, enum at_result r, int code, bool last);

/* The family's setup commands (FAMILY_SETUP_MAX, and the local package's path), then
 * AT+QFOTADL in the family's form. */
static const struct runner_row command_rows[] = {
    {.count = FAMILY_SETUP_MAX + 1, .build = command_build_setup, .judge = command_judge},
    {.build = command_build_download, .judge = command_judge},
};

#define COMMAND_DOWNLOAD_ROW (&command_rows[1])

static bool command_in_flight(const struct fsm *m)
{
    return runner_current(m) == COMMAND_DOWNLOAD_ROW;
}

static enum fsm_verdict command_enter(struct fsm *m, uint32_t now)
{
    (void)now;
    core_set_phase(&m->core, DFOTA_PHASE_PREPARING);
    if (!command_target_fits(m))
        return FSM_DONE;
    return runner_start(m, command_rows, sizeof(command_rows) / sizeof(command_rows[0]), NULL);
}

/* what: a command, of which a refusal names the first 40 bytes. */
static void command_refused(struct fsm *m, const char *what, enum at_result result, int code)
{
    char text[CORE_DONE_MAX];

    if (code >= 0)
        snprintf(text, sizeof(text), "the module refused %.40s (%s: %d)", what,
                 at_result_name(result), code);
    else
        snprintf(text, sizeof(text), "the module refused %.40s (%s)", what, at_result_name(result));
    core_finish(&m->core, DFOTA_ERR_REJECTED, code, text);
}

static enum runner_verdict command_judge(struct fsm *m, enum at_result result, int code, bool last)
{
    bool download = command_in_flight(m);
    const char *what = download ? "AT+QFOTADL" : m->run.text;
    char text[CORE_DONE_MAX];

    (void)last;
    if (result == AT_RESULT_OK)
        return RUNNER_GO;
    if (result == AT_RESULT_TIMEOUT && download) {
        core_finish(&m->core, DFOTA_ERR_TIMEOUT, -1,
                    "no answer to AT+QFOTADL; the module may be upgrading anyway: "
                    "'dfota watch' can follow it");
    } else if (result == AT_RESULT_TIMEOUT) {
        snprintf(text, sizeof(text), "no answer to %.40s", what);
        core_finish(&m->core, DFOTA_ERR_TIMEOUT, -1, text);
    } else {
        command_refused(m, what, result, code);
    }
    return RUNNER_STOP;
}

/* Once AT+QFOTADL is out, a port loss or a FOTA URC is the module at work: the follow
 * phase takes it. Before, a lost port ends the session. */
static enum fsm_verdict command_port(struct fsm *m, bool lost, uint32_t now)
{
    (void)now;
    if (!lost)
        return FSM_STAY;
    if (command_in_flight(m))
        return FSM_PASS;
    core_finish(&m->core, DFOTA_ERR_PORT, -1, "the port went away before the upgrade began");
    return FSM_DONE;
}

static enum fsm_verdict command_urc(struct fsm *m, const struct qind *urc, uint32_t now)
{
    (void)now;
    return command_in_flight(m) && urc->kind != QIND_RDY ? FSM_PASS : FSM_STAY;
}

const struct fsm_phase phase_command = {
    .enter = command_enter,
    .on_urc = command_urc,
    .on_port = command_port,
};
