/* The AT dialogue around the upgrade: synchronise, echo off, read the model and the
 * firmware version; before the command, and again after the final reboot. */
#include <stdio.h>
#include <string.h>

#include "fota_internal.h"

#define FOTA_SYNC_TRIES 3
#define FOTA_SYNC_TIMEOUT_MS 2000
/* Between AT tries: a module that answers ERROR at once is not asked thousands of times. */
#define FOTA_SYNC_PAUSE_MS 500

static uint32_t fota_sync_timeout(const struct fota *m)
{
    return m->timing.command_ms < FOTA_SYNC_TIMEOUT_MS ? m->timing.command_ms
                                                       : FOTA_SYNC_TIMEOUT_MS;
}

void fota_sync(struct fota *m)
{
    fota_enter(m, FOTA_SYNC, UINT64_MAX);
    fota_send(m, "AT", AT_RESP_NONE, fota_sync_timeout(m));
}

void fota_begin(struct fota *m, enum fota_mode mode, const char *target, enum dfota_via via,
                uint64_t now)
{
    m->mode = mode;
    m->via = via;
    fota_emit(m, DFOTA_EVENT_PHASE, -1, -1, NULL);
    if (mode == FOTA_MODE_WATCH) {
        /* Nothing is sent: wait for whatever the module says next, for as long as a
         * download may take. */
        m->dl_sent = true;
        fota_enter(m, FOTA_DOWNLOAD, now + m->timing.download_ms);
        return;
    }
    if (mode == FOTA_MODE_UPGRADE)
        snprintf(m->target, sizeof(m->target), "%s", target);
    fota_sync(m);
}

void fota_begin_verify(struct fota *m, uint64_t now)
{
    m->verifying = true;
    m->verify_deadline = now + m->timing.first_urc_ms;
    m->sync_tries = 0;
    fota_sync(m);
}

static char *fota_version_slot(struct fota *m)
{
    return m->verifying ? m->version_after : m->version_before;
}

void fota_finish_upgraded(struct fota *m, bool version_read)
{
    char text[FOTA_TEXT_MAX * 2 + 32];

    if (version_read && m->version_before[0])
        snprintf(text, sizeof(text), "upgraded %s -> %s", m->version_before, m->version_after);
    else if (version_read)
        snprintf(text, sizeof(text), "upgraded to %s", m->version_after);
    else
        snprintf(text, sizeof(text), "upgraded; the new firmware version could not be read");
    fota_finish(m, DFOTA_OK, 0, text);
}

static void fota_send_download(struct fota *m)
{
    char command[AT_CMD_MAX + 1];

    snprintf(command, sizeof(command), "AT+QFOTADL=\"%s\"", m->target);
    m->dl_sent = true;
    fota_enter(m, FOTA_SEND_DL, UINT64_MAX);
    fota_send(m, command, AT_RESP_NONE, m->timing.command_ms);
}

/* The version is known (or as known as it gets): on to what the mode does next. */
static void fota_after_version(struct fota *m)
{
    char text[FOTA_TEXT_MAX * 2 + 32];

    if (m->verifying) {
        fota_finish_upgraded(m, m->version_after[0] != '\0');
    } else if (m->mode == FOTA_MODE_INFO) {
        snprintf(text, sizeof(text), "%s %s", m->model[0] ? m->model : "unknown model",
                 m->version_before[0] ? m->version_before : "unknown version");
        fota_finish(m, DFOTA_OK, -1, text);
    } else {
        fota_send_download(m);
    }
}

/* Copies what the module said, with control characters (which a terminal would obey)
 * replaced by '?'. */
static void fota_copy_printable(char *dst, const char *src)
{
    size_t i = 0;

    for (; src[i] && i < FOTA_TEXT_MAX - 1; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (c < 0x20 || c == 0x7f) ? '?' : src[i];
    }
    dst[i] = '\0';
}

static void fota_set_version(struct fota *m, const char *version)
{
    char *slot = fota_version_slot(m);

    if (slot[0] || !version[0])
        return;
    fota_copy_printable(slot, version);
    fota_emit(m, DFOTA_EVENT_VERSION, -1, -1, slot);
}

static void fota_read_ati(struct fota *m)
{
    fota_enter(m, FOTA_READ_ATI, UINT64_MAX);
    m->response[0] = '\0';
    fota_send(m, "ATI", AT_RESP_TEXT, m->timing.command_ms);
}

static void fota_read_qgmr(struct fota *m)
{
    fota_enter(m, FOTA_READ_QGMR, UINT64_MAX);
    fota_send(m, "AT+QGMR", AT_RESP_TEXT, m->timing.command_ms);
}

static void fota_ati_line(struct fota *m, const char *line)
{
    const char *revision = "Revision:";

    if (strncmp(line, revision, strlen(revision)) == 0) {
        line += strlen(revision);
        while (*line == ' ')
            line++;
        snprintf(m->response, sizeof(m->response), "%s", line);
    } else if (!m->model[0] && strcmp(line, "Quectel") != 0) {
        fota_copy_printable(m->model, line);
    }
}

void fota_on_response(struct fota *m, const char *line)
{
    if (m->state == FOTA_READ_ATI)
        fota_ati_line(m, line);
    else if (m->state == FOTA_READ_QGMR && !m->response[0])
        snprintf(m->response, sizeof(m->response), "%s", line);
}

static void fota_sync_failed(struct fota *m, uint64_t now)
{
    m->sync_tries++;
    if (m->verifying || m->sync_tries < FOTA_SYNC_TRIES) {
        /* After the final reboot, until the verify deadline; fota_on_tick() resends. */
        fota_enter(m, FOTA_SYNC, now + FOTA_SYNC_PAUSE_MS);
        return;
    }
    fota_finish(m, DFOTA_ERR_TIMEOUT, -1, "the module does not answer AT");
}

/* AT+QGMR gives the full version; ATI follows for the model (info) or for the version
 * where AT+QGMR failed. */
static void fota_qgmr_done(struct fota *m, bool ok)
{
    bool info = m->mode == FOTA_MODE_INFO && !m->verifying;

    if (ok && m->response[0])
        fota_set_version(m, m->response);
    if (info || !fota_version_slot(m)[0])
        fota_read_ati(m);
    else
        fota_after_version(m);
}

static void fota_ati_done(struct fota *m, bool ok)
{
    if (ok && m->model[0] && !m->verifying)
        fota_emit(m, DFOTA_EVENT_MODEL, -1, -1, m->model);
    if (ok)
        fota_set_version(m, m->response);
    fota_after_version(m);
}

static void fota_download_answered(struct fota *m, enum at_result result, int code, uint64_t now)
{
    char text[FOTA_TEXT_MAX];

    if (result == AT_RESULT_OK) {
        if (m->via == DFOTA_VIA_FILE) /* no download: the module reboots at once */
            fota_window(m, now, true);
        else
            fota_enter(m, FOTA_DOWNLOAD, now + m->timing.download_ms);
    } else if (result == AT_RESULT_TIMEOUT) {
        fota_finish(m, DFOTA_ERR_TIMEOUT, -1, "no answer to AT+QFOTADL");
    } else {
        if (code >= 0)
            snprintf(text, sizeof(text), "the module refused AT+QFOTADL (%s: %d)",
                     at_result_name(result), code);
        else
            snprintf(text, sizeof(text), "the module refused AT+QFOTADL (%s)",
                     at_result_name(result));
        fota_finish(m, DFOTA_ERR_REJECTED, code, text);
    }
}

void fota_on_result(struct fota *m, enum at_result result, int code, uint64_t now)
{
    bool ok = result == AT_RESULT_OK;

    if (result == AT_RESULT_HANGUP)
        return; /* fota_on_port_lost() follows */
    switch (m->state) {
    case FOTA_SYNC:
        if (!ok) {
            fota_sync_failed(m, now);
            return;
        }
        fota_enter(m, FOTA_ECHO_OFF, UINT64_MAX);
        fota_send(m, "ATE0", AT_RESP_NONE, m->timing.command_ms);
        break;
    case FOTA_ECHO_OFF:
        fota_read_qgmr(m);
        break;
    case FOTA_READ_QGMR:
        fota_qgmr_done(m, ok);
        break;
    case FOTA_READ_ATI:
        fota_ati_done(m, ok);
        break;
    case FOTA_SEND_DL:
        fota_download_answered(m, result, code, now);
        break;
    default:
        break; /* a late answer: the machine has moved on */
    }
}
