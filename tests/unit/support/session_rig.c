#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_rig.h"

static void rig_append(char *buf, size_t size, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;

    if (used >= size - 1)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
}

static const char *rig_via_name(enum dfota_via via)
{
    static const char *const names[] = {"none", "ftp", "http", "https", "file"};
    return names[via];
}

static void rig_on_event(void *user, const struct dfota_event *ev)
{
    struct session_rig *r = user;
    char *t = r->trace;
    size_t n = sizeof(r->trace);

    assert_non_null(ev->text);
    switch (ev->type) {
    case DFOTA_EVENT_VERSION:
        rig_append(t, n, "VERSION:%s ", ev->text);
        break;
    case DFOTA_EVENT_MODEL:
        rig_append(t, n, "MODEL:%s ", ev->text);
        break;
    case DFOTA_EVENT_DOWNLOAD_START:
        rig_append(t, n, "DL_START:%s ", rig_via_name(ev->via));
        break;
    case DFOTA_EVENT_DOWNLOAD_PROGRESS:
        rig_append(t, n, "DL_P%d ", ev->percent);
        break;
    case DFOTA_EVENT_DOWNLOAD_END:
        rig_append(t, n, "DL_END:%d ", ev->code);
        break;
    case DFOTA_EVENT_PORT_LOST:
        rig_append(t, n, "LOST ");
        break;
    case DFOTA_EVENT_PORT_BACK:
        rig_append(t, n, "BACK ");
        break;
    case DFOTA_EVENT_UPDATE_START:
        rig_append(t, n, "START:%d ", ev->attempt);
        break;
    case DFOTA_EVENT_PROGRESS:
        rig_append(t, n, "P%d ", ev->percent);
        break;
    case DFOTA_EVENT_UPDATE_END:
        rig_append(t, n, "END:%d ", ev->code);
        break;
    case DFOTA_EVENT_RESTORE:
        rig_append(t, n, "RESTORE:%d ", ev->percent);
        break;
    case DFOTA_EVENT_INSTALL:
        rig_append(t, n, "INSTALL:%d ", ev->percent);
        break;
    case DFOTA_EVENT_CHECK:
        rig_append(r->checks, sizeof(r->checks), "%s:%s ", ev->check,
                   ev->status == DFOTA_CHECK_OK     ? "ok"
                   : ev->status == DFOTA_CHECK_WARN ? "warn"
                                                    : "fail");
        break;
    case DFOTA_EVENT_UPLOAD_PROGRESS:
        rig_append(t, n, "UP%d ", ev->percent);
        break;
    case DFOTA_EVENT_UPLOAD_END:
        rig_append(t, n, "UP_END:%llu,%s,%s ", (unsigned long long)ev->bytes, ev->text,
                   ev->ok ? "ok" : "bad");
        break;
    case DFOTA_EVENT_FAMILY:
        rig_append(t, n, "FAMILY:%s ", ev->text);
        break;
    case DFOTA_EVENT_PHASE:
        r->phase_events++;
        break;
    case DFOTA_EVENT_DONE:
        rig_append(t, n, "DONE:%d,%d", ev->result, ev->code);
        r->done_events++;
        r->done_at = r->fp.now;
        break;
    }
}

static void rig_on_log(void *user, enum dfota_log_level level, const char *text)
{
    struct session_rig *r = user;
    (void)level;
    rig_append(r->log, sizeof(r->log), "%s\n", text);
}

static uint64_t rig_now(void *user)
{
    const struct session_rig *r = user;

    return r->clock_base + r->fp.now;
}

struct session_rig *rig_create(void)
{
    struct session_rig *r = calloc(1, sizeof(*r));

    assert_non_null(r);
    fake_port_init(&r->fp);
    fake_module_init(&r->fm, &r->fp);
    dfota_config_init(&r->cfg);
    r->cfg.port_ops = &fake_port_ops;
    r->cfg.port_ctx = &r->fp;
    r->cfg.now_ms = rig_now;
    r->cfg.on_event = rig_on_event;
    r->cfg.on_log = rig_on_log;
    r->cfg.log_level = DFOTA_LOG_DEBUG;
    r->cfg.user = r;
    return r;
}

void rig_open(struct session_rig *r)
{
    assert_int_equal(dfota_open(&r->s, &r->cfg), DFOTA_OK);
}

int rig_upgrade(struct session_rig *r, const char *target)
{
    int rc;

    rig_open(r);
    assert_int_equal(dfota_start(r->s, target), DFOTA_OK);
    rc = dfota_run(r->s);
    assert_int_equal(r->done_events, 1);
    return rc;
}

void rig_destroy(struct session_rig *r)
{
    dfota_close(r->s);
    free(r);
}
