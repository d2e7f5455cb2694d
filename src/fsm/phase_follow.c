/* The follow phase: from the accepted command (or the start of a watch) through the
 * download, the reboots and the update attempts to END,0 and the final reboot.
 *
 * Attempts: one begins at START (or the first UPDATING or END when START was lost) and
 * ends at END. A port loss or RDY inside an attempt is a reboot the module resumes from
 * (EC800K does it twice per upgrade); only END,502 starts a new attempt. Progress never
 * goes backwards within an attempt. */
#include <stdio.h>
#include <string.h>

#include "fsm/ident.h"
#include "fsm/phases.h"

/* Arms the one timer a state runs on, and tells the user the phase. */
static void follow_enter(struct fsm *m, enum fsm_follow_state state, enum core_timer t,
                         uint32_t now, uint32_t ms, enum dfota_phase phase)
{
    core_disarm_all(&m->core);
    m->own.follow.state = state;
    core_arm(&m->core, t, now, ms);
    core_set_phase(&m->core, phase);
}

/* The first-URC window; rebooting: the module is on its way down (the phase says so
 * until the port returns or the module speaks). */
static void follow_window(struct fsm *m, uint32_t now, bool rebooting)
{
    follow_enter(m, FOLLOW_WINDOW, CORE_TIMER_WINDOW, now, m->timing.first_urc_ms,
                 rebooting ? DFOTA_PHASE_REBOOTING : DFOTA_PHASE_WAITING);
}

static void follow_downloading(struct fsm *m, uint32_t now)
{
    follow_enter(m, FOLLOW_COMMANDED, CORE_TIMER_DOWNLOAD, now, m->timing.download_ms,
                 DFOTA_PHASE_DOWNLOADING);
}

static void follow_updating(struct fsm *m, uint32_t now)
{
    follow_enter(m, FOLLOW_UPDATING, CORE_TIMER_STALL, now, m->timing.stall_ms,
                 DFOTA_PHASE_UPDATING);
}

static enum fsm_verdict follow_enter_phase(struct fsm *m, uint32_t now)
{
    memset(&m->own.follow, 0, sizeof(m->own.follow)); /* the memory was an earlier phase's */
    m->own.follow.last_percent = -1;
    m->own.follow.last_dl_percent = -1;
    m->own.follow.last_restore_percent = -1;
    if (m->mode == FSM_MODE_WATCH)
        follow_window(m, now, false); /* waiting for the module to say anything */
    else if (m->local)                /* no download: the module reboots at once */
        follow_window(m, now, true);
    else
        follow_downloading(m, now);
    return FSM_STAY;
}

/* END,0 was seen: the final reboot's two states, the last of the enum (fsm.h). */
static bool follow_after_end(const struct fsm *m)
{
    return m->own.follow.state >= FOLLOW_FINAL;
}

/* Whether percent moves *last forward (duplicates, regressions and junk do not). */
static bool follow_advances(int *last, int percent)
{
    if (percent <= *last || percent < 0 || percent > 100)
        return false;
    *last = percent;
    return true;
}

static enum family_context follow_download_context(const struct fsm *m)
{
    return m->core.via == DFOTA_VIA_FTP ? FAMILY_AT_FTP : FAMILY_AT_HTTP;
}

static enum fsm_verdict follow_download_end(struct fsm *m, int code, uint32_t now)
{
    char meaning[CORE_TEXT_MAX], text[CORE_DONE_MAX];

    core_emit(&m->core, DFOTA_EVENT_DOWNLOAD_END, -1, code, NULL);
    if (code != 0) {
        family_describe_code(m->family, follow_download_context(m), code, meaning, sizeof(meaning));
        snprintf(text, sizeof(text), "download failed: module %s", meaning);
        core_finish(&m->core, DFOTA_ERR_DOWNLOAD, code, text);
        return FSM_DONE;
    }
    /* The module reboots now; on a UART the port stays and the window runs from here. */
    follow_window(m, now, true);
    return FSM_STAY;
}

static enum fsm_verdict follow_download_urc(struct fsm *m, const struct qind *urc, uint32_t now)
{
    switch (urc->kind) {
    case QIND_FTPSTART:
    case QIND_HTTPSTART:
    case QIND_FILESTART:
        if (urc->kind == QIND_FTPSTART)
            m->core.via = DFOTA_VIA_FTP;
        else if (urc->kind == QIND_HTTPSTART && (urc->https || m->core.via == DFOTA_VIA_HTTPS))
            m->core.via = DFOTA_VIA_HTTPS;
        else if (urc->kind == QIND_HTTPSTART)
            m->core.via = DFOTA_VIA_HTTP;
        follow_downloading(m, now);
        m->own.follow.last_dl_percent = -1;
        core_emit(&m->core, DFOTA_EVENT_DOWNLOAD_START, -1, -1, NULL);
        return FSM_STAY;
    case QIND_DOWNLOADING:
        if (m->own.follow.state != FOLLOW_COMMANDED)
            follow_downloading(m, now);
        if (follow_advances(&m->own.follow.last_dl_percent, urc->number))
            core_emit(&m->core, DFOTA_EVENT_DOWNLOAD_PROGRESS, urc->number, -1, NULL);
        return FSM_STAY;
    default: /* the ends */
        return follow_download_end(m, urc->number, now);
    }
}

static void follow_begin_attempt(struct fsm *m)
{
    if (m->own.follow.in_attempt)
        return; /* a reboot inside the attempt: the module resumes it */
    m->own.follow.in_attempt = true;
    m->core.attempt++;
    m->own.follow.last_percent = -1;
    core_emit(&m->core, DFOTA_EVENT_UPDATE_START, -1, -1, NULL);
}

static enum fsm_verdict follow_update_end(struct fsm *m, int code, uint32_t now)
{
    char meaning[CORE_TEXT_MAX], text[CORE_DONE_MAX];

    core_emit(&m->core, DFOTA_EVENT_UPDATE_END, -1, code, NULL);
    m->own.follow.in_attempt = false;
    if (code == 0) {
        m->end_ok = true;
        follow_enter(m, FOLLOW_FINAL, CORE_TIMER_PORT, now, m->timing.port_ms,
                     DFOTA_PHASE_FINAL_REBOOT);
        return FSM_STAY;
    }
    if (code == 502 && ++m->own.follow.fails_502 < FSM_MAX_ATTEMPTS) {
        follow_window(m, now, true); /* the module reboots and tries again */
        return FSM_STAY;
    }
    if (code == 502) {
        snprintf(text, sizeof(text), "update failed: module error 502 on all %d attempts",
                 m->own.follow.fails_502);
    } else {
        family_describe_code(m->family, FAMILY_AT_UPDATE, code, meaning, sizeof(meaning));
        snprintf(text, sizeof(text), "update failed: module %s", meaning);
    }
    core_finish(&m->core, DFOTA_ERR_UPDATE, code, text);
    return FSM_DONE;
}

static void follow_progress(struct fsm *m, int percent, uint32_t now)
{
    follow_updating(m, now);
    if (follow_advances(&m->own.follow.last_percent, percent))
        core_emit(&m->core, DFOTA_EVENT_PROGRESS, percent, -1, NULL);
}

/* RESTORE: the old firmware coming back after failures, or (BG96) the new one put in
 * place on the way to END,0. */
static enum fsm_verdict follow_restore(struct fsm *m, int percent, uint32_t now)
{
    if (m->family->restore == FAMILY_RESTORE_INSTALL) {
        follow_begin_attempt(m);
        follow_updating(m, now);
        if (follow_advances(&m->own.follow.last_restore_percent, percent))
            core_emit(&m->core, DFOTA_EVENT_INSTALL, percent, -1, NULL);
        return FSM_STAY;
    }
    if (follow_advances(&m->own.follow.last_restore_percent, percent))
        core_emit(&m->core, DFOTA_EVENT_RESTORE, percent, -1, NULL);
    if (percent >= 100 && m->own.follow.fails_502 > 0) {
        core_finish(&m->core, DFOTA_ERR_UPDATE, 502,
                    "update failed: module error 502; it restored its original firmware");
        return FSM_DONE;
    }
    follow_enter(m, FOLLOW_WINDOW, CORE_TIMER_WINDOW, now, m->timing.stall_ms, m->core.phase);
    return FSM_STAY;
}

static enum fsm_verdict follow_update_urc(struct fsm *m, const struct qind *urc, uint32_t now)
{
    switch (urc->kind) {
    case QIND_START:
    case QIND_RESUME:
        follow_begin_attempt(m);
        follow_updating(m, now);
        return FSM_STAY;
    case QIND_UPDATING:
        follow_begin_attempt(m);
        follow_progress(m, urc->number, now);
        return FSM_STAY;
    case QIND_END:
        follow_begin_attempt(m);
        return follow_update_end(m, urc->number, now);
    case QIND_RESTORE:
        return follow_restore(m, urc->number, now);
    default:
        if (m->own.follow.state == FOLLOW_UPDATING) /* an unknown kind: the module is alive */
            core_arm(&m->core, CORE_TIMER_STALL, now, m->timing.stall_ms);
        return FSM_STAY;
    }
}

/* The kinds as bits: a set of kinds is one mask, and a test one instruction. */
#define FOLLOW_KIND(kind) (1u << (kind))
#define FOLLOW_DOWNLOAD_KINDS                                                                      \
    (FOLLOW_KIND(QIND_FTPSTART) | FOLLOW_KIND(QIND_FTPEND) | FOLLOW_KIND(QIND_HTTPSTART) |         \
     FOLLOW_KIND(QIND_HTTPEND) | FOLLOW_KIND(QIND_DOWNLOADING) | FOLLOW_KIND(QIND_FILESTART) |     \
     FOLLOW_KIND(QIND_FILEEND))
#define FOLLOW_END_KINDS                                                                           \
    (FOLLOW_KIND(QIND_END) | FOLLOW_KIND(QIND_FTPEND) | FOLLOW_KIND(QIND_HTTPEND) |                \
     FOLLOW_KIND(QIND_FILEEND))
_Static_assert(QIND_RESUME < 32, "every kind has its bit");

static bool follow_is_download_urc(enum qind_kind kind)
{
    return (FOLLOW_KIND(kind) & FOLLOW_DOWNLOAD_KINDS) != 0;
}

static bool follow_is_end_urc(enum qind_kind kind)
{
    return (FOLLOW_KIND(kind) & FOLLOW_END_KINDS) != 0;
}

/* Download URCs count before the first attempt only (a late duplicate changes nothing). */
static bool follow_wants_download_urc(const struct fsm *m)
{
    return m->core.attempt == 0 && !m->own.follow.in_attempt &&
           (m->own.follow.state == FOLLOW_COMMANDED || m->own.follow.state == FOLLOW_WINDOW);
}

static enum fsm_verdict follow_urc(struct fsm *m, const struct qind *urc, uint32_t now)
{
    /* An end without a readable code says nothing for sure: never a result by itself. */
    if (follow_is_end_urc(urc->kind) && urc->number < 0)
        return FSM_STAY;
    if (urc->kind == QIND_RDY) {
        if (m->own.follow.state == FOLLOW_FINAL)
            return FSM_NEXT; /* a UART: the final reboot is over */
        if (m->own.follow.state != FOLLOW_FINAL_AWAY)
            follow_window(m, now, false); /* rebooted on a UART: the window starts again */
        return FSM_STAY;
    }
    if (follow_after_end(m))
        return FSM_STAY; /* after END,0 (a power cut replays START, END,0: same end) */
    m->own.follow.any_urc = true;
    if (follow_is_download_urc(urc->kind))
        return follow_wants_download_urc(m) ? follow_download_urc(m, urc, now) : FSM_STAY;
    return follow_update_urc(m, urc, now);
}

static enum fsm_verdict follow_port(struct fsm *m, bool lost, uint32_t now)
{
    if (lost) {
        bool final = follow_after_end(m);
        core_emit(&m->core, DFOTA_EVENT_PORT_LOST, -1, -1, NULL);
        follow_enter(m, final ? FOLLOW_FINAL_AWAY : FOLLOW_AWAY, CORE_TIMER_PORT, now,
                     m->timing.port_ms, final ? DFOTA_PHASE_FINAL_REBOOT : DFOTA_PHASE_REBOOTING);
        core_reopen(&m->core);
        return FSM_STAY;
    }
    if (m->own.follow.state == FOLLOW_FINAL_AWAY) {
        core_emit(&m->core, DFOTA_EVENT_PORT_BACK, -1, -1, NULL);
        return FSM_NEXT;
    }
    if (m->own.follow.state == FOLLOW_AWAY) {
        core_emit(&m->core, DFOTA_EVENT_PORT_BACK, -1, -1, NULL);
        follow_window(m, now, false);
    }
    return FSM_STAY;
}

/* The window ran out: what it means, proposed for the verify phase to weigh against the
 * version (the module may have finished with its END lost). */
static void follow_window_verdict(struct fsm *m)
{
    char text[CORE_DONE_MAX];
    unsigned window_s = (unsigned)(m->timing.first_urc_ms / 1000);

    if (m->own.follow.fails_502 > 0) {
        snprintf(text, sizeof(text),
                 "update failed: module error 502 after %d attempts; it gave up",
                 m->own.follow.fails_502);
        core_propose(&m->core, DFOTA_ERR_UPDATE, 502, text);
        return;
    }
    if (m->own.follow.last_restore_percent >= 0)
        snprintf(text, sizeof(text), "the module stopped reporting while restoring");
    else if (m->mode == FSM_MODE_WATCH && !m->own.follow.any_urc)
        snprintf(text, sizeof(text),
                 "no FOTA URC within %u s: no upgrade was seen (a module still downloading "
                 "needs a longer first-URC window)",
                 window_s);
    else
        snprintf(text, sizeof(text), "no URC from the module within %u s", window_s);
    core_propose(&m->core, DFOTA_ERR_TIMEOUT, -1, text);
}

static enum fsm_verdict follow_finish(struct fsm *m, int result, const char *fmt, uint32_t ms)
{
    char text[CORE_DONE_MAX];

    snprintf(text, sizeof(text), fmt, (unsigned)(ms / 1000));
    core_finish(&m->core, result, -1, text);
    return FSM_DONE;
}

static enum fsm_verdict follow_timer(struct fsm *m, enum core_timer t, uint32_t now)
{
    (void)now;
    switch (t) {
    case CORE_TIMER_DOWNLOAD:
        return follow_finish(m, DFOTA_ERR_TIMEOUT, "the download did not end within %u s",
                             m->timing.download_ms);
    case CORE_TIMER_STALL:
        return follow_finish(m, DFOTA_ERR_TIMEOUT, "no progress from the module for %u s",
                             m->timing.stall_ms);
    case CORE_TIMER_PORT:
        if (m->own.follow.state == FOLLOW_FINAL)
            return FSM_NEXT; /* no port loss and no RDY: perhaps a UART that missed RDY */
        return follow_finish(m, DFOTA_ERR_PORT,
                             m->own.follow.state == FOLLOW_FINAL_AWAY
                                 ? "the module reported success but could not be confirmed: "
                                   "the port did not come back within %u s"
                                 : "the port did not come back within %u s",
                             m->timing.port_ms);
    case CORE_TIMER_WINDOW:
        follow_window_verdict(m);
        /* Without the version from before there is nothing to compare the new one to. */
        if (m->mode == FSM_MODE_WATCH || ident_unknown(&m->before)) {
            core_finish_proposed(&m->core);
            return FSM_DONE;
        }
        return FSM_NEXT;
    default:
        return FSM_STAY;
    }
}

const struct fsm_phase phase_follow = {
    .enter = follow_enter_phase,
    .on_urc = follow_urc,
    .on_port = follow_port,
    .on_timer = follow_timer,
};
