/* The AT engine. Framing is a small state machine (idle, in a line, discarding an
 * overlong line); what a line is (echo, final result, response, URC) is decided in one
 * place, at_classify(). */
#include "at/at.h"

#include <stdio.h>
#include <string.h>

#include "at/fields.h"
#include "compiler.h"

/* The URCs that are not "+NAME:" lines (those are recognised by their form): the boot
 * and call words a module prints in the middle of a bare-text answer. */
static const char *const at_bare_urcs[] = {"RDY", "APP RDY", "RING", "POWERED DOWN"};

/* Larger error codes than any module prints read as this. */
#define AT_CODE_MAX 99999

enum at_line_kind { AT_LINE_ECHO, AT_LINE_FINAL, AT_LINE_CONNECT, AT_LINE_RESPONSE, AT_LINE_URC };

/* Whether s is word, in any case. */
static bool at_equals_nocase(const char *s, const char *word)
{
    return fields_starts_nocase(s, word) && s[strlen(word)] == '\0';
}

#if DFOTA_WITH_TEXTS
static void at_log(struct at_engine *at, enum dfota_log_level level, const char *fmt_prefix,
                   const char *text)
{
    char buf[AT_LINE_MAX + 32];

    if (!at->cb.log)
        return;
    snprintf(buf, sizeof(buf), "%s%s", fmt_prefix, text);
    at->cb.log(at->cb.user, level, buf);
}
#else
/* A build without log lines (build_config.h) keeps none of their texts. */
#define at_log(at, level, fmt_prefix, text) ((void)(at), (void)(text))
#endif

void at_init(struct at_engine *at, const struct at_callbacks *cb)
{
    memset(at, 0, sizeof(*at));
    at->cb = *cb;
}

bool at_busy(const struct at_engine *at)
{
    return at->pending;
}

size_t at_raw_sent(const struct at_engine *at)
{
    return at->raw_sent;
}

bool at_raw_stopped(const struct at_engine *at)
{
    return at->raw_stopped;
}

uint32_t at_after(uint32_t now, uint32_t ms)
{
    return ms < AT_NEVER - now ? now + ms : AT_NEVER - 1;
}

uint32_t at_deadline(const struct at_engine *at)
{
    return at->pending ? at->deadline : AT_NEVER;
}

static bool at_text_is_sendable(const char *text)
{
    size_t len = strlen(text);

    return len > 0 && len <= AT_CMD_MAX && !strchr(text, '\r') && !strchr(text, '\n');
}

int at_send(struct at_engine *at, const struct at_cmd *cmd, uint32_t now)
{
    size_t len;
    int written;

    if (at->pending)
        return DFOTA_ERR_STATE;
    if (!cmd->text || !at_text_is_sendable(cmd->text))
        return DFOTA_ERR_INVALID;
    if (!DFOTA_WITH_AT_RAW && cmd->raw.read) /* a build without raw transfers */
        return DFOTA_ERR_INVALID;
    len = strlen(cmd->text);
    at->cmd = *cmd; /* its text stays the caller's until the final result (at.h) */
    at->echo_allowed = true;
    at->mode = AT_MODE_LINE;
    at->raw_sent = 0;
    at->awaiting_ack = false;
    at->raw_started = false;
    at->raw_stopped = false;
    at->deadline = at_after(now, cmd->timeout_ms);
    at_log(at, DFOTA_LOG_DEBUG, ">> ", cmd->text);

    /* The command, then its CR: the engine keeps no copy of up to AT_CMD_MAX bytes to
     * write them in one. */
    written = at->cb.write(at->cb.user, (const uint8_t *)cmd->text, len);
    if (written == DFOTA_PORT_OK)
        written = at->cb.write(at->cb.user, (const uint8_t *)"\r", 1);
    if (written == DFOTA_PORT_TIMEOUT) {
        /* The module does not read (flow control holds the line): no answer can come.
         * The command ends as a timeout at the next tick, not as a lost port. */
        at_log(at, DFOTA_LOG_WARN, "the module does not take ", at->cmd.text);
        at->echo_allowed = false;
        at->deadline = now;
    } else if (written != DFOTA_PORT_OK) {
        return DFOTA_ERR_PORT;
    }
    at->pending = true;
    return DFOTA_OK;
}

static void at_finish(struct at_engine *at, enum at_result result, int code)
{
    at->pending = false;
    at->mode = AT_MODE_LINE;
    at->cb.final(at->cb.user, result, code);
}

/* "+CME ERROR: 407" -> 407; verbose forms ("+CME ERROR: SIM busy") -> -1. */
static int at_error_code(const char *text)
{
    struct fields it;
    uint32_t code;

    fields_start(&it, text);
    return fields_next_number(&it, AT_CODE_MAX, &code) ? (int)code : -1;
}

static bool at_final_result(const char *line, enum at_result *result, int *code)
{
    *code = -1;
    /* Dispatch on the first letter: this runs for every line. */
    switch (fields_upper(line[0])) {
    case 'O':
        *result = AT_RESULT_OK;
        return at_equals_nocase(line, "OK");
    case 'E':
        *result = AT_RESULT_ERROR;
        return at_equals_nocase(line, "ERROR");
    case '+':
        if (fields_upper(line[1]) == 'C' && fields_upper(line[2]) == 'M')
            break;
        return false;
    default:
        return false;
    }
    if (fields_starts_nocase(line, "+CME ERROR:")) {
        *result = AT_RESULT_CME;
        *code = at_error_code(line + strlen("+CME ERROR:"));
    } else if (fields_starts_nocase(line, "+CMS ERROR:")) {
        *result = AT_RESULT_CMS;
        *code = at_error_code(line + strlen("+CMS ERROR:"));
    } else {
        return false;
    }
    return true;
}

static bool at_is_bare_urc(const char *line)
{
    for (size_t i = 0; i < sizeof(at_bare_urcs) / sizeof(at_bare_urcs[0]); i++) {
        if (fields_starts_nocase(line, at_bare_urcs[i]))
            return true;
    }
    return false;
}

/* "+NAME:" with NAME of letters and digits: the form of every 27.007 and Quectel
 * information line. A command that reads bare text (ATI, AT+QGMR) never answers in that
 * form, so such a line there is a URC the module printed meanwhile (+CGEV:, +CTZE:,
 * +QNETDEVSTATUS: after a registration), whatever its name. */
static bool at_is_named_line(const char *line)
{
    size_t i = 1;

    if (line[0] != '+')
        return false;
    while ((line[i] >= 'A' && line[i] <= 'Z') || (line[i] >= 'a' && line[i] <= 'z') ||
           (line[i] >= '0' && line[i] <= '9'))
        i++;
    return i > 1 && line[i] == ':';
}

static bool at_is_echo(const struct at_engine *at, const char *line)
{
    return at->echo_allowed && at_equals_nocase(line, at->cmd.text);
}

/* The one place that decides what a line is. */
static enum at_line_kind at_classify(const struct at_engine *at, const char *line)
{
    enum at_result result;
    int code;
    bool wanted_prefix;

    if (!at->pending)
        return AT_LINE_URC;
    if (at_is_echo(at, line))
        return AT_LINE_ECHO;
    if (at_final_result(line, &result, &code))
        return AT_LINE_FINAL;
#if DFOTA_WITH_AT_RAW
    if (at->cmd.raw.read && !at->raw_started && fields_starts_nocase(line, "CONNECT"))
        return AT_LINE_CONNECT;
#endif
    wanted_prefix = at->cmd.resp == AT_RESP_PREFIX && at->cmd.prefix &&
                    fields_starts_nocase(line, at->cmd.prefix);
    if (wanted_prefix)
        return AT_LINE_RESPONSE;
    if (at_is_named_line(line) || at_is_bare_urc(line))
        return AT_LINE_URC;
    if (at->cmd.resp == AT_RESP_TEXT)
        return AT_LINE_RESPONSE;
    return AT_LINE_URC;
}

#if DFOTA_WITH_AT_RAW
/* The source gave out: nothing more goes out. The module times out its transfer and
 * answers; the deadline restarts so that its answer is awaited a whole timeout. */
static void at_raw_stop(struct at_engine *at, uint32_t now)
{
    char where[48];

    snprintf(where, sizeof(where), "%zu of %zu bytes", at->raw_sent, at->cmd.raw.len);
    at_log(at, DFOTA_LOG_WARN, "raw transfer: the source gave out after ", where);
    at->raw_stopped = true;
    at->awaiting_ack = false;
    at->mode = AT_MODE_LINE;
    at->deadline = at_after(now, at->cmd.timeout_ms);
}

/* One piece of at most AT_RAW_CHUNK bytes from the source to the port. Returns its
 * length, or 0 when the transfer cannot go on (the source gave out or the write failed;
 * the engine has acted on it). */
static size_t at_raw_send_piece(struct at_engine *at, size_t want, uint32_t now)
{
    const struct at_raw *raw = &at->cmd.raw;
    size_t got = raw->read(raw->user, at->raw_sent, at->raw_buf, want);

    if (got == 0 || got > want) {
        at_raw_stop(at, now);
        return 0;
    }
    int written = at->cb.write(at->cb.user, at->raw_buf, got);
    if (written != DFOTA_PORT_OK) {
        at_log(at, DFOTA_LOG_WARN, "raw transfer: ", "write failed");
        at_finish(at, written == DFOTA_PORT_TIMEOUT ? AT_RESULT_TIMEOUT : AT_RESULT_HANGUP, -1);
        return 0;
    }
    if (raw->sent)
        raw->sent(raw->user, at->raw_sent, at->raw_buf, got);
    at->raw_sent += got;
    return got;
}

/* Sends the next block (ack mode) or the whole rest (no acks), piece by piece. */
static void at_raw_send_block(struct at_engine *at, uint32_t now)
{
    const struct at_raw *raw = &at->cmd.raw;
    size_t left = raw->len - at->raw_sent;
    size_t block = (raw->ack_block > 0 && raw->ack_block < left) ? raw->ack_block : left;

    for (size_t done = 0; done < block;) {
        size_t want = block - done < AT_RAW_CHUNK ? block - done : AT_RAW_CHUNK;
        size_t got = at_raw_send_piece(at, want, now);
        if (got == 0)
            return;
        done += got;
    }
    at->deadline = at_after(now, at->cmd.timeout_ms);
    /* In ack mode every full block is acknowledged, the last one included. */
    at->awaiting_ack = raw->ack_block > 0 && block == raw->ack_block;
    if (!at->awaiting_ack && at->raw_sent == raw->len)
        at->mode = AT_MODE_LINE;
}
#endif

static void at_dispatch_line(struct at_engine *at, const char *line, uint32_t now)
{
    enum at_result result;
    int code;

    at_log(at, DFOTA_LOG_DEBUG, "<< ", line);
    switch (at_classify(at, line)) {
    case AT_LINE_ECHO:
        at->echo_allowed = false;
        break;
    case AT_LINE_FINAL:
        at_final_result(line, &result, &code);
        at_finish(at, result, code);
        break;
    case AT_LINE_CONNECT:
#if DFOTA_WITH_AT_RAW
        at->echo_allowed = false;
        at->raw_started = true;
        at->mode = AT_MODE_RAW;
        at_raw_send_block(at, now);
#else
        (void)now; /* no line is CONNECT in a build without raw transfers */
#endif
        break;
    case AT_LINE_RESPONSE:
        at->echo_allowed = false;
        at->cb.response(at->cb.user, line);
        break;
    case AT_LINE_URC:
        at->cb.urc(at->cb.user, line);
        break;
    }
}

static void at_end_line(struct at_engine *at, uint32_t now)
{
    if (at->frame == AT_FRAME_LINE && at->line_len > 0) {
        at->line[at->line_len] = '\0';
        at_dispatch_line(at, at->line, now);
    }
    at->frame = AT_FRAME_IDLE;
    at->line_len = 0;
}

static void at_append(struct at_engine *at, const uint8_t *bytes, size_t n)
{
    if (at->frame == AT_FRAME_DISCARD)
        return;
    if (n > AT_LINE_MAX - at->line_len) {
        at_log(at, DFOTA_LOG_WARN, "", "dropped a line longer than the line buffer");
        at->frame = AT_FRAME_DISCARD;
        at->line_len = 0;
        return;
    }
    memcpy(at->line + at->line_len, bytes, n);
    at->line_len += n;
    at->frame = AT_FRAME_LINE;
}

/* Length of the run before the first CR, LF or NUL. Lines are mostly plain text: it
 * looks at a machine word at a time (8 bytes on a 64-bit host, 4 on a Cortex-M) and jumps
 * to the first byte below 14 in a word. */
static size_t at_text_run(const uint8_t *data, size_t len)
{
    const size_t ones = SIZE_MAX / 0xFF; /* 0x01 in every byte */
    size_t n = 0, w, low;

    while (n + sizeof w <= len) {
        memcpy(&w, data + n, sizeof w);
        /* The lowest set bit marks the first byte below 14 exactly (higher ones may be
         * false alarms from the borrow); little-endian loads put it first in memory. */
        low = (w - ones * 14) & ~w & ones * 0x80;
        if (low == 0) {
            n += sizeof w;
            continue;
        }
#ifdef DFOTA_HAVE_CTZ /* straight to the first candidate byte */
        n += DFOTA_CTZ(low) / 8;
        if (data[n] == '\r' || data[n] == '\n' || data[n] == 0)
            return n;
        n++; /* another control character: part of the line */
#else
        break;
#endif
    }
    while (n < len && data[n] != '\r' && data[n] != '\n' && data[n] != 0)
        n++;
    return n;
}

/* Frames one run of bytes up to and including the next CR, LF or NUL (which is
 * dropped). Returns how many bytes it consumed. */
static size_t at_frame_run(struct at_engine *at, const uint8_t *data, size_t len, uint32_t now)
{
    size_t n = at_text_run(data, len);

    if (n > 0)
        at_append(at, data, n);
    if (n == len)
        return n;
    if (data[n] != '\0')
        at_end_line(at, now);
    return n + 1;
}

#if DFOTA_WITH_AT_RAW
static void at_raw_ack(struct at_engine *at, uint32_t now)
{
    at->awaiting_ack = false;
    if (at->raw_sent == at->cmd.raw.len)
        at->mode = AT_MODE_LINE;
    else
        at_raw_send_block(at, now);
}

/* In raw mode an awaited acknowledgement is taken between lines; every other byte is
 * framed as usual, so the module's final result ends the transfer at once. Bytes go one
 * at a time here: a final result may end raw mode in the middle of the input. */
static size_t at_raw_input(struct at_engine *at, const uint8_t *data, size_t len, uint32_t now)
{
    if (at->awaiting_ack && data[0] == at->cmd.raw.ack_byte && at->frame != AT_FRAME_LINE) {
        at_raw_ack(at, now);
        return 1;
    }
    if (!at->awaiting_ack)
        return at_frame_run(at, data, len, now);
    return at_frame_run(at, data, 1, now);
}
#endif

void at_feed(struct at_engine *at, const uint8_t *data, size_t len, uint32_t now)
{
    size_t i = 0;

    while (i < len) {
#if DFOTA_WITH_AT_RAW
        if (at->mode == AT_MODE_RAW && at->pending) {
            i += at_raw_input(at, data + i, len - i, now);
            continue;
        }
#endif
        i += at_frame_run(at, data + i, len - i, now);
    }
}

void at_tick(struct at_engine *at, uint32_t now)
{
    if (at->pending && now >= at->deadline) {
        at_log(at, DFOTA_LOG_WARN, "no answer to ", at->cmd.text);
        at_finish(at, AT_RESULT_TIMEOUT, -1);
    }
}

void at_port_lost(struct at_engine *at)
{
    at->frame = AT_FRAME_IDLE;
    at->line_len = 0;
    if (at->pending)
        at_finish(at, AT_RESULT_HANGUP, -1);
    at->mode = AT_MODE_LINE;
}

void at_abort(struct at_engine *at)
{
    at->pending = false;
    at->mode = AT_MODE_LINE;
    at->frame = AT_FRAME_IDLE;
    at->line_len = 0;
}

const char *at_result_name(enum at_result result)
{
    switch (result) {
    case AT_RESULT_OK:
        return "OK";
    case AT_RESULT_ERROR:
        return "ERROR";
    case AT_RESULT_CME:
        return "+CME ERROR";
    case AT_RESULT_CMS:
        return "+CMS ERROR";
    case AT_RESULT_TIMEOUT:
        return "timeout";
    case AT_RESULT_HANGUP:
        return "hang-up";
    }
    return "?";
}
