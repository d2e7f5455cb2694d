/* The public calls as a careless or unlucky caller makes them: NULL handles, an open that
 * fails and must say why, dfota_close() from inside a callback, and a module that floods
 * the session with line noise. Fake port, fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "at/at.h"
#include "build_config.h"
#include "session_rig.h"

/* Longer than the AT engine keeps: each such line is dropped with a warning. */
#define AT_NOISE_LEN (AT_LINE_MAX + 40)

#define URL "http://10.0.0.1/update.zip"
#define DROPPED "dropped a line longer than the line buffer"

/* ---- NULL everywhere ---------------------------------------------------------------- */

static void test_null_session_calls(void **state)
{
    char out[8] = "junk";

    (void)state;
    assert_int_equal(dfota_run(NULL), DFOTA_ERR_INVALID);
    assert_int_equal(dfota_process(NULL), DFOTA_ERR_INVALID);
    assert_int_equal(dfota_fd(NULL), -1);
    assert_int_equal(dfota_timeout_ms(NULL), 0);
    assert_int_equal(dfota_module_code(NULL), -1);
    assert_string_equal(dfota_error_text(NULL),
                        "no session: dfota_open() failed or was not called");
    assert_int_equal(dfota_start(NULL, URL), DFOTA_ERR_INVALID);
    assert_int_equal(dfota_watch(NULL), DFOTA_ERR_INVALID);
    assert_int_equal(dfota_info(NULL), DFOTA_ERR_INVALID);
    dfota_cancel(NULL);
    dfota_close(NULL);
    dfota_config_init(NULL);
    assert_int_equal(dfota_check_target(NULL, NULL, NULL, 0), DFOTA_ERR_INVALID);
    dfota_redact(NULL, out, sizeof(out));
    assert_string_equal(out, "");
    dfota_redact("x", NULL, 0);
}

/* ---- why dfota_open() failed -------------------------------------------------------- */

static int open_refused(void *ctx)
{
    (void)ctx;
    return DFOTA_PORT_ERROR;
}

static void test_open_msg_says_why(void **state)
{
    struct session_rig *r = rig_create();
    struct dfota_port_ops refusing = fake_port_ops;
    struct dfota *s = (struct dfota *)r; /* anything but NULL: must come back NULL */
    char msg[128];

    (void)state;
    assert_int_equal(dfota_open_msg(NULL, &r->cfg, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_string_equal(msg, "out is NULL");
    assert_int_equal(dfota_open_msg(&s, NULL, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_null(s);
    assert_string_equal(msg, "cfg is NULL");

    r->cfg.port_ops = NULL;
    assert_int_equal(dfota_open_msg(&s, &r->cfg, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_null(s);
    assert_string_equal(msg, "no port: set port, usb or port_ops");
    assert_int_equal(dfota_open(&s, &r->cfg), DFOTA_ERR_INVALID); /* the same, msg-less */

    refusing.open = open_refused;
    r->cfg.port_ops = &refusing;
    assert_int_equal(dfota_open_msg(&s, &r->cfg, msg, 12), DFOTA_ERR_PORT);
    assert_string_equal(msg, "could not o"); /* truncated to the buffer */
    assert_int_equal(dfota_open_msg(&s, &r->cfg, NULL, 0), DFOTA_ERR_PORT);

    r->cfg.port_ops = &fake_port_ops;
    assert_int_equal(dfota_open_msg(&s, &r->cfg, msg, sizeof(msg)), DFOTA_OK);
    assert_string_equal(msg, "");
    dfota_close(s);
    rig_destroy(r);
}

/* ---- dfota_close() from inside a callback -------------------------------------------- */

#define CLOSE_NEVER (-1)

struct closer {
    struct session_rig *rig;
    int close_on_event;       /* an enum dfota_event_type; CLOSE_NEVER: none */
    const char *close_on_log; /* a log line's beginning; NULL: never */
    int events_after_close;
    int logs_after_close;
    bool closed;
};

static void closer_event(void *user, const struct dfota_event *ev)
{
    struct closer *c = user;

    if (c->closed) {
        c->events_after_close++;
        return;
    }
    if ((int)ev->type == c->close_on_event) {
        c->closed = true;
        dfota_close(c->rig->s);
        dfota_close(c->rig->s); /* twice, still inside: the same deferred close */
    }
}

static void closer_log(void *user, enum dfota_log_level level, const char *text)
{
    struct closer *c = user;

    (void)level;
    if (c->closed) {
        c->logs_after_close++;
        return;
    }
    if (c->close_on_log && strncmp(text, c->close_on_log, strlen(c->close_on_log)) == 0) {
        c->closed = true;
        dfota_close(c->rig->s);
    }
}

static struct session_rig *closer_rig(struct closer *c, int on_event, const char *on_log)
{
    struct session_rig *r = rig_create();

    memset(c, 0, sizeof(*c));
    c->rig = r;
    c->close_on_event = on_event;
    c->close_on_log = on_log;
    r->cfg.on_event = closer_event;
    r->cfg.on_log = closer_log;
    r->cfg.user = c;
    r->cfg.now_ms = fake_port_now;
    r->cfg.port_ctx = &r->fp;
    return r;
}

/* The rig's own handle is gone with the close. */
static void closer_done(struct session_rig *r)
{
    r->s = NULL;
    rig_destroy(r);
}

static void script_download_and_update(struct fake_module *fm)
{
    fake_module_urc(fm, 100, QIND("HTTPSTART"));
    fake_module_urc(fm, 5000, QINDN("HTTPEND", 0));
    fake_module_reboot(fm, 5100, 3000);
    fake_module_urc(fm, 8600, QIND("START"));
    fake_module_urc(fm, 9000, QINDN("UPDATING", 50));
    fake_module_urc(fm, 9100, QINDN("END", 0));
    fake_module_reboot(fm, 9500, 4000);
}

/* Closed on the firmware version, the event just before AT+QFOTADL would be sent: the
 * command is never sent, no callback follows, dfota_run() returns CANCELLED. */
static void test_close_in_event_callback(void **state)
{
    struct closer c;
    struct session_rig *r = closer_rig(&c, DFOTA_EVENT_VERSION, NULL);

    (void)state;
    script_download_and_update(&r->fm);
    rig_open(r);
    assert_int_equal(dfota_start(r->s, URL), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_ERR_CANCELLED);
    assert_true(c.closed);
    assert_int_equal(c.events_after_close, 0);
    assert_int_equal(c.logs_after_close, 0);
    assert_null(strstr(r->fp.out, "AT+QFOTADL"));
    assert_false(r->fp.is_open);
    closer_done(r);
}

#if DFOTA_WITH_TEXTS /* log lines */
/* Closed on a URC's log line in the middle of the update, through dfota_process(). */
static void test_close_in_log_callback(void **state)
{
    struct closer c;
    struct session_rig *r = closer_rig(&c, CLOSE_NEVER, "URC UPDATING");
    int rc = DFOTA_IN_PROGRESS;
    int rounds = 0;

    (void)state;
    script_download_and_update(&r->fm);
    rig_open(r);
    assert_int_equal(dfota_start(r->s, URL), DFOTA_OK);
    while (!c.closed && rounds++ < 1000) {
        rc = dfota_process(r->s);
        assert_true(rc == DFOTA_IN_PROGRESS || c.closed);
        if (!c.closed)
            fake_port_ops.wait(&r->fp, dfota_timeout_ms(r->s));
    }
    assert_true(c.closed);
    assert_int_equal(rc, DFOTA_ERR_CANCELLED);
    assert_int_equal(c.events_after_close, 0);
    assert_int_equal(c.logs_after_close, 0);
    closer_done(r);
}
#endif

/* Closed on DONE, the usual place: dfota_run() still returns the upgrade's result. */
static void test_close_in_done_callback(void **state)
{
    struct closer c;
    struct session_rig *r = closer_rig(&c, DFOTA_EVENT_DONE, NULL);

    (void)state;
    script_download_and_update(&r->fm);
    rig_open(r);
    assert_int_equal(dfota_start(r->s, URL), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_OK);
    assert_true(c.closed);
    closer_done(r);
}

#if DFOTA_WITH_TEXTS /* log lines */
/* Closed from the log line dfota_start() itself writes: nothing at all is sent. */
static void test_close_in_start(void **state)
{
    struct closer c;
    struct session_rig *r = closer_rig(&c, CLOSE_NEVER, "upgrading from");

    (void)state;
    rig_open(r);
    assert_int_equal(dfota_start(r->s, URL), DFOTA_OK);
    assert_true(c.closed);
    assert_int_equal(r->fp.out_len, 0);
    assert_int_equal(c.events_after_close + c.logs_after_close, 0);
    closer_done(r);
}
#endif

/* ---- line noise: a repeated warning is said once, then counted ----------------------- */

#if DFOTA_WITH_TEXTS /* said in log lines */

static int count_lines(const char *log, const char *line)
{
    int n = 0;
    size_t len = strlen(line);

    for (const char *p = log; (p = strstr(p, line)) != NULL; p += len) {
        if ((p == log || p[-1] == '\n') && p[len] == '\n')
            n++;
    }
    return n;
}

/* Adds up the counts of the "repeated N more times in S s: <warning>" notes. */
static int sum_repeat_notes(const char *log, const char *warning, int *notes)
{
    int sum = 0;
    unsigned long n, secs;
    char tail[128];

    *notes = 0;
    for (const char *p = strstr(log, "repeated "); p; p = strstr(p + 1, "repeated ")) {
        if (sscanf(p, "repeated %lu more time%*[s] in %lu s: %127[^\n]", &n, &secs, tail) != 3 &&
            sscanf(p, "repeated %lu more time in %lu s: %127[^\n]", &n, &secs, tail) != 3)
            continue;
        assert_string_equal(tail, warning);
        sum += (int)n;
        (*notes)++;
    }
    return sum;
}

/* 65 s of over-long lines, 11 a second: one warning, a count every 30 s, one at the end. */
static void test_noise_flood_rate_limited(void **state)
{
    struct session_rig *r = rig_create();
    char noise[AT_NOISE_LEN + 3];
    int fed = 0, notes = 0;

    (void)state;
    memset(noise, 'x', AT_NOISE_LEN);
    memcpy(noise + AT_NOISE_LEN, "\r\n", 3);
    r->cfg.log_level = DFOTA_LOG_WARN;
    rig_open(r);
    assert_int_equal(dfota_watch(r->s), DFOTA_OK);
    for (uint64_t t = 0; t < 65000; t += 90) {
        r->fp.now = t;
        fake_port_push(&r->fp, noise);
        fed++;
        assert_int_equal(dfota_process(r->s), DFOTA_IN_PROGRESS);
    }
    dfota_cancel(r->s);
    assert_int_equal(dfota_process(r->s), DFOTA_ERR_CANCELLED);

    assert_int_equal(count_lines(r->log, DROPPED), 1);
    assert_int_equal(sum_repeat_notes(r->log, DROPPED, &notes) + 1, fed);
    assert_int_equal(notes, 3); /* at 30 s, at 60 s, and at the end */
    rig_destroy(r);
}

/* A count still held back is said when the session ends. */
static void test_noise_count_said_at_end(void **state)
{
    struct session_rig *r = rig_create();
    char noise[AT_NOISE_LEN + 3];
    int notes = 0;

    (void)state;
    memset(noise, 'x', AT_NOISE_LEN);
    memcpy(noise + AT_NOISE_LEN, "\r\n", 3);
    r->cfg.log_level = DFOTA_LOG_WARN;
    rig_open(r);
    assert_int_equal(dfota_watch(r->s), DFOTA_OK);
    for (int i = 0; i < 5; i++) {
        r->fp.now += 100;
        fake_port_push(&r->fp, noise);
        dfota_process(r->s);
    }
    assert_int_equal(sum_repeat_notes(r->log, DROPPED, &notes), 0);
    dfota_cancel(r->s); /* the end says the count */
    dfota_process(r->s);
    assert_int_equal(sum_repeat_notes(r->log, DROPPED, &notes), 4);
    assert_int_equal(notes, 1);
    assert_int_equal(count_lines(r->log, DROPPED), 1);
    rig_destroy(r);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_session_calls),
        cmocka_unit_test(test_open_msg_says_why),
        cmocka_unit_test(test_close_in_event_callback),
#if DFOTA_WITH_TEXTS
        cmocka_unit_test(test_close_in_log_callback),
#endif
        cmocka_unit_test(test_close_in_done_callback),
#if DFOTA_WITH_TEXTS
        cmocka_unit_test(test_close_in_start),
        cmocka_unit_test(test_noise_flood_rate_limited),
        cmocka_unit_test(test_noise_count_said_at_end),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
