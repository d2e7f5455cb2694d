/* The checks before AT+QFOTADL, on the fake port and clock: each check's verdicts, and a
 * failing one ends the session before the module receives the command. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "session_rig.h"

#define URL "http://10.0.0.1/update.zip"

static void script_ok(struct fake_module *fm)
{
    fake_module_urc(fm, 100, QIND("HTTPSTART"));
    fake_module_urc(fm, 1000, QINDN("HTTPEND", 0));
    fake_module_reboot(fm, 1100, 1000);
    fake_module_urc(fm, 2500, QINDN("END", 0));
    fake_module_reboot(fm, 2600, 1000);
}

/* Runs an upgrade that a check must refuse: NOT_READY, and AT+QFOTADL never sent. */
static void expect_not_ready(struct session_rig *r, const char *target, const char *checks,
                             const char *message)
{
    assert_int_equal(rig_upgrade(r, target), DFOTA_ERR_NOT_READY);
    assert_string_equal(r->checks, checks);
    assert_string_equal(dfota_error_text(r->s), message);
    assert_int_equal(r->fm.dl_commands, 0);
    assert_null(strstr(r->fp.out, "AT+QFOTADL"));
}

/* No SIM: the module answers the query with +CME ERROR: 10 (TS 27.007). */
static void test_no_sim(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.cpin = "+CME ERROR: 10";
    expect_not_ready(r, URL, "sim:fail ", "not ready: sim: SIM not inserted (+CME ERROR: 10)");
    assert_int_equal(dfota_module_code(r->s), 10);
    rig_destroy(r);
}

static void test_sim_pin(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.cpin = "+CPIN: SIM PIN";
    expect_not_ready(r, URL, "sim:fail ",
                     "not ready: sim: the SIM waits for SIM PIN: unlock it "
                     "first");
    rig_destroy(r);
}

static void test_not_registered(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.cereg = "+CEREG: 0,0";
    expect_not_ready(r, URL, "sim:ok network:fail ",
                     "not ready: network: not registered (status 0): the module cannot download");
    rig_destroy(r);
}

static void test_registration_denied(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.cereg = "+CEREG: 2,3";
    expect_not_ready(r, URL, "sim:ok network:fail ", "not ready: network: registration denied");
    rig_destroy(r);
}

/* Searching: asked again each second, and the upgrade goes on once registered. */
static void test_registers_after_a_while(void **state)
{
    struct session_rig *r = rig_create();
    int asked = 0;

    (void)state;
    r->fm.register_at = 5500;
    script_ok(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->checks, "sim:ok network:ok signal:ok urcport:ok ");
    for (const char *p = r->fp.out; (p = strstr(p, "AT+CEREG?")) != NULL; p++)
        asked++;
    assert_in_range(asked, 6, 7);
    rig_destroy(r);
}

static void test_searching_for_ever(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.register_at = UINT64_MAX;
    expect_not_ready(r, URL, "sim:ok network:fail ",
                     "not ready: network: not registered: searching");
    assert_in_range(r->done_at, 29000, 31000);
    rig_destroy(r);
}

/* No AT+CEREG? (2G/3G modules): AT+CGREG? instead. */
static void test_cgreg_when_cereg_is_unsupported(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.cereg = NULL;
    script_ok(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->checks, "sim:ok network:ok network:ok signal:ok urcport:ok ");
    assert_non_null(strstr(r->fp.out, "AT+CEREG?\rAT+CGREG?\r"));
    rig_destroy(r);
}

/* A module that supports none of the queries: warnings, and the upgrade goes on. */
static void test_unsupported_queries_warn(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.cpin = r->fm.cereg = r->fm.csq = r->fm.urcport = NULL;
    script_ok(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->checks, "sim:warn network:ok network:ok signal:warn urcport:warn ");
    rig_destroy(r);
}

static void test_signal_unknown_warns(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.csq = "+CSQ: 99,99";
    script_ok(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->checks, "sim:ok network:ok signal:warn urcport:ok ");
    rig_destroy(r);
}

static void test_urcs_go_elsewhere(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.urcport = "+QURCCFG: \"urcport\",\"usbmodem\"";
    expect_not_ready(r, URL, "sim:ok network:ok signal:ok urcport:fail ",
                     "not ready: urcport: URCs go to usbmodem, not usbat where dfota listens "
                     "(urcport, set_urcport)");
    rig_destroy(r);
}

static void test_urcport_named_by_the_user(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->cfg.urcport = "usbmodem";
    r->fm.urcport = "+QURCCFG: \"urcport\",\"usbmodem\"";
    script_ok(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->checks, "sim:ok network:ok signal:ok urcport:ok ");
    rig_destroy(r);
}

/* Routed here for the upgrade, and put back once the module runs its new firmware. */
static void test_urcs_routed_and_put_back(void **state)
{
    struct session_rig *r = rig_create();
    const char *set, *back;

    (void)state;
    r->cfg.set_urcport = true;
    r->fm.urcport = "+QURCCFG: \"urcport\",\"uart1\"";
    script_ok(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->checks, "sim:ok network:ok signal:ok urcport:ok ");
    set = strstr(r->fp.out, "AT+QURCCFG=\"urcport\",\"usbat\"\rAT+QFOTADL=");
    back = strstr(r->fp.out, "AT+QURCCFG=\"urcport\",\"uart1\"\r");
    assert_non_null(set);
    assert_non_null(back);
    assert_true(back > set);
    assert_non_null(strstr(r->trace, "VERSION:EM060KGLAAR01A09M4G_01.001.01.001 DONE:0,0"));
    rig_destroy(r);
}

#if DFOTA_WITH_UPLOAD /* a local target */
static void script_local(struct fake_module *fm)
{
    fake_module_reboot(fm, 200, 1000);
    fake_module_urc(fm, 1500, QINDN("END", 0));
    fake_module_reboot(fm, 1600, 1000);
}

/* A local package: no SIM or network needed, but the package must be there. */
static void test_local_package_present(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_local(&r->fm);
    assert_int_equal(rig_upgrade(r, "/usrdata/cache/ufs/update.zip"), DFOTA_OK);
    assert_string_equal(r->checks, "urcport:ok package:ok ");
    assert_null(strstr(r->fp.out, "AT+CPIN?"));
    rig_destroy(r);
}

static void test_local_package_missing(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.files = "+QFLST: \"UFS:other.zip\",100";
    expect_not_ready(r, "/usrdata/cache/ufs/update.zip", "urcport:ok package:fail ",
                     "not ready: package: update.zip is not in the module's file system");
    rig_destroy(r);
}
#endif

static void test_no_preflight(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->cfg.no_preflight = true;
    r->fm.cpin = "+CPIN: SIM PIN";
    script_ok(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(r->checks, "");
    assert_null(strstr(r->fp.out, "AT+CPIN?"));
    rig_destroy(r);
}

static void test_watch_runs_no_checks(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_port_push_at(&r->fp, 100, "\r\n" QINDN("END", 505) "\r\n");
    rig_open(r);
    assert_int_equal(dfota_watch(r->s), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_ERR_UPDATE);
    assert_string_equal(r->checks, "");
    assert_int_equal(r->fp.out_len, 0);
    rig_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_sim),
        cmocka_unit_test(test_sim_pin),
        cmocka_unit_test(test_not_registered),
        cmocka_unit_test(test_registration_denied),
        cmocka_unit_test(test_registers_after_a_while),
        cmocka_unit_test(test_searching_for_ever),
        cmocka_unit_test(test_cgreg_when_cereg_is_unsupported),
        cmocka_unit_test(test_unsupported_queries_warn),
        cmocka_unit_test(test_signal_unknown_warns),
        cmocka_unit_test(test_urcs_go_elsewhere),
        cmocka_unit_test(test_urcport_named_by_the_user),
        cmocka_unit_test(test_urcs_routed_and_put_back),
#if DFOTA_WITH_UPLOAD
        cmocka_unit_test(test_local_package_present),
        cmocka_unit_test(test_local_package_missing),
#endif
        cmocka_unit_test(test_no_preflight),
        cmocka_unit_test(test_watch_runs_no_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
