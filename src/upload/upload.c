/* The upload's transfer (see upload.h): AT+QFUPL with the checksum computed while sending,
 * the module's count and checksum against ours, one retry, the verdicts in words. */
#include "upload/upload.h"

#include <stdio.h>
#include <string.h>

#include "at/fields.h"

#define UPLOAD_ACK_BYTE 'A'

int upload_init(struct upload *u, const struct upload_params *params, char *msg, size_t msg_size)
{
    memset(u, 0, sizeof(*u));
    u->code = -1;
    if (!params->name || upload_name_check(params->name, msg, msg_size) != 0)
        return -1;
    if (params->size == 0 || !params->read || params->module_timeout_s == 0 ||
        params->command_ms == 0) {
        snprintf(msg, msg_size,
                 "upload: the package must not be empty, and the read "
                 "callback and both timeouts must be set");
        return -1;
    }
    u->p = *params;
    return 0;
}

void upload_cancel(struct upload *u)
{
    u->cancelled = true;
}

void upload_end(struct upload *u, enum upload_verdict verdict, enum at_result result, int code)
{
    u->verdict = (uint8_t)verdict;
    u->result = (uint8_t)result;
    u->code = code;
}

bool upload_stops(struct upload *u, enum at_result result)
{
    if (result == AT_RESULT_HANGUP)
        upload_end(u, UPLOAD_PORT, result, -1);
    else if (result == AT_RESULT_TIMEOUT)
        upload_end(u, UPLOAD_TIMEOUT, result, -1);
    else if (u->cancelled)
        upload_end(u, UPLOAD_CANCELLED, result, -1);
    else
        return false;
    return true;
}

/* The engine pulls the package through here: a cancel or a failed source stops it. */
static size_t upload_raw_read(void *user, size_t offset, uint8_t *buf, size_t len)
{
    struct upload *u = user;
    enum upload_source_status status;
    size_t got = 0;

    u->began = true;
    if (u->cancelled || u->source_failed)
        return 0;
    status = u->p.read(u->p.read_user, offset, buf, len, &got);
    if (status == UPLOAD_SOURCE_OK && (got == 0 || got > len))
        status = got == 0 ? UPLOAD_SOURCE_CHANGED : UPLOAD_SOURCE_ERROR;
    if (status != UPLOAD_SOURCE_OK) {
        u->source_failed = true;
        u->source_status = (uint8_t)status;
        return 0;
    }
    return got;
}

static void upload_raw_sent(void *user, size_t offset, const uint8_t *data, size_t len)
{
    struct upload *u = user;

    qfupl_sum_update(&u->sum, data, len);
    u->sent = offset + len;
    u->last_percent = (uint8_t)((uint64_t)u->sent * 100u / u->p.size);
    u->progress_pending = true;
}

void upload_attempt(struct upload *u, char *line, size_t size, struct at_cmd *cmd)
{
    snprintf(line, size, "AT+QFUPL=\"%s\",%zu,%u,%d", u->p.name, u->p.size,
             (unsigned)u->p.module_timeout_s, u->p.ack_block > 0 ? 1 : 0);
    u->attempt++;
    qfupl_sum_init(&u->sum);
    u->sent = 0;
    u->began = false;
    u->have_count = false;
    u->last_percent = 0;
    memset(cmd, 0, sizeof(*cmd));
    cmd->text = line;
    cmd->resp = AT_RESP_PREFIX;
    cmd->prefix = "+QFUPL:";
    /* Long enough for the module to give up on a stalled transfer and say so first. */
    cmd->timeout_ms = (uint32_t)u->p.module_timeout_s * 1000u + u->p.command_ms;
    cmd->raw.read = upload_raw_read;
    cmd->raw.sent = upload_raw_sent;
    cmd->raw.user = u;
    cmd->raw.len = u->p.size;
    cmd->raw.ack_block = u->p.ack_block;
    cmd->raw.ack_byte = UPLOAD_ACK_BYTE;
}

void upload_read_count(struct upload *u, const char *line)
{
    const char *colon = strchr(line, ':');
    struct fields it;
    uint32_t count;
    struct fields_span sum;

    fields_start(&it, colon ? colon + 1 : line);
    if (!fields_next_number(&it, UINT32_MAX, &count) || !fields_more(&it))
        return;
    sum = fields_next(&it);
    if (!qfupl_sum_parse(sum.begin, (size_t)(sum.end - sum.begin), &u->module_sum))
        return;
    u->module_count = (size_t)count;
    u->have_count = true;
}

/* The module answered OK to the transfer: its count and checksum against ours. A mismatch
 * with an attempt left keeps the verdict open (UPLOAD_RUNNING): the file goes, and the
 * upload runs once more. */
static void upload_verify(struct upload *u)
{
    bool short_count = u->have_count && u->module_count != u->p.size;

    if (u->have_count && !short_count && u->module_sum == qfupl_sum_value(&u->sum))
        upload_end(u, UPLOAD_OK, AT_RESULT_OK, -1);
    else if (u->attempt >= UPLOAD_ATTEMPTS)
        upload_end(u, short_count ? UPLOAD_SHORT : UPLOAD_CHECKSUM, AT_RESULT_OK, -1);
    u->cleanup = u->verdict != UPLOAD_OK && u->verdict != UPLOAD_RUNNING;
}

bool upload_answer(struct upload *u, enum at_result result, int code)
{
    bool stopped = u->began && (u->cancelled || u->source_failed); /* the module ended it */

    if (result == AT_RESULT_HANGUP || (result == AT_RESULT_TIMEOUT && !u->began)) {
        (void)upload_stops(u, result);
        return false;
    }
    if (result == AT_RESULT_OK && !stopped) {
        upload_verify(u);
        return true;
    }
    u->cleanup = u->began; /* data went out: a partial file may be on the module */
    if (stopped)
        upload_end(u, u->cancelled ? UPLOAD_CANCELLED : UPLOAD_SOURCE, result, -1);
    else if (result == AT_RESULT_TIMEOUT) /* it began: the module stopped acknowledging */
        upload_end(u, UPLOAD_TIMEOUT, result, -1);
    else
        upload_end(u, UPLOAD_REFUSED, result, code);
    return false;
}

bool upload_take_progress(struct upload *u)
{
    bool pending = u->progress_pending;

    u->progress_pending = false;
    return pending;
}

/* ---- the verdicts in words ----------------------------------------------------------- */

/* The module's failure as words: "ERROR" or "+CME ERROR: 407". */
static void upload_words(const struct upload *u, char *out, size_t size)
{
    enum at_result result = (enum at_result)u->result;

    if ((result == AT_RESULT_CME || result == AT_RESULT_CMS) && u->code >= 0)
        snprintf(out, size, "%s: %d", at_result_name(result), u->code);
    else
        snprintf(out, size, "%s", at_result_name(result));
}

/* Before the transfer, AT+QFLDS's error; then AT+QFUPL's, before or during its data. */
static void upload_text_refused(const struct upload *u, char *out, size_t size)
{
    char words[48];

    upload_words(u, words, sizeof(words));
    if (u->attempt == 0)
        snprintf(out, size, "the module did not tell its free space (AT+QFLDS=\"UFS\": %s)",
                 u->result == AT_RESULT_OK ? "no +QFLDS line" : words);
    else if (u->cleanup)
        snprintf(out, size, "the module ended the upload after %zu of %zu bytes (%s)", u->sent,
                 u->p.size, words);
    else
        snprintf(out, size, "the module refused the upload (%s)%s", words,
                 u->code == 407 ? ": a file of that name exists and could not be deleted" : "");
}

static void upload_text_mismatch(const struct upload *u, char *out, size_t size)
{
    char ours[QFUPL_SUM_TEXT_MAX], theirs[QFUPL_SUM_TEXT_MAX];

    qfupl_sum_format(qfupl_sum_value(&u->sum), ours);
    qfupl_sum_format(u->module_sum, theirs);
    if (u->verdict == UPLOAD_SHORT)
        snprintf(out, size, "short count twice: the module stored %zu of %zu bytes",
                 u->module_count, u->p.size);
    else if (u->have_count)
        snprintf(out, size, "checksum mismatch twice: sent %s, the module computed %s", ours,
                 theirs);
    else
        snprintf(out, size, "checksum mismatch twice: the module's answer had no +QFUPL line");
}

/* Before anything was written; after an attempt whose file was deleted; or mid-transfer. */
static void upload_text_cancelled(const struct upload *u, char *out, size_t size)
{
    if (u->cleanup)
        snprintf(out, size, "cancelled after %zu of %zu bytes; the partial file was deleted",
                 u->sent, u->p.size);
    else if (u->attempt > 0)
        snprintf(out, size, "cancelled after a failed attempt; its file was deleted");
    else
        snprintf(out, size, "cancelled before anything was written");
}

static void upload_text_source(const struct upload *u, char *out, size_t size)
{
    if (u->source_status == UPLOAD_SOURCE_CHANGED)
        snprintf(out, size, "the package changed size while it was read (after %zu of %zu bytes)",
                 u->sent, u->p.size);
    else
        snprintf(out, size, "the package could not be read after %zu of %zu bytes", u->sent,
                 u->p.size);
}

/* The verdicts that need the command: the module lost, or one that stopped acknowledging. */
static void upload_text_lost(const struct upload *u, const char *command, char *out, size_t size)
{
    if (u->verdict == UPLOAD_PORT)
        snprintf(out, size, "the port went away during %s", command);
    else if (u->cleanup)
        snprintf(out, size, "the module stopped acknowledging after %zu of %zu bytes", u->sent,
                 u->p.size);
    else
        snprintf(out, size, "no answer to %s", command);
}

static void upload_text_done(const struct upload *u, char *out, size_t size)
{
    char sum[QFUPL_SUM_TEXT_MAX];

    qfupl_sum_format(qfupl_sum_value(&u->sum), sum);
    snprintf(out, size, "uploaded %zu bytes as %s, checksum %s", u->p.size, u->p.name, sum);
}

void upload_text(const struct upload *u, const char *command, char *out, size_t size)
{
    size_t used;

    switch ((enum upload_verdict)u->verdict) {
    case UPLOAD_OK:
        upload_text_done(u, out, size);
        break;
    case UPLOAD_NO_SPACE:
        snprintf(out, size,
                 "not enough space on the module: the package needs %zu bytes, "
                 "%llu of %llu are free",
                 u->p.size, (unsigned long long)u->ufs_free + u->stale_size,
                 (unsigned long long)u->ufs_total);
        break;
    case UPLOAD_REFUSED:
        upload_text_refused(u, out, size);
        break;
    case UPLOAD_CHECKSUM:
    case UPLOAD_SHORT:
        upload_text_mismatch(u, out, size);
        break;
    case UPLOAD_SOURCE:
        upload_text_source(u, out, size);
        break;
    case UPLOAD_CANCELLED:
        upload_text_cancelled(u, out, size);
        break;
    case UPLOAD_TIMEOUT:
    case UPLOAD_PORT:
        upload_text_lost(u, command, out, size);
        break;
    case UPLOAD_RUNNING:
        snprintf(out, size, "under way");
        break;
    }
    used = strlen(out);
    if (u->cleanup && u->deleted != AT_RESULT_OK)
        snprintf(out + used, size - used, "; deleting the partial file: %s",
                 at_result_name((enum at_result)u->deleted));
}

const char *upload_verdict_name(enum upload_verdict verdict)
{
    static const char *const names[] = {"running", "ok",     "no_space",  "refused", "checksum",
                                        "short",   "source", "cancelled", "timeout", "port"};

    if ((size_t)verdict < sizeof(names) / sizeof(names[0]))
        return names[verdict];
    return "?";
}
