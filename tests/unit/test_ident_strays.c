/* Who the module is, read among the lines a registering module prints meanwhile: a URC
 * (+CGEV:, +CTZE:, +QNETDEVSTATUS:) inside ATI's or AT+QGMR's answer is never taken for
 * the model or the version, before the upgrade or after it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "session_rig.h"

#define V0 "EM060KGLAAR01A07M4G_01.001.01.001"
#define V1 "EM060KGLAAR01A09M4G_01.001.01.001"
#define URL "http://10.0.0.1/update.zip"

/* What a module prints after END,0 while it registers: each would have been a version. */
static const char *const stray_lines[] = {
    "+CGEV: ME PDN ACT 1\r\n",
    "+CTZE: \"+08\",0,\"2024/05/01,10:00:00\"\r\n",
    "+QNETDEVSTATUS: 1,1,4,1\r\n",
    "APP RDY\r\n",
};

/* A UART: the port stays, and the module is heard all through its reboots. */
static void script_uart_ok(struct fake_module *fm)
{
    fake_module_urc(fm, 100, QIND("HTTPSTART"));
    fake_module_urc(fm, 5000, QINDN("HTTPEND", 0));
    fake_module_urc(fm, 8000, "RDY");
    fake_module_urc(fm, 9000, QIND("START"));
    fake_module_urc(fm, 10000, QINDN("UPDATING", 100));
    fake_module_urc(fm, 11000, QINDN("END", 0));
    fake_module_urc(fm, 15000, "RDY");
}

static void test_strays_are_not_the_version(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(stray_lines) / sizeof(stray_lines[0]); i++) {
        struct session_rig *r = rig_create();

        r->cfg.no_preflight = true;
        r->fm.stray = stray_lines[i];
        script_uart_ok(&r->fm);
        assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
        assert_string_equal(dfota_error_text(r->s), "upgraded " V0 " -> " V1);
        assert_non_null(strstr(r->trace, "MODEL:EM060K VERSION:" V0 " FAMILY:em060k "));
        rig_destroy(r);
    }
}

/* The same-version guard holds: a module still on A07 is not "upgraded" to a URC. */
static void test_strays_do_not_defeat_the_same_version_guard(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->cfg.no_preflight = true;
    r->fm.stray = stray_lines[0];
    r->fm.version_after = r->fm.version;
    script_uart_ok(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_UPDATE);
    assert_string_equal(dfota_error_text(r->s), "the module reported success but still runs " V0);
    rig_destroy(r);
}

/* --expect-version (which the fleet scripts always pass) matches the real version. */
static void test_strays_and_the_expected_version(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->cfg.no_preflight = true;
    r->cfg.expect_version = "A09";
    r->fm.stray = stray_lines[1];
    script_uart_ok(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    rig_destroy(r);
}

/* ATI's model is the line shaped like one, not the first that is not "Quectel"; a
 * manufacturer's prefix on it goes (BC660K: "Quectel_Ltd", "Quectel_BC660K-GL"). */
static void test_model_lines(void **state)
{
    static const struct {
        const char *maker, *model, *seen;
    } cases[] = {
        {"Quectel", "EM060K-GL", "MODEL:EM060K-GL "},
        {"Quectel_Ltd", "Quectel_BC660K-GL", "MODEL:BC660K-GL "},
        {"Quectel", "Quectel-X1", "MODEL:Quectel-X1 "},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct session_rig *r = rig_create();

        r->fm.maker = cases[i].maker;
        r->fm.model = cases[i].model;
        r->fm.stray = "APP RDY\r\n";
        rig_open(r);
        assert_int_equal(dfota_info(r->s), DFOTA_OK);
        assert_int_equal(dfota_run(r->s), DFOTA_OK);
        assert_non_null(strstr(r->trace, cases[i].seen));
        rig_destroy(r);
    }
}

/* A model line that is noise (escape sequences, a bell) is no model at all. */
static void test_noise_is_no_model(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.model = "\x1b[2J\aEM060K";
    rig_open(r);
    assert_int_equal(dfota_info(r->s), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_OK);
    assert_null(strstr(r->trace, "MODEL:"));
    assert_non_null(strstr(r->trace, "VERSION:" V0));
    rig_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strays_are_not_the_version),
        cmocka_unit_test(test_strays_do_not_defeat_the_same_version_guard),
        cmocka_unit_test(test_strays_and_the_expected_version),
        cmocka_unit_test(test_model_lines),
        cmocka_unit_test(test_noise_is_no_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
