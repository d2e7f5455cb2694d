/* The DFOTA state machine. The preparation dialogue (AT, ATE0, version) is in
 * fota_prepare.c; this file follows the module from the command to the result. */
#include "fota.h"

#include <stdio.h>
#include <string.h>

#include "fota_internal.h"

void fota_init(struct fota *m, const struct fota_timing *timing)
{
    memset(m, 0, sizeof(*m));
    m->timing = *timing;
    m->deadline = UINT64_MAX;
    m->verify_deadline = UINT64_MAX;
    m->result = DFOTA_IN_PROGRESS;
    m->code = -1;
    m->last_percent = -1;
    m->last_dl_percent = -1;
    m->last_restore_percent = -1;
}

/* ---- outputs --------------------------------------------------------------------- */

static struct fota_out *fota_push(struct fota *m, enum fota_out_kind kind)
{
    struct fota_out *o;

    if (m->out_count == FOTA_OUT_MAX) /* cannot happen: drained after every input */
        return NULL;
    o = &m->out[(m->out_head + m->out_count) % FOTA_OUT_MAX];
    m->out_count++;
    memset(o, 0, sizeof(*o));
    o->kind = kind;
    o->event.phase = m->phase;
    o->event.via = m->via;
    o->event.percent = -1;
    o->event.code = -1;
    o->event.attempt = m->attempt;
    o->event.text = "";
    return o;
}

bool fota_next_output(struct fota *m, struct fota_out *out)
{
    if (m->out_count == 0)
        return false;
    *out = m->out[m->out_head];
    out->event.text = out->text;
    if (out->kind == FOTA_OUT_SEND)
        out->cmd.text = m->command;
    m->out_head = (m->out_head + 1) % FOTA_OUT_MAX;
    m->out_count--;
    return true;
}

void fota_emit(struct fota *m, enum dfota_event_type type, int percent, int code, const char *text)
{
    struct fota_out *o = fota_push(m, FOTA_OUT_EVENT);

    if (!o)
        return;
    o->event.type = type;
    o->event.percent = percent;
    o->event.code = code;
    snprintf(o->text, sizeof(o->text), "%s", text ? text : "");
}

void fota_send(struct fota *m, const char *text, enum at_resp resp, uint32_t timeout_ms)
{
    struct fota_out *o = fota_push(m, FOTA_OUT_SEND);

    if (!o)
        return;
    /* The machine sends one command at a time, so one buffer holds it. */
    if (text != m->command)
        snprintf(m->command, sizeof(m->command), "%s", text);
    o->cmd.resp = resp;
    o->cmd.timeout_ms = timeout_ms;
    m->response[0] = '\0';
}

static void fota_set_phase(struct fota *m, enum dfota_phase phase)
{
    if (m->phase == phase)
        return;
    m->phase = phase;
    fota_emit(m, DFOTA_EVENT_PHASE, -1, -1, NULL);
}

static void fota_enter_phase(struct fota *m, enum fota_state state, uint64_t deadline,
                             enum dfota_phase phase)
{
    m->state = state;
    m->deadline = deadline;
    /* Reading the version after the final reboot is still part of that phase. */
    if (m->verifying && phase == DFOTA_PHASE_PREPARING)
        phase = DFOTA_PHASE_FINAL_REBOOT;
    fota_set_phase(m, phase);
}

void fota_enter(struct fota *m, enum fota_state state, uint64_t deadline)
{
    static const enum dfota_phase phase_of[] = {
        [FOTA_IDLE] = DFOTA_PHASE_PREPARING,
        [FOTA_SYNC] = DFOTA_PHASE_PREPARING,
        [FOTA_ECHO_OFF] = DFOTA_PHASE_PREPARING,
        [FOTA_READ_QGMR] = DFOTA_PHASE_PREPARING,
        [FOTA_READ_ATI] = DFOTA_PHASE_PREPARING,
        [FOTA_SEND_DL] = DFOTA_PHASE_PREPARING,
        [FOTA_DOWNLOAD] = DFOTA_PHASE_DOWNLOADING,
        [FOTA_REBOOT] = DFOTA_PHASE_REBOOTING,
        [FOTA_WAIT_FIRST] = DFOTA_PHASE_WAITING,
        [FOTA_UPDATING] = DFOTA_PHASE_UPDATING,
        [FOTA_FINAL_WAIT] = DFOTA_PHASE_FINAL_REBOOT,
        [FOTA_FINAL_AWAY] = DFOTA_PHASE_FINAL_REBOOT,
        [FOTA_DONE] = DFOTA_PHASE_DONE,
    };

    fota_enter_phase(m, state, deadline, phase_of[state]);
}

void fota_finish(struct fota *m, int result, int code, const char *text)
{
    struct fota_out *o;

    m->result = result;
    m->code = code;
    fota_enter(m, FOTA_DONE, UINT64_MAX);
    m->verify_deadline = UINT64_MAX;
    o = fota_push(m, FOTA_OUT_DONE);
    if (!o)
        return;
    o->event.type = DFOTA_EVENT_DONE;
    o->event.result = result;
    o->event.code = code;
    snprintf(o->text, sizeof(o->text), "%s", text);
}

bool fota_done(const struct fota *m)
{
    return m->state == FOTA_DONE;
}

uint64_t fota_deadline(const struct fota *m)
{
    return m->deadline < m->verify_deadline ? m->deadline : m->verify_deadline;
}

/* ---- the upgrade ------------------------------------------------------------------- */

void fota_window(struct fota *m, uint64_t now, bool rebooting)
{
    fota_enter_phase(m, FOTA_WAIT_FIRST, now + m->timing.first_urc_ms,
                     rebooting ? DFOTA_PHASE_REBOOTING : DFOTA_PHASE_WAITING);
}

/* Whether percent moves *last forward (duplicates, regressions and junk do not). */
static bool fota_advances(int *last, int percent)
{
    if (percent <= *last || percent < 0 || percent > 100)
        return false;
    *last = percent;
    return true;
}

static void fota_download_urc(struct fota *m, const struct qind *urc, uint64_t now)
{
    char text[FOTA_TEXT_MAX];

    switch (urc->kind) {
    case QIND_FTPSTART:
    case QIND_HTTPSTART:
    case QIND_FILESTART:
        if (urc->kind == QIND_FTPSTART)
            m->via = DFOTA_VIA_FTP;
        else if (urc->kind == QIND_HTTPSTART && (urc->https || m->via == DFOTA_VIA_HTTPS))
            m->via = DFOTA_VIA_HTTPS;
        else if (urc->kind == QIND_HTTPSTART)
            m->via = DFOTA_VIA_HTTP;
        fota_enter(m, FOTA_DOWNLOAD, now + m->timing.download_ms);
        m->last_dl_percent = -1;
        fota_emit(m, DFOTA_EVENT_DOWNLOAD_START, -1, -1, NULL);
        break;
    case QIND_DOWNLOADING:
        fota_enter(m, FOTA_DOWNLOAD,
                   m->state == FOTA_DOWNLOAD ? m->deadline : now + m->timing.download_ms);
        if (fota_advances(&m->last_dl_percent, urc->number))
            fota_emit(m, DFOTA_EVENT_DOWNLOAD_PROGRESS, urc->number, -1, NULL);
        break;
    default: /* the ends */
        fota_emit(m, DFOTA_EVENT_DOWNLOAD_END, -1, urc->number, NULL);
        if (urc->number != 0) {
            snprintf(text, sizeof(text), "download failed: module error %d (%s)", urc->number,
                     fota_code_text(urc->number));
            fota_finish(m, DFOTA_ERR_DOWNLOAD, urc->number, text);
            return;
        }
        /* The module reboots now; on a UART the port stays and the window runs from here. */
        fota_window(m, now, true);
        break;
    }
}

static void fota_begin_attempt(struct fota *m)
{
    m->attempt++;
    m->last_percent = -1;
    fota_emit(m, DFOTA_EVENT_UPDATE_START, -1, -1, NULL);
}

static void fota_update_end(struct fota *m, int code, uint64_t now)
{
    char text[FOTA_TEXT_MAX];

    fota_emit(m, DFOTA_EVENT_UPDATE_END, -1, code, NULL);
    if (code == 0) {
        fota_enter(m, FOTA_FINAL_WAIT, now + m->timing.port_ms);
        return;
    }
    if (code == 502) {
        m->fails_502++;
        if (m->fails_502 < FOTA_MAX_ATTEMPTS) {
            /* The module reboots and tries again: a new window for its next attempt. */
            fota_window(m, now, true);
            return;
        }
        snprintf(text, sizeof(text), "update failed: module error 502 on all %d attempts",
                 m->fails_502);
        fota_finish(m, DFOTA_ERR_UPDATE, 502, text);
        return;
    }
    snprintf(text, sizeof(text), "update failed: module error %d (%s)", code, fota_code_text(code));
    fota_finish(m, DFOTA_ERR_UPDATE, code, text);
}

static void fota_progress(struct fota *m, int percent, uint64_t now)
{
    m->deadline = now + m->timing.stall_ms;
    if (fota_advances(&m->last_percent, percent))
        fota_emit(m, DFOTA_EVENT_PROGRESS, percent, -1, NULL);
}

static void fota_restore(struct fota *m, int percent, uint64_t now)
{
    if (fota_advances(&m->last_restore_percent, percent))
        fota_emit(m, DFOTA_EVENT_RESTORE, percent, -1, NULL);
    if (percent >= 100 && m->fails_502 > 0) {
        fota_finish(m, DFOTA_ERR_UPDATE, 502,
                    "update failed: module error 502; it restored its original firmware");
        return;
    }
    fota_enter(m, FOTA_WAIT_FIRST, now + m->timing.stall_ms);
}

static void fota_update_urc(struct fota *m, const struct qind *urc, uint64_t now)
{
    bool in_attempt = m->state == FOTA_UPDATING;

    switch (urc->kind) {
    case QIND_START:
        fota_enter(m, FOTA_UPDATING, now + m->timing.stall_ms);
        fota_begin_attempt(m);
        break;
    case QIND_UPDATING:
        fota_enter(m, FOTA_UPDATING, now + m->timing.stall_ms);
        if (!in_attempt) /* START was lost */
            fota_begin_attempt(m);
        fota_progress(m, urc->number, now);
        break;
    case QIND_END:
        if (!in_attempt)
            fota_begin_attempt(m);
        fota_update_end(m, urc->number, now);
        break;
    default:
        break;
    }
}

static bool fota_is_download_urc(enum qind_kind kind)
{
    return kind == QIND_FTPSTART || kind == QIND_FTPEND || kind == QIND_HTTPSTART ||
           kind == QIND_HTTPEND || kind == QIND_DOWNLOADING || kind == QIND_FILESTART ||
           kind == QIND_FILEEND;
}

static bool fota_following(const struct fota *m)
{
    return m->state == FOTA_DOWNLOAD || m->state == FOTA_WAIT_FIRST || m->state == FOTA_UPDATING ||
           (m->state == FOTA_SEND_DL && m->dl_sent);
}

static bool fota_is_end_urc(enum qind_kind kind)
{
    return kind == QIND_END || kind == QIND_FTPEND || kind == QIND_HTTPEND || kind == QIND_FILEEND;
}

void fota_on_urc(struct fota *m, const struct qind *urc, uint64_t now)
{
    /* An end without a readable code says nothing for sure: never a result by itself. */
    if (fota_is_end_urc(urc->kind) && urc->number < 0)
        return;
    if (m->state == FOTA_FINAL_WAIT && urc->kind == QIND_RDY) {
        fota_begin_verify(m, now); /* a UART: the reboot is over */
        return;
    }
    if (!fota_following(m))
        return;
    if (urc->kind == QIND_RDY) {
        fota_window(m, now, false); /* rebooted on a UART: the window starts again */
    } else if (urc->kind == QIND_RESTORE) {
        fota_restore(m, urc->number, now);
    } else if (fota_is_download_urc(urc->kind)) {
        if (m->state != FOTA_UPDATING)
            fota_download_urc(m, urc, now);
    } else if (urc->kind == QIND_UNKNOWN) {
        if (m->state == FOTA_UPDATING)
            m->deadline = now + m->timing.stall_ms; /* the module is alive */
    } else {
        fota_update_urc(m, urc, now);
    }
}

void fota_on_port_lost(struct fota *m, uint64_t now)
{
    if (m->state == FOTA_DONE)
        return;
    if (!m->dl_sent && m->mode != FOTA_MODE_WATCH && !m->verifying) {
        fota_finish(m, DFOTA_ERR_PORT, -1, "the port went away before the upgrade began");
        return;
    }
    fota_emit(m, DFOTA_EVENT_PORT_LOST, -1, -1, NULL);
    if (m->state == FOTA_FINAL_WAIT || m->verifying) {
        m->verifying = false;
        m->verify_deadline = UINT64_MAX;
        fota_enter(m, FOTA_FINAL_AWAY, now + m->timing.port_ms);
    } else if (m->state != FOTA_REBOOT && m->state != FOTA_FINAL_AWAY) {
        fota_enter(m, FOTA_REBOOT, now + m->timing.port_ms);
    }
    (void)fota_push(m, FOTA_OUT_REOPEN);
}

void fota_on_port_back(struct fota *m, uint64_t now)
{
    if (m->state == FOTA_FINAL_AWAY) {
        fota_emit(m, DFOTA_EVENT_PORT_BACK, -1, -1, NULL);
        fota_begin_verify(m, now);
    } else if (m->state == FOTA_REBOOT) {
        fota_emit(m, DFOTA_EVENT_PORT_BACK, -1, -1, NULL);
        fota_window(m, now, false);
    }
}

static void fota_deadline_passed(struct fota *m, uint64_t now)
{
    char text[FOTA_TEXT_MAX];

    switch (m->state) {
    case FOTA_DOWNLOAD:
        if (m->mode == FOTA_MODE_WATCH && m->via == DFOTA_VIA_NONE)
            snprintf(text, sizeof(text),
                     "no URC from the module within %u s: no upgrade seems under way",
                     (unsigned)(m->timing.download_ms / 1000));
        else
            snprintf(text, sizeof(text), "the download did not end within %u s",
                     (unsigned)(m->timing.download_ms / 1000));
        fota_finish(m, DFOTA_ERR_TIMEOUT, -1, text);
        break;
    case FOTA_REBOOT:
        snprintf(text, sizeof(text), "the port did not come back within %u s",
                 (unsigned)(m->timing.port_ms / 1000));
        fota_finish(m, DFOTA_ERR_PORT, -1, text);
        break;
    case FOTA_WAIT_FIRST:
        if (m->fails_502 > 0) {
            snprintf(text, sizeof(text),
                     "update failed: module error 502 after %d attempts; it gave up", m->fails_502);
            fota_finish(m, DFOTA_ERR_UPDATE, 502, text);
        } else if (m->last_restore_percent >= 0) {
            snprintf(text, sizeof(text), "the module stopped reporting while restoring");
            fota_finish(m, DFOTA_ERR_TIMEOUT, -1, text);
        } else {
            snprintf(text, sizeof(text), "no URC from the module within %u s",
                     (unsigned)(m->timing.first_urc_ms / 1000));
            fota_finish(m, DFOTA_ERR_TIMEOUT, -1, text);
        }
        break;
    case FOTA_UPDATING:
        snprintf(text, sizeof(text), "no progress from the module for %u s",
                 (unsigned)(m->timing.stall_ms / 1000));
        fota_finish(m, DFOTA_ERR_TIMEOUT, -1, text);
        break;
    case FOTA_SYNC:
        fota_sync(m); /* the pause after a failed AT is over */
        break;
    case FOTA_FINAL_WAIT:
        /* No port loss and no RDY: perhaps a UART that missed RDY; ask anyway. */
        fota_begin_verify(m, now);
        break;
    case FOTA_FINAL_AWAY:
        fota_finish_upgraded(m, false);
        break;
    default:
        break;
    }
}

void fota_on_tick(struct fota *m, uint64_t now)
{
    if (m->state == FOTA_DONE)
        return;
    if (now >= m->verify_deadline) {
        fota_finish_upgraded(m, false);
        return;
    }
    if (now >= m->deadline)
        fota_deadline_passed(m, now);
}
