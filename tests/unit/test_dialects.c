/* Whole sessions in each family's dialect, on the fake port and clock: what is sent,
 * RESTORE's meaning, reboots inside an attempt, and success proven by the version. */
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
#define V0 "EM060KGLAAR01A07M4G_01.001.01.001"
#define V1 "EM060KGLAAR01A09M4G_01.001.01.001"

static void script_download(struct fake_module *fm)
{
    fake_module_urc(fm, 100, QIND("HTTPSTART"));
    fake_module_urc(fm, 1000, QINDN("HTTPEND", 0));
    fake_module_reboot(fm, 1100, 1000); /* back at 2100 */
}

static struct session_rig *rig_model(const char *model)
{
    struct session_rig *r = rig_create();

    r->fm.model = model;
    return r;
}

static void test_bg96_restore_is_the_way_to_success(void **state)
{
    struct session_rig *r = rig_model("BG96");

    (void)state;
    script_download(&r->fm);
    fake_module_urc(&r->fm, 2500, QIND("START"));
    fake_module_urc(&r->fm, 3000, QIND("UPDATING") ",100%");
    fake_module_urc(&r->fm, 3500, QIND("RESTORE") ",1%");
    fake_module_urc(&r->fm, 4000, QIND("RESTORE") ",100%");
    fake_module_urc(&r->fm, 4500, QINDN("END", 0));
    fake_module_reboot(&r->fm, 4600, 1000);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(strstr(r->trace, "FAMILY:bg96 "));
    assert_non_null(strstr(r->trace, "START:1 P100 INSTALL:1 INSTALL:100 END:0 LOST BACK"));
    assert_null(strstr(r->trace, "RESTORE"));
    rig_destroy(r);
}

#if DFOTA_WITH_UPLOAD /* a local target */
static void test_bg96_local_package_is_sent_as_1(void **state)
{
    struct session_rig *r = rig_model("BG96");

    (void)state;
    fake_module_reboot(&r->fm, 200, 1000);
    fake_module_urc(&r->fm, 1500, QINDN("END", 0));
    fake_module_reboot(&r->fm, 1600, 1000);
    assert_int_equal(rig_upgrade(r, "/fota/update.zip"), DFOTA_OK);
#if DFOTA_WITH_PREFLIGHT
    /* A package at the fixed path: nothing to list, no SIM or network needed. */
    assert_non_null(strstr(r->fp.out, "AT+QGMR\rAT+QURCCFG=\"urcport\"\rAT+QFOTADL=1\r"));
    assert_string_equal(r->checks, "urcport:ok ");
#else
    assert_non_null(strstr(r->fp.out, "AT+QGMR\rAT+QFOTADL=1\r"));
    assert_string_equal(r->checks, "");
#endif
    rig_destroy(r);
}
#endif

/* After a power loss BG96 says so, then restores; watch follows it like any run. */
static void test_bg96_power_loss_resume(void **state)
{
    struct session_rig *r = rig_model("BG96");

    (void)state;
    r->cfg.family = "bg96";
    fake_port_push_at(&r->fp, 500,
                      "\r\n+QIND: \"FOTA\",\"Last upgrade was not finished,continue upgrade\"\r\n");
    fake_port_push_at(&r->fp, 900, "\r\n" QIND("RESTORE") ",50%\r\n");
    fake_port_push_at(&r->fp, 1300, "\r\n" QIND("RESTORE") ",100%\r\n");
    fake_port_push_at(&r->fp, 1700, "\r\n" QINDN("END", 0) "\r\n");
    fake_port_hangup_at(&r->fp, 1800);
    fake_port_present_at(&r->fp, 2800);
    rig_open(r);
    assert_int_equal(dfota_watch(r->s), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_OK);
    assert_string_equal(r->trace, "START:1 INSTALL:50 INSTALL:100 END:0 LOST BACK VERSION:"
                                  "EM060KGLAAR01A07M4G_01.001.01.001 DONE:0,0");
    rig_destroy(r);
}

/* EC800K reboots inside UPDATING and has no START: one attempt, progress never back. */
static void test_ec800k_reboot_inside_the_attempt(void **state)
{
    struct session_rig *r = rig_model("EC800K-CN");

    (void)state;
    script_download(&r->fm);
    fake_module_urc(&r->fm, 2500, QINDN("UPDATING", 7));
    fake_module_urc(&r->fm, 3000, QINDN("UPDATING", 47));
    fake_module_reboot(&r->fm, 3100, 1000);
    fake_module_urc(&r->fm, 4500, QINDN("UPDATING", 40)); /* a stale report: not shown */
    fake_module_urc(&r->fm, 4600, QINDN("UPDATING", 60));
    fake_module_urc(&r->fm, 5000, QINDN("UPDATING", 96));
    fake_module_urc(&r->fm, 5500, QINDN("END", 0));
    fake_module_reboot(&r->fm, 5600, 1000);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(strstr(r->trace, "DL_END:0 LOST BACK START:1 P7 P47 LOST BACK P60 P96 END:0 "
                                     "LOST BACK VERSION:"));
    assert_non_null(strstr(r->fp.out, "AT+QFOTADL=\"" URL "\",1,50\r"));
    rig_destroy(r);
}

/* Only END,502 starts a new attempt, on every family; a UART's RDY does not either. */
static void test_rdy_inside_the_attempt_resumes_it(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_module_urc(&r->fm, 100, QIND("HTTPSTART"));
    fake_module_urc(&r->fm, 1000, QINDN("HTTPEND", 0));
    fake_module_urc(&r->fm, 2000, "RDY");
    fake_module_urc(&r->fm, 2500, QIND("START"));
    fake_module_urc(&r->fm, 3000, QINDN("UPDATING", 30));
    fake_module_urc(&r->fm, 3500, "RDY");
    fake_module_urc(&r->fm, 4000, QIND("START"));
    fake_module_urc(&r->fm, 4500, QINDN("UPDATING", 20));
    fake_module_urc(&r->fm, 5000, QINDN("UPDATING", 80));
    fake_module_urc(&r->fm, 5500, QINDN("END", 0));
    fake_module_urc(&r->fm, 6000, "RDY");
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(strstr(r->trace, "DL_END:0 START:1 P30 P80 END:0 VERSION:" V1));
    rig_destroy(r);
}

static void test_unisoc_setup_and_form(void **state)
{
    struct session_rig *r = rig_model("EC200U-CN");

    (void)state;
    r->cfg.fota_cid = 2;
    script_download(&r->fm);
    fake_module_urc(&r->fm, 2500, QINDN("END", 0));
    fake_module_reboot(&r->fm, 2600, 1000);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(
        strstr(r->fp.out, "\rAT+QCFG=\"fota/cid\",2\rAT+QFOTADL=\"" URL "\",1,50,100\r"));
    rig_destroy(r);
}

#if DFOTA_WITH_UPLOAD
/* A package already on the module, with a name as long as the family takes: its path is
 * set first (AT+QCFG="fota/path"), never left out for its length. */
static void test_unisoc_long_local_package_sets_its_path(void **state)
{
    struct session_rig *r = rig_model("EC200U-CN");
    char target[256], want[700];

    (void)state;
    memset(target, 'a', 255);
    memcpy(target, "UFS:", 4);
    memcpy(target + 251, ".pac", 4);
    target[255] = '\0';
    r->cfg.no_preflight = true;
    r->fm.dl_answer = "ERROR"; /* the dialogue up to AT+QFOTADL is what is asked */
    assert_int_equal(rig_upgrade(r, target), DFOTA_ERR_REJECTED);
    snprintf(want, sizeof(want), "\rAT+QCFG=\"fota/path\",\"%s\"\rAT+QFOTADL=\"%s\",1,50,100\r",
             target, target);
    assert_non_null(strstr(r->fp.out, want));
    rig_destroy(r);
}
#endif

/* Unisoc's HTTPEND codes have no published meaning: never another family's label. */
static void test_unisoc_code_has_no_borrowed_label(void **state)
{
    struct session_rig *r = rig_model("EC200U-CN");

    (void)state;
    fake_module_urc(&r->fm, 100, QIND("HTTPSTART"));
    fake_module_urc(&r->fm, 900, QINDN("DOWNLOADING", 50));
    fake_module_urc(&r->fm, 1000, QINDN("HTTPEND", 608));
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_DOWNLOAD);
    assert_string_equal(dfota_error_text(r->s), "download failed: module code 608" BUILT_MEANING(
                                                    " (no published meaning)"));
    assert_non_null(strstr(r->trace, "DL_START:http DL_P50 DL_END:608"));
    rig_destroy(r);
}

static void test_rm500q_profile_only_when_set(void **state)
{
    struct session_rig *r = rig_model("RM500Q-GL");

    (void)state;
    r->cfg.fota_pid = 3;
    r->fm.dl_answer = "ERROR";
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_REJECTED);
    assert_non_null(strstr(r->fp.out, "\rAT+QFOTAPID=3\rAT+QFOTADL="));
    rig_destroy(r);
}

/* A URL of exactly n bytes. */
static void url_of(char *out, size_t n)
{
    static const char head[] = "https://10.0.0.1/";

    memset(out, 'a', n);
    memcpy(out, head, sizeof(head) - 1);
    memcpy(out + n - 4, ".zip", 4);
    out[n] = '\0';
}

static void test_eg18_takes_a_long_url(void **state)
{
    struct session_rig *r = rig_model("EG18-EA");
    char url[300];

    (void)state;
    url_of(url, 255);
    r->fm.dl_answer = "ERROR";
    assert_int_equal(rig_upgrade(r, url), DFOTA_ERR_REJECTED); /* it was sent */
    assert_non_null(strstr(r->fp.out, url));
    rig_destroy(r);
}

/* A target the detected family refuses never reaches it, and the message says which
 * family and which rule. */
static void test_family_limit_refused_before_the_command(void **state)
{
    struct session_rig *r = rig_model("EG18-EA");
    char url[300];

    (void)state;
    url_of(url, 256);
#if DFOTA_URL_MAX >= 256
    assert_int_equal(rig_upgrade(r, url), DFOTA_ERR_INVALID);
    assert_string_equal(dfota_error_text(r->s),
                        "eg18: URL is 256 bytes; this family accepts at most 255");
#else /* a build that takes no longer target refuses it at once */
    char said[96];
    snprintf(said, sizeof(said), "target: 256 bytes, this build takes at most %d (DFOTA_URL_MAX)",
             DFOTA_URL_MAX);
    rig_open(r);
    assert_int_equal(dfota_start(r->s, url), DFOTA_ERR_INVALID);
    assert_string_equal(dfota_error_text(r->s), said);
    assert_int_equal(r->fp.out_len, 0);
#endif
    assert_null(strstr(r->fp.out, "AT+QFOTADL"));
    assert_int_equal(r->fm.dl_commands, 0);
    rig_destroy(r);
}

/* A forced family's rules apply at dfota_start(): nothing at all is sent. */
static void test_forced_family_checked_before_anything(void **state)
{
    struct session_rig *r = rig_create();
    char url[300];

    (void)state;
    r->cfg.family = "em060k";
    url_of(url, 101);
    rig_open(r);
    assert_int_equal(dfota_start(r->s, url), DFOTA_ERR_INVALID);
    assert_non_null(strstr(dfota_error_text(r->s), "em060k: URL is 101 bytes"));
    assert_int_equal(r->fp.out_len, 0);
    rig_destroy(r);
}

static void test_unknown_family_name_refused(void **state)
{
    struct session_rig *r = rig_create();
    struct dfota *s = NULL;
    char msg[128];

    (void)state;
    r->cfg.family = "eg19";
    assert_int_equal(dfota_open_msg(&s, &r->cfg, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_null(s);
    assert_string_equal(msg, "unknown family 'eg19' (see dfota families)");
    BUILT_LOG_HAS(r->log, "unknown family 'eg19'");
    rig_destroy(r);
}

static void test_unknown_model_is_generic_with_a_warning(void **state)
{
    struct session_rig *r = rig_model("Quectel-X1");

    (void)state;
    r->fm.version = "X1LAR01A01";
    r->fm.dl_answer = "ERROR";
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_REJECTED);
    assert_non_null(strstr(r->trace, "FAMILY:generic "));
    BUILT_LOG_HAS(r->log, "unknown model 'Quectel-X1'");
    rig_destroy(r);
}

/* ---- success proven by the version ------------------------------------------------ */

static void script_update(struct fake_module *fm, bool end)
{
    script_download(fm);
    fake_module_urc(fm, 2500, QIND("START"));
    fake_module_urc(fm, 3000, QINDN("UPDATING", 100));
    if (end)
        fake_module_urc(fm, 3500, QINDN("END", 0));
    fake_module_reboot(fm, 3600, 1000);
}

static void test_same_version_after_end_ok_is_a_failure(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.version_after = r->fm.version;
    script_update(&r->fm, true);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_UPDATE);
    assert_string_equal(dfota_error_text(r->s), "the module reported success but still runs " V0);
    rig_destroy(r);
}

/* END lost, and the module back on a new version: success, saying END was not seen. */
static void test_end_lost_new_version_is_success(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->cfg.first_urc_timeout_ms = 20000;
    script_update(&r->fm, false);
    r->fm.upgrade_at = 3600; /* it flashed; the END URC never came */
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_string_equal(dfota_error_text(r->s),
                        "upgraded " V0 " -> " V1 " (the module's END was not seen)");
    assert_int_equal(r->done_at, 4600 + 20000);
    rig_destroy(r);
}

static void test_end_lost_same_version_is_the_timeout(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->cfg.first_urc_timeout_ms = 20000;
    script_update(&r->fm, false);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_TIMEOUT);
    assert_string_equal(dfota_error_text(r->s), "no URC from the module within 20 s");
    rig_destroy(r);
}

static int run_expecting(const char *expect)
{
    struct session_rig *r = rig_create();
    int rc;

    r->cfg.expect_version = expect;
    script_update(&r->fm, true);
    rc = rig_upgrade(r, URL);
    if (rc != DFOTA_OK)
        assert_string_equal(dfota_error_text(r->s),
                            "the module runs " V1 ", not the expected EM060KGLAAR01A11M4G");
    rig_destroy(r);
    return rc;
}

static void test_expect_version(void **state)
{
    (void)state;
    assert_int_equal(run_expecting("EM060KGLAAR01A09M4G"), DFOTA_OK);
    assert_int_equal(run_expecting("EM060KGLAAR01A11M4G"), DFOTA_ERR_UPDATE);
}

/* After the final reboot the module has its whole first-URC window to answer: the port
 * timer of the wait for that reboot must not cut it short (a UART's RDY 115 s after
 * END,0, then a module that answers ERROR to AT). */
static void test_verify_window_is_not_cut_by_the_port_timer(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.at_error_after = true;
    fake_module_urc(&r->fm, 100, QIND("HTTPSTART"));
    fake_module_urc(&r->fm, 1000, QINDN("HTTPEND", 0));
    fake_module_urc(&r->fm, 2000, "RDY");
    fake_module_urc(&r->fm, 2500, QIND("START"));
    fake_module_urc(&r->fm, 3000, QINDN("END", 0));
    fake_module_urc(&r->fm, 118000, "RDY");
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_TIMEOUT);
    assert_int_equal(r->done_at, 118000 + 90000);
    assert_non_null(strstr(dfota_error_text(r->s), "did not answer within 90 s"));
    rig_destroy(r);
}

#if DFOTA_WITH_PREFLIGHT /* the checks set the URC port */
/* The URC port is put back after the upgrade even when the port goes meanwhile. */
static void test_urcport_put_back_after_a_port_loss(void **state)
{
    struct session_rig *r = rig_create();
    const char *first, *second;

    (void)state;
    r->cfg.set_urcport = true;
    r->fm.urcport = "+QURCCFG: \"urcport\",\"uart1\"";
    r->fm.reboot_on = "AT+QURCCFG=\"urcport\",\"uart1\"";
    script_update(&r->fm, true);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    first = strstr(r->fp.out, "AT+QURCCFG=\"urcport\",\"uart1\"\r");
    assert_non_null(first);
    second = strstr(first + 1, "AT+QURCCFG=\"urcport\",\"uart1\"\r");
    assert_non_null(second);
    assert_null(strstr(r->log, "could not put the URC port back"));
    rig_destroy(r);
}
#endif

/* Versions read one way before and another after cannot prove anything. */
static void test_versions_read_differently_are_no_proof(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_update(&r->fm, true);
    r->fm.ati_error_before = true; /* before: AT+QGMR's full version only */
    r->fm.qgmr_error_after = true; /* after: ATI's revision only */
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_TIMEOUT);
    assert_string_equal(dfota_error_text(r->s), "the module reported success but could not be "
                                                "confirmed: its versions before and after were "
                                                "read differently");
    rig_destroy(r);
}

static void test_overlong_settings_refused(void **state)
{
    struct session_rig *r = rig_create();
    struct dfota *s = NULL;
    char longer[80], msg[128];

    (void)state;
    memset(longer, 'v', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    r->cfg.expect_version = longer;
    assert_int_equal(dfota_open_msg(&s, &r->cfg, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_string_equal(msg, "expect_version and ufs_prefix are at most 63 bytes");
    BUILT_LOG_HAS(r->log, "expect_version and ufs_prefix are at most 63 bytes");
    rig_destroy(r);
}

/* ---- watch ------------------------------------------------------------------------- */

/* With no upgrade under way, watch gives up after the first-URC window, not the 30
 * minutes a download may take, and says why; it waits in phase "waiting". */
static void test_watch_without_an_upgrade(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    rig_open(r);
    assert_int_equal(dfota_watch(r->s), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_ERR_TIMEOUT);
    assert_int_equal(r->done_at, 90000);
    assert_non_null(strstr(dfota_error_text(r->s), "no upgrade was seen"));
    assert_non_null(strstr(dfota_error_text(r->s), "longer first-URC window"));
    assert_int_equal(r->phase_events, 2); /* waiting, done */
    assert_int_equal(r->fp.out_len, 0);
    rig_destroy(r);
}

/* A download under way: once its first URC is seen, the download's own timeout rules. */
static void test_watch_a_download(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    fake_port_push_at(&r->fp, 80000, "\r\n" QINDN("DOWNLOADING", 40) "\r\n");
    fake_port_push_at(&r->fp, 200000, "\r\n" QINDN("HTTPEND", 701) "\r\n");
    rig_open(r);
    assert_int_equal(dfota_watch(r->s), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_ERR_DOWNLOAD);
    assert_string_equal(r->trace, "DL_P40 DL_END:701 DONE:-4,701");
    rig_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bg96_restore_is_the_way_to_success),
#if DFOTA_WITH_UPLOAD
        cmocka_unit_test(test_bg96_local_package_is_sent_as_1),
#endif
        cmocka_unit_test(test_bg96_power_loss_resume),
        cmocka_unit_test(test_ec800k_reboot_inside_the_attempt),
        cmocka_unit_test(test_rdy_inside_the_attempt_resumes_it),
        cmocka_unit_test(test_unisoc_setup_and_form),
#if DFOTA_WITH_UPLOAD
        cmocka_unit_test(test_unisoc_long_local_package_sets_its_path),
#endif
        cmocka_unit_test(test_unisoc_code_has_no_borrowed_label),
        cmocka_unit_test(test_rm500q_profile_only_when_set),
        cmocka_unit_test(test_eg18_takes_a_long_url),
        cmocka_unit_test(test_family_limit_refused_before_the_command),
        cmocka_unit_test(test_forced_family_checked_before_anything),
        cmocka_unit_test(test_unknown_family_name_refused),
        cmocka_unit_test(test_unknown_model_is_generic_with_a_warning),
        cmocka_unit_test(test_same_version_after_end_ok_is_a_failure),
        cmocka_unit_test(test_end_lost_new_version_is_success),
        cmocka_unit_test(test_end_lost_same_version_is_the_timeout),
        cmocka_unit_test(test_expect_version),
        cmocka_unit_test(test_verify_window_is_not_cut_by_the_port_timer),
#if DFOTA_WITH_PREFLIGHT
        cmocka_unit_test(test_urcport_put_back_after_a_port_loss),
#endif
        cmocka_unit_test(test_versions_read_differently_are_no_proof),
        cmocka_unit_test(test_overlong_settings_refused),
        cmocka_unit_test(test_watch_without_an_upgrade),
        cmocka_unit_test(test_watch_a_download),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
