/* The AT engine's raw transfers (AT+QFUPL): a payload streamed from a source callback,
 * ack mode, and the module's final result ending a transfer at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "at/at.h"
#include "build_config.h"
#include "at_rig.h"
#include "fake_port.h"

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
    struct at_rig *r = at_rig_new();
    static const uint8_t payload[10] = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f.bin\",10,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    r->fp.responder = ack_responder;
    fake_port_push(&r->fp, "\r\nCONNECT\r\n");
    at_rig_pump(r, 0); /* 0123 out, A in */
    at_rig_pump(r, 0); /* 4567 out, A in */
    at_rig_pump(r, 0); /* 89 out: short last block, no ack */
    assert_string_equal(r->fp.out, "AT+QFUPL=\"f.bin\",10,5,1\r0123456789");
    assert_int_equal(src.hooked, 10);
    assert_int_equal(src.pieces, 3);
    assert_int_equal(at_raw_sent(&r->at), 10);
    fake_port_push(&r->fp, "\r\n+QFUPL: 10,3a3a\r\n\r\nOK\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "R:+QFUPL: 10,3a3a|F:OK,-1|");
    assert_false(at_raw_stopped(&r->at));
    free(r);
}

/* A payload of whole blocks: the last block is acknowledged too, and until its 'A' the
 * engine stays in raw mode (an 'A' then is no line). */
static void test_raw_upload_exact_blocks_last_ack(void **state)
{
    struct at_rig *r = at_rig_new();
    static const uint8_t payload[8] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",8,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    at_rig_pump(r, 0);
    fake_port_push(&r->fp, "A");
    at_rig_pump(r, 0);
    fake_port_push(&r->fp, "A\r\n+QFUPL: 8,0\r\nOK\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->fp.out, "AT+QFUPL=\"f\",8,5,1\rabcdefgh");
    assert_string_equal(r->trace, "R:+QFUPL: 8,0|F:OK,-1|");
    free(r);
}

/* A payload larger than the engine's buffer, from a source that gives little per read:
 * no whole-payload buffer anywhere, pieces never cross a block, every byte in order. */
static void test_raw_upload_streams_from_short_reads(void **state)
{
    struct at_rig *r = at_rig_new();
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
    at_rig_pump(r, 0); /* no ack mode: everything goes out at once */
    assert_int_equal(r->fp.out_len, sizeof(payload));
    assert_memory_equal(r->fp.out, payload, sizeof(payload));
    assert_int_equal(src.hooked, sizeof(payload));
    assert_true(src.biggest_piece <= 333);
    /* An 'A' after the transfer is a line like any other. */
    fake_port_push(&r->fp, "A\r\n+QFUPL: 3172,1f\r\nOK\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "U:A|R:+QFUPL: 3172,1f|F:OK,-1|");
    free(r);
}

/* Ack blocks larger than a piece: each block goes out in pieces of at most AT_RAW_CHUNK. */
static void test_raw_upload_block_larger_than_piece(void **state)
{
    struct at_rig *r = at_rig_new();
    static uint8_t payload[2 * AT_RAW_CHUNK + 10];
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"b\",2058,5,1", &src, 2 * AT_RAW_CHUNK);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    at_rig_pump(r, 0);
    assert_int_equal(src.hooked, 2 * AT_RAW_CHUNK);
    assert_int_equal(src.pieces, 2);
    fake_port_push(&r->fp, "A");
    at_rig_pump(r, 0);
    assert_int_equal(src.hooked, sizeof(payload));
    assert_true(at_busy(&r->at));
    free(r);
}

static void test_raw_upload_ack_timeout(void **state)
{
    struct at_rig *r = at_rig_new();
    static const uint8_t payload[8] = {0};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",8,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    at_rig_pump(r, 0);
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
    struct at_rig *r = at_rig_new();
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
        struct at_rig *r = at_rig_new();
        static const uint8_t payload[12] = {'x', 'x', 'x', 'x', 'y', 'y', 'y', 'y', 'z'};
        struct source src = source_of(payload, sizeof(payload));
        struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",12,5,1", &src, 4);

        assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
        fake_port_push(&r->fp, "CONNECT\r\n");
        at_rig_pump(r, 0);
        fake_port_push(&r->fp, answers[i]);
        at_rig_pump(r, 1); /* byte by byte: the error is framed across feeds */
        assert_string_equal(r->trace, traces[i]);
        assert_false(at_busy(&r->at));
        assert_int_equal(r->fp.out_len, strlen(cmd.text) + 1 + 4);
        assert_int_equal(at_deadline(&r->at), AT_NEVER);
        /* back in line mode: an 'A' now is text, not an acknowledgement */
        fake_port_push(&r->fp, "A\r\n");
        at_rig_pump(r, 0);
        assert_int_equal(r->fp.out_len, strlen(cmd.text) + 1 + 4);
        free(r);
    }
}

/* A URC with an 'A' in it while an acknowledgement is awaited: the 'A' inside the line
 * belongs to the line; the bare one after it is the acknowledgement. */
static void test_raw_upload_urc_while_awaiting_ack(void **state)
{
    struct at_rig *r = at_rig_new();
    static const uint8_t payload[6] = {'1', '2', '3', '4', '5', '6'};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",6,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    at_rig_pump(r, 0);
    fake_port_push(&r->fp, "\r\n+CPIN: READY\r\nA");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "U:+CPIN: READY|");
    assert_string_equal(r->fp.out, "AT+QFUPL=\"f\",6,5,1\r123456");
    free(r);
}

/* The source gives out mid-transfer (a file that shrank, a flash read error): nothing
 * more goes out, and the module's answer after its own timeout ends the command. */
static void test_raw_upload_source_gives_out(void **state)
{
    struct at_rig *r = at_rig_new();
    static const uint8_t payload[12] = {'1', '2', '3', '4', '5', '6', '7', '8'};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",12,5,1", &src, 4);

    (void)state;
    src.fail_at = 6;
    r->fp.responder = ack_responder;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    r->fp.now = 100;
    at_rig_pump(r, 0);
    assert_string_equal(r->fp.out, "AT+QFUPL=\"f\",12,5,1\r123456");
    assert_true(at_raw_stopped(&r->at));
    assert_int_equal(at_raw_sent(&r->at), 6);
    assert_int_equal(r->warnings, DFOTA_WITH_TEXTS ? 1 : 0); /* a warning is a log line */
    assert_true(at_busy(&r->at));
    assert_int_equal(at_deadline(&r->at), 400);
    fake_port_push(&r->fp, "\r\n+QFUPL: 6,1234\r\n\r\nOK\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "R:+QFUPL: 6,1234|F:OK,-1|");
    free(r);
}

/* An empty payload: CONNECT, nothing to send, the module's answer. */
static void test_raw_upload_empty(void **state)
{
    struct at_rig *r = at_rig_new();
    struct source src = source_of("", 0);
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"e\",0,5,1", &src, 4);

    (void)state;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n\r\n+QFUPL: 0,0\r\nOK\r\n");
    at_rig_pump(r, 0);
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
    struct at_rig *r = at_rig_new();
    static const uint8_t payload[8] = {0};
    struct source src = source_of(payload, sizeof(payload));
    struct at_cmd cmd = qfupl_cmd("AT+QFUPL=\"f\",8,5,1", &src, 4);

    (void)state;
    r->at.cb.write = failing_write;
    assert_int_equal(at_send(&r->at, &cmd, 0), DFOTA_OK);
    fake_port_push(&r->fp, "CONNECT\r\n");
    at_rig_pump(r, 0);
    assert_string_equal(r->trace, "F:hang-up,-1|");
    assert_int_equal(src.hooked, 0);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
