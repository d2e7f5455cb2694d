/* The dialogue runner (runner.h). */
#include "fsm/runner.h"

#include "fsm/fsm.h"

const struct runner_row *runner_current(const struct fsm *m)
{
    return m->run.row < m->run.count ? &m->run.rows[m->run.row] : NULL;
}

/* Sends the row in flight, or says why not. */
static enum runner_build runner_send(struct fsm *m)
{
    const struct runner_row *row = runner_current(m);
    const char *text = row->command;
    uint32_t timeout = m->timing.command_ms;

    if (!text) {
        enum runner_build b = row->build(m, row, m->cmdline, sizeof(m->cmdline));
        if (b != RUNNER_BUILT)
            return b;
        text = m->cmdline;
    }
    if (row->timeout_ms && timeout > row->timeout_ms)
        timeout = row->timeout_ms;
    core_send(&m->core, text, (enum at_resp)row->resp, row->prefix, timeout);
    return RUNNER_BUILT;
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

/* From the command at m->run.row and index on: the first that applies is sent. */
static enum runner_status runner_next(struct fsm *m, uint64_t now)
{
    const struct runner_row *row;

    for (; (row = runner_current(m)) != NULL; runner_step(m)) {
        if (row->applies && !row->applies(m, row))
            continue;
        m->run.tries = 0;
        m->run.until = now + row->wait_ms;
        switch (runner_send(m)) {
        case RUNNER_BUILT:
            return RUNNER_RUNNING;
        case RUNNER_FAILED:
            return RUNNER_STOPPED;
        case RUNNER_SKIP:
            break;
        }
    }
    return RUNNER_DONE;
}

enum runner_status runner_start(struct fsm *m, const struct runner_row *rows, size_t count,
                                uint64_t now)
{
    m->run.rows = rows;
    m->run.count = (uint8_t)count;
    m->run.row = 0;
    m->run.index = 0;
    return runner_next(m, now);
}

void runner_on_line(struct fsm *m, const char *line)
{
    const struct runner_row *row = runner_current(m);

    if (row && row->line)
        row->line(m, line);
}

/* Whether the row may not be asked again after this answer. */
static bool runner_last_try(const struct fsm *m, const struct runner_row *row, uint64_t now)
{
    return (row->tries && m->run.tries + 1 >= row->tries) ||
           (row->wait_ms && now + row->pause_ms >= m->run.until);
}

enum runner_status runner_on_answer(struct fsm *m, enum at_result r, int code, uint64_t now)
{
    const struct runner_row *row = runner_current(m);
    enum runner_verdict v;

    if (!row)
        return RUNNER_DONE;
    v = row->judge ? row->judge(m, r, code, runner_last_try(m, row, now)) : RUNNER_GO;
    if (v == RUNNER_STOP)
        return RUNNER_STOPPED;
    if (v == RUNNER_AGAIN) {
        m->run.tries++;
        core_arm(&m->core, CORE_TIMER_PAUSE, now + row->pause_ms);
        return RUNNER_RUNNING;
    }
    runner_step(m);
    return runner_next(m, now);
}

void runner_on_pause(struct fsm *m)
{
    if (runner_current(m))
        (void)runner_send(m);
}
