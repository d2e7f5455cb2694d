/* The family table, row by row: which model selects it, its limits at their boundaries,
 * its command's form and setup, its code meanings and what RESTORE means. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "family/family.h"
#include "fsm/fsm.h"
#include "at/target.h"

struct model_case {
    const char *model;
    const char *version;
    const char *family; /* NULL: none but generic */
};

static const struct model_case model_cases[] = {
    {"EM060K-GL", NULL, "em060k"},
    {"EG065K-NA", NULL, "em060k"},
    {"EG060K-EA", NULL, "em060k"},
    {"EM120K-GL", NULL, "em060k"},
    {"EG120K-EA", NULL, "em060k"},
    {"EP06-E", NULL, "ep06"},
    {"EG06-E", NULL, "ep06"},
    {"EM06-E", NULL, "ep06"},
    {"EC25-EU", NULL, "ec2x"},
    {"EC21-E", NULL, "ec2x"},
    {"EG25-G", NULL, "ec2x"},
    {"EG95-E", NULL, "ec2x"},
    {"EM05-G", NULL, "ec2x"},
    {"EG18-EA", NULL, "eg18"},
    {"EM12-G", NULL, "eg18"},
    {"EG12-EA", NULL, "eg18"},
    {"RM500Q-GL", NULL, "rm500q"},
    {"RG500Q-EA", NULL, "rm500q"},
    {"RM520N-GL", NULL, "rm500q"},
    {"BG96", NULL, "bg96"},
    {"BG95-M3", NULL, "bg96"},
    {"EC200U-CN", NULL, "ec200u"},
    {"EG915U-EU", NULL, "eg915u"},
    {"EC800K-CN", NULL, "ec800k"},
    {"EG800K-EU", NULL, "ec800k"},
    {"em060k-gl", NULL, "em060k"},                   /* case does not matter */
    {"", "EG18EAPAR03A02M8G_01.001.01.001", "eg18"}, /* no model: the version's prefix */
    {NULL, "BG96MAR02A07M1G", "bg96"},
    {"SIM7600E", "LE20B04SIM7600M22", NULL},
    {"", "", NULL},
};

static void test_family_by_model(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(model_cases) / sizeof(model_cases[0]); i++) {
        const struct model_case *c = &model_cases[i];
        const struct family *f = family_for_model(c->model, c->version);
        if (c->family == NULL) {
            assert_null(f);
        } else {
            assert_non_null(f);
            if (strcmp(f->name, c->family) != 0)
                fail_msg("%s / %s -> %s, expected %s", c->model, c->version, f->name, c->family);
        }
    }
    assert_string_equal(family_generic()->name, "generic");
    assert_ptr_equal(family_by_name("EG18"), family_by_name("eg18"));
    assert_null(family_by_name("eg1"));
    assert_null(family_by_name(NULL));
}

static void test_patterns(void **state)
{
    (void)state;
    assert_true(family_pattern_matches("EG06?K*", "EG065K-NA"));
    assert_false(family_pattern_matches("EG06?K*", "EG06-E"));
    assert_true(family_pattern_matches("*", ""));
    assert_true(family_pattern_matches("RM50?Q*", "rm502q-ae"));
    assert_false(family_pattern_matches("BG96", "BG96X"));
    assert_false(family_pattern_matches("BG96*", NULL));
}

/* A URL of exactly n bytes. */
static void url_of(char *out, size_t n)
{
    static const char head[] = "http://10.0.0.1/";

    memset(out, 'a', n);
    memcpy(out, head, sizeof(head) - 1);
    memcpy(out + n - 4, ".zip", 4);
    out[n] = '\0';
}

static int check(const struct family *f, const char *target, char *msg, size_t size)
{
    struct target_rules r;
    const char *one[2];

    family_target_rules(f, NULL, &r, one);
    return target_check_rules(target, &r, NULL, msg, size);
}

static void test_url_limit_at_its_boundary(void **state)
{
    char url[800], msg[160];

    (void)state;
    for (size_t i = 0; i < family_count; i++) {
        const struct family *f = &family_table[i];
        url_of(url, f->url_max);
        if (check(f, url, msg, sizeof(msg)) != DFOTA_OK)
            fail_msg("%s: a %zu-byte URL refused: %s", f->name, (size_t)f->url_max, msg);
        url_of(url, f->url_max + 1);
        assert_int_equal(check(f, url, msg, sizeof(msg)), DFOTA_ERR_INVALID);
        assert_non_null(strstr(msg, "this family accepts at most"));
    }
    /* The rules every family shares take the longest any family does. */
    url_of(url, 700);
    assert_int_equal(check(NULL, url, msg, sizeof(msg)), DFOTA_OK);
    url_of(url, 701);
    assert_int_equal(check(NULL, url, msg, sizeof(msg)), DFOTA_ERR_INVALID);
}

#if DFOTA_WITH_FTP /* ftp:// targets */
static void test_ftp_parts(void **state)
{
    char url[200], msg[160];
    char user[52];

    (void)state;
    memset(user, 'u', 51);
    user[51] = '\0';
    snprintf(url, sizeof(url), "ftp://%.50s:p@h/f.zip", user);
    assert_int_equal(check(family_by_name("em060k"), url, msg, sizeof(msg)), DFOTA_OK);
    snprintf(url, sizeof(url), "ftp://%s:p@h/f.zip", user);
    assert_int_equal(check(family_by_name("em060k"), url, msg, sizeof(msg)), DFOTA_ERR_INVALID);
    assert_non_null(strstr(msg, "user is 51 bytes"));
    /* EG18 has no limit of its own on the parts. */
    assert_int_equal(check(family_by_name("eg18"), url, msg, sizeof(msg)), DFOTA_OK);
}
#endif

#if DFOTA_WITH_UPLOAD /* targets in the module's file system */
struct local_case {
    const char *family;
    const char *target;
    bool ok;
};

static const struct local_case local_cases[] = {
    {"em060k", "/usrdata/cache/ufs/up.zip", true},
    {"em060k", "/cache/ufs/up.zip", false},
    {"eg18", "/cache/ufs/up.zip", true},
    {"eg18", "/usrdata/cache/ufs/up.zip", true},
    {"bg96", "/fota/update.zip", true},
    {"bg96", "/fota/other.zip", false},
    {"ec200u", "UFS:update.pac", true},
    {"ec200u", "/usrdata/cache/ufs/up.zip", false},
    {"ec200u", "UFS:", false},
    /* Before the module said what it is: under some family's prefix, or refused (a file
     * on the host, which the module does not have). */
    {NULL, "/anything/up.zip", false},
    {NULL, "/etc/update.zip", false},
    {NULL, "/usrdata/cache/ufs/up.zip", true},
    {NULL, "/cache/ufs/up.zip", true},
    {NULL, "/data/ufs/up.zip", true},
    {NULL, "/fota/update.zip", true},
    {NULL, "UFS:up.pac", true},
    {NULL, "/anything/", false},
};

static void test_local_forms(void **state)
{
    char msg[160];

    (void)state;
    for (size_t i = 0; i < sizeof(local_cases) / sizeof(local_cases[0]); i++) {
        const struct local_case *c = &local_cases[i];
        const struct family *f = c->family ? family_by_name(c->family) : NULL;
        int rc = check(f, c->target, msg, sizeof(msg));
        if ((rc == DFOTA_OK) != c->ok)
            fail_msg("%s %s: %d (%s)", c->family ? c->family : "any", c->target, rc, msg);
    }
}
#endif

/* The public lookup picks as the session does: by the model, else by the version. */
static void test_family_for_model(void **state)
{
    (void)state;
    assert_string_equal(dfota_family_for_model("EM060K-GL", NULL), "em060k");
    assert_string_equal(dfota_family_for_model("BG96", "BG96MAR02A07M1G"), "bg96");
    assert_string_equal(dfota_family_for_model(NULL, "EM060KGLAAR01A07M4G"), "em060k");
    assert_string_equal(dfota_family_for_model("Unknown-X9", "X9R01A01"), "generic");
    assert_string_equal(dfota_family_for_model(NULL, NULL), "generic");
}

static const struct family_values values = {.cid = 3, .pid = 0, .asr_mode = 1, .asr_timeout = 50};

static void command_of(const char *family, const char *target, bool local, const char *want)
{
    struct family_command_parts parts;
    char out[800];

    assert_true(family_command(family_by_name(family), &values, target, local, out, sizeof(out)));
    assert_string_equal(out, want);
    /* The parts the command phase builds around the target in place: a head that fits
     * before it, and a body that is the target's end (or nothing of it). */
    family_command_parts(family_by_name(family), &values, target, local, &parts);
    assert_in_range(strlen(parts.head), 1, FAMILY_COMMAND_HEAD_MAX);
    assert_int_equal(parts.body_len, strlen(parts.body));
    if (parts.body_len > 0)
        assert_ptr_equal(parts.body + parts.body_len, target + strlen(target));
}

static void test_command_forms(void **state)
{
    (void)state;
    command_of("em060k", "http://h/f.zip", false, "AT+QFOTADL=\"http://h/f.zip\"");
#if DFOTA_WITH_UPLOAD
    command_of("em060k", "/usrdata/cache/ufs/f.zip", true,
               "AT+QFOTADL=\"/usrdata/cache/ufs/f.zip\"");
#endif
    command_of("ec200u", "http://h/f.pac", false, "AT+QFOTADL=\"http://h/f.pac\",1,50,100");
    command_of("eg915u", "http://h/f.pac", false, "AT+QFOTADL=\"http://h/f.pac\",1,100,100");
#if DFOTA_WITH_UPLOAD
    command_of("ec200u", "UFS:f.pac", true, "AT+QFOTADL=\"UFS:f.pac\",1,50,100");
#endif
    command_of("ec800k", "http://h/f.bin", false, "AT+QFOTADL=\"http://h/f.bin\",1,50");
#if DFOTA_WITH_UPLOAD
    command_of("bg96", "/fota/update.zip", true, "AT+QFOTADL=1");
#endif
    command_of("bg96", "http://h/f.zip", false, "AT+QFOTADL=\"http://h/f.zip\"");
}

static void test_setup_commands(void **state)
{
    const struct family *unisoc = family_by_name("ec200u"), *fiveg = family_by_name("rm500q");
    struct family_values with_pid = values;
    char out[200];

    (void)state;
    assert_int_equal(family_setup_count(family_by_name("em060k")), 0);
    /* cid, and fota/path for a local one in a build that has them */
    assert_int_equal(family_setup_count(unisoc), DFOTA_WITH_UPLOAD ? 2 : 1);
    assert_int_equal(
        family_setup_command(unisoc, &values, 0, "http://h/f", false, out, sizeof(out)),
        FAMILY_SETUP_WRITTEN);
    assert_string_equal(out, "AT+QCFG=\"fota/cid\",3");
    assert_int_equal(
        family_setup_command(unisoc, &values, 1, "http://h/f", false, out, sizeof(out)),
        FAMILY_SETUP_SKIP);
#if DFOTA_WITH_UPLOAD
    assert_int_equal(family_setup_command(unisoc, &values, 1, "UFS:f.pac", true, out, sizeof(out)),
                     FAMILY_SETUP_WRITTEN);
    assert_string_equal(out, "AT+QCFG=\"fota/path\",\"UFS:f.pac\"");
    /* One that does not fit is said so, never skipped: AT+QFOTADL must not go without it. */
    assert_int_equal(family_setup_command(unisoc, &values, 1, "UFS:f.pac", true, out, 20),
                     FAMILY_SETUP_TOO_LONG);
#endif
    /* The 5G profile only when the user set one: else the module keeps its own. */
    assert_int_equal(family_setup_command(fiveg, &values, 0, "http://h/f", false, out, sizeof(out)),
                     FAMILY_SETUP_SKIP);
    with_pid.pid = 2;
    assert_int_equal(
        family_setup_command(fiveg, &with_pid, 0, "http://h/f", false, out, sizeof(out)),
        FAMILY_SETUP_WRITTEN);
    assert_string_equal(out, "AT+QFOTAPID=2");
}

#if DFOTA_WITH_UPLOAD
/* Every family's setup commands fit the machine's room for them with the longest local
 * package the family takes (fsm.h: FSM_SHORT_MAX, from FAMILY_LOCAL_MAX). */
static void test_setup_commands_fit_the_line(void **state)
{
    char target[FAMILY_LOCAL_MAX + 1], out[FSM_SHORT_MAX];

    (void)state;
    for (size_t i = 0; i < family_count; i++) {
        const struct family *f = &family_table[i];
        if (f->local_form != FAMILY_LOCAL_QCFG)
            continue;
        assert_true(f->local_max <= FAMILY_LOCAL_MAX);
        memset(target, 'a', f->local_max);
        memcpy(target, "UFS:", 4);
        target[f->local_max] = '\0';
        for (size_t k = 0; k < family_setup_count(f); k++)
            assert_int_not_equal(
                family_setup_command(f, &values, k, target, true, out, sizeof(out)),
                FAMILY_SETUP_TOO_LONG);
    }
}
#endif

#if DFOTA_WITH_TEXTS /* the meanings' texts */
static void test_code_meanings(void **state)
{
    const struct family *note = family_by_name("em060k"), *unisoc = family_by_name("ec200u");
    const struct family *asr = family_by_name("ec800k");
    char text[96];

    (void)state;
    assert_string_equal(family_code_meaning(note, FAMILY_AT_UPDATE, 505),
                        "package version does not match this module");
    assert_string_equal(family_code_meaning(note, FAMILY_AT_FTP, 625), "FTP login failed");
    assert_string_equal(family_code_meaning(note, FAMILY_AT_FTP, 608), "FTP error");
    /* An HTTP download's 608 is no FTP error, on any family. */
    assert_null(family_code_meaning(note, FAMILY_AT_HTTP, 608));
    assert_null(family_code_meaning(unisoc, FAMILY_AT_HTTP, 608));
    assert_null(family_code_meaning(unisoc, FAMILY_AT_HTTP, 701));
    assert_string_equal(family_code_meaning(unisoc, FAMILY_AT_HTTP, 0), "success");
    /* ASR's 50x are its own, and it has no 510. */
    assert_string_equal(family_code_meaning(asr, FAMILY_AT_UPDATE, 505), "package checksum wrong");
    assert_null(family_code_meaning(asr, FAMILY_AT_UPDATE, 510));
    family_describe_code(unisoc, FAMILY_AT_HTTP, 570, text, sizeof(text));
    assert_string_equal(text, "code 570 (no published meaning)");
    family_describe_code(note, FAMILY_AT_UPDATE, 511, text, sizeof(text));
    assert_string_equal(text, "code 511 (not enough file-system space)");
    assert_string_equal(family_note_meaning(701), "HTTP(S) unknown error");
    assert_null(family_note_meaning(9999));
}
#endif

static void test_restore_and_flow(void **state)
{
    (void)state;
    for (size_t i = 0; i < family_count; i++) {
        const struct family *f = &family_table[i];
        bool bg96 = strcmp(f->name, "bg96") == 0;
        assert_int_equal(f->restore, bg96 ? FAMILY_RESTORE_INSTALL : FAMILY_RESTORE_ROLLBACK);
        /* ASR's flow (no START, a reboot inside UPDATING) is behaviour, not a value of
         * its row: test_dialects' test_ec800k_reboot_inside_the_attempt pins it. */
        assert_non_null(f->source);
        assert_non_null(f->local_prefixes[0]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_family_by_model),
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_url_limit_at_its_boundary),
#if DFOTA_WITH_FTP
        cmocka_unit_test(test_ftp_parts),
#endif
#if DFOTA_WITH_UPLOAD
        cmocka_unit_test(test_local_forms),
#endif
        cmocka_unit_test(test_family_for_model),
        cmocka_unit_test(test_command_forms),
        cmocka_unit_test(test_setup_commands),
#if DFOTA_WITH_UPLOAD
        cmocka_unit_test(test_setup_commands_fit_the_line),
#endif
#if DFOTA_WITH_TEXTS
        cmocka_unit_test(test_code_meanings),
#endif
        cmocka_unit_test(test_restore_and_flow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
