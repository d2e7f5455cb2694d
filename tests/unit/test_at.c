/* The AT engine through the fake port and fake time. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at.h"
#include "at_rig.h"
#include "fake_port.h"

static void test_line_endings(void **state)
{
    static const char *const inputs[] = {
        "\r\n+QIND: \"FOTA\",\"START\"\r\n",
        "+QIND: \"FOTA\",\"START\"\r\r\n\n",
        "+QIND: \"FOTA\",\"START\"\r",
        "+QIND: \"FOTA\",\"START\"\n",
        "\n\n\r\r+QIND: \"FOTA\",\"START\"\n\r\n",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct at_rig *r = at_rig_new();
        fake_port_push(&r->fp, inputs[i]);
        at_rig_pump(r, 0);
        assert_string_equal(r->trace, "U:+QIND: \"FOTA\",\"START\"|");
        free(r);
    }
}

/* A realistic dialogue: echo on, ATI with a URC inside its response, AT+QFOTADL. */
static const char transcript[] =
    "ATI\r\r\nQuectel\r\nEM060K\r\n+QIND: \"FOTA\",\"HTTPSTART\"\r\nRevision: "
    "EM060KGLAAR01A07M4G\r\n\r\nOK\r\n"
    "\r\n+QIND: \"FOTA\",\"HTTPEND\",0\r\n\r\n+QIND: \"FOTA\",\"UPDATING\",37%\r\n";

static const char transcript_trace[] =
    "R:Quectel|R:EM060K|U:+QIND: \"FOTA\",\"HTTPSTART\"|R:Revision: EM060KGLAAR01A07M4G|"
    "F:OK,-1|U:+QIND: \"FOTA\",\"HTTPEND\",0|U:+QIND: \"FOTA\",\"UPDATING\",37%|";

static void run_transcript(int chunk)
{
    struct at_rig *r = at_rig_new();

    at_rig_send(r, "ATI", AT_RESP_TEXT, NULL);
    fake_port_push(&r->fp, transcript);
    at_rig_pump(r, chunk);
    assert_string_equal(r->trace, transcript_trace);
    assert_false(at_busy(&r->at));
    free(r);
}

static void test_transcript_whole(void **state)
{
    (void)state;
    run_transcript(0);
}

static void test_transcript_byte_by_byte(void **state)
{
    (void)state;
    run_transcript(1);
}

static void test_transcript_random_chunks(void **state)
{
    (void)state;
    for (int i = 0; i < 20; i++)
        run_transcript(-1);
}

/* A bare-text command never answers "+NAME:": such a line is a URC whether or not its
 * name is in the list, and a command that asked for that prefix still gets it. */
static void test_named_lines_inside_a_text_answer(void **state)
{
    struct at_rig *r = at_rig_new();

    (void)state;
    at_rig_send(r, "AT+QGMR", AT_RESP_TEXT, NULL);
    fake_port_push(&r->fp, "\r\n+CGEV: ME PDN ACT 1\r\n+CTZE: \"+08\",0\r\n+QNETDEVSTATUS: 1\r\n"
                           "EM060KGLAAR01A07M4G_01.001.01.001\r\n+X1:\r\n+: no name\r\nOK\r\n");
    at_rig_pump(r, 1);
    assert_string_equal(r->trace,
                        "U:+CGEV: ME PDN ACT 1|U:+CTZE: \"+08\",0|U:+QNETDEVSTATUS: 1|"
                        "R:EM060KGLAAR01A07M4G_01.001.01.001|U:+X1:|R:+: no name|F:OK,-1|");
    r->trace[0] = '\0';
    at_rig_send(r, "AT+CGEV?", AT_RESP_PREFIX, "+CGEV:");
    fake_port_push(&r->fp, "\r\n+CTZE: 1\r\n+CGEV: ME PDN ACT 1\r\n\r\nOK\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "U:+CTZE: 1|R:+CGEV: ME PDN ACT 1|F:OK,-1|");
    free(r);
}

static void test_echo_off(void **state)
{
    struct at_rig *r = at_rig_new();

    (void)state;
    at_rig_send(r, "AT+QGMR", AT_RESP_TEXT, NULL);
    fake_port_push(&r->fp, "\r\nEM060KGLAAR01A07M4G_01.001.01.001\r\n\r\nOK\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "R:EM060KGLAAR01A07M4G_01.001.01.001|F:OK,-1|");
    assert_string_equal(r->fp.out, "AT+QGMR\r");
    free(r);
}

static void test_echo_only_skipped_once(void **state)
{
    struct at_rig *r = at_rig_new();

    (void)state;
    at_rig_send(r, "AT", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "AT\r\r\nOK\r\nAT\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "F:OK,-1|U:AT|");
    free(r);
}

static void test_prefix_response_and_unsolicited_cpin(void **state)
{
    struct at_rig *r = at_rig_new();

    (void)state;
    at_rig_send(r, "AT+CPIN?", AT_RESP_PREFIX, "+CPIN:");
    fake_port_push(&r->fp, "\r\n+CPIN: READY\r\n\r\nOK\r\n");
    at_rig_pump(r, 0);
    at_rig_send(r, "ATI", AT_RESP_TEXT, NULL);
    fake_port_push(&r->fp, "\r\n+CPIN: READY\r\nQuectel\r\nOK\r\n+CPIN: READY\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "R:+CPIN: READY|F:OK,-1|U:+CPIN: READY|R:Quectel|F:OK,-1|"
                                  "U:+CPIN: READY|");
    free(r);
}

static void test_unexpected_line_is_urc_for_no_response_command(void **state)
{
    struct at_rig *r = at_rig_new();

    (void)state;
    at_rig_send(r, "ATE0", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "ATE0\r\r\n+QUSIM: 1\r\nsomething\r\nOK\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "U:+QUSIM: 1|U:something|F:OK,-1|");
    free(r);
}

static void test_overlong_line_dropped(void **state)
{
    struct at_rig *r = at_rig_new();
    char big[AT_LINE_MAX * 3];

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    fake_port_push(&r->fp, big);
    fake_port_push(&r->fp, "\r\nRDY\r\n");
    at_rig_pump(r, 7);
    assert_string_equal(r->trace, "U:RDY|");
    assert_int_equal(r->warnings, DFOTA_WITH_TEXTS ? 1 : 0); /* a warning is a log line */
    free(r);
}

static void test_line_of_exactly_max_kept(void **state)
{
    struct at_rig *r = at_rig_new();
    char line[AT_LINE_MAX + 3];

    (void)state;
    memset(line, 'y', AT_LINE_MAX);
    strcpy(line + AT_LINE_MAX, "\r\n");
    fake_port_push(&r->fp, line);
    at_rig_pump(r, 0);
    assert_int_equal(strlen(r->trace), AT_LINE_MAX + 3);
    assert_int_equal(r->warnings, 0);
    free(r);
}

static void test_garbage_nul_and_non_ascii(void **state)
{
    struct at_rig *r = at_rig_new();
    static const uint8_t junk[] = {0x00, 0xff, 0xfe, 0x80, 0x00, 'O', 0x00, 'K', '\r', '\n'};

    (void)state;
    at_rig_send(r, "AT", AT_RESP_NONE, NULL);
    fake_port_push_bytes(&r->fp, "\xff\xfe\x01garbage\r\n", 12);
    fake_port_push_bytes(&r->fp, junk, sizeof(junk));
    at_rig_pump(r, 3);
    assert_string_equal(r->trace, "U:\xff\xfe\x01garbage|U:\xff\xfe\x80OK|");
    fake_port_push(&r->fp, "OK\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "U:\xff\xfe\x01garbage|U:\xff\xfe\x80OK|F:OK,-1|");
    free(r);
}

static void test_nul_inside_result_is_ignored(void **state)
{
    struct at_rig *r = at_rig_new();

    (void)state;
    at_rig_send(r, "AT", AT_RESP_NONE, NULL);
    fake_port_push_bytes(&r->fp, "O\0K\r\n", 5);
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "F:OK,-1|");
    free(r);
}

static void test_error_results(void **state)
{
    struct at_rig *r = at_rig_new();

    (void)state;
    at_rig_send(r, "AT+QFOTADL=\"x\"", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "\r\nERROR\r\n");
    at_rig_pump(r, 0);
    at_rig_send(r, "AT+QFUPL=\"a\",1", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "\r\n+CME ERROR: 407\r\n");
    at_rig_pump(r, 0);
    at_rig_send(r, "AT+CMGS", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "\r\n+CMS ERROR: 500\r\n");
    at_rig_pump(r, 0);
    at_rig_send(r, "AT+CPIN?", AT_RESP_PREFIX, "+CPIN:");
    fake_port_push(&r->fp, "\r\n+CME ERROR: SIM not inserted\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "F:ERROR,-1|F:+CME ERROR,407|F:+CMS ERROR,500|F:+CME ERROR,-1|");
    free(r);
}

static void test_command_timeout(void **state)
{
    struct at_rig *r = at_rig_new();

    (void)state;
    at_rig_send(r, "AT", AT_RESP_NONE, NULL);
    assert_int_equal(at_deadline(&r->at), 300);
    at_tick(&r->at, 299);
    assert_true(at_busy(&r->at));
    assert_string_equal(r->trace, "");
    assert_int_equal(fake_port_ops.wait(&r->fp, 300), DFOTA_PORT_TIMEOUT);
    at_tick(&r->at, (uint32_t)r->fp.now);
    assert_false(at_busy(&r->at));
    assert_int_equal(at_deadline(&r->at), AT_NEVER);
    assert_string_equal(r->trace, "F:timeout,-1|");
    /* A late OK is no longer the command's. */
    fake_port_push(&r->fp, "OK\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "F:timeout,-1|U:OK|");
    free(r);
}

static void test_hangup_mid_command(void **state)
{
    struct at_rig *r = at_rig_new();
    uint8_t buf[64];

    (void)state;
    at_rig_send(r, "ATI", AT_RESP_TEXT, NULL);
    fake_port_push(&r->fp, "\r\nQuectel\r\nEM06");
    at_rig_pump(r, 0);
    fake_port_hangup_at(&r->fp, r->fp.now + 5);
    assert_int_equal(fake_port_ops.wait(&r->fp, 100), DFOTA_PORT_HANGUP);
    assert_int_equal(fake_port_ops.read(&r->fp, buf, sizeof(buf)), DFOTA_PORT_HANGUP);
    at_port_lost(&r->at);
    assert_string_equal(r->trace, "R:Quectel|F:hang-up,-1|");
    /* The half line "EM06" is gone: the next line stands alone. */
    fake_port_ops.close(&r->fp);
    fake_port_present_at(&r->fp, r->fp.now + 10);
    assert_int_equal(fake_port_ops.wait(&r->fp, 100), DFOTA_PORT_READY);
    assert_int_equal(fake_port_ops.open(&r->fp), DFOTA_PORT_OK);
    fake_port_push(&r->fp, "0K\"\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "R:Quectel|F:hang-up,-1|U:0K\"|");
    free(r);
}

static void test_busy_and_invalid_commands(void **state)
{
    struct at_rig *r = at_rig_new();
    char long_cmd[AT_CMD_MAX + 2];
    struct at_cmd cmd = {.text = long_cmd, .timeout_ms = 300};

    (void)state;
    memset(long_cmd, 'A', sizeof(long_cmd) - 1);
    long_cmd[sizeof(long_cmd) - 1] = '\0';
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_ERR_INVALID);
    cmd.text = "AT\r+QFOTADL";
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_ERR_INVALID);
    assert_int_equal(r->fp.out_len, 0);
    at_rig_send(r, "AT", AT_RESP_NONE, NULL);
    cmd.text = "ATI";
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_ERR_STATE);
    assert_string_equal(r->fp.out, "AT\r");
    free(r);
}

static void test_write_failure_leaves_idle(void **state)
{
    struct at_rig *r = at_rig_new();
    struct at_cmd cmd = {.text = "AT", .timeout_ms = 300};

    (void)state;
    fake_port_hangup_at(&r->fp, 0);
    fake_port_ops.wait(&r->fp, 0);
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_ERR_PORT);
    assert_false(at_busy(&r->at));
    free(r);
}

/* Deadlines count in 32 bits from the session's start and stop short of "never": a
 * timeout of UINT32_MAX ms, or one that would pass the end of the count, is still a
 * deadline, and a command sent then ends by it. */
static void test_deadlines_stop_short_of_never(void **state)
{
    struct at_rig *r = at_rig_new();
    struct at_cmd cmd = {.text = "AT", .timeout_ms = UINT32_MAX};

    (void)state;
    assert_int_equal(at_after(1000, 300), 1300);
    assert_int_equal(at_after(0, AT_NEVER - 1), AT_NEVER - 1);
    assert_int_equal(at_after(0, UINT32_MAX), AT_NEVER - 1);
    assert_int_equal(at_after(AT_NEVER - 10, 300), AT_NEVER - 1);
    assert_int_equal(at_send(&r->at, &cmd, 5000), DFOTA_OK);
    assert_int_equal(at_deadline(&r->at), AT_NEVER - 1);
    at_tick(&r->at, AT_NEVER - 2);
    assert_true(at_busy(&r->at));
    at_tick(&r->at, AT_NEVER - 1); /* the last time the session counts (session.c) */
    assert_false(at_busy(&r->at));
    assert_string_equal(r->trace, "F:timeout,-1|");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_transcript_whole),
        cmocka_unit_test(test_transcript_byte_by_byte),
        cmocka_unit_test(test_transcript_random_chunks),
        cmocka_unit_test(test_named_lines_inside_a_text_answer),
        cmocka_unit_test(test_echo_off),
        cmocka_unit_test(test_echo_only_skipped_once),
        cmocka_unit_test(test_prefix_response_and_unsolicited_cpin),
        cmocka_unit_test(test_unexpected_line_is_urc_for_no_response_command),
        cmocka_unit_test(test_overlong_line_dropped),
        cmocka_unit_test(test_line_of_exactly_max_kept),
        cmocka_unit_test(test_garbage_nul_and_non_ascii),
        cmocka_unit_test(test_nul_inside_result_is_ignored),
        cmocka_unit_test(test_error_results),
        cmocka_unit_test(test_command_timeout),
        cmocka_unit_test(test_hangup_mid_command),
        cmocka_unit_test(test_busy_and_invalid_commands),
        cmocka_unit_test(test_write_failure_leaves_idle),
        cmocka_unit_test(test_deadlines_stop_short_of_never),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
