/* The upload phase through the whole session (dfota_start_upload, dfota_upload) on the
 * fake port and fake clock: the fake module answers the dialogue, the fake UFS the file
 * commands and the transfer. What each verdict of the upload becomes as a session result,
 * the events, and each family's local path. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "fake_ufs.h"
#include "session_rig.h"

#define PKG_SIZE 5001 /* odd: the checksum's lone last byte; four blocks and a short one */
#define PKG_NAME "pkg.bin"
#define UFS_TOTAL 1000000

/* A session rig whose port answers as the fake module, and as the fake UFS for the file
 * commands and the transfer; the package comes from a read callback. */
struct up_rig {
    struct session_rig *r;
    struct fake_ufs ufs;
    fake_responder module_respond, ufs_respond;
    void *module_user;
    uint8_t data[PKG_SIZE];
    struct dfota_package pkg;
    size_t ends_at;   /* the source ends early there (the file shrank); 0: never */
    size_t fails_at;  /* a read at or past this offset fails; 0: never */
    size_t cancel_at; /* dfota_cancel() from a read at or past this offset; 0: never */
    size_t hangup_at; /* the port goes away at a read at or past this offset; 0: never */
    size_t reads;
};

static bool up_is_file_command(const char *data, size_t len)
{
    static const char *const commands[] = {"AT+QFLDS=", "AT+QFLST=", "AT+QFDEL=", "AT+QFUPL="};

    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        size_t n = strlen(commands[i]);
        if (len >= n && memcmp(data, commands[i], n) == 0)
            return true;
    }
    return false;
}

static void up_respond(struct fake_port *fp, const char *data, size_t len, void *user)
{
    struct up_rig *u = user;

    if (fake_ufs_deadline(&u->ufs) <= fp->now) /* the module's own data timeout ran out */
        fake_ufs_tick(&u->ufs);
    if (ufs_model_takes_input(&u->ufs.model) || up_is_file_command(data, len))
        u->ufs_respond(fp, data, len, &u->ufs);
    else
        u->module_respond(fp, data, len, u->module_user);
}

static int up_read(void *user, size_t offset, uint8_t *buf, size_t len, size_t *got)
{
    struct up_rig *u = user;
    size_t n = PKG_SIZE - offset < len ? PKG_SIZE - offset : len;

    u->reads++;
    if (u->cancel_at && offset >= u->cancel_at)
        dfota_cancel(u->r->s);
    if (u->hangup_at && offset >= u->hangup_at)
        fake_port_hangup_at(&u->r->fp, u->r->fp.now);
    if (u->fails_at && offset >= u->fails_at)
        return -1;
    if (u->ends_at && offset >= u->ends_at)
        n = 0;
    memcpy(buf, u->data + offset, n);
    *got = n;
    return 0;
}

static uint64_t up_ufs_due(void *user)
{
    return fake_ufs_deadline(user);
}

static void up_ufs_tick(void *user)
{
    fake_ufs_tick(user);
}

static struct up_rig *up_create(const char *family)
{
    struct up_rig *u = calloc(1, sizeof(*u));

    assert_non_null(u);
    u->r = rig_create();
    u->module_respond = u->r->fp.responder;
    u->module_user = u->r->fp.responder_user;
    fake_ufs_init(&u->ufs, &u->r->fp, UFS_TOTAL, UFS_TOTAL);
    u->ufs_respond = u->r->fp.responder;
    u->r->fp.responder = up_respond;
    u->r->fp.responder_user = u;
    u->r->fp.timer_due = up_ufs_due; /* the module's data timeout ends a transfer on time */
    u->r->fp.timer_tick = up_ufs_tick;
    u->r->fp.timer_user = &u->ufs;
    for (size_t i = 0; i < PKG_SIZE; i++)
        u->data[i] = (uint8_t)(i * 7 % 255 + 1); /* no NUL: the port's output is a string */
    u->pkg.read = up_read;
    u->pkg.read_user = u;
    u->pkg.size = PKG_SIZE;
    u->pkg.name = PKG_NAME;
    u->r->cfg.family = family;
    u->r->cfg.upload_timeout_s = 10;
    u->ufs.ack_delay_ms = 90; /* a 1024-byte block at 115200 baud */
    return u;
}

static void up_destroy(struct up_rig *u)
{
    rig_destroy(u->r);
    free(u);
}

/* dfota_upload() (only: true) or dfota_start_upload(), run to the end. */
static int up_run(struct up_rig *u, bool only)
{
    int rc;

    rig_open(u->r);
    rc = only ? dfota_upload(u->r->s, &u->pkg) : dfota_start_upload(u->r->s, &u->pkg);
    if (rc != DFOTA_OK)
        return rc;
    rc = dfota_run(u->r->s);
    assert_int_equal(u->r->done_events, 1);
    return rc;
}

static unsigned up_sum(const struct up_rig *u)
{
    return ufs_model_checksum(u->data, PKG_SIZE, 0, 0);
}

static size_t up_count(const char *haystack, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The partial file is gone, and its space is free again. */
static void assert_nothing_left(const struct up_rig *u)
{
    assert_null(ufs_model_find(&u->ufs.model, PKG_NAME));
    assert_int_equal(u->ufs.model.free_bytes, UFS_TOTAL);
}

static void test_upload_then_upgrade(void **state)
{
    struct up_rig *u = up_create(NULL);
    char end[64];

    (void)state;
    fake_module_reboot(&u->r->fm, 200, 1000);
    fake_module_urc(&u->r->fm, 1500, QINDN("END", 0));
    fake_module_reboot(&u->r->fm, 1600, 1000);
    assert_int_equal(up_run(u, false), DFOTA_OK);
    /* the progress comes block by block while the transfer runs, then the verified end */
    snprintf(end, sizeof(end), "UP20 UP40 UP61 UP81 UP100 UP_END:%d,%x,ok ", PKG_SIZE, up_sum(u));
    assert_non_null(strstr(u->r->trace, end));
    assert_string_equal(u->ufs.log, "AT+QFLDS=\"UFS\"|AT+QFDEL=\"pkg.bin\"|"
                                    "AT+QFUPL=\"pkg.bin\",5001,10,1|");
    assert_int_equal(u->ufs.model.data_bytes, PKG_SIZE);
    assert_int_equal(ufs_model_find(&u->ufs.model, PKG_NAME)->sum, up_sum(u));
    assert_non_null(strstr(u->r->fp.out, "AT+QFOTADL=\"/usrdata/cache/ufs/pkg.bin\""));
    assert_non_null(strstr(u->r->trace, "END:0 LOST BACK VERSION:"));
    assert_non_null(strstr(u->r->trace, "DONE:0,"));
    /* every write had the library's command timeout, not the config's 0 ("default") */
    assert_int_equal(u->r->cfg.command_timeout_ms, 0);
    assert_int_equal(u->r->fp.min_write_timeout_ms, 5000);
    up_destroy(u);
}

static void test_upload_only_reports_the_path(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    assert_int_equal(up_run(u, true), DFOTA_OK);
    assert_string_equal(dfota_error_text(u->r->s), "uploaded to /usrdata/cache/ufs/pkg.bin");
    assert_null(strstr(u->r->fp.out, "AT+QFOTADL"));
    assert_non_null(ufs_model_find(&u->ufs.model, PKG_NAME));
    up_destroy(u);
}

static void test_ack_mode_off(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->r->cfg.upload_no_ack = true;
    assert_int_equal(up_run(u, true), DFOTA_OK);
    assert_non_null(strstr(u->ufs.log, "AT+QFUPL=\"pkg.bin\",5001,10,0|"));
    assert_int_equal(ufs_model_find(&u->ufs.model, PKG_NAME)->sum, up_sum(u));
    up_destroy(u);
}

static void test_checksum_once_is_retried(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->ufs.model.fault = UFS_MODEL_FAULT_SUM_ONCE;
    assert_int_equal(up_run(u, true), DFOTA_OK);
    assert_int_equal(up_count(u->r->trace, "UP_END:"), 2);
    assert_non_null(strstr(u->r->trace, ",bad "));
    assert_int_equal(u->ufs.model.uploads, 2);
    assert_int_equal(ufs_model_find(&u->ufs.model, PKG_NAME)->sum, up_sum(u));
    up_destroy(u);
}

static void test_short_once_is_retried(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->ufs.model.fault = UFS_MODEL_FAULT_SHORT_ONCE;
    assert_int_equal(up_run(u, true), DFOTA_OK);
    assert_int_equal(u->ufs.model.uploads, 2);
    assert_int_equal(ufs_model_find(&u->ufs.model, PKG_NAME)->size, PKG_SIZE);
    up_destroy(u);
}

/* A failure of the upload: the session's result, the module's code, the text, and
 * whether an upgrade command was sent (never). */
static void assert_failed(struct up_rig *u, int rc, int want, int code, const char *text)
{
    assert_int_equal(rc, want);
    assert_int_equal(dfota_module_code(u->r->s), code);
    if (!strstr(dfota_error_text(u->r->s), text))
        fail_msg("\"%s\" does not hold \"%s\"", dfota_error_text(u->r->s), text);
    assert_null(strstr(u->r->fp.out, "AT+QFOTADL"));
}

static void test_checksum_always_fails(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->ufs.model.fault = UFS_MODEL_FAULT_SUM_ALWAYS;
    assert_failed(u, up_run(u, false), DFOTA_ERR_UPLOAD, -1, "checksum mismatch twice");
    assert_int_equal(up_count(u->r->trace, ",bad "), 2);
    assert_nothing_left(u);
    up_destroy(u);
}

static void test_short_always_fails(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->ufs.model.fault = UFS_MODEL_FAULT_SHORT_ALWAYS;
    assert_failed(u, up_run(u, false), DFOTA_ERR_UPLOAD, -1, "short count twice");
    assert_nothing_left(u);
    up_destroy(u);
}

static void test_cme_mid_transfer_fails_at_once(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->ufs.model.fault = UFS_MODEL_FAULT_CME_AT;
    u->ufs.model.fault_at = 2500;
    assert_failed(u, up_run(u, false), DFOTA_ERR_UPLOAD, 409, "+CME ERROR: 409");
    assert_true(u->r->done_at < 1000); /* seen at once, not after a timeout */
    assert_nothing_left(u);
    up_destroy(u);
}

static void test_no_space_writes_nothing(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->ufs.model.free_bytes = PKG_SIZE - 1;
    assert_failed(u, up_run(u, false), DFOTA_ERR_UPLOAD, -1, "not enough space");
    /* only a stale file of the same name could have held the missing space */
    assert_string_equal(u->ufs.log, "AT+QFLDS=\"UFS\"|AT+QFLST=\"pkg.bin\"|");
    assert_int_equal(u->ufs.model.data_bytes, 0);
    up_destroy(u);
}

static void test_locked_file_407(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    assert_true(ufs_model_add(&u->ufs.model, PKG_NAME, 100, true));
    assert_failed(u, up_run(u, false), DFOTA_ERR_UPLOAD, 407, "407");
    assert_int_equal(u->ufs.model.data_bytes, 0);
    assert_int_equal(ufs_model_find(&u->ufs.model, PKG_NAME)->size, 100);
    up_destroy(u);
}

static void test_module_stops_acknowledging_times_out(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->ufs.model.fault = UFS_MODEL_FAULT_STOP_ACK;
    u->ufs.model.fault_at = 2;
    assert_failed(u, up_run(u, false), DFOTA_ERR_TIMEOUT, -1, "stopped acknowledging");
    /* after the module's data timeout (10 s) and the command's own (5 s) */
    assert_true(u->r->done_at >= 15000 && u->r->done_at < 25000);
    assert_nothing_left(u);
    up_destroy(u);
}

static void test_package_that_shrinks_fails(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->ends_at = 3072; /* the read callback reports the package ended before its size */
    assert_failed(u, up_run(u, false), DFOTA_ERR_UPLOAD, -1, "changed size");
    assert_nothing_left(u);
    up_destroy(u);
}

static void test_package_read_error_fails(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->fails_at = 1024;
    assert_failed(u, up_run(u, false), DFOTA_ERR_UPLOAD, -1, "could not be read");
    assert_nothing_left(u);
    up_destroy(u);
}

static void test_cancel_mid_transfer(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->cancel_at = 2048;
    assert_failed(u, up_run(u, false), DFOTA_ERR_CANCELLED, -1, "");
    assert_int_equal(u->ufs.model.data_bytes, 3072); /* the block in flight, then nothing more */
    assert_true(u->r->done_at < 1000);               /* at once: the module times out by itself */
    up_destroy(u);
}

#if DFOTA_WITH_PREFLIGHT
/* A cancel in the middle of the transfer after the checks routed the URCs: the module
 * still takes the file's data until its own timeout, so the URC port is put back after
 * it, not into the file. */
static void test_cancel_mid_transfer_puts_the_urc_port_back_after_the_data(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->r->cfg.set_urcport = true;
    u->r->fm.urcport = "+QURCCFG: \"urcport\",\"uart1\"";
    u->cancel_at = 2048;
    assert_failed(u, up_run(u, false), DFOTA_ERR_CANCELLED, -1, "");
    assert_int_equal(u->ufs.model.data_bytes, 3072); /* no command went into the file */
    assert_non_null(strstr(u->r->fp.out, "AT+QURCCFG=\"urcport\",\"uart1\"\r"));
    assert_null(strstr(u->r->log, "could not put the URC port back"));
    up_destroy(u);
}
#endif

static void test_port_lost_mid_transfer(void **state)
{
    struct up_rig *u = up_create(NULL);

    (void)state;
    u->r->cfg.port_timeout_ms = 2000;
    u->hangup_at = 2048;
    assert_failed(u, up_run(u, false), DFOTA_ERR_PORT, -1, "");
    up_destroy(u);
}

/* Each family's local path: the upload's DONE text names it. */
static void assert_local_path(const char *family, const char *path)
{
    struct up_rig *u = up_create(family);
    char want[96];

    assert_int_equal(up_run(u, true), DFOTA_OK);
    snprintf(want, sizeof(want), "uploaded to %s", path);
    assert_string_equal(dfota_error_text(u->r->s), want);
    up_destroy(u);
}

/* A name the target built from it would break (a trailing space) is refused before a
 * byte goes out: not after the whole package was uploaded, with the file left behind. */
static void test_name_refused_before_anything_is_sent(void **state)
{
    static const char *const names[] = {"ab ", " ab"};

    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct up_rig *u = up_create(NULL);

        u->pkg.name = names[i];
        rig_open(u->r);
        assert_int_equal(dfota_start_upload(u->r->s, &u->pkg), DFOTA_ERR_INVALID);
        assert_non_null(strstr(dfota_error_text(u->r->s), "with a space"));
        assert_string_equal(u->r->fp.out, "");
        assert_int_equal(u->reads, 0);
        up_destroy(u);
    }
}

static void test_family_local_paths(void **state)
{
    (void)state;
    assert_local_path("generic", "/usrdata/cache/ufs/" PKG_NAME);
#if DFOTA_FAMILY_EM060K /* each where the build has the family's row */
    assert_local_path("em060k", "/usrdata/cache/ufs/" PKG_NAME);
#endif
#if DFOTA_FAMILY_EG18
    assert_local_path("eg18", "/cache/ufs/" PKG_NAME);
#endif
#if DFOTA_FAMILY_EC200U
    assert_local_path("ec200u", "UFS:" PKG_NAME);
#endif
}

#if DFOTA_FAMILY_EC200U /* the family's row */
static void test_ec200u_upgrade_names_the_ufs_file(void **state)
{
    struct up_rig *u = up_create("ec200u");

    (void)state;
    u->r->fm.model = "EC200U";
    fake_module_reboot(&u->r->fm, 200, 1000);
    fake_module_urc(&u->r->fm, 1500, QINDN("END", 0));
    fake_module_reboot(&u->r->fm, 1600, 1000);
    (void)up_run(u, false);
    assert_non_null(strstr(u->r->fp.out, "AT+QFOTADL=\"UFS:" PKG_NAME "\""));
    up_destroy(u);
}
#endif

#if DFOTA_FAMILY_BG96 /* the family's row */
static void test_bg96_is_refused_before_anything_is_written(void **state)
{
    struct up_rig *u = up_create("bg96");

    (void)state;
    assert_int_equal(up_run(u, false), DFOTA_ERR_INVALID);
    assert_non_null(strstr(dfota_error_text(u->r->s), "bg96"));
    assert_non_null(strstr(dfota_error_text(u->r->s), "no upload"));
    assert_string_equal(u->ufs.log, "");
    up_destroy(u);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload_then_upgrade),
        cmocka_unit_test(test_upload_only_reports_the_path),
        cmocka_unit_test(test_ack_mode_off),
        cmocka_unit_test(test_checksum_once_is_retried),
        cmocka_unit_test(test_short_once_is_retried),
        cmocka_unit_test(test_checksum_always_fails),
        cmocka_unit_test(test_short_always_fails),
        cmocka_unit_test(test_cme_mid_transfer_fails_at_once),
        cmocka_unit_test(test_no_space_writes_nothing),
        cmocka_unit_test(test_locked_file_407),
        cmocka_unit_test(test_module_stops_acknowledging_times_out),
        cmocka_unit_test(test_package_that_shrinks_fails),
        cmocka_unit_test(test_package_read_error_fails),
        cmocka_unit_test(test_cancel_mid_transfer),
#if DFOTA_WITH_PREFLIGHT
        cmocka_unit_test(test_cancel_mid_transfer_puts_the_urc_port_back_after_the_data),
#endif
        cmocka_unit_test(test_port_lost_mid_transfer),
        cmocka_unit_test(test_name_refused_before_anything_is_sent),
        cmocka_unit_test(test_family_local_paths),
#if DFOTA_FAMILY_EC200U
        cmocka_unit_test(test_ec200u_upgrade_names_the_ufs_file),
#endif
#if DFOTA_FAMILY_BG96
        cmocka_unit_test(test_bg96_is_refused_before_anything_is_written),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
