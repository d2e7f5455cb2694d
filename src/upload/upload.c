/* The upload dialogue (see upload.h): free space, a stale file, AT+QFUPL with the
 * checksum computed while sending, one retry, and the cleanup of partial files. */
#include "upload/upload.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "at/fields.h"

#define UPLOAD_ACK_BYTE 'A'

static void upload_push(struct upload *m, const struct upload_out *out)
{
    /* At most a SEND, an END and a DONE wait at once: the queue cannot fill. */
    if (m->out_count == UPLOAD_OUT_MAX)
        return;
    m->out[(m->out_head + m->out_count) % UPLOAD_OUT_MAX] = *out;
    m->out_count++;
}

static void upload_finish(struct upload *m, enum upload_verdict verdict, int code)
{
    struct upload_out out;

    memset(&out, 0, sizeof(out));
    m->state = UPLOAD_DONE;
    m->verdict = verdict;
    m->code = code;
    out.kind = UPLOAD_OUT_DONE;
    out.verdict = verdict;
    out.code = code;
    out.text = m->text;
    upload_push(m, &out);
}

/* Sets the verdict's text; the verdict itself follows, now or after the cleanup. */
static void upload_say(struct upload *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(m->text, sizeof(m->text), fmt, ap);
    va_end(ap);
}

static void upload_send(struct upload *m, enum upload_state state, enum at_resp resp,
                        const char *prefix, uint32_t timeout_ms)
{
    struct upload_out out;

    memset(&out, 0, sizeof(out));
    m->state = state;
    out.kind = UPLOAD_OUT_SEND;
    out.cmd.text = m->command;
    out.cmd.resp = resp;
    out.cmd.prefix = prefix;
    out.cmd.timeout_ms = timeout_ms;
    upload_push(m, &out);
}

static void upload_send_space(struct upload *m)
{
    snprintf(m->command, sizeof(m->command), "AT+QFLDS=\"UFS\"");
    m->have_space = false;
    upload_send(m, UPLOAD_SPACE, AT_RESP_PREFIX, "+QFLDS:", m->p.command_ms);
}

static void upload_send_list(struct upload *m)
{
    snprintf(m->command, sizeof(m->command), "AT+QFLST=\"%s\"", m->name);
    m->stale_size = 0;
    upload_send(m, UPLOAD_LIST_STALE, AT_RESP_PREFIX, "+QFLST:", m->p.command_ms);
}

static void upload_send_delete(struct upload *m, enum upload_state state)
{
    snprintf(m->command, sizeof(m->command), "AT+QFDEL=\"%s\"", m->name);
    upload_send(m, state, AT_RESP_NONE, NULL, m->p.command_ms);
}

static size_t upload_raw_read(void *user, size_t offset, uint8_t *buf, size_t len);
static void upload_raw_sent(void *user, size_t offset, const uint8_t *data, size_t len);

static void upload_send_file(struct upload *m)
{
    struct upload_out *out;
    /* Long enough for the module to give up on a stalled transfer and say so first. */
    uint32_t timeout_ms = (uint32_t)m->p.module_timeout_s * 1000u + m->p.command_ms;

    snprintf(m->command, sizeof(m->command), "AT+QFUPL=\"%s\",%zu,%u,%d", m->name, m->p.size,
             (unsigned)m->p.module_timeout_s, m->p.ack_block > 0 ? 1 : 0);
    m->attempt++;
    qfupl_sum_init(&m->sum);
    m->sent = 0;
    m->began = false;
    m->have_count = false;
    m->last_percent = 0;
    upload_send(m, UPLOAD_SENDING, AT_RESP_PREFIX, "+QFUPL:", timeout_ms);
    out = &m->out[(m->out_head + m->out_count - 1) % UPLOAD_OUT_MAX];
    out->cmd.raw.read = upload_raw_read;
    out->cmd.raw.sent = upload_raw_sent;
    out->cmd.raw.user = m;
    out->cmd.raw.len = m->p.size;
    out->cmd.raw.ack_block = m->p.ack_block;
    out->cmd.raw.ack_byte = UPLOAD_ACK_BYTE;
}

/* The engine pulls the package through here: a cancel or a failed source stops it. */
static size_t upload_raw_read(void *user, size_t offset, uint8_t *buf, size_t len)
{
    struct upload *m = user;
    enum upload_source_status status;
    size_t got = 0;

    m->began = true;
    if (m->cancelled || m->source_failed)
        return 0;
    status = m->p.read(m->p.read_user, offset, buf, len, &got);
    if (status == UPLOAD_SOURCE_OK && (got == 0 || got > len))
        status = got == 0 ? UPLOAD_SOURCE_CHANGED : UPLOAD_SOURCE_ERROR;
    if (status != UPLOAD_SOURCE_OK) {
        m->source_failed = true;
        m->source_status = status;
        return 0;
    }
    return got;
}

static void upload_raw_sent(void *user, size_t offset, const uint8_t *data, size_t len)
{
    struct upload *m = user;

    qfupl_sum_update(&m->sum, data, len);
    m->sent = offset + len;
    m->last_percent = (unsigned)((uint64_t)m->sent * 100u / m->p.size);
    m->progress_pending = true;
}

int upload_init(struct upload *m, const struct upload_params *params, char *msg, size_t msg_size)
{
    memset(m, 0, sizeof(*m));
    m->verdict = UPLOAD_RUNNING;
    m->code = -1;
    if (!params->name || upload_name_check(params->name, msg, msg_size) != 0)
        return -1;
    if (params->size == 0 || !params->read || params->module_timeout_s == 0 ||
        params->command_ms == 0) {
        snprintf(msg, msg_size,
                 "upload: the package must not be empty, and the read "
                 "callback and both timeouts must be set");
        return -1;
    }
    m->p = *params;
    snprintf(m->name, sizeof(m->name), "%s", params->name);
    m->p.name = m->name;
    return 0;
}

void upload_begin(struct upload *m)
{
    if (m->state != UPLOAD_IDLE)
        return;
    if (m->cancelled) {
        upload_say(m, "cancelled before the upload began");
        upload_finish(m, UPLOAD_CANCELLED, -1);
        return;
    }
    upload_send_space(m);
}

void upload_cancel(struct upload *m)
{
    m->cancelled = true;
    if (m->state == UPLOAD_IDLE)
        upload_begin(m);
}

/* "+QFLDS: <free>,<total>" */
static void upload_read_space(struct upload *m, struct fields *it)
{
    uint32_t free_bytes, total;

    if (fields_next_number(it, UINT32_MAX, &free_bytes) &&
        fields_next_number(it, UINT32_MAX, &total)) {
        m->ufs_free = free_bytes;
        m->ufs_total = total;
        m->have_space = true;
    }
}

/* "+QFLST: "UFS:<name>",<size>" (or without "UFS:"): the stale file's size. */
static void upload_read_listing(struct upload *m, struct fields *it)
{
    struct fields_span name = fields_next(it);
    uint32_t size;

    if (fields_starts_nocase(name.begin, "UFS:") && name.end - name.begin >= 4)
        name.begin += 4;
    if (fields_is(name, m->name) && fields_next_number(it, UINT32_MAX, &size))
        m->stale_size = (size_t)size;
}

/* "+QFUPL: <count>,<checksum>" */
static void upload_read_result(struct upload *m, struct fields *it)
{
    uint32_t count;
    struct fields_span sum;

    if (!fields_next_number(it, UINT32_MAX, &count) || !fields_more(it))
        return;
    sum = fields_next(it);
    if (!qfupl_sum_parse(sum.begin, (size_t)(sum.end - sum.begin), &m->module_sum))
        return;
    m->module_count = (size_t)count;
    m->have_count = true;
}

void upload_on_response(struct upload *m, const char *line)
{
    const char *colon = strchr(line, ':');
    struct fields it;

    fields_start(&it, colon ? colon + 1 : line);
    switch (m->state) {
    case UPLOAD_SPACE:
        upload_read_space(m, &it);
        break;
    case UPLOAD_LIST_STALE:
        upload_read_listing(m, &it);
        break;
    case UPLOAD_SENDING:
        upload_read_result(m, &it);
        break;
    default:
        break;
    }
}

/* The module's failure as words: "ERROR" or "+CME ERROR: 407". */
static void upload_result_words(enum at_result result, int code, char *out, size_t size)
{
    if ((result == AT_RESULT_CME || result == AT_RESULT_CMS) && code >= 0)
        snprintf(out, size, "%s: %d", at_result_name(result), code);
    else
        snprintf(out, size, "%s", at_result_name(result));
}

static bool upload_is_module_error(enum at_result result)
{
    return result == AT_RESULT_ERROR || result == AT_RESULT_CME || result == AT_RESULT_CMS;
}

/* A command before or after the transfer got no answer, or the port went. */
static bool upload_lost_module(struct upload *m, enum at_result result)
{
    if (result == AT_RESULT_HANGUP) {
        upload_say(m, "the port went away during %s", m->command);
        upload_finish(m, UPLOAD_PORT, -1);
        return true;
    }
    if (result == AT_RESULT_TIMEOUT) {
        upload_say(m, "no answer to %s", m->command);
        upload_finish(m, UPLOAD_TIMEOUT, -1);
        return true;
    }
    return false;
}

static void upload_space_result(struct upload *m, enum at_result result, int code)
{
    char words[48];

    if (upload_lost_module(m, result))
        return;
    if (m->cancelled) {
        upload_say(m, "cancelled before anything was written");
        upload_finish(m, UPLOAD_CANCELLED, -1);
    } else if (result != AT_RESULT_OK || !m->have_space) {
        upload_result_words(result, code, words, sizeof(words));
        upload_say(m, "the module did not tell its free space (AT+QFLDS=\"UFS\": %s)",
                   result == AT_RESULT_OK ? "no +QFLDS line" : words);
        upload_finish(m, UPLOAD_REFUSED, upload_is_module_error(result) ? code : -1);
    } else if ((uint64_t)m->p.size <= m->ufs_free) {
        upload_send_delete(m, UPLOAD_DELETE_STALE);
    } else {
        upload_send_list(m);
    }
}

static void upload_list_result(struct upload *m, enum at_result result)
{
    if (upload_lost_module(m, result))
        return;
    if (m->cancelled) {
        upload_say(m, "cancelled before anything was written");
        upload_finish(m, UPLOAD_CANCELLED, -1);
    } else if (result == AT_RESULT_OK && m->stale_size > 0 &&
               (uint64_t)m->p.size <= m->ufs_free + m->stale_size) {
        upload_send_delete(m, UPLOAD_DELETE_STALE);
    } else {
        upload_say(m,
                   "not enough space on the module: the package needs %zu bytes, "
                   "%llu of %llu are free",
                   m->p.size, (unsigned long long)(m->ufs_free + m->stale_size),
                   (unsigned long long)m->ufs_total);
        upload_finish(m, UPLOAD_NO_SPACE, -1);
    }
}

/* Before an upload: an error to AT+QFDEL (no such file) is fine. */
static void upload_delete_result(struct upload *m, enum at_result result)
{
    if (upload_lost_module(m, result))
        return;
    if (m->cancelled) {
        if (m->state == UPLOAD_DELETE_STALE)
            upload_say(m, "cancelled before anything was written");
        else
            upload_say(m, "cancelled after a failed attempt; its file was deleted");
        upload_finish(m, UPLOAD_CANCELLED, -1);
        return;
    }
    upload_send_file(m);
}

/* Deletes what the failed transfer left, then gives the verdict. */
static void upload_clean_up(struct upload *m, enum upload_verdict verdict, int code)
{
    m->pending_verdict = verdict;
    m->code = code;
    upload_send_delete(m, UPLOAD_CLEANUP);
}

static void upload_cleanup_result(struct upload *m, enum at_result result)
{
    size_t used = strlen(m->text);

    if (result != AT_RESULT_OK)
        snprintf(m->text + used, sizeof(m->text) - used, "; deleting the partial file: %s",
                 at_result_name(result));
    upload_finish(m, m->pending_verdict, m->code);
}

static void upload_push_end(struct upload *m, bool ok)
{
    struct upload_out out;

    memset(&out, 0, sizeof(out));
    out.kind = UPLOAD_OUT_END;
    out.bytes = m->have_count ? m->module_count : m->sent;
    out.checksum = qfupl_sum_value(&m->sum);
    out.ok = ok;
    upload_push(m, &out);
}

/* The module answered OK to the transfer: compare its count and checksum with ours. */
static void upload_verify(struct upload *m)
{
    char ours[QFUPL_SUM_TEXT_MAX], theirs[QFUPL_SUM_TEXT_MAX];
    uint16_t sum = qfupl_sum_value(&m->sum);
    bool short_count = m->have_count && m->module_count != m->p.size;
    bool ok = m->have_count && !short_count && m->module_sum == sum;

    upload_push_end(m, ok);
    qfupl_sum_format(sum, ours);
    qfupl_sum_format(m->have_count ? m->module_sum : 0, theirs);
    if (ok) {
        upload_say(m, "uploaded %zu bytes as %s, checksum %s", m->p.size, m->name, ours);
        upload_finish(m, UPLOAD_OK, -1);
        return;
    }
    if (short_count)
        upload_say(m, "short count twice: the module stored %zu of %zu bytes", m->module_count,
                   m->p.size);
    else if (m->have_count)
        upload_say(m, "checksum mismatch twice: sent %s, the module computed %s", ours, theirs);
    else
        upload_say(m, "checksum mismatch twice: the module's answer had no +QFUPL line");
    if (m->attempt < UPLOAD_ATTEMPTS)
        upload_send_delete(m, UPLOAD_DELETE_BAD);
    else
        upload_clean_up(m, short_count ? UPLOAD_SHORT : UPLOAD_CHECKSUM, -1);
}

/* The transfer stopped on our side (a cancel, a failed source); the module has ended it. */
static void upload_stopped(struct upload *m)
{
    if (m->cancelled) {
        upload_say(m, "cancelled after %zu of %zu bytes; the partial file was deleted", m->sent,
                   m->p.size);
        upload_clean_up(m, UPLOAD_CANCELLED, -1);
    } else if (m->source_status == UPLOAD_SOURCE_CHANGED) {
        upload_say(m, "the package changed size while it was read (after %zu of %zu bytes)",
                   m->sent, m->p.size);
        upload_clean_up(m, UPLOAD_SOURCE, -1);
    } else {
        upload_say(m, "the package could not be read after %zu of %zu bytes", m->sent, m->p.size);
        upload_clean_up(m, UPLOAD_SOURCE, -1);
    }
}

static void upload_file_result(struct upload *m, enum at_result result, int code)
{
    char words[48];

    if (result == AT_RESULT_HANGUP) {
        upload_lost_module(m, result);
    } else if (m->began && (m->cancelled || m->source_failed)) {
        upload_stopped(m);
    } else if (result == AT_RESULT_OK) {
        upload_verify(m);
    } else if (result == AT_RESULT_TIMEOUT && !m->began) {
        upload_lost_module(m, result);
    } else if (result == AT_RESULT_TIMEOUT) {
        upload_say(m, "the module stopped acknowledging after %zu of %zu bytes", m->sent,
                   m->p.size);
        upload_clean_up(m, UPLOAD_TIMEOUT, -1);
    } else {
        upload_result_words(result, code, words, sizeof(words));
        if (!m->began) {
            upload_say(m, "the module refused the upload (%s)%s", words,
                       code == 407 ? ": a file of that name exists and could not be deleted" : "");
            upload_finish(m, UPLOAD_REFUSED, code);
        } else {
            upload_say(m, "the module ended the upload after %zu of %zu bytes (%s)", m->sent,
                       m->p.size, words);
            upload_clean_up(m, UPLOAD_REFUSED, code);
        }
    }
}

void upload_on_result(struct upload *m, enum at_result result, int code)
{
    switch (m->state) {
    case UPLOAD_SPACE:
        upload_space_result(m, result, code);
        break;
    case UPLOAD_LIST_STALE:
        upload_list_result(m, result);
        break;
    case UPLOAD_DELETE_STALE:
    case UPLOAD_DELETE_BAD:
        upload_delete_result(m, result);
        break;
    case UPLOAD_SENDING:
        upload_file_result(m, result, code);
        break;
    case UPLOAD_CLEANUP:
        upload_cleanup_result(m, result);
        break;
    case UPLOAD_IDLE:
    case UPLOAD_DONE:
        break;
    }
}

bool upload_next_output(struct upload *m, struct upload_out *out)
{
    if (m->progress_pending) {
        memset(out, 0, sizeof(*out));
        out->kind = UPLOAD_OUT_PROGRESS;
        out->bytes = m->sent;
        out->percent = m->last_percent;
        m->progress_pending = false;
        return true;
    }
    if (m->out_count == 0)
        return false;
    *out = m->out[m->out_head];
    m->out_head = (m->out_head + 1) % UPLOAD_OUT_MAX;
    m->out_count--;
    return true;
}

bool upload_done(const struct upload *m)
{
    return m->state == UPLOAD_DONE;
}

enum upload_verdict upload_verdict(const struct upload *m)
{
    return m->verdict;
}

const char *upload_verdict_name(enum upload_verdict verdict)
{
    static const char *const names[] = {"running", "ok",     "no_space",  "refused", "checksum",
                                        "short",   "source", "cancelled", "timeout", "port"};

    if ((size_t)verdict < sizeof(names) / sizeof(names[0]))
        return names[verdict];
    return "?";
}
