/* The cleanup after every ending: the URC port the checks routed to dfota's port is put
 * back whether the upgrade succeeded, was refused, failed, timed out or was cancelled,
 * and putting it back never changes the result. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "build_choices.h"
#include "session_rig.h"

#define URL "http://10.0.0.1/update.zip"
#define ROUTE "AT+QURCCFG=\"urcport\",\"usbat\"\r"
#define BACK "AT+QURCCFG=\"urcport\",\"uart1\"\r"

/* A rig whose module sends its URCs to uart1 until dfota routes them to usbat. */
static struct session_rig *rig_routed(void)
{
    struct session_rig *r = rig_create();

    r->cfg.set_urcport = true;
    r->fm.urcport = "+QURCCFG: \"urcport\",\"uart1\"";
    return r;
}

/* The routing went out, then the way back, once, after everything else. */
static void assert_put_back(const struct session_rig *r)
{
    const char *route = strstr(r->fp.out, ROUTE), *back = strstr(r->fp.out, BACK);

    assert_non_null(route);
    assert_non_null(back);
    assert_true(back > route);
    assert_null(strstr(back + 1, BACK));
    assert_string_equal(back + strlen(BACK), "");
    assert_null(strstr(r->log, "URC port stays"));
    assert_int_equal(r->done_events, 1);
}

static void expect_ending(struct session_rig *r, const char *target, int result, const char *text)
{
    assert_int_equal(rig_upgrade(r, target), result);
    assert_string_equal(dfota_error_text(r->s), text);
    assert_put_back(r);
}

static void script_download(struct fake_module *fm, const char *http_end)
{
    fake_module_urc(fm, 100, QIND("HTTPSTART"));
    fake_module_urc(fm, 1000, http_end);
}

static void test_put_back_after_success(void **state)
{
    struct session_rig *r = rig_routed();

    (void)state;
    script_download(&r->fm, QINDN("HTTPEND", 0));
    fake_module_reboot(&r->fm, 1100, 1000);
    fake_module_urc(&r->fm, 2500, QINDN("END", 0));
    fake_module_reboot(&r->fm, 2600, 1000);
    expect_ending(r, URL, DFOTA_OK,
                  "upgraded EM060KGLAAR01A07M4G_01.001.01.001 -> "
                  "EM060KGLAAR01A09M4G_01.001.01.001");
    rig_destroy(r);
}

static void test_put_back_after_a_rejected_command(void **state)
{
    struct session_rig *r = rig_routed();

    (void)state;
    r->fm.dl_answer = "+CME ERROR: 3";
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_REJECTED);
    assert_int_equal(dfota_module_code(r->s), 3);
    assert_put_back(r);
    rig_destroy(r);
}

static void test_put_back_after_a_failed_download(void **state)
{
    struct session_rig *r = rig_routed();

    (void)state;
    script_download(&r->fm, QINDN("HTTPEND", 701));
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_DOWNLOAD);
    assert_int_equal(dfota_module_code(r->s), 701);
    assert_put_back(r);
    rig_destroy(r);
}

static void test_put_back_after_a_failed_update(void **state)
{
    struct session_rig *r = rig_routed();

    (void)state;
    script_download(&r->fm, QINDN("HTTPEND", 0));
    fake_module_reboot(&r->fm, 1100, 1000);
    fake_module_urc(&r->fm, 2500, QINDN("END", 505));
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_UPDATE);
    assert_int_equal(dfota_module_code(r->s), 505);
    assert_put_back(r);
    rig_destroy(r);
}

/* The module came back after its reboot and then said nothing for the 90 s window. */
static void test_put_back_after_a_timeout(void **state)
{
    struct session_rig *r = rig_routed();

    (void)state;
    script_download(&r->fm, QINDN("HTTPEND", 0));
    fake_module_reboot(&r->fm, 1100, 1000);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_TIMEOUT);
    assert_put_back(r);
    rig_destroy(r);
}

#if DFOTA_WITH_UPLOAD /* a local target: its package is the check after the routing */
/* A check after the routing fails: the module never got the command, and is put back. */
static void test_put_back_after_a_failed_check(void **state)
{
    struct session_rig *r = rig_routed();

    (void)state;
    r->fm.files = "+QFLST: \"UFS:other.zip\",100";
    expect_ending(r, "/usrdata/cache/ufs/update.zip", DFOTA_ERR_NOT_READY,
                  "not ready: package: update.zip is not in the module's file system");
    assert_null(strstr(r->fp.out, "AT+QFOTADL"));
    rig_destroy(r);
}
#endif

/* SIGINT during the download: the session ends as cancelled, with the port put back. */
static void test_put_back_after_a_cancel(void **state)
{
    struct session_rig *r = rig_routed();
    int rc = DFOTA_IN_PROGRESS;

    (void)state;
    script_download(&r->fm, QINDN("HTTPEND", 0));
    rig_open(r);
    assert_int_equal(dfota_start(r->s, URL), DFOTA_OK);
    for (int i = 0; i < 100 && !strstr(r->fp.out, "AT+QFOTADL"); i++) {
        r->fp.now += 10;
        rc = dfota_process(r->s);
    }
    assert_int_equal(rc, DFOTA_IN_PROGRESS);
    dfota_cancel(r->s);
    assert_int_equal(dfota_run(r->s), DFOTA_ERR_CANCELLED);
    assert_string_equal(dfota_error_text(r->s), "cancelled");
    assert_put_back(r);
    assert_false(r->fp.is_open);
    rig_destroy(r);
}

/* A module that does not answer the way back: the result stays what it was, bounded by
 * the command's timeout, and the log says the port stays routed. */
static void test_an_unanswered_put_back_keeps_the_result(void **state)
{
    struct session_rig *r = rig_routed();

    (void)state;
    r->fm.dl_answer = "ERROR";
    r->cfg.command_timeout_ms = 300;
    r->fm.fault = FAKE_FAULT_SILENCE;
    /* moves 0-9: AT ATE0 ATI QGMR CPIN? CEREG? CSQ URCCFG? URCCFG=usbat QFOTADL; 10 the way back */
    r->fm.fault_at = 10;
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_REJECTED);
    assert_non_null(strstr(r->fp.out, BACK));
    BUILT_LOG_HAS(r->log, "could not put the URC port back");
    rig_destroy(r);
}

/* Nothing routed, nothing to put back: a refused routing ends without the way back. */
static void test_nothing_to_put_back(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.dl_answer = "ERROR";
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_REJECTED);
    assert_null(strstr(r->fp.out, "AT+QURCCFG=\"urcport\","));
    rig_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_back_after_success),
        cmocka_unit_test(test_put_back_after_a_rejected_command),
        cmocka_unit_test(test_put_back_after_a_failed_download),
        cmocka_unit_test(test_put_back_after_a_failed_update),
        cmocka_unit_test(test_put_back_after_a_timeout),
#if DFOTA_WITH_UPLOAD
        cmocka_unit_test(test_put_back_after_a_failed_check),
#endif
        cmocka_unit_test(test_put_back_after_a_cancel),
        cmocka_unit_test(test_an_unanswered_put_back_keeps_the_result),
        cmocka_unit_test(test_nothing_to_put_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
