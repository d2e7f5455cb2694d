/* What this build does for each of its compile-time choices (src/build_config.h): every
 * choice has both branches written here and the one compiled follows the build, so the
 * default build proves the parts are there and a firmware's build (everything optional
 * left out) proves they are gone, each refusal naming the choice and nothing reaching
 * the module. Fake port, fake module, fake clock. */
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
#define FTP_URL "ftp://user:s3cret@10.0.0.1/update.zip"
#define LOCAL_PATH "/usrdata/cache/ufs/update.zip"

/* The module takes the command and fails the download: the command was sent whole. */
static void script_download_fails(struct fake_module *fm, const char *start, const char *end)
{
    fake_module_urc(fm, 100, start);
    fake_module_urc(fm, 2000, end);
}

/* A session whose dfota_start(target) this build refuses: DFOTA_ERR_INVALID, the message
 * said, and not a byte on the port. */
static void expect_start_refused(const char *target, const char *message)
{
    struct session_rig *r = rig_create();

    rig_open(r);
    assert_int_equal(dfota_start(r->s, target), DFOTA_ERR_INVALID);
    assert_string_equal(dfota_error_text(r->s), message);
    assert_int_equal(r->fp.out_len, 0);
    assert_int_equal(r->done_events, 0);
    rig_destroy(r);
}

/* ---- DFOTA_WITH_FTP ------------------------------------------------------------------ */

static void test_ftp_targets(void **state)
{
    char msg[128];

    (void)state;
#if DFOTA_WITH_FTP
    struct session_rig *r = rig_create();

    assert_int_equal(dfota_check_target(FTP_URL, NULL, msg, sizeof(msg)), DFOTA_OK);
    assert_string_equal(msg, "");
    script_download_fails(&r->fm, QIND("FTPSTART"), QINDN("FTPEND", 625));
    assert_int_equal(rig_upgrade(r, FTP_URL), DFOTA_ERR_DOWNLOAD);
    assert_non_null(strstr(r->fp.out, "AT+QFOTADL=\"" FTP_URL "\"\r"));
    assert_int_equal(dfota_module_code(r->s), 625);
    rig_destroy(r);
#else
    assert_int_equal(dfota_check_target(FTP_URL, NULL, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_string_equal(msg, "this build has no ftp:// (DFOTA_WITH_FTP=0)");
    assert_null(strstr(msg, "s3cret"));
    expect_start_refused(FTP_URL, "this build has no ftp:// (DFOTA_WITH_FTP=0)");
#endif
    /* http:// stays in every build */
    assert_int_equal(dfota_check_target(URL, NULL, msg, sizeof(msg)), DFOTA_OK);
}

/* ---- DFOTA_WITH_UPLOAD: local targets --------------------------------------------- */

/* What a target that is neither kind is told names what this build takes. */
#if DFOTA_WITH_FTP
#define SCHEMES "ftp://, http:// or https://"
#else
#define SCHEMES "http:// or https://"
#endif
#if DFOTA_WITH_UPLOAD
#define NOT_A_TARGET "target is neither a URL (" SCHEMES ") nor a local path (/..., UFS:...)"
#else
#define NOT_A_TARGET "target is not a URL (" SCHEMES ")"
#endif

static void test_local_targets(void **state)
{
    char msg[128];

    (void)state;
#if DFOTA_WITH_UPLOAD
    struct session_rig *r = rig_create();

    assert_int_equal(dfota_check_target(LOCAL_PATH, NULL, msg, sizeof(msg)), DFOTA_OK);
    assert_int_equal(dfota_check_target_family("generic", "UFS:update.zip", NULL, msg, sizeof(msg)),
                     DFOTA_OK);
    r->fm.dl_answer = "ERROR";
    assert_int_equal(rig_upgrade(r, LOCAL_PATH), DFOTA_ERR_REJECTED);
    assert_non_null(strstr(r->fp.out, "AT+QFOTADL=\"" LOCAL_PATH "\"\r"));
    rig_destroy(r);
#else
    assert_int_equal(dfota_check_target(LOCAL_PATH, NULL, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_string_equal(msg, "this build takes URLs only (DFOTA_WITH_UPLOAD=0)");
    assert_int_equal(dfota_check_target_family("generic", "UFS:update.zip", NULL, msg, sizeof(msg)),
                     DFOTA_ERR_INVALID);
    assert_string_equal(msg, "this build takes URLs only (DFOTA_WITH_UPLOAD=0)");
    expect_start_refused(LOCAL_PATH, "this build takes URLs only (DFOTA_WITH_UPLOAD=0)");
#endif
    assert_int_equal(dfota_check_target("host/update.zip", NULL, msg, sizeof(msg)),
                     DFOTA_ERR_INVALID);
    assert_string_equal(msg, NOT_A_TARGET);
    expect_start_refused("sftp://10.0.0.1/update.zip", "unknown scheme; use " SCHEMES);
}

/* ---- DFOTA_WITH_TEXTS: code meanings ---------------------------------------------- */

/* An upgrade whose update ends with END,code: returns the session's result text. */
static void update_fails_with(int code, char *text, size_t size)
{
    struct session_rig *r = rig_create();
    char end[48];

    snprintf(end, sizeof(end), QIND("END") ",%d", code);
    fake_module_urc(&r->fm, 100, QIND("HTTPSTART"));
    fake_module_urc(&r->fm, 1000, QINDN("HTTPEND", 0));
    fake_module_reboot(&r->fm, 1100, 1000);
    fake_module_urc(&r->fm, 2500, QIND("START"));
    fake_module_urc(&r->fm, 2600, end);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_UPDATE);
    assert_int_equal(dfota_module_code(r->s), code);
    snprintf(text, size, "%s", dfota_error_text(r->s));
    rig_destroy(r);
}

static void test_code_meanings(void **state)
{
    char text[256];

    (void)state;
    update_fails_with(505, text, sizeof(text));
#if DFOTA_WITH_TEXTS
    assert_string_equal(dfota_code_meaning(505), "package version does not match this module");
    assert_string_equal(dfota_code_meaning(701), "HTTP(S) unknown error");
    assert_string_equal(text, "update failed: module code 505 (package version does not match this "
                              "module)");
    update_fails_with(599, text, sizeof(text)); /* a code without a published meaning */
    assert_string_equal(text, "update failed: module code 599 (no published meaning)");
#else
    assert_null(dfota_code_meaning(505));
    assert_null(dfota_code_meaning(701));
    assert_string_equal(text, "update failed: module code 505");
    update_fails_with(599, text, sizeof(text));
    assert_string_equal(text, "update failed: module code 599");
#endif
    assert_string_equal(dfota_code_meaning(0), "success"); /* in every build */
}

/* ---- DFOTA_WITH_PREFLIGHT ------------------------------------------------------------ */

static void test_preflight(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.dl_answer = "ERROR";
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_REJECTED);
#if DFOTA_WITH_PREFLIGHT
    assert_string_equal(r->checks, "sim:ok network:ok signal:ok urcport:ok ");
    assert_non_null(strstr(r->fp.out, "AT+QGMR\rAT+CPIN?\rAT+CEREG?\rAT+CSQ\r"
                                      "AT+QURCCFG=\"urcport\"\rAT+QFOTADL=\"" URL "\"\r"));
#else
    assert_string_equal(r->checks, ""); /* no CHECK event at all */
    assert_null(strstr(r->fp.out, "AT+CPIN?"));
    assert_null(strstr(r->fp.out, "AT+CEREG?"));
    assert_null(strstr(r->fp.out, "AT+CSQ"));
    assert_null(strstr(r->fp.out, "AT+QURCCFG"));
    assert_non_null(strstr(r->fp.out, "AT+QGMR\rAT+QFOTADL=\"" URL "\"\r"));
#endif
    assert_int_equal(r->fm.dl_commands, 1);
    rig_destroy(r);
}

/* A SIM that is not there fails the checks where the build has them; without them the
 * command goes and the module's own answer is the result. */
static void test_preflight_without_a_sim(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.cpin = "+CME ERROR: 10";
    r->fm.dl_answer = "ERROR";
#if DFOTA_WITH_PREFLIGHT
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_NOT_READY);
    assert_int_equal(r->fm.dl_commands, 0);
#else
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_REJECTED);
    assert_int_equal(r->fm.dl_commands, 1);
#endif
    rig_destroy(r);
}

/* ---- DFOTA_WITH_TEXTS: log lines -------------------------------------------------- */

static void test_log(void **state)
{
    struct session_rig *r = rig_create();
    struct dfota *s = NULL;
    char msg[128];

    (void)state;
    script_download_fails(&r->fm, QIND("HTTPSTART"), QINDN("HTTPEND", 701));
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_DOWNLOAD); /* on_log set, DEBUG level */
#if DFOTA_WITH_TEXTS
    assert_non_null(strstr(r->log, "upgrading from " URL));
    assert_non_null(strstr(r->log, "AT+QFOTADL"));
#else
    assert_string_equal(r->log, ""); /* on_log never called: the rig adds a line a call */
#endif
    rig_destroy(r);
    /* A failed open says why in dfota_open_msg() in every build; in its log only in one
     * with log lines. */
    r = rig_create();
    r->cfg.port_ops = NULL;
    assert_int_equal(dfota_open_msg(&s, &r->cfg, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_string_equal(msg, "no port: set port, usb or port_ops");
#if DFOTA_WITH_TEXTS
    assert_non_null(strstr(r->log, "no port: set port, usb or port_ops"));
#else
    assert_string_equal(r->log, "");
#endif
    rig_destroy(r);
}

/* ---- DFOTA_FAMILIES, and DFOTA_WITH_TEXTS: family sources ------------------------- */

/* The rows this build has, in the table's order, generic last. */
static const char built_families[] = ""
#if DFOTA_FAMILY_EM060K
                                     "em060k "
#endif
#if DFOTA_FAMILY_EC200U
                                     "ec200u "
#endif
#if DFOTA_FAMILY_EG915U
                                     "eg915u "
#endif
#if DFOTA_FAMILY_EC800K
                                     "ec800k "
#endif
#if DFOTA_FAMILY_EP06
                                     "ep06 "
#endif
#if DFOTA_FAMILY_EC2X
                                     "ec2x "
#endif
#if DFOTA_FAMILY_EG18
                                     "eg18 "
#endif
#if DFOTA_FAMILY_RM500Q
                                     "rm500q "
#endif
#if DFOTA_FAMILY_BG96
                                     "bg96 "
#endif
                                     "generic";

static void test_family_list(void **state)
{
    struct dfota_family_info info;
    char names[256] = "";
    size_t i;

    (void)state;
    for (i = 0; dfota_family_get(i, &info) == DFOTA_OK; i++) {
        size_t used = strlen(names);
        snprintf(names + used, sizeof(names) - used, "%s%s", i ? " " : "", info.name);
#if DFOTA_WITH_TEXTS
        assert_true(strlen(info.source) > 0);
#else
        assert_string_equal(info.source, "");
#endif
    }
    assert_string_equal(names, built_families);
    assert_int_equal(dfota_family_get(i, &info), DFOTA_ERR_INVALID);
}

/* Opens with cfg.family forced; returns dfota_open_msg()'s result and its message. */
static int open_with_family(const char *family, char *msg, size_t size)
{
    struct session_rig *r = rig_create();
    struct dfota *s = NULL;
    int rc;

    r->cfg.family = family;
    rc = dfota_open_msg(&s, &r->cfg, msg, size);
    assert_int_equal(r->fp.out_len, 0);
    dfota_close(s);
    rig_destroy(r);
    return rc;
}

static void test_forced_family(void **state)
{
    char msg[256];

    (void)state;
    assert_int_equal(open_with_family("generic", msg, sizeof(msg)), DFOTA_OK);
#if DFOTA_FAMILY_BG96
    assert_int_equal(open_with_family("bg96", msg, sizeof(msg)), DFOTA_OK);
    assert_string_equal(msg, "");
#else
    assert_int_equal(open_with_family("bg96", msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_string_equal(msg, "family 'bg96' is not built in (DFOTA_FAMILIES)");
#endif
    assert_int_equal(open_with_family("eg19", msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_non_null(strstr(msg, "'eg19'"));
}

/* A name no family has that long is not quoted, in any build: a command line mistyped
 * may hold a URL with its password there, and a quote cut short would split it past the
 * redaction. */
static void test_long_family_name_never_quoted(void **state)
{
    const char *name = "ftp://fw:SecretSecretSecretSecretSecret@host";
    char msg[64]; /* shorter than the name: what cutting would do */

    (void)state;
    assert_int_equal(open_with_family(name, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_null(strstr(msg, "Secret"));
    assert_non_null(strstr(msg, "unknown family: a name of 44 bytes"));
    assert_int_equal(dfota_check_target_family(name, "http://h/f.zip", NULL, msg, sizeof(msg)),
                     DFOTA_ERR_INVALID);
    assert_null(strstr(msg, "Secret"));
    assert_non_null(strstr(msg, "a name of 44 bytes"));
}

/* A module whose row the build left out is driven as generic. */
static void test_left_out_family_is_generic(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.model = "BG96";
    r->fm.version = "BG96MAR02A07M1G";
    rig_open(r);
    assert_int_equal(dfota_info(r->s), DFOTA_OK);
    assert_int_equal(dfota_run(r->s), DFOTA_OK);
#if DFOTA_FAMILY_BG96
    assert_non_null(strstr(r->trace, "FAMILY:bg96 "));
#else
    assert_non_null(strstr(r->trace, "FAMILY:generic "));
#endif
    rig_destroy(r);
}

/* ---- DFOTA_WITH_UPLOAD: the upload ------------------------------------------------ */

static int read_zeros(void *user, size_t offset, uint8_t *buf, size_t len, size_t *got)
{
    (void)user;
    (void)offset;
    memset(buf, 0, len);
    *got = len;
    return 0;
}

static void test_upload(void **state)
{
    struct session_rig *r = rig_create();
    struct dfota_package pkg = {.read = read_zeros, .size = 1024, .name = "pkg.zip"};

    (void)state;
    rig_open(r);
#if DFOTA_WITH_UPLOAD
    assert_int_equal(dfota_start_upload(r->s, &pkg), DFOTA_OK);
    assert_int_equal(dfota_start_upload(r->s, &pkg), DFOTA_ERR_STATE);
    /* the upload begins: it asks for the free space first (this module has no file
     * system to tell: test_session_upload has one) */
    assert_int_equal(dfota_run(r->s), DFOTA_ERR_UPLOAD);
    assert_non_null(strstr(r->fp.out, "AT+QFLDS=\"UFS\"\r"));
#else
    assert_int_equal(dfota_start_upload(r->s, &pkg), DFOTA_ERR_INVALID);
    assert_string_equal(dfota_error_text(r->s), "built without the upload (DFOTA_WITH_UPLOAD=0)");
    assert_int_equal(dfota_upload(r->s, &pkg), DFOTA_ERR_INVALID);
    assert_int_equal(r->fp.out_len, 0);
#endif
    rig_destroy(r);
}

/* ---- DFOTA_URL_MAX ------------------------------------------------------------------- */

/* An http:// URL of exactly len bytes. */
static void url_of_length(char *url, size_t len)
{
    static const char head[] = "http://10.0.0.1/";

    memcpy(url, head, sizeof(head) - 1);
    memset(url + sizeof(head) - 1, 'a', len - (sizeof(head) - 1) - 4);
    memcpy(url + len - 4, ".zip", 5);
}

/* The longest URL any family takes (the generic family's) and the longest this build
 * takes: the session takes the shorter of the two. */
#define GENERIC_URL_MAX 700
#if DFOTA_URL_MAX < GENERIC_URL_MAX
#define LONGEST_URL DFOTA_URL_MAX
#else
#define LONGEST_URL GENERIC_URL_MAX
#endif

/* The longest URL this build takes goes to the module whole; one byte more is refused
 * before anything is sent, by the build's limit (DFOTA_URL_MAX) where it is the
 * shorter, else by the generic family's. */
static void test_url_max(void **state)
{
    static char url[LONGEST_URL + 2];
    struct session_rig *r = rig_create();

    (void)state;
    r->cfg.family = "generic";
    r->fm.dl_answer = "ERROR";
    url_of_length(url, LONGEST_URL);
    assert_int_equal(rig_upgrade(r, url), DFOTA_ERR_REJECTED);
    assert_non_null(strstr(r->fp.out, url));
    rig_destroy(r);

    r = rig_create();
    r->cfg.family = "generic";
    url_of_length(url, LONGEST_URL + 1);
    rig_open(r);
    assert_int_equal(dfota_start(r->s, url), DFOTA_ERR_INVALID);
#if DFOTA_URL_MAX < GENERIC_URL_MAX
    char said[96];
    snprintf(said, sizeof(said), "target: %d bytes, this build takes at most %d (DFOTA_URL_MAX)",
             DFOTA_URL_MAX + 1, DFOTA_URL_MAX);
    assert_string_equal(dfota_error_text(r->s), said);
#else
    assert_string_equal(dfota_error_text(r->s),
                        "generic: URL is 701 bytes; this family accepts at most 700");
#endif
    assert_int_equal(r->fp.out_len, 0);
    rig_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ftp_targets),
        cmocka_unit_test(test_local_targets),
        cmocka_unit_test(test_code_meanings),
        cmocka_unit_test(test_preflight),
        cmocka_unit_test(test_preflight_without_a_sim),
        cmocka_unit_test(test_log),
        cmocka_unit_test(test_family_list),
        cmocka_unit_test(test_forced_family),
        cmocka_unit_test(test_long_family_name_never_quoted),
        cmocka_unit_test(test_left_out_family_is_generic),
        cmocka_unit_test(test_upload),
        cmocka_unit_test(test_url_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
