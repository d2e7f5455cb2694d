/* libFuzzer harness for the AT engine (src/at.c).
 *
 * Input layout:
 *   byte 0       flags: none are read now (kept so that the corpus keeps its meaning)
 *   byte 1       n, the length of the control stream
 *   n bytes      control stream, one operation per byte (op = b & 7, arg = b >> 3)
 *   the rest     what the port delivers, consumed by the feed operations
 * Whatever is left of the port bytes when the control stream ends is fed in one chunk,
 * and then time jumps far ahead so that any pending command must end.
 *
 * The engine's callbacks check its promises against a model of what must be true: lines
 * are NUL-terminated, at most AT_LINE_MAX long, free of CR/LF; responses and final results
 * only happen while a command is pending; the engine is idle when final runs; a timeout only
 * once the deadline has passed; raw bytes go out in order, block by block, only after
 * CONNECT, never past the point where the source gave out, and each piece is reported to
 * the sent hook; deadlines never move backwards and never lie further than one timeout
 * ahead. */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "at/at.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

static const uint8_t raw_payload[] = "0123456789abcdefghij";

/* A raw source over raw_payload that gives out (returns 0) at fail_at, reading at most
 * max_read bytes at once (0: as many as asked). */
struct fuzz_source {
    size_t fail_at;
    size_t max_read;
};

static const struct fuzz_source whole = {SIZE_MAX, 0};
static const struct fuzz_source dribble = {SIZE_MAX, 3};
static const struct fuzz_source gives_out = {6, 0};

static size_t source_read(void *user, size_t offset, uint8_t *buf, size_t len);
static void source_sent(void *user, size_t offset, const uint8_t *data, size_t len);

#define NO_RAW                                                                                     \
    {                                                                                              \
        NULL, NULL, NULL, 0, 0, 0                                                                  \
    }
#define RAW(src, len, block)                                                                       \
    {                                                                                              \
        source_read, source_sent, (void *)&(src), len, block, 'A'                                  \
    }

/* Commands the control stream picks from: text, response kind, prefix, timeout, raw. */
struct fuzz_cmd {
    struct at_cmd cmd;
    int expect_send; /* DFOTA_OK, or DFOTA_ERR_INVALID for texts the engine must refuse */
};

/* The longest command the engine takes (AT_CMD_MAX follows the build's DFOTA_URL_MAX),
 * and one byte more: made before the first input. */
static char long_ok_text[AT_CMD_MAX + 1];
static char long_bad_text[AT_CMD_MAX + 2];
#define LONG_OK_TEXT long_ok_text
#define LONG_BAD_TEXT long_bad_text

static void fuzz_make_long_texts(void)
{
    static const char head[] = "AT+QFOTADL=\"ftp://user:secretpassword@ftp.example.com:2121/"
                               "packages/update-v01-to-v02.zip\"";

    if (long_ok_text[0])
        return;
    memset(long_ok_text, 'X', AT_CMD_MAX);
    memcpy(long_ok_text, head, sizeof(head) - 1);
    memcpy(long_bad_text, long_ok_text, AT_CMD_MAX);
    long_bad_text[AT_CMD_MAX] = 'X';
}

static const struct fuzz_cmd commands[] = {
    {{"AT", AT_RESP_NONE, NULL, 300, NO_RAW}, DFOTA_OK},
    {{"ATE0", AT_RESP_NONE, NULL, 300, NO_RAW}, DFOTA_OK},
    {{"ATI", AT_RESP_TEXT, NULL, 300, NO_RAW}, DFOTA_OK},
    {{"AT+QGMR", AT_RESP_TEXT, NULL, 5000, NO_RAW}, DFOTA_OK},
    {{"AT+CPIN?", AT_RESP_PREFIX, "+CPIN:", 5000, NO_RAW}, DFOTA_OK},
    {{"AT+QFLDS=\"UFS\"", AT_RESP_PREFIX, "+QFLDS:", 300, NO_RAW}, DFOTA_OK},
    {{"AT+QFOTADL=\"http://h/f.zip\"", AT_RESP_NONE, NULL, 300, NO_RAW}, DFOTA_OK},
    {{"AT+QFUPL=\"a.bin\",10,5,1", AT_RESP_PREFIX, "+QFUPL:", 5000, RAW(whole, 10, 4)}, DFOTA_OK},
    {{"AT+QFUPL=\"b.bin\",8,5,1", AT_RESP_PREFIX, "+QFUPL:", 5000, RAW(dribble, 8, 4)}, DFOTA_OK},
    {{"AT+QFUPL=\"c.bin\",8", AT_RESP_PREFIX, "+QFUPL:", 5000, RAW(whole, 8, 0)}, DFOTA_OK},
    {{"AT+QFUPL=\"d.bin\",0", AT_RESP_PREFIX, "+QFUPL:", 5000, RAW(whole, 0, 0)}, DFOTA_OK},
    {{"AT+QFUPL=\"e.bin\",20,5,1", AT_RESP_PREFIX, "+QFUPL:", 0, RAW(dribble, 20, 1)}, DFOTA_OK},
    {{"AT+QFLST=\"*\"", AT_RESP_PREFIX, "+QFLST:", 0, NO_RAW}, DFOTA_OK},
    {{"AT+QURCCFG=\"urcport\"", AT_RESP_PREFIX, "+QURCCFG:", 300, NO_RAW}, DFOTA_OK},
    {{"at", AT_RESP_TEXT, NULL, 1, NO_RAW}, DFOTA_OK},
    {{LONG_OK_TEXT, AT_RESP_NONE, NULL, 300, NO_RAW}, DFOTA_OK},
    {{LONG_BAD_TEXT, AT_RESP_NONE, NULL, 300, NO_RAW}, DFOTA_ERR_INVALID},
    {{"", AT_RESP_NONE, NULL, 300, NO_RAW}, DFOTA_ERR_INVALID},
    {{"AT\r", AT_RESP_NONE, NULL, 300, NO_RAW}, DFOTA_ERR_INVALID},
    {{"AT\nI", AT_RESP_TEXT, NULL, 300, NO_RAW}, DFOTA_ERR_INVALID},
    {{"AT+QFUPL=\"f.bin\",12,5,1", AT_RESP_PREFIX, "+QFUPL:", 5000, RAW(gives_out, 12, 4)},
     DFOTA_OK},
    {{"AT+QFUPL=\"g.bin\",16", AT_RESP_PREFIX, "+QFUPL:", 300, RAW(gives_out, 16, 0)}, DFOTA_OK},
};
#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static const uint32_t time_steps[] = {0,    1,    10,   100,   299,   300,   301,    1000,
                                      4999, 5000, 5001, 10000, 60000, 90000, 300000, 1800000};
#define TIME_STEP_COUNT (sizeof(time_steps) / sizeof(time_steps[0]))

enum context { CTX_NONE, CTX_SEND, CTX_FEED, CTX_TICK, CTX_LOST };

/* ms after t as the engine counts it, written apart from at_after(): in 64 bits, held at
 * the last time short of AT_NEVER. */
static uint32_t later(uint32_t t, uint32_t ms)
{
    uint64_t sum = (uint64_t)t + ms;
    return sum < AT_NEVER ? (uint32_t)sum : AT_NEVER - 1;
}

struct harness {
    struct at_engine at;
    uint32_t now; /* the engine's time (at.h), held short of AT_NEVER as the session holds it */
    enum context ctx;
    /* the model of the engine */
    bool pending;
    const struct fuzz_cmd *cmd; /* the pending command (or the one being sent) */
    uint32_t sent_at;
    uint32_t last_deadline;
    size_t line_out;       /* bytes of the command line written (its text, then its CR) */
    size_t raw_out;        /* raw bytes written for the pending command */
    size_t raw_hooked;     /* raw bytes reported through the sent hook */
    bool finals_this_call; /* a final ran during the current engine call */
    /* port */
    unsigned fail_writes; /* the next this many writes fail */
    bool write_failed;    /* the last write failed */
    size_t chain;         /* 0, or 1 + the command the final callback sends next */
};

static bool is_final_text(const char *line)
{
    static const char *const finals[] = {"OK", "ERROR"};
    static const char *const prefixes[] = {"+CME ERROR:", "+CMS ERROR:"};
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(finals[i]);
        if (strlen(line) == n) {
            bool same = true;
            for (size_t j = 0; j < n; j++) {
                char c = line[j];
                if (c >= 'a' && c <= 'z')
                    c = (char)(c - 'a' + 'A');
                same = same && c == finals[i][j];
            }
            if (same)
                return true;
        }
    }
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(prefixes[i]);
        bool same = strlen(line) >= n;
        for (size_t j = 0; same && j < n; j++) {
            char c = line[j];
            if (c >= 'a' && c <= 'z')
                c = (char)(c - 'a' + 'A');
            same = c == prefixes[i][j];
        }
        if (same)
            return true;
    }
    return false;
}

static bool is_named_line(const char *line)
{
    size_t i = 1;

    if (line[0] != '+')
        return false;
    while (isalnum((unsigned char)line[i]))
        i++;
    return i > 1 && line[i] == ':';
}

static bool starts_with_nocase(const char *s, const char *prefix)
{
    for (; *prefix != '\0'; s++, prefix++) {
        char a = *s;
        char b = *prefix;
        if (a >= 'a' && a <= 'z')
            a = (char)(a - 'a' + 'A');
        if (b >= 'a' && b <= 'z')
            b = (char)(b - 'a' + 'A');
        if (a != b)
            return false;
    }
    return true;
}

static void check_line(const char *line)
{
    CHECK(line != NULL);
    const void *nul = memchr(line, '\0', AT_LINE_MAX + 1);
    CHECK(nul != NULL);
    size_t len = (size_t)((const char *)nul - line);
    CHECK(len > 0 && len <= AT_LINE_MAX);
    CHECK(memchr(line, '\r', len) == NULL);
    CHECK(memchr(line, '\n', len) == NULL);
}

static int on_write(void *user, const uint8_t *buf, size_t len)
{
    struct harness *h = user;

    CHECK(buf != NULL && len > 0);
    if (h->ctx == CTX_SEND && !h->pending) {
        /* the command line itself: its text whole, then one CR, each written once */
        size_t n = strlen(h->cmd->cmd.text);
        if (h->line_out == 0)
            CHECK(len == n && memcmp(buf, h->cmd->cmd.text, n) == 0);
        else
            CHECK(h->line_out == n && len == 1 && buf[0] == '\r');
        h->line_out += len;
    } else {
        /* raw transfer: only after CONNECT (read from the port), in order, within the
         * payload, one block at a time in ack mode */
        CHECK(h->ctx == CTX_FEED);
        const struct at_raw *raw = &h->cmd->cmd.raw;
        const struct fuzz_source *src = raw->user;
        CHECK(h->pending && raw->read != NULL);
        CHECK(h->raw_out + len <= raw->len && h->raw_out + len <= src->fail_at);
        CHECK(len <= AT_RAW_CHUNK && (src->max_read == 0 || len <= src->max_read));
        CHECK(raw->ack_block == 0 || len <= raw->ack_block);
        /* a piece never crosses a block boundary */
        CHECK(raw->ack_block == 0 ||
              h->raw_out / raw->ack_block == (h->raw_out + len - 1) / raw->ack_block);
        CHECK(memcmp(buf, raw_payload + h->raw_out, len) == 0);
        CHECK(h->raw_hooked == h->raw_out);
    }
    if (h->fail_writes > 0) {
        h->fail_writes--;
        h->write_failed = true;
        return DFOTA_PORT_ERROR;
    }
    h->write_failed = false;
    if (!(h->ctx == CTX_SEND && !h->pending))
        h->raw_out += len;
    return DFOTA_PORT_OK;
}

static struct harness *current; /* the sources reach the harness through it */

static size_t source_read(void *user, size_t offset, uint8_t *buf, size_t len)
{
    const struct fuzz_source *src = user;
    size_t n = len;

    CHECK(current->ctx == CTX_FEED && current->pending);
    CHECK(offset == current->raw_out && offset < current->cmd->cmd.raw.len);
    CHECK(len > 0 && len <= AT_RAW_CHUNK);
    if (offset >= src->fail_at)
        return 0;
    if (n > src->fail_at - offset)
        n = src->fail_at - offset;
    if (src->max_read > 0 && n > src->max_read)
        n = src->max_read;
    CHECK(offset + n < sizeof(raw_payload));
    memcpy(buf, raw_payload + offset, n);
    return n;
}

static void source_sent(void *user, size_t offset, const uint8_t *data, size_t len)
{
    (void)user;
    /* after the write went through, with what was written */
    CHECK(!current->write_failed);
    CHECK(offset == current->raw_hooked && offset + len == current->raw_out);
    CHECK(memcmp(data, raw_payload + offset, len) == 0);
    current->raw_hooked += len;
}

static void on_response(void *user, const char *line)
{
    struct harness *h = user;

    check_line(line);
    CHECK(h->pending && at_busy(&h->at));
    CHECK(h->ctx == CTX_FEED);
    CHECK(h->cmd->cmd.resp != AT_RESP_NONE);
    if (h->cmd->cmd.resp == AT_RESP_PREFIX)
        CHECK(starts_with_nocase(line, h->cmd->cmd.prefix));
    if (h->cmd->cmd.resp == AT_RESP_TEXT) /* a "+NAME:" line there is a URC */
        CHECK(!is_named_line(line));
    CHECK(!is_final_text(line));
}

static void on_urc(void *user, const char *line)
{
    struct harness *h = user;

    check_line(line);
    CHECK(h->ctx == CTX_FEED);
}

static void send_command(struct harness *h, size_t index);

static void on_final(void *user, enum at_result result, int code)
{
    struct harness *h = user;

    CHECK(h->pending);
    CHECK(!at_busy(&h->at));
    CHECK(at_deadline(&h->at) == AT_NEVER);
    switch (result) {
    case AT_RESULT_OK:
    case AT_RESULT_ERROR:
        CHECK(h->ctx == CTX_FEED);
        CHECK(code == -1);
        break;
    case AT_RESULT_CME:
    case AT_RESULT_CMS:
        CHECK(h->ctx == CTX_FEED);
        CHECK(code >= -1 && code <= 999999);
        break;
    case AT_RESULT_TIMEOUT:
        CHECK(h->ctx == CTX_TICK);
        CHECK(h->now >= h->last_deadline);
        CHECK(code == -1);
        break;
    case AT_RESULT_HANGUP:
        /* the port went away, or a raw write failed */
        CHECK(h->ctx == CTX_LOST || (h->ctx == CTX_FEED && h->write_failed));
        CHECK(code == -1);
        break;
    default:
        CHECK(0);
    }
    CHECK(at_result_name(result) != NULL);
    h->pending = false;
    h->finals_this_call = true;
    if (h->chain > 0)
        send_command(h, h->chain - 1);
}

static void on_log(void *user, enum dfota_log_level level, const char *text)
{
    (void)user;
    CHECK(level >= DFOTA_LOG_ERROR && level <= DFOTA_LOG_DEBUG);
    CHECK(text != NULL);
    CHECK(memchr(text, '\0', AT_LINE_MAX + 32) != NULL);
}

static void send_command(struct harness *h, size_t index)
{
    const struct fuzz_cmd *c = &commands[index % COMMAND_COUNT];
    bool was_pending = h->pending;
    enum context outer = h->ctx;

    if (!was_pending)
        h->cmd = c;
    h->line_out = 0;
    h->ctx = CTX_SEND;
    int rc = at_send(&h->at, &c->cmd, h->now);
    h->ctx = outer;
    if (was_pending) {
        CHECK(rc == DFOTA_ERR_STATE);
        CHECK(at_busy(&h->at));
        return;
    }
    if (c->expect_send != DFOTA_OK) {
        CHECK(rc == c->expect_send);
    } else if (h->write_failed) {
        CHECK(rc == DFOTA_ERR_PORT);
    } else {
        CHECK(rc == DFOTA_OK);
    }
    if (rc != DFOTA_OK) {
        CHECK(!at_busy(&h->at));
        CHECK(at_deadline(&h->at) == AT_NEVER);
        return;
    }
    CHECK(at_busy(&h->at));
    CHECK(at_deadline(&h->at) == later(h->now, c->cmd.timeout_ms));
    CHECK(h->line_out == strlen(c->cmd.text) + 1); /* the whole line went out */
    h->pending = true;
    h->sent_at = h->now;
    h->last_deadline = at_deadline(&h->at);
    h->raw_out = 0;
    h->raw_hooked = 0;
}

/* After every call into the engine: the model and the engine agree, and the deadline
 * lies between one timeout after the send and one timeout after now. */
static void check_state(struct harness *h)
{
    CHECK(at_busy(&h->at) == h->pending);
    if (!h->pending) {
        CHECK(at_deadline(&h->at) == AT_NEVER);
        return;
    }
    uint32_t deadline = at_deadline(&h->at);
    uint32_t timeout = h->cmd->cmd.timeout_ms;
    CHECK(deadline >= later(h->sent_at, timeout));
    CHECK(deadline <= later(h->now, timeout));
    if (!h->finals_this_call)
        CHECK(deadline >= h->last_deadline);
    h->last_deadline = deadline;
}

static void feed(struct harness *h, const uint8_t *data, size_t len)
{
    h->finals_this_call = false;
    h->write_failed = false;
    h->ctx = CTX_FEED;
    at_feed(&h->at, data, len, h->now);
    h->ctx = CTX_NONE;
    check_state(h);
}

static void tick(struct harness *h, uint32_t step)
{
    h->now = (uint32_t)later(h->now, step);
    h->finals_this_call = false;
    h->ctx = CTX_TICK;
    bool expired = h->pending && h->now >= h->last_deadline;
    at_tick(&h->at, h->now);
    h->ctx = CTX_NONE;
    /* an expired command ended (a chained one may be pending now); a live one is intact */
    if (expired)
        CHECK(h->finals_this_call);
    else
        CHECK(!h->finals_this_call);
    if (h->pending)
        CHECK(at_deadline(&h->at) > h->now || h->cmd->cmd.timeout_ms == 0);
    check_state(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_make_long_texts();
    struct harness h;
    struct at_callbacks cb = {on_write, on_response, on_final, on_urc, on_log, &h};

    if (size < 2)
        return 0;
    memset(&h, 0, sizeof(h));
    current = &h;
    h.now = 1000;
    at_init(&h.at, &cb);
    CHECK(!at_busy(&h.at) && at_deadline(&h.at) == AT_NEVER);

    size_t ctl_len = data[1];
    const uint8_t *ctl = data + 2;
    if (ctl_len > size - 2)
        ctl_len = size - 2;
    const uint8_t *port = ctl + ctl_len;
    size_t port_left = size - 2 - ctl_len;

    for (size_t i = 0; i < ctl_len; i++) {
        unsigned op = ctl[i] & 7u;
        unsigned arg = ctl[i] >> 3;
        size_t n;
        switch (op) {
        case 0:
            send_command(&h, arg);
            check_state(&h);
            break;
        case 1:
        case 2:
            n = op == 1 ? arg + 1u : (arg + 1u) * 16u;
            if (n > port_left)
                n = port_left;
            feed(&h, port, n);
            port += n;
            port_left -= n;
            break;
        case 3:
            tick(&h, time_steps[arg % TIME_STEP_COUNT]);
            break;
        case 4: {
            bool was_pending = h.pending;
            h.finals_this_call = false;
            h.ctx = CTX_LOST;
            at_port_lost(&h.at);
            h.ctx = CTX_NONE;
            CHECK(h.finals_this_call == was_pending);
            check_state(&h);
            break;
        }
        case 5:
            at_abort(&h.at);
            h.pending = false;
            check_state(&h);
            break;
        case 6:
            h.fail_writes = arg % 4u;
            break;
        default:
            h.chain = arg % (COMMAND_COUNT + 1u);
            break;
        }
    }
    feed(&h, port, port_left);

    /* Far in the future nothing can still be pending, even with chained commands. */
    h.chain = 0;
    tick(&h, 10u * 1800000u);
    CHECK(!h.pending && !at_busy(&h.at));
    current = NULL;
    return 0;
}
