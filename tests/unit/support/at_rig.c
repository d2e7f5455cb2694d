/* The AT engine on the fake port, for the AT engine's tests. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* rand_r */
#endif
#include "at_rig.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void at_rig_trace(struct at_rig *r, const char *tag, const char *text)
{
    size_t used = strlen(r->trace);
    snprintf(r->trace + used, sizeof(r->trace) - used, "%s:%s|", tag, text);
}

static int at_rig_write(void *user, const uint8_t *buf, size_t len)
{
    struct at_rig *r = user;
    return fake_port_ops.write(&r->fp, buf, len, 1000);
}

static void at_rig_response(void *user, const char *line)
{
    at_rig_trace(user, "R", line);
}

static void at_rig_urc(void *user, const char *line)
{
    at_rig_trace(user, "U", line);
}

static void at_rig_final(void *user, enum at_result result, int code)
{
    char text[64];
    snprintf(text, sizeof(text), "%s,%d", at_result_name(result), code);
    at_rig_trace(user, "F", text);
}

static void at_rig_log(void *user, enum dfota_log_level level, const char *text)
{
    struct at_rig *r = user;
    (void)text;
    if (level == DFOTA_LOG_WARN)
        r->warnings++;
}

struct at_rig *at_rig_new(void)
{
    struct at_rig *r = calloc(1, sizeof(*r));
    struct at_callbacks cb = {at_rig_write, at_rig_response, at_rig_final,
                              at_rig_urc,   at_rig_log,      r};

    fake_port_init(&r->fp);
    assert_int_equal(fake_port_ops.open(&r->fp), DFOTA_PORT_OK);
    at_init(&r->at, &cb);
    r->seed = 12345;
    return r;
}

/* Feeds what the fake port holds, chunk bytes at a time (0: all at once, -1: random). */
void at_rig_pump(struct at_rig *r, int chunk)
{
    uint8_t buf[4096];
    int n;

    for (;;) {
        size_t want = sizeof(buf);
        if (chunk > 0)
            want = (size_t)chunk;
        else if (chunk < 0)
            want = 1 + (size_t)(rand_r(&r->seed) % 17);
        n = fake_port_ops.read(&r->fp, buf, want);
        if (n <= 0)
            return;
        at_feed(&r->at, buf, (size_t)n, (uint32_t)r->fp.now);
    }
}

void at_rig_send(struct at_rig *r, const char *text, enum at_resp resp, const char *prefix)
{
    struct at_cmd cmd = {.text = text, .resp = resp, .prefix = prefix, .timeout_ms = 300};
    assert_int_equal(at_send(&r->at, &cmd, (uint32_t)r->fp.now), DFOTA_OK);
}
