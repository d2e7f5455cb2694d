#include "fake_port.h"

#include <string.h>

#include "at/at.h"

/* Every command the engine writes is held whole until its CR. */
_Static_assert(FAKE_PORT_HELD_MAX > AT_CMD_MAX, "FAKE_PORT_HELD_MAX holds the longest command");

void fake_port_init(struct fake_port *fp)
{
    memset(fp, 0, sizeof(*fp));
    fp->present = true;
    fp->min_write_timeout_ms = UINT32_MAX;
}

uint64_t fake_port_now(void *user)
{
    return ((struct fake_port *)user)->now;
}

static void fake_port_compact(struct fake_port *fp)
{
    if (fp->in_pos == 0)
        return;
    memmove(fp->in, fp->in + fp->in_pos, fp->in_len - fp->in_pos);
    fp->in_len -= fp->in_pos;
    fp->in_pos = 0;
}

void fake_port_push_bytes(struct fake_port *fp, const void *data, size_t len)
{
    if (!fp->is_open || fp->hung_up)
        return;
    fake_port_compact(fp);
    if (len > FAKE_PORT_IN_MAX - fp->in_len)
        len = FAKE_PORT_IN_MAX - fp->in_len;
    memcpy(fp->in + fp->in_len, data, len);
    fp->in_len += len;
}

void fake_port_push(struct fake_port *fp, const char *text)
{
    fake_port_push_bytes(fp, text, strlen(text));
}

/* Keeps steps sorted by time, in the order given for equal times. */
static struct fake_step *fake_port_add_step(struct fake_port *fp, uint64_t at_ms,
                                            enum fake_step_kind kind)
{
    size_t i = fp->step_count;

    if (fp->step_count == FAKE_PORT_STEPS)
        return NULL;
    while (i > 0 && fp->steps[i - 1].at_ms > at_ms) {
        fp->steps[i] = fp->steps[i - 1];
        i--;
    }
    fp->step_count++;
    memset(&fp->steps[i], 0, sizeof(fp->steps[i]));
    fp->steps[i].at_ms = at_ms;
    fp->steps[i].kind = kind;
    return &fp->steps[i];
}

void fake_port_push_at(struct fake_port *fp, uint64_t at_ms, const char *text)
{
    struct fake_step *step = fake_port_add_step(fp, at_ms, FAKE_STEP_BYTES);
    size_t len = strlen(text);

    if (!step)
        return;
    if (len > FAKE_PORT_STEP_BYTES)
        len = FAKE_PORT_STEP_BYTES;
    memcpy(step->bytes, text, len);
    step->len = len;
}

void fake_port_hangup_at(struct fake_port *fp, uint64_t at_ms)
{
    fake_port_add_step(fp, at_ms, FAKE_STEP_HANGUP);
}

void fake_port_present_at(struct fake_port *fp, uint64_t at_ms)
{
    fake_port_add_step(fp, at_ms, FAKE_STEP_PRESENT);
}

void fake_port_clear_output(struct fake_port *fp)
{
    fp->out_len = 0;
    fp->out[0] = '\0';
}

static void fake_port_apply(struct fake_port *fp, const struct fake_step *step)
{
    switch (step->kind) {
    case FAKE_STEP_BYTES:
        fake_port_push_bytes(fp, step->bytes, step->len);
        break;
    case FAKE_STEP_HANGUP:
        fp->present = false;
        if (fp->is_open)
            fp->hung_up = true;
        break;
    case FAKE_STEP_PRESENT:
        fp->present = true;
        break;
    }
}

/* Applies every step due by now. */
static uint64_t fake_port_timer_due(const struct fake_port *fp)
{
    return fp->timer_due ? fp->timer_due(fp->timer_user) : UINT64_MAX;
}

static void fake_port_run_due(struct fake_port *fp)
{
    while (fp->step_count > 0 && fp->steps[0].at_ms <= fp->now) {
        struct fake_step step = fp->steps[0];
        memmove(fp->steps, fp->steps + 1, (fp->step_count - 1) * sizeof(fp->steps[0]));
        fp->step_count--;
        fake_port_apply(fp, &step);
    }
    if (fake_port_timer_due(fp) <= fp->now)
        fp->timer_tick(fp->timer_user);
}

/* The next time something happens on its own: a scripted step or the device's timer. */
static uint64_t fake_port_next_due(const struct fake_port *fp)
{
    uint64_t next = fake_port_timer_due(fp);

    if (fp->step_count > 0 && fp->steps[0].at_ms < next)
        next = fp->steps[0].at_ms;
    return next;
}

static int fake_open(void *ctx)
{
    struct fake_port *fp = ctx;

    fp->open_calls++;
    fake_port_run_due(fp);
    if (!fp->present)
        return DFOTA_PORT_ABSENT;
    fp->is_open = true;
    fp->hung_up = false;
    fp->in_len = fp->in_pos = 0;
    return DFOTA_PORT_OK;
}

static void fake_close(void *ctx)
{
    struct fake_port *fp = ctx;

    fp->is_open = false;
    fp->hung_up = false;
    fp->in_len = fp->in_pos = 0;
}

static void fake_port_respond(struct fake_port *fp, const char *data, size_t len)
{
    if (fp->responder)
        fp->responder(fp, data, len, fp->responder_user);
}

/* A held command goes to the responder as it is: no CR came, or the port is read. */
static void fake_port_flush_held(struct fake_port *fp)
{
    size_t n = fp->held_len;

    fp->held_len = 0;
    if (n > 0)
        fake_port_respond(fp, fp->held, n);
}

/* Whether a write is a command line without its CR ("AT..."), to be held for it. */
static bool fake_port_holds(const uint8_t *buf, size_t len)
{
    return len >= 2 && len < FAKE_PORT_HELD_MAX && (buf[0] | 0x20) == 'a' &&
           (buf[1] | 0x20) == 't' && buf[len - 1] != '\r';
}

static int fake_read(void *ctx, uint8_t *buf, size_t len)
{
    struct fake_port *fp = ctx;
    size_t avail;

    fake_port_flush_held(fp);
    if (!fp->is_open)
        return DFOTA_PORT_ERROR;
    fake_port_run_due(fp);
    avail = fp->in_len - fp->in_pos;
    if (avail == 0)
        return fp->hung_up ? DFOTA_PORT_HANGUP : 0;
    if (len > avail)
        len = avail;
    if (fp->read_chunk > 0 && len > fp->read_chunk)
        len = fp->read_chunk;
    memcpy(buf, fp->in + fp->in_pos, len);
    fp->in_pos += len;
    return (int)len;
}

static int fake_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    struct fake_port *fp = ctx;
    size_t room = FAKE_PORT_OUT_MAX - fp->out_len;

    if (timeout_ms < fp->min_write_timeout_ms)
        fp->min_write_timeout_ms = timeout_ms;
    if (!fp->is_open)
        return DFOTA_PORT_ERROR;
    if (fp->hung_up)
        return DFOTA_PORT_HANGUP;
    memcpy(fp->out + fp->out_len, buf, len < room ? len : room);
    fp->out_len += len < room ? len : room;
    fp->out[fp->out_len] = '\0';
    if (fp->held_len > 0 && len == 1 && buf[0] == '\r') {
        fp->held[fp->held_len++] = '\r';
        fake_port_flush_held(fp);
        return DFOTA_PORT_OK;
    }
    fake_port_flush_held(fp);
    if (fake_port_holds(buf, len)) {
        memcpy(fp->held, buf, len);
        fp->held_len = len;
        return DFOTA_PORT_OK;
    }
    fake_port_respond(fp, (const char *)buf, len);
    return DFOTA_PORT_OK;
}

static bool fake_port_ready(const struct fake_port *fp)
{
    if (fp->is_open)
        return fp->hung_up || fp->in_pos < fp->in_len;
    return fp->present;
}

static int fake_wait(void *ctx, uint32_t timeout_ms)
{
    struct fake_port *fp = ctx;
    uint64_t until = fp->now + timeout_ms;

    fake_port_flush_held(fp);
    fp->wait_calls++;
    fake_port_run_due(fp);
    while (!fake_port_ready(fp) && fake_port_next_due(fp) <= until) {
        fp->now = fake_port_next_due(fp);
        fake_port_run_due(fp);
    }
    if (!fake_port_ready(fp)) {
        fp->now = until;
        return DFOTA_PORT_TIMEOUT;
    }
    if (fp->is_open && fp->hung_up && fp->in_pos == fp->in_len)
        return DFOTA_PORT_HANGUP;
    return DFOTA_PORT_READY;
}

const struct dfota_port_ops fake_port_ops = {
    .open = fake_open,
    .close = fake_close,
    .read = fake_read,
    .write = fake_write,
    .wait = fake_wait,
    .fd = NULL,
};
