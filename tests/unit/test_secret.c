/* The session's known password is hidden in every piece of every log line: the echo of
 * AT+QFOTADL cut by a URC or a CR at any byte, and secret_hide() on its own. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "at/secret.h"
#include "session_rig.h"

#define PASSWORD "Zq9xW7k"
#define FTP_URL "ftp://user:" PASSWORD "@10.0.0.1:2121/up.zip"

/* No two bytes of the password in a row anywhere in the log. */
static void assert_no_piece(const char *log)
{
    char piece[3] = "";

    for (size_t i = 0; i + 1 < strlen(PASSWORD); i++) {
        memcpy(piece, &PASSWORD[i], 2);
        if (strstr(log, piece)) {
            fprintf(stderr, "'%s' of the password in the log:\n%s\n", piece, log);
            fail();
        }
    }
}

#define HEAD "AT+QFOTADL=\"ftp://user:"

static void upgrade_with_a_cut_echo(const char *cut, size_t at)
{
    struct session_rig *r = rig_create();
    char first[64];

    r->cfg.no_preflight = true;
    r->fm.echo_stays = true;
    r->fm.echo_cut = cut;
    r->fm.echo_cut_at = at;
    r->fm.dl_answer = "ERROR"; /* the echo is what matters; the upgrade ends at once */
    assert_int_equal(rig_upgrade(r, FTP_URL), DFOTA_ERR_REJECTED);
    assert_non_null(strstr(r->fp.out, PASSWORD)); /* the module got it */
    /* the echo was logged, in pieces: its head before the password is there */
    snprintf(first, sizeof(first), "<< %.*s", (int)(at < strlen(HEAD) ? at : strlen(HEAD)), HEAD);
    assert_non_null(strstr(r->log, at > 0 ? first : "@10.0.0.1:2121/up.zip\""));
    assert_no_piece(r->log);
    rig_destroy(r);
}

static void test_echo_cut_by_a_urc_at_every_byte(void **state)
{
    (void)state;
    for (size_t at = 0; at < strlen("AT+QFOTADL=\"" FTP_URL "\""); at++)
        upgrade_with_a_cut_echo("\r\n+CFUN: 1\r\n", at);
}

static void test_echo_cut_by_line_noise_at_every_byte(void **state)
{
    (void)state;
    for (size_t at = 0; at < strlen("AT+QFOTADL=\"" FTP_URL "\""); at++) {
        upgrade_with_a_cut_echo("\r", at);
        upgrade_with_a_cut_echo("\r\n\r\n", at);
    }
}

static void hide(const char *target, const char *text, const char *want)
{
    struct secret s;
    char out[256];

    assert_true(secret_find(&s, target));
    secret_hide(&s, text, out, sizeof(out));
    assert_string_equal(out, want);
}

static void test_pieces_hidden_and_the_rest_kept(void **state)
{
    (void)state;
    hide(FTP_URL, "<< AT+QFOTADL=\"ftp://user:Zq9", "<< AT+QFOTADL=\"ftp://user:***");
    hide(FTP_URL, "<< xW7k@10.0.0.1:2121/up.zip\"", "<< ***@10.0.0.1:2121/up.zip\"");
    hide(FTP_URL, "<< 9xW", "<< ***"); /* a word inside it, at the end */
    hide(FTP_URL, "said Zq9xW7k twice: Zq9xW7k", "said *** twice: ***");
    hide(FTP_URL, "URC \"FOTA\" 9", "URC \"FOTA\" 9"); /* one byte, no context */
    hide(FTP_URL, "<< OK", "<< OK");
    hide(FTP_URL, "<< +QIND: \"FOTA\",\"FTPEND\",0", "<< +QIND: \"FOTA\",\"FTPEND\",0");
    hide("ftp://u:p4ss@h/f", ":p4s", ":***"); /* context of 1 at the end */
}

static void test_no_password_nothing_hidden(void **state)
{
    struct secret s;
    char out[64];

    (void)state;
    assert_false(secret_find(&s, "http://10.0.0.1/update.zip"));
    assert_false(secret_find(&s, "ftp://10.0.0.1/update.zip"));
    assert_false(secret_find(&s, NULL));
    secret_hide(&s, "<< http://10.0.0.1/update.zip", out, sizeof(out));
    assert_string_equal(out, "<< http://10.0.0.1/update.zip");
    secret_hide(&s, "cut short", out, 4);
    assert_string_equal(out, "cut");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_cut_by_a_urc_at_every_byte),
        cmocka_unit_test(test_echo_cut_by_line_noise_at_every_byte),
        cmocka_unit_test(test_pieces_hidden_and_the_rest_kept),
        cmocka_unit_test(test_no_password_nothing_hidden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
