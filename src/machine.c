/* The core under the phases: outputs, timers, the finish. */
#include "machine.h"

#include <stdio.h>
#include <string.h>

void machine_init(struct machine *c)
{
    memset(c, 0, sizeof(*c));
    c->result = DFOTA_IN_PROGRESS;
    c->code = -1;
    for (int t = 0; t < MACHINE_TIMERS; t++)
        c->timer[t] = UINT64_MAX;
}

static struct machine_out *machine_push(struct machine *c, enum machine_out_kind kind)
{
    struct machine_out *o;

    if (c->out_count == MACHINE_OUT_MAX) /* cannot happen: drained after every input */
        return NULL;
    o = &c->out[(c->out_head + c->out_count) % MACHINE_OUT_MAX];
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

bool machine_next_output(struct machine *c, struct machine_out *out)
{
    if (c->out_count == 0)
        return false;
    *out = c->out[c->out_head];
    out->event.text = out->kind == MACHINE_OUT_DONE ? c->done_text : out->text;
    c->out_head = (c->out_head + 1) % MACHINE_OUT_MAX;
    c->out_count--;
    return true;
}

void machine_emit(struct machine *c, enum dfota_event_type type, int percent, int code,
                  const char *text)
{
    struct machine_out *o;

    if (c->done)
        return;
    o = machine_push(c, MACHINE_OUT_EVENT);
    if (!o)
        return;
    o->event.type = type;
    o->event.percent = percent;
    o->event.code = code;
    snprintf(o->text, sizeof(o->text), "%s", text ? text : "");
}

void machine_emit_bytes(struct machine *c, enum dfota_event_type type, int percent, uint64_t bytes,
                        bool ok, const char *text)
{
    struct machine_out *o = c->done ? NULL : machine_push(c, MACHINE_OUT_EVENT);

    if (!o)
        return;
    o->event.type = type;
    o->event.percent = percent;
    o->event.bytes = bytes;
    o->event.ok = ok;
    snprintf(o->text, sizeof(o->text), "%s", text ? text : "");
}

void machine_send(struct machine *c, const char *text, enum at_resp resp, const char *prefix,
                  uint32_t timeout_ms)
{
    struct machine_out *o;

    if (c->done)
        return;
    o = machine_push(c, MACHINE_OUT_SEND);
    if (!o)
        return;
    o->cmd.text = text;
    o->cmd.prefix = prefix;
    o->cmd.resp = resp;
    o->cmd.timeout_ms = timeout_ms;
}

void machine_check(struct machine *c, const char *name, int status, const char *detail)
{
    struct machine_out *o = c->done ? NULL : machine_push(c, MACHINE_OUT_EVENT);

    if (!o)
        return;
    o->event.type = DFOTA_EVENT_CHECK;
    o->event.check = name;
    o->event.status = status;
    snprintf(o->text, sizeof(o->text), "%s", detail);
}

#if DFOTA_WITH_LOG
void machine_warn(struct machine *c, const char *text)
{
    struct machine_out *o = c->done ? NULL : machine_push(c, MACHINE_OUT_WARN);

    if (o)
        snprintf(o->text, sizeof(o->text), "%s", text);
}
#endif

void machine_send_cmd(struct machine *c, const struct at_cmd *cmd)
{
    struct machine_out *o = c->done ? NULL : machine_push(c, MACHINE_OUT_SEND);

    if (o)
        o->cmd = *cmd;
}

void machine_reopen(struct machine *c)
{
    if (!c->done)
        (void)machine_push(c, MACHINE_OUT_REOPEN);
}

void machine_set_phase(struct machine *c, enum dfota_phase phase)
{
    if (c->phase == phase || c->done)
        return;
    c->phase = phase;
    machine_emit(c, DFOTA_EVENT_PHASE, -1, -1, NULL);
}

static void machine_give(struct machine *c)
{
    struct machine_out *o;

    machine_set_phase(c, DFOTA_PHASE_DONE);
    c->done = true;
    c->held = false;
    o = machine_push(c, MACHINE_OUT_DONE);
    if (!o)
        return;
    o->event.type = DFOTA_EVENT_DONE;
    o->event.result = c->result;
    o->event.code = c->code;
}

void machine_finish(struct machine *c, int result, int code, const char *text)
{
    if (c->done || c->held)
        return;
    c->result = result;
    c->code = code;
    snprintf(c->done_text, sizeof(c->done_text), "%s", text);
    machine_disarm_all(c);
    if (c->hold)
        c->held = true;
    else
        machine_give(c);
}

void machine_hold(struct machine *c)
{
    c->hold = true;
}

bool machine_held(const struct machine *c)
{
    return c->held;
}

void machine_release(struct machine *c)
{
    if (c->held)
        machine_give(c);
}

void machine_arm(struct machine *c, enum machine_timer t, uint64_t at)
{
    if (!c->done)
        c->timer[t] = at;
}

void machine_disarm(struct machine *c, enum machine_timer t)
{
    c->timer[t] = UINT64_MAX;
}

void machine_disarm_all(struct machine *c)
{
    for (int t = 0; t < MACHINE_TIMERS; t++)
        c->timer[t] = UINT64_MAX;
}

uint64_t machine_deadline(const struct machine *c)
{
    uint64_t earliest = UINT64_MAX;

    for (int t = 0; t < MACHINE_TIMERS; t++) {
        if (c->timer[t] < earliest)
            earliest = c->timer[t];
    }
    return earliest;
}

enum machine_timer machine_take_due(struct machine *c, uint64_t now)
{
    enum machine_timer due = MACHINE_TIMERS;

    for (int t = 0; t < MACHINE_TIMERS; t++) {
        if (c->timer[t] <= now && (due == MACHINE_TIMERS || c->timer[t] < c->timer[due]))
            due = (enum machine_timer)t;
    }
    if (due != MACHINE_TIMERS)
        c->timer[due] = UINT64_MAX;
    return due;
}
