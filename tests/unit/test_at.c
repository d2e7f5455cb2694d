/* The AT engine through the fake port and fake time. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "fake_port.h"

/* Everything the engine reported, in order, as "R:line|U:line|F:OK,-1|". */
struct rig {
    struct fake_port fp;
    struct at_engine at;
    char trace[8192];
    int warnings;
    unsigned seed;
};

static void trace_add(struct rig *r, const char *tag, const char *text)
{
    size_t used = strlen(r->trace);
    snprintf(r->trace + used, sizeof(r->trace) - used, "%s:%s|", tag, text);
}

static int rig_write(void *user, const uint8_t *buf, size_t len)
{
    struct rig *r = user;
    return fake_port_ops.write(&r->fp, buf, len, 1000);
}

static void rig_response(void *user, const char *line)
{
    trace_add(user, "R", line);
}

static void rig_urc(void *user, const char *line)
{
    trace_add(user, "U", line);
}

static void rig_final(void *user, enum at_result result, int code)
{
    char text[64];
    snprintf(text, sizeof(text), "%s,%d", at_result_name(result), code);
    trace_add(user, "F", text);
}

static void rig_log(void *user, enum dfota_log_level level, const char *text)
{
    struct rig *r = user;
    (void)text;
    if (level == DFOTA_LOG_WARN)
        r->warnings++;
}

static struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof(*r));
    struct at_callbacks cb = {rig_write, rig_response, rig_final, rig_urc, rig_log, r};

    fake_port_init(&r->fp);
    assert_int_equal(fake_port_ops.open(&r->fp), DFOTA_PORT_OK);
    at_init(&r->at, &cb, NULL, 0);
    r->seed = 12345;
    return r;
}

/* Feeds what the fake port holds, chunk bytes at a time (0: all at once, -1: random). */
static void rig_pump(struct rig *r, int chunk)
{
    uint8_t buf[4096];
    int n;

    for (;;) {
        size_t want = sizeof(buf);
        if (chunk > 0)
            want = (size_t)chunk;
        else if (chunk < 0)
            want = 1 + (size_t)(rand_r(&r->seed) % 17);
        n = fake_port_ops.read(&r->fp, buf, want);
        if (n <= 0)
            return;
        at_feed(&r->at, buf, (size_t)n, r->fp.now);
    }
}

static void rig_send(struct rig *r, const char *text, enum at_resp resp, const char *prefix)
{
    struct at_cmd cmd = {.text = text, .resp = resp, .prefix = prefix, .timeout_ms = 300};
    assert_int_equal(at_send(&r->at, &cmd, r->fp.now), DFOTA_OK);
}

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
        struct rig *r = rig_new();
        fake_port_push(&r->fp, inputs[i]);
        rig_pump(r, 0);
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
    struct rig *r = rig_new();

    rig_send(r, "ATI", AT_RESP_TEXT, NULL);
    fake_port_push(&r->fp, transcript);
    rig_pump(r, chunk);
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

static void test_echo_off(void **state)
{
    struct rig *r = rig_new();

    (void)state;
    rig_send(r, "AT+QGMR", AT_RESP_TEXT, NULL);
    fake_port_push(&r->fp, "\r\nEM060KGLAAR01A07M4G_01.001.01.001\r\n\r\nOK\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "R:EM060KGLAAR01A07M4G_01.001.01.001|F:OK,-1|");
    assert_string_equal(r->fp.out, "AT+QGMR\r");
    free(r);
}

static void test_echo_only_skipped_once(void **state)
{
    struct rig *r = rig_new();

    (void)state;
    rig_send(r, "AT", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "AT\r\r\nOK\r\nAT\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "F:OK,-1|U:AT|");
    free(r);
}

static void test_prefix_response_and_unsolicited_cpin(void **state)
{
    struct rig *r = rig_new();

    (void)state;
    rig_send(r, "AT+CPIN?", AT_RESP_PREFIX, "+CPIN:");
    fake_port_push(&r->fp, "\r\n+CPIN: READY\r\n\r\nOK\r\n");
    rig_pump(r, 0);
    rig_send(r, "ATI", AT_RESP_TEXT, NULL);
    fake_port_push(&r->fp, "\r\n+CPIN: READY\r\nQuectel\r\nOK\r\n+CPIN: READY\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "R:+CPIN: READY|F:OK,-1|U:+CPIN: READY|R:Quectel|F:OK,-1|"
                                  "U:+CPIN: READY|");
    free(r);
}

static void test_unexpected_line_is_urc_for_no_response_command(void **state)
{
    struct rig *r = rig_new();

    (void)state;
    rig_send(r, "ATE0", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "ATE0\r\r\n+QUSIM: 1\r\nsomething\r\nOK\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "U:+QUSIM: 1|U:something|F:OK,-1|");
    free(r);
}

static void test_overlong_line_dropped(void **state)
{
    struct rig *r = rig_new();
    char big[AT_LINE_MAX * 3];

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    fake_port_push(&r->fp, big);
    fake_port_push(&r->fp, "\r\nRDY\r\n");
    rig_pump(r, 7);
    assert_string_equal(r->trace, "U:RDY|");
    assert_int_equal(r->warnings, 1);
    free(r);
}

static void test_line_of_exactly_max_kept(void **state)
{
    struct rig *r = rig_new();
    char line[AT_LINE_MAX + 3];

    (void)state;
    memset(line, 'y', AT_LINE_MAX);
    strcpy(line + AT_LINE_MAX, "\r\n");
    fake_port_push(&r->fp, line);
    rig_pump(r, 0);
    assert_int_equal(strlen(r->trace), AT_LINE_MAX + 3);
    assert_int_equal(r->warnings, 0);
    free(r);
}

static void test_garbage_nul_and_non_ascii(void **state)
{
    struct rig *r = rig_new();
    static const uint8_t junk[] = {0x00, 0xff, 0xfe, 0x80, 0x00, 'O', 0x00, 'K', '\r', '\n'};

    (void)state;
    rig_send(r, "AT", AT_RESP_NONE, NULL);
    fake_port_push_bytes(&r->fp, "\xff\xfe\x01garbage\r\n", 12);
    fake_port_push_bytes(&r->fp, junk, sizeof(junk));
    rig_pump(r, 3);
    assert_string_equal(r->trace, "U:\xff\xfe\x01garbage|U:\xff\xfe\x80OK|");
    fake_port_push(&r->fp, "OK\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "U:\xff\xfe\x01garbage|U:\xff\xfe\x80OK|F:OK,-1|");
    free(r);
}

static void test_nul_inside_result_is_ignored(void **state)
{
    struct rig *r = rig_new();

    (void)state;
    rig_send(r, "AT", AT_RESP_NONE, NULL);
    fake_port_push_bytes(&r->fp, "O\0K\r\n", 5);
    rig_pump(r, 0);
    assert_string_equal(r->trace, "F:OK,-1|");
    free(r);
}

static void test_error_results(void **state)
{
    struct rig *r = rig_new();

    (void)state;
    rig_send(r, "AT+QFOTADL=\"x\"", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "\r\nERROR\r\n");
    rig_pump(r, 0);
    rig_send(r, "AT+QFUPL=\"a\",1", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "\r\n+CME ERROR: 407\r\n");
    rig_pump(r, 0);
    rig_send(r, "AT+CMGS", AT_RESP_NONE, NULL);
    fake_port_push(&r->fp, "\r\n+CMS ERROR: 500\r\n");
    rig_pump(r, 0);
    rig_send(r, "AT+CPIN?", AT_RESP_PREFIX, "+CPIN:");
    fake_port_push(&r->fp, "\r\n+CME ERROR: SIM not inserted\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "F:ERROR,-1|F:+CME ERROR,407|F:+CMS ERROR,500|F:+CME ERROR,-1|");
    free(r);
}

static void test_command_timeout(void **state)
{
    struct rig *r = rig_new();

    (void)state;
    rig_send(r, "AT", AT_RESP_NONE, NULL);
    assert_int_equal(at_deadline(&r->at), 300);
    at_tick(&r->at, 299);
    assert_true(at_busy(&r->at));
    assert_string_equal(r->trace, "");
    assert_int_equal(fake_port_ops.wait(&r->fp, 300), DFOTA_PORT_TIMEOUT);
    at_tick(&r->at, r->fp.now);
    assert_false(at_busy(&r->at));
    assert_int_equal(at_deadline(&r->at), UINT64_MAX);
    assert_string_equal(r->trace, "F:timeout,-1|");
    /* A late OK is no longer the command's. */
    fake_port_push(&r->fp, "OK\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "F:timeout,-1|U:OK|");
    free(r);
}

static void test_hangup_mid_command(void **state)
{
    struct rig *r = rig_new();
    uint8_t buf[64];

    (void)state;
    rig_send(r, "ATI", AT_RESP_TEXT, NULL);
    fake_port_push(&r->fp, "\r\nQuectel\r\nEM06");
    rig_pump(r, 0);
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
    rig_pump(r, 0);
    assert_string_equal(r->trace, "R:Quectel|F:hang-up,-1|U:0K\"|");
    free(r);
}

static void test_busy_and_invalid_commands(void **state)
{
    struct rig *r = rig_new();
    char long_cmd[AT_CMD_MAX + 2];
    struct at_cmd cmd = {.text = long_cmd, .timeout_ms = 300};

    (void)state;
    memset(long_cmd, 'A', sizeof(long_cmd) - 1);
    long_cmd[sizeof(long_cmd) - 1] = '\0';
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_ERR_INVALID);
    cmd.text = "AT\r+QFOTADL";
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_ERR_INVALID);
    assert_int_equal(r->fp.out_len, 0);
    rig_send(r, "AT", AT_RESP_NONE, NULL);
    cmd.text = "ATI";
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_ERR_STATE);
    assert_string_equal(r->fp.out, "AT\r");
    free(r);
}

static void test_write_failure_leaves_idle(void **state)
{
    struct rig *r = rig_new();
    struct at_cmd cmd = {.text = "AT", .timeout_ms = 300};

    (void)state;
    fake_port_hangup_at(&r->fp, 0);
    fake_port_ops.wait(&r->fp, 0);
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_ERR_PORT);
    assert_false(at_busy(&r->at));
    free(r);
}

/* A payload source as a caller gives it: reads of at most max_read bytes, and it gives
 * out (returns 0) at fail_at. The sent hook checks that pieces come in order. */
struct source {
    const uint8_t *data;
    size_t len;
    size_t max_read; /* 0: as much as asked */
    size_t fail_at;  /* SIZE_MAX: never */
    size_t hooked;   /* bytes reported through the sent hook, in order */
    size_t pieces;
    size_t biggest_piece;
};

static size_t source_read(void *user, size_t offset, uint8_t *buf, size_t len)
{
    struct source *src = user;
    size_t n = src->len - offset;

    assert_true(offset <= src->len);
    if (offset >= src->fail_at)
        return 0;
    if (n > len)
        n = len;
    if (src->max_read > 0 && n > src->max_read)
        n = src->max_read;
    if (src->fail_at - offset < n)
        n = src->fail_at - offset;
    memcpy(buf, src->data + offset, n);
    return n;
}

static void source_sent(void *user, size_t offset, const uint8_t *data, size_t len)
{
    struct source *src = user;

    assert_int_equal(offset, src->hooked);
    assert_memory_equal(data, src->data + offset, len);
    src->hooked += len;
    src->pieces++;
    if (len > src->biggest_piece)
        src->biggest_piece = len;
}

static struct source source_of(const void *data, size_t len)
{
    struct source src = {data, len, 0, SIZE_MAX, 0, 0, 0};
    return src;
}

static struct at_cmd qfupl_cmd(const char *text, struct source *src, size_t ack_block)
{
    struct at_cmd cmd = {.text = text,
                         .resp = AT_RESP_PREFIX,
                         .prefix = "+QFUPL:",
                         .timeout_ms = 300,
                         .raw = {source_read, source_sent, src, src->len, ack_block, 'A'}};
    return cmd;
}

/* The module acknowledges each block of 4 with 'A' before the next goes out. */
static void ack_responder(struct fake_port *fp, const char *data, size_t len, void *user)
{
    (void)data;
    (void)user;
    if (len == 4)
        fake_port_push(fp, "A");
}

static void test_raw_upload_with_acks(void **state)
{
    struct rig *r = rig_new();
    static const uint8_t payload[10] = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f.bin\",10,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    r->fp.responder = ack_responder;
    fake_port_push(&r->fp, "\r\nCONNECT\r\n");
    rig_pump(r, 0); /* 0123 out, A in */
    rig_pump(r, 0); /* 4567 out, A in */
    rig_pump(r, 0); /* 89 out: short last block, no ack */
    assert_string_equal(r->fp.out, "AT+QFUPL=\"f.bin\",10,5,1\r0123456789");
    assert_int_equal(src.hooked, 10);
    assert_int_equal(src.pieces, 3);
    assert_int_equal(at_raw_sent(&r->at), 10);
    fake_port_push(&r->fp, "\r\n+QFUPL: 10,3a3a\r\n\r\nOK\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "R:+QFUPL: 10,3a3a|F:OK,-1|");
    assert_false(at_raw_stopped(&r->at));
    free(r);
}

/* A payload of whole blocks: the last block is acknowledged too, and until its 'A' the
 * engine stays in raw mode (an 'A' then is no line). */
static void test_raw_upload_exact_blocks_last_ack(void **state)
{
    struct rig *r = rig_new();
    static const uint8_t payload[8] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",8,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    rig_pump(r, 0);
    fake_port_push(&r->fp, "A");
    rig_pump(r, 0);
    fake_port_push(&r->fp, "A\r\n+QFUPL: 8,0\r\nOK\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->fp.out, "AT+QFUPL=\"f\",8,5,1\rabcdefgh");
    assert_string_equal(r->trace, "R:+QFUPL: 8,0|F:OK,-1|");
    free(r);
}

/* A payload larger than the engine's buffer, from a source that gives little per read:
 * no whole-payload buffer anywhere, pieces never cross a block, every byte in order. */
static void test_raw_upload_streams_from_short_reads(void **state)
{
    struct rig *r = rig_new();
    static uint8_t payload[3 * AT_RAW_CHUNK + 100];
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"big\",3172", &src, 0);

    (void)state;
    for (size_t i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)('A' + i % 26);
    src.max_read = 333;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_clear_output(&r->fp);
    fake_port_push(&r->fp, "\r\nCONNECT\r\n");
    rig_pump(r, 0); /* no ack mode: everything goes out at once */
    assert_int_equal(r->fp.out_len, sizeof(payload));
    assert_memory_equal(r->fp.out, payload, sizeof(payload));
    assert_int_equal(src.hooked, sizeof(payload));
    assert_true(src.biggest_piece <= 333);
    /* An 'A' after the transfer is a line like any other. */
    fake_port_push(&r->fp, "A\r\n+QFUPL: 3172,1f\r\nOK\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "U:A|R:+QFUPL: 3172,1f|F:OK,-1|");
    free(r);
}

/* Ack blocks larger than a piece: each block goes out in pieces of at most AT_RAW_CHUNK. */
static void test_raw_upload_block_larger_than_piece(void **state)
{
    struct rig *r = rig_new();
    static uint8_t payload[2 * AT_RAW_CHUNK + 10];
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"b\",2058,5,1", &src, 2 * AT_RAW_CHUNK);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    rig_pump(r, 0);
    assert_int_equal(src.hooked, 2 * AT_RAW_CHUNK);
    assert_int_equal(src.pieces, 2);
    fake_port_push(&r->fp, "A");
    rig_pump(r, 0);
    assert_int_equal(src.hooked, sizeof(payload));
    assert_true(at_busy(&r->at));
    free(r);
}

static void test_raw_upload_ack_timeout(void **state)
{
    struct rig *r = rig_new();
    static const uint8_t payload[8] = {0};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",8,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    rig_pump(r, 0);
    assert_int_equal(r->fp.out_len, strlen(cmd.text) + 1 + 4);
    at_tick(&r->at, 299);
    assert_true(at_busy(&r->at));
    at_tick(&r->at, 300);
    assert_string_equal(r->trace, "F:timeout,-1|");
    free(r);
}

/* The deadline restarts with each block, from the time the engine is given. */
static void test_raw_upload_deadline_per_block(void **state)
{
    struct rig *r = rig_new();
    static const uint8_t payload[12] = {0};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",12,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    assert_int_equal(at_deadline(&r->at), 300);
    at_feed(&r->at, (const uint8_t *)"CONNECT\r\n", 9, 200);
    assert_int_equal(at_deadline(&r->at), 500);
    at_feed(&r->at, (const uint8_t *)"A", 1, 450);
    assert_int_equal(at_deadline(&r->at), 750);
    free(r);
}

/* The module ends the transfer with an error instead of the acknowledgement: the
 * command ends at once with the module's code, and nothing more goes out. */
static void test_raw_upload_error_mid_transfer(void **state)
{
    static const char *const answers[] = {"\r\n+CME ERROR: 409\r\n", "\r\nERROR\r\n",
                                          "+CME ERROR: 421\r\n"};
    static const char *const traces[] = {"F:+CME ERROR,409|", "F:ERROR,-1|", "F:+CME ERROR,421|"};

    (void)state;
    for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
        struct rig *r = rig_new();
        static const uint8_t payload[12] = {'x', 'x', 'x', 'x', 'y', 'y', 'y', 'y', 'z'};
        struct source src = source_of(payload, sizeof(payload));
        struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",12,5,1", &src, 4);

        assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
        fake_port_push(&r->fp, "CONNECT\r\n");
        rig_pump(r, 0);
        fake_port_push(&r->fp, answers[i]);
        rig_pump(r, 1); /* byte by byte: the error is framed across feeds */
        assert_string_equal(r->trace, traces[i]);
        assert_false(at_busy(&r->at));
        assert_int_equal(r->fp.out_len, strlen(cmd.text) + 1 + 4);
        assert_int_equal(at_deadline(&r->at), UINT64_MAX);
        /* back in line mode: an 'A' now is text, not an acknowledgement */
        fake_port_push(&r->fp, "A\r\n");
        rig_pump(r, 0);
        assert_int_equal(r->fp.out_len, strlen(cmd.text) + 1 + 4);
        free(r);
    }
}

/* A URC with an 'A' in it while an acknowledgement is awaited: the 'A' inside the line
 * belongs to the line; the bare one after it is the acknowledgement. */
static void test_raw_upload_urc_while_awaiting_ack(void **state)
{
    struct rig *r = rig_new();
    static const uint8_t payload[6] = {'1', '2', '3', '4', '5', '6'};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",6,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    rig_pump(r, 0);
    fake_port_push(&r->fp, "\r\n+CPIN: READY\r\nA");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "U:+CPIN: READY|");
    assert_string_equal(r->fp.out, "AT+QFUPL=\"f\",6,5,1\r123456");
    free(r);
}

/* The source gives out mid-transfer (a file that shrank, a flash read error): nothing
 * more goes out, and the module's answer after its own timeout ends the command. */
static void test_raw_upload_source_gives_out(void **state)
{
    struct rig *r = rig_new();
    static const uint8_t payload[12] = {'1', '2', '3', '4', '5', '6', '7', '8'};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",12,5,1", &src, 4);

    (void)state;
    src.fail_at = 6;
    r->fp.responder = ack_responder;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    r->fp.now = 100;
    rig_pump(r, 0);
    assert_string_equal(r->fp.out, "AT+QFUPL=\"f\",12,5,1\r123456");
    assert_true(at_raw_stopped(&r->at));
    assert_int_equal(at_raw_sent(&r->at), 6);
    assert_int_equal(r->warnings, 1);
    assert_true(at_busy(&r->at));
    assert_int_equal(at_deadline(&r->at), 400);
    fake_port_push(&r->fp, "\r\n+QFUPL: 6,1234\r\n\r\nOK\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "R:+QFUPL: 6,1234|F:OK,-1|");
    free(r);
}

/* An empty payload: CONNECT, nothing to send, the module's answer. */
static void test_raw_upload_empty(void **state)
{
    struct rig *r = rig_new();
    struct source src = source_of("", 0);
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"e\",0,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n\r\n+QFUPL: 0,0\r\nOK\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->fp.out, "AT+QFUPL=\"e\",0,5,1\r");
    assert_string_equal(r->trace, "R:+QFUPL: 0,0|F:OK,-1|");
    free(r);
}

/* A write failure mid-transfer is a hang-up. */
static int failing_write(void *user, const uint8_t *buf, size_t len)
{
    (void)user;
    (void)buf;
    return len == 4 ? DFOTA_PORT_ERROR : DFOTA_PORT_OK;
}

static void test_raw_upload_write_failure(void **state)
{
    struct rig *r = rig_new();
    static const uint8_t payload[8] = {0};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",8,5,1", &src, 4);

    (void)state;
    r->at.cb.write = failing_write;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    rig_pump(r, 0);
    assert_string_equal(r->trace, "F:hang-up,-1|");
    assert_int_equal(src.hooked, 0);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_transcript_whole),
        cmocka_unit_test(test_transcript_byte_by_byte),
        cmocka_unit_test(test_transcript_random_chunks),
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
        cmocka_unit_test(test_raw_upload_with_acks),
        cmocka_unit_test(test_raw_upload_exact_blocks_last_ack),
        cmocka_unit_test(test_raw_upload_streams_from_short_reads),
        cmocka_unit_test(test_raw_upload_block_larger_than_piece),
        cmocka_unit_test(test_raw_upload_ack_timeout),
        cmocka_unit_test(test_raw_upload_deadline_per_block),
        cmocka_unit_test(test_raw_upload_error_mid_transfer),
        cmocka_unit_test(test_raw_upload_urc_while_awaiting_ack),
        cmocka_unit_test(test_raw_upload_source_gives_out),
        cmocka_unit_test(test_raw_upload_empty),
        cmocka_unit_test(test_raw_upload_write_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
