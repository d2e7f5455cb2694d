/* Whole upgrades through the session, the fake port and the fake clock: every path of
 * the state machine, as the module would walk it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "build_choices.h"
#include "session_rig.h"

#define V0 "EM060KGLAAR01A07M4G_01.001.01.001"
#define V1 "EM060KGLAAR01A09M4G_01.001.01.001"
#define URL "http://10.0.0.1/update.zip"
/* What the identify phase reports of the fake module. */
#define ID0 "MODEL:EM060K VERSION:" V0 " FAMILY:em060k "

/* The update itself after the first reboot's return at t (port back at t). */
static void script_update_ok(struct fake_module *fm, uint64_t t)
{
    fake_module_urc(fm, t + 500, QIND("START"));
    fake_module_urc(fm, t + 1000, QINDN("UPDATING", 10));
    fake_module_urc(fm, t + 2000, QINDN("UPDATING", 50));
    fake_module_urc(fm, t + 3000, QINDN("UPDATING", 100));
    fake_module_urc(fm, t + 3100, QINDN("END", 0));
    fake_module_reboot(fm, t + 3500, 4000);
}

static void script_http_download(struct fake_module *fm)
{
    fake_module_urc(fm, 100, QIND("HTTPSTART"));
    fake_module_urc(fm, 5000, QINDN("HTTPEND", 0));
    fake_module_reboot(fm, 5100, 3000); /* back at 8100 */
}

#define OK_TAIL "LOST BACK START:1 P10 P50 P100 END:0 LOST BACK VERSION:" V1 " DONE:0,0"

static void test_http_ok(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    script_update_ok(&r->fm, 8100);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->trace, ID0 "DL_START:http DL_END:0 " OK_TAIL);
    assert_string_equal(dfota_error_text(r->s), "upgraded " V0 " -> " V1);
    assert_int_equal(dfota_module_code(r->s), 0);
    assert_non_null(strstr(r->fp.out, "AT\rATE0\rATI\rAT+QGMR\r" BUILT_PREFLIGHT_SENT
                                      "AT+QFOTADL=\"" URL "\"\r"));
    assert_string_equal(r->checks, BUILT_PREFLIGHT_CHECKS);
    rig_destroy(r);
}

/* The session counts from dfota_open(): a clock far past 32 bits of milliseconds (a
 * clock of the epoch), whose low 32 bits wrap a second into the session, gives the same
 * upgrade, to the event. */
static void test_http_ok_on_a_clock_past_32_bits(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->clock_base = (411ULL << 32) - 1000; /* late 2025 in milliseconds since 1970 */
    script_http_download(&r->fm);
    script_update_ok(&r->fm, 8100);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->trace, ID0 "DL_START:http DL_END:0 " OK_TAIL);
    assert_string_equal(dfota_error_text(r->s), "upgraded " V0 " -> " V1);
    rig_destroy(r);
}

#if DFOTA_WITH_FTP
static void test_ftp_ok_password_never_written(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_urc(&r->fm, 100, QIND("FTPSTART"));
    fake_module_urc(&r->fm, 5000, QINDN("FTPEND", 0));
    fake_module_reboot(&r->fm, 5100, 3000);
    script_update_ok(&r->fm, 8100);
    assert_int_equal(rig_upgrade(r, "ftp://user:s3cret@10.0.0.1:2121/up.zip"), DFOTA_OK);
    assert_string_equal(r->trace, ID0 "DL_START:ftp DL_END:0 " OK_TAIL);
    assert_non_null(strstr(r->fp.out, "s3cret")); /* the module gets it ... */
    assert_null(strstr(r->log, "s3cret"));        /* ... the log never */
    BUILT_LOG_HAS(r->log, "ftp://user:***@10.0.0.1:2121/up.zip");
    rig_destroy(r);
}
#endif

static void test_https_ok_with_https_spelling(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_urc(&r->fm, 100, "+QIND: \"FOTA\", \"HTTPSSTART\"");
    fake_module_urc(&r->fm, 5000, "+QIND: \"FOTA\", \"HTTPSEND\", 0");
    fake_module_reboot(&r->fm, 5100, 3000);
    script_update_ok(&r->fm, 8100);
    assert_int_equal(rig_upgrade(r, "HTTPS://10.0.0.1/u.zip"), DFOTA_OK);
    assert_string_equal(r->trace, ID0 "DL_START:https DL_END:0 " OK_TAIL);
    rig_destroy(r);
}

#if DFOTA_WITH_UPLOAD
static void test_local_file_ok(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_reboot(&r->fm, 200, 3000);
    script_update_ok(&r->fm, 3200);
    assert_int_equal(rig_upgrade(r, "/usrdata/cache/ufs/update.zip"), DFOTA_OK);
    assert_string_equal(r->trace, ID0 "" OK_TAIL);
    rig_destroy(r);
}
#endif

static void test_rejected(void **state)
{
    static const char *const answers[] = {"ERROR", "+CME ERROR: 3"};
    static const int codes[] = {-1, 3};

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        struct session_rig *r = rig_create();
        char want[128];
        r->fm.dl_answer = answers[i];
        assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_REJECTED);
        snprintf(want, sizeof(want), ID0 "DONE:%d,%d", DFOTA_ERR_REJECTED, codes[i]);
        assert_string_equal(r->trace, want);
        rig_destroy(r);
    }
}

static void test_download_failed(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_urc(&r->fm, 100, "+QIND: \"FOTA\",\"HTTPSTART\"");
    fake_module_urc(&r->fm, 9000, "+QIND: \"FOTA\",\"HTTPEnd\",701");
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_DOWNLOAD);
    assert_string_equal(r->trace, ID0 "DL_START:http DL_END:701 DONE:-4,701");
    assert_non_null(strstr(dfota_error_text(r->s), "701"));
    rig_destroy(r);
}

#if DFOTA_WITH_FTP
static void test_ftp_download_failed(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_urc(&r->fm, 100, QIND("FTPSTART"));
    fake_module_urc(&r->fm, 9000, QINDN("FTPEND", 601));
    assert_int_equal(rig_upgrade(r, "ftp://u:p@h/f.zip"), DFOTA_ERR_DOWNLOAD);
    assert_int_equal(dfota_module_code(r->s), 601);
    rig_destroy(r);
}
#endif

static void test_uart_no_port_loss(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_urc(&r->fm, 100, QIND("HTTPSTART"));
    fake_module_urc(&r->fm, 5000, QINDN("HTTPEND", 0));
    fake_module_urc(&r->fm, 8000, "RDY");
    fake_module_urc(&r->fm, 9000, QIND("START"));
    fake_module_urc(&r->fm, 10000, QINDN("UPDATING", 60));
    fake_module_urc(&r->fm, 11000, QINDN("END", 0));
    fake_module_urc(&r->fm, 15000, "RDY");
    fake_module_urc(&r->fm, 15001, "+CPIN: READY");
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->trace, ID0 "DL_START:http DL_END:0 START:1 P60 END:0 "
                                      "VERSION:" V1 " DONE:0,0");
    rig_destroy(r);
}

/* The first URC comes `delay` ms after the port is back (at 8100). */
static int first_urc_after(uint64_t delay, uint32_t window)
{
    struct session_rig *r = rig_create();
    int rc;

    r->cfg.first_urc_timeout_ms = window;
    script_http_download(&r->fm);
    script_update_ok(&r->fm, 8100 + delay - 500);
    rc = rig_upgrade(r, URL);
    if (rc == DFOTA_ERR_TIMEOUT)
        assert_int_equal(r->done_at, 8100 + window);
    rig_destroy(r);
    return rc;
}

static void test_first_urc_window_boundary(void **state)
{
    (void)state;
    assert_int_equal(first_urc_after(89999, 90000), DFOTA_OK);
    assert_int_equal(first_urc_after(90001, 90000), DFOTA_ERR_TIMEOUT);
    assert_int_equal(first_urc_after(4999, 5000), DFOTA_OK);
    assert_int_equal(first_urc_after(5001, 5000), DFOTA_ERR_TIMEOUT);
}

static void test_window_from_rdy_on_uart(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->cfg.first_urc_timeout_ms = 10000;
    fake_module_urc(&r->fm, 5000, QINDN("HTTPEND", 0));
    fake_module_urc(&r->fm, 14000, "RDY"); /* 9 s after the end: restarts the window */
    fake_module_urc(&r->fm, 23000, QINDN("END", 0));
    fake_module_urc(&r->fm, 25000, "RDY");
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    rig_destroy(r);
}

static void test_silence_after_reboot_times_out(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_TIMEOUT);
    assert_int_equal(r->done_at, 8100 + 90000);
    /* The version is asked when the window runs out: still the old one. */
    assert_string_equal(r->trace, ID0 "DL_START:http DL_END:0 LOST BACK VERSION:" V0 " DONE:-6,-1");
    rig_destroy(r);
}

static void test_lost_start(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    fake_module_urc(&r->fm, 9000, QIND("UPDATING") ",37%");
    fake_module_urc(&r->fm, 9500, QINDN("END", 0));
    fake_module_reboot(&r->fm, 10000, 1000);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->trace, ID0 "DL_START:http DL_END:0 LOST BACK START:1 P37 "
                                      "END:0 LOST BACK VERSION:" V1 " DONE:0,0");
    rig_destroy(r);
}

static void test_lost_start_end_first(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    fake_module_urc(&r->fm, 9000, QINDN("END", 505));
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_UPDATE);
    assert_string_equal(r->trace,
                        ID0 "DL_START:http DL_END:0 LOST BACK START:1 END:505 DONE:-5,505");
    rig_destroy(r);
}

/* START lost because it came while the host had not reopened the port yet. */
static void test_start_lost_on_late_reopen(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    fake_module_urc(&r->fm, 8100, QIND("START")); /* same moment the node appears */
    fake_module_urc(&r->fm, 8600, QINDN("UPDATING", 20));
    fake_module_urc(&r->fm, 9000, QINDN("END", 0));
    fake_module_reboot(&r->fm, 9100, 1000);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(strstr(r->trace, "BACK START:1 P20 END:0"));
    rig_destroy(r);
}

/* n END,502s (each followed by the module's reboot and next attempt), then `last`. */
static int run_502s(int n, int last, char *trace, size_t size)
{
    struct session_rig *r = rig_create();
    uint64_t t = 8100;
    int rc;

    script_http_download(&r->fm);
    for (int i = 0; i < n; i++) {
        fake_module_urc(&r->fm, t + 100, QIND("START"));
        fake_module_urc(&r->fm, t + 200, QINDN("UPDATING", 40));
        fake_module_urc(&r->fm, t + 300, QINDN("END", 502));
        fake_module_reboot(&r->fm, t + 400, 1000);
        t += 1400;
    }
    if (last >= 0) {
        char end[64];
        static char ends[8][64];
        snprintf(end, sizeof(end), "+QIND: \"FOTA\",\"END\",%d", last);
        strcpy(ends[n % 8], end);
        fake_module_urc(&r->fm, t + 100, QIND("START"));
        fake_module_urc(&r->fm, t + 200, ends[n % 8]);
        fake_module_reboot(&r->fm, t + 300, 1000);
    }
    rc = rig_upgrade(r, URL);
    snprintf(trace, size, "%s", r->trace);
    rig_destroy(r);
    return rc;
}

static void test_502_then_success(void **state)
{
    char trace[RIG_TRACE_MAX];

    (void)state;
    for (int n = 1; n <= 5; n++) {
        assert_int_equal(run_502s(n, 0, trace, sizeof(trace)), DFOTA_OK);
        assert_non_null(strstr(trace, n == 1 ? "START:2 END:0" : "END:502 LOST BACK START:"));
    }
    for (int n = 1; n <= 5; n++) {
        char last[32];
        assert_int_equal(run_502s(n, 0, trace, sizeof(trace)), DFOTA_OK);
        snprintf(last, sizeof(last), "START:%d END:0", n + 1);
        assert_non_null(strstr(trace, last));
    }
    assert_int_equal(run_502s(2, 0, trace, sizeof(trace)), DFOTA_OK);
    assert_string_equal(trace, ID0 "DL_START:http DL_END:0 LOST BACK START:1 P40 "
                                   "END:502 LOST BACK START:2 P40 END:502 LOST BACK START:3 END:0 "
                                   "LOST BACK VERSION:" V1 " DONE:0,0");
}

static void test_six_502s_fail(void **state)
{
    char trace[RIG_TRACE_MAX];

    (void)state;
    assert_int_equal(run_502s(6, -1, trace, sizeof(trace)), DFOTA_ERR_UPDATE);
    assert_non_null(strstr(trace, "START:6 P40 END:502 DONE:-5,502"));
}

static void test_502_then_module_gives_up(void **state)
{
    char trace[RIG_TRACE_MAX];

    (void)state;
    assert_int_equal(run_502s(3, -1, trace, sizeof(trace)), DFOTA_ERR_UPDATE);
    assert_non_null(strstr(trace, "START:3 P40 END:502 LOST BACK VERSION:" V0 " DONE:-5,502"));
}

static void test_502_then_restore(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    fake_module_urc(&r->fm, 8200, QINDN("END", 502));
    fake_module_reboot(&r->fm, 8300, 1000);
    fake_module_urc(&r->fm, 9400, QIND("RESTORE") ",1%");
    fake_module_urc(&r->fm, 9500, QIND("RESTORE") ",100%");
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_UPDATE);
    assert_non_null(strstr(r->trace, "END:502 LOST BACK RESTORE:1 RESTORE:100 DONE:-5,502"));
    assert_non_null(strstr(dfota_error_text(r->s), "restored"));
    rig_destroy(r);
}

static void test_update_error_codes(void **state)
{
    static const int codes[] = {504, 505, 510, 511, 520, 525, 530, 540, 546, 599};

    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        struct session_rig *r = rig_create();
        static char end[16][48];
        snprintf(end[i], sizeof(end[i]), "+QIND: \"FOTA\",\"END\",%d", codes[i]);
        script_http_download(&r->fm);
        fake_module_urc(&r->fm, 8200, QIND("START"));
        fake_module_urc(&r->fm, 8300, end[i]);
        assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_UPDATE);
        assert_int_equal(dfota_module_code(r->s), codes[i]);
        if (codes[i] == 505)
            assert_string_equal(dfota_error_text(r->s),
                                "update failed: module code 505" BUILT_MEANING(
                                    " (package version does not match this module)"));
        rig_destroy(r);
    }
}

/* END,0 is no proof: a module that then stays away is a port error. */
static void test_end_ok_then_port_never_returns(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    fake_module_urc(&r->fm, 9000, QINDN("END", 0));
    fake_module_lost(&r->fm, 9500);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_PORT);
    assert_non_null(strstr(dfota_error_text(r->s), "reported success but could not be confirmed"));
    assert_int_equal(r->done_at, 9500 + 120000);
    rig_destroy(r);
}

static void test_port_not_back_is_port_error(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->cfg.port_timeout_ms = 30000;
    fake_module_urc(&r->fm, 5000, QINDN("HTTPEND", 0));
    fake_module_lost(&r->fm, 5100);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_PORT);
    assert_int_equal(r->done_at, 5100 + 30000);
    rig_destroy(r);
}

static void test_stall_timeout(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    fake_module_urc(&r->fm, 8200, QIND("START"));
    fake_module_urc(&r->fm, 9000, QINDN("UPDATING", 5));
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_TIMEOUT);
    assert_int_equal(r->done_at, 9000 + 600000);
    rig_destroy(r);
}

static void test_progress_never_backwards(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    fake_module_urc(&r->fm, 8200, QIND("START"));
    fake_module_urc(&r->fm, 8300, QINDN("UPDATING", 10));
    fake_module_urc(&r->fm, 8400, QINDN("UPDATING", 30));
    fake_module_urc(&r->fm, 8500, QINDN("UPDATING", 20));
    fake_module_urc(&r->fm, 8600, QINDN("UPDATING", 30));
    fake_module_urc(&r->fm, 8700, QINDN("UPDATING", 40));
    fake_module_urc(&r->fm, 8800, QINDN("END", 0));
    fake_module_reboot(&r->fm, 8900, 100);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(strstr(r->trace, "START:1 P10 P30 P40 END:0"));
    rig_destroy(r);
}

static void test_port_flapping(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_urc(&r->fm, 5000, QINDN("HTTPEND", 0));
    fake_module_reboot(&r->fm, 5100, 50);
    fake_module_reboot(&r->fm, 5200, 50);
    fake_module_reboot(&r->fm, 5300, 2000);
    script_update_ok(&r->fm, 7300);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(strstr(r->trace, "DL_END:0 LOST BACK LOST BACK LOST BACK START:1"));
    rig_destroy(r);
}

static void test_urc_split_across_reopen(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_urc(&r->fm, 5000, QINDN("HTTPEND", 0));
    /* Half a line, then the port goes; the rest never arrives; a whole line follows. */
    fake_port_push_at(&r->fp, 5050, "\r\n+QIND: \"FOTA\",\"UPDA");
    fake_module_reboot(&r->fm, 5100, 1000);
    fake_port_push_at(&r->fp, 6200, "TING\",99\r\n");
    script_update_ok(&r->fm, 6600);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(strstr(r->trace, "LOST BACK START:1 P10 P50 P100 END:0"));
    rig_destroy(r);
}

static void test_four_sessions_at_once(void **state)
{
    struct session_rig *rigs[4];
    int done = 0;
    static const int end_codes[4] = {0, 505, 0, 510};
    static const char *const ends[4] = {QINDN("END", 0), QINDN("END", 505), QINDN("END", 0),
                                        QINDN("END", 510)};

    (void)state;
    for (int i = 0; i < 4; i++) {
        rigs[i] = rig_create();
        fake_module_urc(&rigs[i]->fm, 1000 + (uint64_t)i * 100, QINDN("HTTPEND", 0));
        fake_module_reboot(&rigs[i]->fm, 1500, 1000 + (uint64_t)i * 300);
        fake_module_urc(&rigs[i]->fm, 4000, QIND("START"));
        fake_module_urc(&rigs[i]->fm, 4100, ends[i]);
        fake_module_reboot(&rigs[i]->fm, 4200, 500);
        rig_open(rigs[i]);
        assert_int_equal(dfota_start(rigs[i]->s, URL), DFOTA_OK);
    }
    /* Round-robin: each session only ever touches its own port and clock. */
    while (done < 4) {
        done = 0;
        for (int i = 0; i < 4; i++) {
            int rc = dfota_process(rigs[i]->s);
            if (rc != DFOTA_IN_PROGRESS) {
                done++;
                continue;
            }
            fake_port_ops.wait(&rigs[i]->fp, dfota_timeout_ms(rigs[i]->s));
        }
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(dfota_process(rigs[i]->s), end_codes[i] ? DFOTA_ERR_UPDATE : DFOTA_OK);
        assert_int_equal(dfota_module_code(rigs[i]->s), end_codes[i]);
        assert_int_equal(rigs[i]->done_events, 1);
        rig_destroy(rigs[i]);
    }
}

static void test_watch_sends_nothing(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_port_push_at(&r->fp, 100, "\r\n+QIND: \"FOTA\",\"UPDATING\",55\r\n");
    fake_port_push_at(&r->fp, 200, "\r\n+QIND: \"FOTA\",\"END\",0\r\n");
    fake_port_hangup_at(&r->fp, 300);
    fake_port_present_at(&r->fp, 1300);
    rig_open(r);
    assert_int_equal(dfota_watch(r->s), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_OK);
    assert_string_equal(r->trace, "START:1 P55 END:0 LOST BACK VERSION:" V0 " DONE:0,0");
    assert_null(strstr(r->fp.out, "QFOTADL"));
    rig_destroy(r);
}

static void test_info(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    rig_open(r);
    assert_int_equal(dfota_info(r->s), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_OK);
    assert_string_equal(r->trace, ID0 "DONE:0,-1");
    rig_destroy(r);
}

static void test_version_falls_back_to_ati(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.qgmr_error = true;
    r->fm.dl_answer = "ERROR";
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_REJECTED);
    assert_string_equal(r->trace,
                        "MODEL:EM060K VERSION:EM060KGLAAR01A07M4G FAMILY:em060k DONE:-3,-1");
    rig_destroy(r);
}

static void test_silent_module_times_out(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.silent = true;
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_TIMEOUT);
    assert_string_equal(r->fp.out, "AT\rAT\rAT\r");
    rig_destroy(r);
}

static void test_invalid_target_sends_nothing(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    rig_open(r);
    assert_int_equal(dfota_start(r->s, "http://h/a\"b"), DFOTA_ERR_INVALID);
    assert_non_null(strstr(dfota_error_text(r->s), "quote"));
    assert_int_equal(r->fp.out_len, 0);
    assert_int_equal(dfota_start(r->s, URL), DFOTA_OK);
    assert_int_equal(dfota_start(r->s, URL), DFOTA_ERR_STATE);
    rig_destroy(r);
}

static void test_cancel(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    rig_open(r);
    assert_int_equal(dfota_start(r->s, URL), DFOTA_OK);
    assert_int_equal(dfota_process(r->s), DFOTA_IN_PROGRESS);
    dfota_cancel(r->s);
    assert_int_equal(dfota_run(r->s), DFOTA_ERR_CANCELLED);
    assert_int_equal(r->done_events, 1);
    assert_false(r->fp.is_open);
    rig_destroy(r);
}

static void test_open_failures(void **state)
{
    struct session_rig *r = rig_create();
    struct dfota *s = (struct dfota *)1;

    (void)state;
    r->cfg.port_ops = NULL;
    r->cfg.port = NULL;
    assert_int_equal(dfota_open(&s, &r->cfg), DFOTA_ERR_INVALID);
    BUILT_LOG_HAS(r->log, "no port");
    rig_destroy(r);
}

static void test_absent_port_start_and_info_refuse(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fp.present = false;
    rig_open(r); /* not there is not an error yet */
    assert_int_equal(dfota_start(r->s, URL), DFOTA_ERR_PORT);
    assert_int_equal(dfota_info(r->s), DFOTA_ERR_PORT);
    assert_int_equal(r->fp.out_len, 0);
    rig_destroy(r);
}

/* The host restarted while the module was rebooting: watch waits for the port. */
static void test_watch_from_an_absent_port(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fp.present = false;
    fake_port_present_at(&r->fp, 2000);
    fake_port_push_at(&r->fp, 2500, "\r\n+QIND: \"FOTA\",\"START\"\r\n");
    fake_port_push_at(&r->fp, 2600, "\r\n+QIND: \"FOTA\",\"END\",0\r\n");
    fake_port_hangup_at(&r->fp, 2700);
    fake_port_present_at(&r->fp, 3700);
    rig_open(r);
    assert_int_equal(dfota_watch(r->s), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_OK);
    assert_string_equal(r->trace, "LOST BACK START:1 END:0 LOST BACK VERSION:" V0 " DONE:0,0");
    rig_destroy(r);
}

/* Many URCs in one read must not overflow what the machine hands to the session. */
static void test_burst_of_urcs_in_one_read(void **state)
{
    struct session_rig *r = rig_create();
    char burst[1024] = "";

    (void)state;
    script_http_download(&r->fm);
    for (int p = 5; p <= 70; p += 5) { /* all of it within one read of the session */
        size_t used = strlen(burst);
        snprintf(burst + used, sizeof(burst) - used, "\r\n+QIND: \"FOTA\",\"UPDATING\",%d\r\n", p);
    }
    strcat(burst, "\r\n+QIND: \"FOTA\",\"END\",505\r\n");
    rig_open(r);
    assert_int_equal(dfota_start(r->s, URL), DFOTA_OK);
    while (r->fp.now < 8100 && dfota_process(r->s) == DFOTA_IN_PROGRESS)
        fake_port_ops.wait(&r->fp, dfota_timeout_ms(r->s));
    assert_int_equal(dfota_process(r->s), DFOTA_IN_PROGRESS);
    assert_true(r->fp.is_open);
    fake_port_push(&r->fp, burst);
    assert_int_equal(dfota_run(r->s), DFOTA_ERR_UPDATE);
    assert_true(strlen(burst) < 512);
    assert_non_null(strstr(r->trace, "LOST BACK START:1 P5 P10 P15 P20 P25 P30 P35 P40 P45 P50 "
                                     "P55 P60 P65 P70 END:505 DONE:-5,505"));
    rig_destroy(r);
}

static void test_end_without_a_code_is_no_result(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_http_download(&r->fm);
    fake_module_urc(&r->fm, 8200, QIND("START"));
    fake_module_urc(&r->fm, 8300, QIND("END"));
    fake_module_urc(&r->fm, 8400, QIND("END") ",x");
    fake_module_urc(&r->fm, 8500, QINDN("END", 0));
    fake_module_reboot(&r->fm, 8600, 100);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(strstr(r->trace, "START:1 END:0 LOST"));
    rig_destroy(r);
}

static void test_download_progress_filtered(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_urc(&r->fm, 100, QIND("HTTPSTART"));
    fake_module_urc(&r->fm, 200, QINDN("DOWNLOADING", 10));
    fake_module_urc(&r->fm, 300, QINDN("DOWNLOADING", 10));
    fake_module_urc(&r->fm, 400, QINDN("DOWNLOADING", 5));
    fake_module_urc(&r->fm, 500, QIND("DOWNLOADING") ",x");
    fake_module_urc(&r->fm, 600, QINDN("DOWNLOADING", 20));
    fake_module_urc(&r->fm, 5000, QINDN("HTTPEND", 701));
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_DOWNLOAD);
    assert_non_null(strstr(r->trace, "DL_START:http DL_P10 DL_P20 DL_END:701"));
    rig_destroy(r);
}

/* After the final reboot a module that keeps answering ERROR is asked with pauses, and
 * its END,0 cannot be confirmed. */
static void test_verify_retries_are_paced(void **state)
{
    struct session_rig *r = rig_create();
    int ats = 0;

    (void)state;
    r->fm.at_error_after = true;
    script_http_download(&r->fm);
    script_update_ok(&r->fm, 8100);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_TIMEOUT);
    assert_non_null(strstr(dfota_error_text(r->s), "reported success but could not be confirmed"));
    for (const char *p = r->fp.out; (p = strstr(p, "AT\r")) != NULL; p += 3)
        ats++;
    assert_in_range(ats, 90000 / 2500, 1 + 90000 / 500 + 2);
    rig_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_ok),
        cmocka_unit_test(test_http_ok_on_a_clock_past_32_bits),
#if DFOTA_WITH_FTP
        cmocka_unit_test(test_ftp_ok_password_never_written),
#endif
        cmocka_unit_test(test_https_ok_with_https_spelling),
#if DFOTA_WITH_UPLOAD
        cmocka_unit_test(test_local_file_ok),
#endif
        cmocka_unit_test(test_rejected),
        cmocka_unit_test(test_download_failed),
#if DFOTA_WITH_FTP
        cmocka_unit_test(test_ftp_download_failed),
#endif
        cmocka_unit_test(test_uart_no_port_loss),
        cmocka_unit_test(test_first_urc_window_boundary),
        cmocka_unit_test(test_window_from_rdy_on_uart),
        cmocka_unit_test(test_silence_after_reboot_times_out),
        cmocka_unit_test(test_lost_start),
        cmocka_unit_test(test_lost_start_end_first),
        cmocka_unit_test(test_start_lost_on_late_reopen),
        cmocka_unit_test(test_502_then_success),
        cmocka_unit_test(test_six_502s_fail),
        cmocka_unit_test(test_502_then_module_gives_up),
        cmocka_unit_test(test_502_then_restore),
        cmocka_unit_test(test_update_error_codes),
        cmocka_unit_test(test_end_ok_then_port_never_returns),
        cmocka_unit_test(test_port_not_back_is_port_error),
        cmocka_unit_test(test_stall_timeout),
        cmocka_unit_test(test_progress_never_backwards),
        cmocka_unit_test(test_port_flapping),
        cmocka_unit_test(test_urc_split_across_reopen),
        cmocka_unit_test(test_four_sessions_at_once),
        cmocka_unit_test(test_watch_sends_nothing),
        cmocka_unit_test(test_info),
        cmocka_unit_test(test_version_falls_back_to_ati),
        cmocka_unit_test(test_silent_module_times_out),
        cmocka_unit_test(test_invalid_target_sends_nothing),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_open_failures),
        cmocka_unit_test(test_absent_port_start_and_info_refuse),
        cmocka_unit_test(test_watch_from_an_absent_port),
        cmocka_unit_test(test_burst_of_urcs_in_one_read),
        cmocka_unit_test(test_end_without_a_code_is_no_result),
        cmocka_unit_test(test_download_progress_filtered),
        cmocka_unit_test(test_verify_retries_are_paced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
