/* The state machine's plans driven directly, phase by phase, without the session and the
 * fake port: an input script in (the answers, the URCs, the port, the clock), the trace of
 * what the machine asked for and told out, compared whole. Each table row is one story a
 * module tells: END,502 then success; BG96's RESTORE on the way to END,0; a reboot in the
 * middle of UPDATING; the cleanup after every ending. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/qind.h"
#include "build_choices.h"
#include "fsm/fsm.h"

#define TRACE_MAX 8192

/* What a build without the texts (DFOTA_WITH_TEXTS=0) leaves out of a trace: the codes'
 * meanings and the warnings. */
#define MEANING_505 BUILT_MEANING(" (package version does not match this module)")
#if DFOTA_WITH_TEXTS
#define WARNED(text) "warn " text "\n"
#else
#define WARNED(text) ""
#endif

struct drive {
    struct fsm m;
    uint32_t now; /* the machine's time (at.h) */
    char trace[TRACE_MAX];
    size_t len;
};

static void drive_say(struct drive *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    d->len += (size_t)vsnprintf(d->trace + d->len, sizeof(d->trace) - d->len, fmt, ap);
    va_end(ap);
    assert_true(d->len < sizeof(d->trace));
}

static const char *drive_event_name(enum dfota_event_type type)
{
    static const char *const names[] = {
        [DFOTA_EVENT_VERSION] = "version",
        [DFOTA_EVENT_MODEL] = "model",
        [DFOTA_EVENT_DOWNLOAD_START] = "download_start",
        [DFOTA_EVENT_DOWNLOAD_PROGRESS] = "download_progress",
        [DFOTA_EVENT_DOWNLOAD_END] = "download_end",
        [DFOTA_EVENT_PORT_LOST] = "port_lost",
        [DFOTA_EVENT_PORT_BACK] = "port_back",
        [DFOTA_EVENT_UPDATE_START] = "update_start",
        [DFOTA_EVENT_PROGRESS] = "progress",
        [DFOTA_EVENT_UPDATE_END] = "update_end",
        [DFOTA_EVENT_RESTORE] = "restore",
        [DFOTA_EVENT_PHASE] = "phase",
        [DFOTA_EVENT_DONE] = "done",
        [DFOTA_EVENT_FAMILY] = "family",
        [DFOTA_EVENT_INSTALL] = "install",
        [DFOTA_EVENT_CHECK] = "check",
        [DFOTA_EVENT_UPLOAD_PROGRESS] = "upload_progress",
        [DFOTA_EVENT_UPLOAD_END] = "upload_end",
    };

    return (size_t)type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

/* One line per output: "> AT+QGMR", "update_start attempt 1", "done 0 code 0 upgraded ...". */
static void drive_take(struct drive *d)
{
    struct core_out out;

    while (fsm_next_output(&d->m, &out)) {
        const struct dfota_event *e = &out.event;
        switch (out.kind) {
        case CORE_OUT_SEND:
            drive_say(d, "> %s\n", out.u.cmd.text);
            break;
        case CORE_OUT_REOPEN:
            drive_say(d, "reopen\n");
            break;
        case CORE_OUT_WARN:
            drive_say(d, "warn %s\n", out.u.text);
            break;
        case CORE_OUT_DONE:
            drive_say(d, "done %d code %d %s\n", e->result, e->code, e->text);
            break;
        case CORE_OUT_EVENT:
            if (e->type == DFOTA_EVENT_PHASE)
                drive_say(d, "phase %d\n", (int)e->phase);
            else if (e->type == DFOTA_EVENT_CHECK)
                drive_say(d, "check %s %d %s\n", e->check, e->status, e->text);
            else
                drive_say(d, "%s attempt %d percent %d code %d %s\n", drive_event_name(e->type),
                          e->attempt, e->percent, e->code, e->text);
            break;
        }
    }
}

/* One step of a script: "ok", "error", "cme 505", "timeout" (the pending command's
 * result), "line TEXT" (its answer line), "urc TEXT" (a +QIND line), "lost", "back" (the
 * port), "wait MS" (the clock moves on and the machine is ticked), "cancel". */
static void drive_step(struct drive *d, const char *step)
{
    struct qind urc;

    if (strcmp(step, "ok") == 0) {
        fsm_on_result(&d->m, AT_RESULT_OK, -1, d->now);
    } else if (strcmp(step, "error") == 0) {
        fsm_on_result(&d->m, AT_RESULT_ERROR, -1, d->now);
    } else if (strncmp(step, "cme ", 4) == 0) {
        fsm_on_result(&d->m, AT_RESULT_CME, atoi(step + 4), d->now);
    } else if (strcmp(step, "timeout") == 0) {
        fsm_on_result(&d->m, AT_RESULT_TIMEOUT, -1, d->now);
    } else if (strncmp(step, "line ", 5) == 0) {
        fsm_on_response(&d->m, step + 5);
    } else if (strncmp(step, "urc ", 4) == 0) {
        assert_true(qind_parse(step + 4, &urc));
        fsm_on_urc(&d->m, &urc, d->now);
    } else if (strcmp(step, "lost") == 0) {
        fsm_on_port_lost(&d->m, d->now);
    } else if (strcmp(step, "back") == 0) {
        fsm_on_port_back(&d->m, d->now);
    } else if (strncmp(step, "wait ", 5) == 0) {
        d->now += (uint32_t)atol(step + 5);
        fsm_on_tick(&d->m, d->now);
    } else if (strcmp(step, "cancel") == 0) {
        fsm_cancel(&d->m, d->now);
    } else {
        fail_msg("no such step: %s", step);
    }
    drive_take(d);
}

struct story {
    const char *name;
    bool checks; /* the checks before the command, routing URCs to usbat */
    const char *target;
    const char *const *script; /* NULL-terminated */
    const char *trace;
};

static void drive_story(const struct story *s)
{
    static struct drive d;
    struct fsm_settings set;

    memset(&d, 0, sizeof(d));
    memset(&set, 0, sizeof(set));
    set.no_preflight = !s->checks;
    set.set_urcport = s->checks;
    set.urcport = "usbat";
    fsm_init(&d.m, &set);
    fsm_begin(&d.m, FSM_MODE_UPGRADE, s->target, false, DFOTA_VIA_HTTP, d.now);
    drive_take(&d);
    for (const char *const *step = s->script; *step; step++)
        drive_step(&d, *step);
    if (strcmp(d.trace, s->trace) != 0) {
        fprintf(stderr, "%s: the trace was:\n%s", s->name, d.trace);
        fail_msg("%s: the trace differs (above)", s->name);
    }
    assert_true(fsm_done(&d.m));
}

/* The module answers AT, ATE0, ATI (the model, the revision) and AT+QGMR (the version). */
#define IDENTIFY(model, version)                                                                   \
    "ok", "ok", "line Quectel", "line " model, "line Revision: R01", "ok", "line " version, "ok"
#define REBOOT "lost", "back"
#define URC(kind) "urc +QIND: \"FOTA\",\"" kind "\""
#define URCN(kind, n) "urc +QIND: \"FOTA\",\"" kind "\"," n

/* The trace of IDENTIFY("EM060K-GL", V1), of CHECKS and of the command taken, the
 * download done and the first attempt begun: the stories' common beginnings. */
#define TRACE_IDENTIFIED                                                                           \
    "phase 0\n"                                                                                    \
    "> AT\n"                                                                                       \
    "> ATE0\n"                                                                                     \
    "> ATI\n"                                                                                      \
    "> AT+QGMR\n"                                                                                  \
    "model attempt 0 percent -1 code -1 EM060K-GL\n"                                               \
    "version attempt 0 percent -1 code -1 EM060KGLAAR01A07M4G_01.001.01.001\n"                     \
    "family attempt 0 percent -1 code -1 em060k\n"
#define TRACE_CHECKED                                                                              \
    "> AT+CPIN?\n"                                                                                 \
    "check sim 0 ready\n"                                                                          \
    "> AT+CEREG?\n"                                                                                \
    "check network 0 registered (home)\n"                                                          \
    "> AT+CSQ\n"                                                                                   \
    "check signal 0 rssi 20 (about -73 dBm)\n"                                                     \
    "> AT+QURCCFG=\"urcport\"\n"                                                                   \
    "> AT+QURCCFG=\"urcport\",\"usbat\"\n"                                                         \
    "check urcport 0 URCs routed from usbmodem to usbat for the upgrade\n"
#define TRACE_UPDATING                                                                             \
    "> AT+QFOTADL=\"http://10.0.0.1/update.zip\"\n"                                                \
    "phase 1\n"                                                                                    \
    "download_start attempt 0 percent -1 code -1 \n"                                               \
    "download_end attempt 0 percent -1 code 0 \n"                                                  \
    "phase 2\n"                                                                                    \
    "port_lost attempt 0 percent -1 code -1 \n"                                                    \
    "reopen\n"                                                                                     \
    "port_back attempt 0 percent -1 code -1 \n"                                                    \
    "phase 3\n"                                                                                    \
    "update_start attempt 1 percent -1 code -1 \n"                                                 \
    "phase 4\n"

#define URL "http://10.0.0.1/update.zip"
#define V1 "EM060KGLAAR01A07M4G_01.001.01.001"
#define V2 "EM060KGLAAR01A07M4G_01.002.01.002"

static const char *const script_502_then_ok[] = {IDENTIFY("EM060K-GL", V1),
                                                 "ok",
                                                 URC("HTTPSTART"),
                                                 URCN("HTTPEND", "0"),
                                                 REBOOT,
                                                 URC("START"),
                                                 URCN("UPDATING", "40"),
                                                 URCN("END", "502"),
                                                 REBOOT,
                                                 URC("START"),
                                                 URCN("UPDATING", "100"),
                                                 URCN("END", "0"),
                                                 REBOOT,
                                                 IDENTIFY("EM060K-GL", V2),
                                                 NULL};

#define BG96 "BG96MAR02A07M1G_01.007.01.007"
#define BG96_NEW "BG96MAR02A07M1G_01.008.01.008"

#if DFOTA_FAMILY_BG96
/* BG96: RESTORE after UPDATING puts the new firmware in place, then END,0: success. */
static const char *const script_bg96_restore[] = {IDENTIFY("BG96", BG96),
                                                  "ok",
                                                  URC("HTTPSTART"),
                                                  URCN("HTTPEND", "0"),
                                                  REBOOT,
                                                  URC("START"),
                                                  URCN("UPDATING", "100%"),
                                                  URCN("RESTORE", "50%"),
                                                  URCN("RESTORE", "100%"),
                                                  URCN("END", "0"),
                                                  REBOOT,
                                                  IDENTIFY("BG96", BG96_NEW),
                                                  NULL};

#endif

/* A reboot inside UPDATING: the same attempt goes on, and progress does not go back. */
static const char *const script_reboot_mid_update[] = {IDENTIFY("EM060K-GL", V1),
                                                       "ok",
                                                       URC("HTTPSTART"),
                                                       URCN("HTTPEND", "0"),
                                                       REBOOT,
                                                       URC("START"),
                                                       URCN("UPDATING", "30"),
                                                       REBOOT,
                                                       URCN("UPDATING", "20"),
                                                       URCN("UPDATING", "60"),
                                                       URCN("END", "0"),
                                                       REBOOT,
                                                       IDENTIFY("EM060K-GL", V2),
                                                       NULL};

#if DFOTA_WITH_PREFLIGHT
/* The checks pass, the URC port is routed from usbmodem to usbat. */
#define CHECKS                                                                                     \
    "line +CPIN: READY", "ok", "line +CEREG: 0,1", "ok", "line +CSQ: 20,99", "ok",                 \
        "line +QURCCFG: \"urcport\",\"usbmodem\"", "ok", "ok"
#define UNTIL_UPDATING                                                                             \
    IDENTIFY("EM060K-GL", V1), CHECKS, "ok", URC("HTTPSTART"), URCN("HTTPEND", "0"), REBOOT,       \
        URC("START"), URCN("UPDATING", "10")

/* After every ending the URC port is put back, and the ending stays what it was. */
static const char *const script_cleanup_after_505[] = {UNTIL_UPDATING, URCN("END", "505"), "ok",
                                                       NULL};
static const char *const script_cleanup_after_success[] = {UNTIL_UPDATING,
                                                           URCN("UPDATING", "100"),
                                                           URCN("END", "0"),
                                                           REBOOT,
                                                           IDENTIFY("EM060K-GL", V2),
                                                           "ok",
                                                           NULL};
static const char *const script_cleanup_after_cancel[] = {
    IDENTIFY("EM060K-GL", V1), CHECKS, "ok", URC("HTTPSTART"), "cancel", "ok", NULL};
/* The module reboots on the put-back and comes back: it is put back then. */
static const char *const script_cleanup_across_a_reboot[] = {UNTIL_UPDATING, URCN("END", "505"),
                                                             REBOOT, "ok", NULL};
/* No answer to the put-back: a warning, and the result as it was. */
static const char *const script_cleanup_unanswered[] = {UNTIL_UPDATING, URCN("END", "505"),
                                                        "timeout", NULL};
/* The module refuses the command: nothing was routed back yet, so the put-back comes. */
static const char *const script_cleanup_after_rejected[] = {IDENTIFY("EM060K-GL", V1), CHECKS,
                                                            "cme 3", "ok", NULL};
#endif

static void test_stories(void **state)
{
    static const struct story stories[] =
    { {"END,502 then success", false, URL, script_502_then_ok,
       TRACE_IDENTIFIED TRACE_UPDATING
       "progress attempt 1 percent 40 code -1 \n"
       "update_end attempt 1 percent -1 code 502 \n"
       "phase 2\n"
       "port_lost attempt 1 percent -1 code -1 \n"
       "reopen\n"
       "port_back attempt 1 percent -1 code -1 \n"
       "phase 3\n"
       "update_start attempt 2 percent -1 code -1 \n"
       "phase 4\n"
       "progress attempt 2 percent 100 code -1 \n"
       "update_end attempt 2 percent -1 code 0 \n"
       "phase 5\n"
       "port_lost attempt 2 percent -1 code -1 \n"
       "reopen\n"
       "port_back attempt 2 percent -1 code -1 \n"
       "> AT\n"
       "> ATE0\n"
       "> ATI\n"
       "> AT+QGMR\n"
       "version attempt 2 percent -1 code -1 EM060KGLAAR01A07M4G_01.002.01.002\n"
       "phase 6\n"
       "done 0 code 0 upgraded EM060KGLAAR01A07M4G_01.001.01.001 -> "
       "EM060KGLAAR01A07M4G_01.002.01.002\n"},
#if DFOTA_FAMILY_BG96
      {"BG96's RESTORE on success", false, URL, script_bg96_restore,
       "phase 0\n"
       "> AT\n"
       "> ATE0\n"
       "> ATI\n"
       "> AT+QGMR\n"
       "model attempt 0 percent -1 code -1 BG96\n"
       "version attempt 0 percent -1 code -1 BG96MAR02A07M1G_01.007.01.007\n"
       "family attempt 0 percent -1 code -1 bg96\n" TRACE_UPDATING
       "progress attempt 1 percent 100 code -1 \n"
       "install attempt 1 percent 50 code -1 \n"
       "install attempt 1 percent 100 code -1 \n"
       "update_end attempt 1 percent -1 code 0 \n"
       "phase 5\n"
       "port_lost attempt 1 percent -1 code -1 \n"
       "reopen\n"
       "port_back attempt 1 percent -1 code -1 \n"
       "> AT\n"
       "> ATE0\n"
       "> ATI\n"
       "> AT+QGMR\n"
       "version attempt 1 percent -1 code -1 BG96MAR02A07M1G_01.008.01.008\n"
       "phase 6\n"
       "done 0 code 0 upgraded BG96MAR02A07M1G_01.007.01.007 -> BG96MAR02A07M1G_01.008.01.008\n"},
#endif
      {"a reboot in the middle of UPDATING", false, URL, script_reboot_mid_update,
       TRACE_IDENTIFIED TRACE_UPDATING
       "progress attempt 1 percent 30 code -1 \n"
       "port_lost attempt 1 percent -1 code -1 \n"
       "phase 2\n"
       "reopen\n"
       "port_back attempt 1 percent -1 code -1 \n"
       "phase 3\n"
       "phase 4\n"
       "progress attempt 1 percent 60 code -1 \n"
       "update_end attempt 1 percent -1 code 0 \n"
       "phase 5\n"
       "port_lost attempt 1 percent -1 code -1 \n"
       "reopen\n"
       "port_back attempt 1 percent -1 code -1 \n"
       "> AT\n"
       "> ATE0\n"
       "> ATI\n"
       "> AT+QGMR\n"
       "version attempt 1 percent -1 code -1 EM060KGLAAR01A07M4G_01.002.01.002\n"
       "phase 6\n"
       "done 0 code 0 upgraded EM060KGLAAR01A07M4G_01.001.01.001 -> "
       "EM060KGLAAR01A07M4G_01.002.01.002\n"},
#if DFOTA_WITH_PREFLIGHT /* the checks route the URCs; the cleanup puts them back */
      {"cleanup after END,505", true, URL, script_cleanup_after_505,
       TRACE_IDENTIFIED TRACE_CHECKED TRACE_UPDATING
       "progress attempt 1 percent 10 code -1 \n"
       "update_end attempt 1 percent -1 code 505 \n"
       "> AT+QURCCFG=\"urcport\",\"usbmodem\"\n"
       "phase 6\n"
       "done -5 code 505 update failed: module code 505" MEANING_505 "\n"},
      {"cleanup after success", true, URL, script_cleanup_after_success,
       TRACE_IDENTIFIED TRACE_CHECKED TRACE_UPDATING
       "progress attempt 1 percent 10 code -1 \n"
       "progress attempt 1 percent 100 code -1 \n"
       "update_end attempt 1 percent -1 code 0 \n"
       "phase 5\n"
       "port_lost attempt 1 percent -1 code -1 \n"
       "reopen\n"
       "port_back attempt 1 percent -1 code -1 \n"
       "> AT\n"
       "> ATE0\n"
       "> ATI\n"
       "> AT+QGMR\n"
       "version attempt 1 percent -1 code -1 EM060KGLAAR01A07M4G_01.002.01.002\n"
       "> AT+QURCCFG=\"urcport\",\"usbmodem\"\n"
       "phase 6\n"
       "done 0 code 0 upgraded EM060KGLAAR01A07M4G_01.001.01.001 -> "
       "EM060KGLAAR01A07M4G_01.002.01.002\n"},
      {"cleanup after a cancel", true, URL, script_cleanup_after_cancel,
       TRACE_IDENTIFIED TRACE_CHECKED "> AT+QFOTADL=\"http://10.0.0.1/update.zip\"\n"
                                      "phase 1\n"
                                      "download_start attempt 0 percent -1 code -1 \n"
                                      "> AT+QURCCFG=\"urcport\",\"usbmodem\"\n"
                                      "phase 6\n"
                                      "done -7 code -1 cancelled\n"},
      {"cleanup across a reboot", true, URL, script_cleanup_across_a_reboot,
       TRACE_IDENTIFIED TRACE_CHECKED TRACE_UPDATING
       "progress attempt 1 percent 10 code -1 \n"
       "update_end attempt 1 percent -1 code 505 \n"
       "> AT+QURCCFG=\"urcport\",\"usbmodem\"\n"
       "port_lost attempt 1 percent -1 code -1 \n"
       "reopen\n"
       "port_back attempt 1 percent -1 code -1 \n"
       "> AT+QURCCFG=\"urcport\",\"usbmodem\"\n"
       "phase 6\n"
       "done -5 code 505 update failed: module code 505" MEANING_505 "\n"},
      {"cleanup unanswered", true, URL, script_cleanup_unanswered,
       TRACE_IDENTIFIED TRACE_CHECKED TRACE_UPDATING
       "progress attempt 1 percent 10 code -1 \n"
       "update_end attempt 1 percent -1 code 505 \n"
       "> AT+QURCCFG=\"urcport\",\"usbmodem\"\n" WARNED(
           "could not put the URC port back; it stays where dfota set it") "phase 6\n"
                                                                           "done -5 code 505 "
                                                                           "update failed: module "
                                                                           "code 505" MEANING_505
                                                                           "\n"},
      {"cleanup after a refusal", true, URL, script_cleanup_after_rejected,
       TRACE_IDENTIFIED TRACE_CHECKED
       "> AT+QFOTADL=\"http://10.0.0.1/update.zip\"\n"
       "> AT+QURCCFG=\"urcport\",\"usbmodem\"\n"
       "phase 6\n"
       "done -3 code 3 the module refused AT+QFOTADL (+CME ERROR: 3)\n"},
#endif
    };

    (void)state;
    for (size_t i = 0; i < sizeof(stories) / sizeof(stories[0]); i++)
        drive_story(&stories[i]);
}

#if DFOTA_WITH_PREFLIGHT
/* A SIM that answers "busy" slowly (4.9 s each time): asked again a second after each
 * answer, and given up 30 s after its first question, however long it takes to answer. */
static void test_checks_wait_by_the_clock(void **state)
{
    static struct drive d;
    static const char *const identify[] = {IDENTIFY("EM060K-GL", V1), NULL};
    struct fsm_settings set;
    int asked = 0;

    (void)state;
    memset(&d, 0, sizeof(d));
    memset(&set, 0, sizeof(set));
    set.urcport = "usbat";
    fsm_init(&d.m, &set);
    fsm_begin(&d.m, FSM_MODE_UPGRADE, "http://10.0.0.1/u.zip", false, DFOTA_VIA_HTTP, d.now);
    drive_take(&d);
    for (const char *const *step = identify; *step; step++)
        drive_step(&d, *step);
    while (!fsm_done(&d.m) && d.now < 120000) {
        d.now += 4900;
        drive_step(&d, "cme 14");
        if (!fsm_done(&d.m))
            drive_step(&d, "wait 1000");
    }
    for (const char *p = d.trace; (p = strstr(p, "> AT+CPIN?")) != NULL; p++)
        asked++;
    assert_true(fsm_done(&d.m));
    assert_int_equal(asked, 6);
    assert_in_range(d.now, 30000, 36000);
    assert_non_null(strstr(d.trace, "check sim 2 "));
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stories),
#if DFOTA_WITH_PREFLIGHT
        cmocka_unit_test(test_checks_wait_by_the_clock),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
