/* The core under the phases: outputs, timers, the finish. */
#include "fsm/core.h"

#include <stdio.h>
#include <string.h>

void core_init(struct core *c)
{
    memset(c, 0, sizeof(*c));
    c->result = DFOTA_IN_PROGRESS;
    c->code = -1;
    for (int t = 0; t < CORE_TIMERS; t++)
        c->timer[t] = AT_NEVER;
}

static struct core_out *core_push(struct core *c, enum core_out_kind kind)
{
    struct core_out *o;

    if (c->out_count == CORE_OUT_MAX) /* cannot happen: drained after every input */
        return NULL;
    o = &c->out[(c->out_head + c->out_count) % CORE_OUT_MAX];
    c->out_count++;
    memset(o, 0, sizeof(*o));
    o->kind = kind;
    o->event.phase = c->phase;
    o->event.via = c->via;
    o->event.percent = -1;
    o->event.code = -1;
    o->event.attempt = c->attempt;
    o->event.text = "";
    o->event.check = "";
    return o;
}

bool core_next_output(struct core *c, struct core_out *out)
{
    if (c->out_count == 0)
        return false;
    *out = c->out[c->out_head];
    out->event.text = out->kind == CORE_OUT_DONE   ? c->done_text
                      : out->kind == CORE_OUT_SEND ? ""
                                                   : out->u.text;
    c->out_head = (c->out_head + 1) % CORE_OUT_MAX;
    c->out_count--;
    return true;
}

void core_emit(struct core *c, enum dfota_event_type type, int percent, int code, const char *text)
{
    struct core_out *o;

    if (c->done)
        return;
    o = core_push(c, CORE_OUT_EVENT);
    if (!o)
        return;
    o->event.type = type;
    o->event.percent = percent;
    o->event.code = code;
    snprintf(o->u.text, sizeof(o->u.text), "%s", text ? text : "");
}

void core_emit_bytes(struct core *c, enum dfota_event_type type, int percent, uint64_t bytes,
                     bool ok, const char *text)
{
    struct core_out *o = c->done ? NULL : core_push(c, CORE_OUT_EVENT);

    if (!o)
        return;
    o->event.type = type;
    o->event.percent = percent;
    o->event.bytes = bytes;
    o->event.ok = ok;
    snprintf(o->u.text, sizeof(o->u.text), "%s", text ? text : "");
}

void core_send(struct core *c, const char *text, enum at_resp resp, const char *prefix,
               uint32_t timeout_ms)
{
    struct core_out *o;

    if (c->done)
        return;
    o = core_push(c, CORE_OUT_SEND);
    if (!o)
        return;
    o->u.cmd.text = text;
    o->u.cmd.prefix = prefix;
    o->u.cmd.resp = resp;
    o->u.cmd.timeout_ms = timeout_ms;
}

void core_check(struct core *c, const char *name, int status, const char *detail)
{
    struct core_out *o = c->done ? NULL : core_push(c, CORE_OUT_EVENT);

    if (!o)
        return;
    o->event.type = DFOTA_EVENT_CHECK;
    o->event.check = name;
    o->event.status = status;
    snprintf(o->u.text, sizeof(o->u.text), "%s", detail);
}

#if DFOTA_WITH_TEXTS
void core_warn(struct core *c, const char *text)
{
    struct core_out *o = c->done ? NULL : core_push(c, CORE_OUT_WARN);

    if (o)
        snprintf(o->u.text, sizeof(o->u.text), "%s", text);
}
#endif

void core_send_cmd(struct core *c, const struct at_cmd *cmd)
{
    struct core_out *o = c->done ? NULL : core_push(c, CORE_OUT_SEND);

    if (o)
        o->u.cmd = *cmd;
}

void core_reopen(struct core *c)
{
    if (!c->done)
        (void)core_push(c, CORE_OUT_REOPEN);
}

void core_set_phase(struct core *c, enum dfota_phase phase)
{
    if (c->phase == phase || c->done)
        return;
    c->phase = phase;
    core_emit(c, DFOTA_EVENT_PHASE, -1, -1, NULL);
}

static void core_give(struct core *c)
{
    struct core_out *o;

    core_set_phase(c, DFOTA_PHASE_DONE);
    c->done = true;
    c->held = false;
    o = core_push(c, CORE_OUT_DONE);
    if (!o)
        return;
    o->event.type = DFOTA_EVENT_DONE;
    o->event.result = c->result;
    o->event.code = c->code;
}

void core_finish(struct core *c, int result, int code, const char *text)
{
    if (c->done || c->held)
        return;
    c->result = result;
    c->code = code;
    if (text != c->done_text) /* core_finish_proposed() gives the text in place */
        snprintf(c->done_text, sizeof(c->done_text), "%s", text);
    core_disarm_all(c);
    if (c->hold)
        c->held = true;
    else
        core_give(c);
}

void core_propose(struct core *c, int result, int code, const char *text)
{
    if (c->done || c->held)
        return;
    c->result = result;
    c->code = code;
    snprintf(c->done_text, sizeof(c->done_text), "%s", text);
}

void core_finish_proposed(struct core *c)
{
    core_finish(c, c->result, c->code, c->done_text);
}

void core_hold(struct core *c)
{
    c->hold = true;
}

bool core_held(const struct core *c)
{
    return c->held;
}

void core_release(struct core *c)
{
    if (c->held)
        core_give(c);
}

void core_arm(struct core *c, enum core_timer t, uint32_t now, uint32_t ms)
{
    if (!c->done)
        c->timer[t] = at_after(now, ms);
}

void core_disarm(struct core *c, enum core_timer t)
{
    c->timer[t] = AT_NEVER;
}

void core_disarm_all(struct core *c)
{
    for (int t = 0; t < CORE_TIMERS; t++)
        c->timer[t] = AT_NEVER;
}

uint32_t core_deadline(const struct core *c)
{
    uint32_t earliest = AT_NEVER;

    for (int t = 0; t < CORE_TIMERS; t++) {
        if (c->timer[t] < earliest)
            earliest = c->timer[t];
    }
    return earliest;
}

enum core_timer core_take_due(struct core *c, uint32_t now)
{
    enum core_timer due = CORE_TIMERS;

    for (int t = 0; t < CORE_TIMERS; t++) {
        if (c->timer[t] <= now && (due == CORE_TIMERS || c->timer[t] < c->timer[due]))
            due = (enum core_timer)t;
    }
    if (due != CORE_TIMERS)
        c->timer[due] = AT_NEVER;
    return due;
}
