/* The dialogue runner (runner.h). */
#include "fsm/runner.h"

#include "fsm/fsm.h"

const struct runner_row *runner_current(const struct fsm *m)
{
    return m->run.row < m->run.count ? &m->run.rows[m->run.row] : NULL;
}

/* Sends the row in flight (RUNNER_SENT), or says why not. */
static enum runner_build runner_send(struct fsm *m)
{
    const struct runner_row *row = runner_current(m);
    const char *text = row->command;
    uint32_t timeout = m->timing.command_ms;

    if (!text) {
        enum runner_build b;

        m->run.text = m->line;
        b = row->build(m, row, m->line, FSM_SHORT_MAX);
        if (b != RUNNER_BUILT)
            return b; /* SENT by build itself, SKIP or FAILED */
        text = m->run.text;
    }
    if (row->timeout_ms && timeout > row->timeout_ms)
        timeout = row->timeout_ms;
    core_send(&m->core, text, (enum at_resp)row->resp, row->prefix, timeout);
    return RUNNER_SENT;
}

unsigned runner_index(const struct fsm *m)
{
    return m->run.index;
}

/* Moves to the row's next command, else to the next row. */
static void runner_step(struct fsm *m)
{
    const struct runner_row *row = runner_current(m);

    if (++m->run.index >= row->count) {
        m->run.index = 0;
        m->run.row++;
    }
}

/* The phase's verdict once no row is left. */
static enum fsm_verdict runner_over(struct fsm *m)
{
    runner_done_fn done = m->run.done;

    runner_clear(m);
    return done ? done(m) : FSM_NEXT;
}

/* From the command at m->run.row and index on: the first that applies is sent. */
static enum fsm_verdict runner_next(struct fsm *m)
{
    const struct runner_row *row;

    for (; (row = runner_current(m)) != NULL; runner_step(m)) {
        if (row->applies && !row->applies(m, row))
            continue;
        m->run.tries = 0;
        switch (runner_send(m)) {
        case RUNNER_SENT:
            return FSM_STAY;
        case RUNNER_FAILED:
            return FSM_DONE;
        default: /* RUNNER_SKIP (runner_send() never says BUILT) */
            break;
        }
    }
    return runner_over(m);
}

enum fsm_verdict runner_start(struct fsm *m, const struct runner_row *rows, size_t count,
                              runner_done_fn done)
{
    m->run.rows = rows;
    m->run.done = done;
    m->run.count = (uint8_t)count;
    m->run.row = 0;
    m->run.index = 0;
    return runner_next(m);
}

void runner_clear(struct fsm *m)
{
    m->run.count = 0;
}

void runner_on_line(struct fsm *m, const char *line)
{
    const struct runner_row *row = runner_current(m);

    if (row && row->line)
        row->line(m, line);
}

/* Whether the row may not be asked again after this answer. */
static bool runner_last_try(const struct fsm *m, const struct runner_row *row)
{
    return row->tries && m->run.tries + 1 >= row->tries;
}

enum fsm_verdict runner_on_answer(struct fsm *m, enum at_result r, int code, uint32_t now)
{
    const struct runner_row *row = runner_current(m);
    enum runner_verdict v;

    if (!row)
        return FSM_STAY;
    v = row->judge ? row->judge(m, r, code, runner_last_try(m, row)) : RUNNER_GO;
    if (v == RUNNER_STOP)
        return FSM_DONE;
    if (v == RUNNER_AGAIN) {
        m->run.tries++;
        core_arm(&m->core, CORE_TIMER_PAUSE, now, row->pause_ms);
        return FSM_STAY;
    }
    runner_step(m);
    return runner_next(m);
}

enum fsm_verdict runner_on_pause(struct fsm *m)
{
    /* A row asked again goes out as it went before, or ends the session saying why; one
     * is never asked again only to be skipped (a value left at 0 skips it the first time). */
    return runner_current(m) && runner_send(m) == RUNNER_FAILED ? FSM_DONE : FSM_STAY;
}
