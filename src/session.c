/* The session: ties the port, the AT engine and the state machine together, keeps the
 * port open across reboots, and implements dfota.h. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "at/at.h"
#include "config.h"
#include "family/family.h"
#include "fsm/fsm.h"
#include "log_repeat.h"
#include "package.h"
#include "at/qind.h"
#include "at/secret.h"
#include "at/target.h"
#ifdef DFOTA_HAVE_SYS_PORT
#include "os/port_clock.h"
#include "os/port_sys.h"
#endif

/* While the port is away, try to open it at least this often even if the backend
 * reports nothing: a safety net, not the way the port is found again. */
#define SESSION_CLOSED_RETRY_MS 100
/* dfota_run() looks at the cancel flag at least this often: a signal that lands between
 * the check and the wait must not wait for the next deadline. */
#define SESSION_CANCEL_CHECK_MS 500
/* The port is read in pieces of this size until it has nothing more: a UART delivers
 * 11.5 bytes a millisecond, so a bigger piece saves nothing but stack. */
#define SESSION_READ_CHUNK 128
#define SESSION_LOG_MAX 384

struct dfota {
    struct dfota_config cfg;
    const struct dfota_port_ops *ops;
    void *port_ctx;
    bool own_port;
    bool port_open;
    bool hangup_seen;
    bool started;
    bool opening;       /* the port's warnings are the reason dfota_open() fails */
    bool close_pending; /* dfota_close() came from inside a callback */
    unsigned depth;     /* public calls under way (a callback may call the library) */
    volatile sig_atomic_t cancelled;
    bool cancel_taken; /* the machine was told: it ends once the module is put back */
    uint64_t epoch_ms; /* the clock at dfota_open(): the layers below count from it */
    uint32_t now;
    struct at_engine at;
    struct fsm fota;
#if DFOTA_WITH_TEXTS
    struct secret secret; /* the target's password, hidden in every log line */
#endif
    int result;
    int code;
    char error[CORE_DONE_MAX + 56];
#if DFOTA_WITH_TEXTS
    struct log_repeat warnings;
#endif
#if DFOTA_WITH_UPLOAD
    struct package pkg; /* what dfota_start_upload() uploads */
#endif
};

/* ---- logging and events ------------------------------------------------------------- */

#if DFOTA_WITH_TEXTS
/* A warning repeated (line noise) is said once, then counted; see log_repeat.h. */
static void session_say(struct dfota *s, enum dfota_log_level level, const char *clean)
{
    struct log_repeat_out repeat;

    if (!s->cfg.on_log || level > s->cfg.log_level || s->close_pending)
        return;
    if (level != DFOTA_LOG_WARN) {
        s->cfg.on_log(s->cfg.user, level, clean);
        return;
    }
    log_repeat_feed(&s->warnings, clean, s->now, &repeat);
    if (repeat.note[0])
        s->cfg.on_log(s->cfg.user, DFOTA_LOG_WARN, repeat.note);
    if (repeat.say_text && !s->close_pending)
        s->cfg.on_log(s->cfg.user, level, clean);
}
#endif

/* Whether a line at this level goes anywhere: to the log callback, or (while the port
 * opens) into the reason dfota_open() gives. */
static bool session_log_wanted(const struct dfota *s, enum dfota_log_level level)
{
#if DFOTA_WITH_TEXTS
    if (s->cfg.on_log && level <= s->cfg.log_level)
        return true;
#endif
    return s->opening && level <= DFOTA_LOG_WARN;
}

/* Apart from session_log() and never inlined: its two lines take 768 bytes of stack,
 * which a session without a log callback never reserves. */
DFOTA_NOINLINE static void session_log_format(struct dfota *s, enum dfota_log_level level,
                                              const char *fmt, va_list ap)
{
    char raw[SESSION_LOG_MAX];
    bool cut = vsnprintf(raw, sizeof(raw), fmt, ap) >= (int)sizeof(raw);
    /* every line: it may quote the target (or a port path that holds one) */
    void (*redact)(const char *, char *, size_t) = cut ? target_redact_cut : target_redact;

    if (s->opening && level <= DFOTA_LOG_WARN)
        redact(raw, s->error, sizeof(s->error));
#if DFOTA_WITH_TEXTS /* a line for the log callback */
    char clean[SESSION_LOG_MAX];
    secret_hide(&s->secret, raw, clean, sizeof(clean)); /* pieces of it too */
    if (strlen(clean) + 1 == sizeof(clean))
        redact = target_redact_cut;
    redact(clean, raw, sizeof(raw));
    session_say(s, level, raw);
#endif
}

static void session_log(struct dfota *s, enum dfota_log_level level, const char *fmt, ...)
{
    va_list ap;

    if (!session_log_wanted(s, level))
        return;
    va_start(ap, fmt);
    session_log_format(s, level, fmt, ap);
    va_end(ap);
}

/* A line only for the log callback: a build without log lines (DFOTA_WITH_TEXTS=0) neither
 * formats it nor keeps its text. The port's lines while it opens go through session_log()
 * in every build: they are the reason dfota_open_msg() gives. */
#if DFOTA_WITH_TEXTS
#define session_note session_log
#else
#define session_note(s, level, ...) ((void)(s), (void)(level))
#endif

/* Says how often the last warning repeated since it was last said, if at all. */
static void session_log_repeats(struct dfota *s)
{
#if DFOTA_WITH_TEXTS
    struct log_repeat_out repeat;

    log_repeat_flush(&s->warnings, s->now, &repeat);
    if (repeat.note[0] && s->cfg.on_log && s->cfg.log_level >= DFOTA_LOG_WARN && !s->close_pending)
        s->cfg.on_log(s->cfg.user, DFOTA_LOG_WARN, repeat.note);
#else
    (void)s;
#endif
}

static void session_log_cb(void *user, enum dfota_log_level level, const char *text)
{
    session_log(user, level, "%s", text);
}

static void session_emit(struct dfota *s, const struct dfota_event *event)
{
    char clean[CORE_DONE_MAX + 56];
    struct dfota_event copy = *event;

    if (!s->cfg.on_event || s->close_pending)
        return;
    target_redact(event->text, clean, sizeof(clean));
    copy.text = clean;
    s->cfg.on_event(s->cfg.user, &copy);
}

/* ---- the port ------------------------------------------------------------------------- */

static uint64_t session_clock(struct dfota *s)
{
    if (s->cfg.now_ms)
        return s->cfg.now_ms(s->cfg.user);
#ifdef DFOTA_HAVE_SYS_PORT
    return port_clock_now_ms();
#else
    return 0; /* unreachable: dfota_open() refuses a config without a clock */
#endif
}

/* The time of the layers below: milliseconds since dfota_open() (at.h), held short of
 * "never" should a session ever outlive 49 days. */
static uint32_t session_now(struct dfota *s)
{
    uint64_t clock = session_clock(s);
    uint64_t since = clock > s->epoch_ms ? clock - s->epoch_ms : 0;

    return since < AT_NEVER ? (uint32_t)since : AT_NEVER - 1;
}

static int session_write(void *user, const uint8_t *buf, size_t len)
{
    struct dfota *s = user;

    if (!s->port_open)
        return DFOTA_PORT_ERROR;
    return s->ops->write(s->port_ctx, buf, len, s->fota.timing.command_ms);
}

static void session_port_lost(struct dfota *s)
{
    if (!s->port_open)
        return;
    s->ops->close(s->port_ctx); /* at once: the dead handle must not block the new node */
    s->port_open = false;
    s->hangup_seen = false;
    session_note(s, DFOTA_LOG_INFO, "port lost");
    at_port_lost(&s->at);
    fsm_on_port_lost(&s->fota, s->now);
}

static void session_try_reopen(struct dfota *s)
{
    int rc = s->ops->open(s->port_ctx);

    if (rc != DFOTA_PORT_OK)
        return;
    s->port_open = true;
    session_note(s, DFOTA_LOG_INFO, "port back");
    fsm_on_port_back(&s->fota, s->now);
}

/* ---- the AT engine's callbacks -------------------------------------------------------- */

static void session_drain(struct dfota *s);

static void session_on_response(void *user, const char *line)
{
    struct dfota *s = user;
    fsm_on_response(&s->fota, line);
}

static void session_on_final(void *user, enum at_result result, int code)
{
    struct dfota *s = user;
    fsm_on_result(&s->fota, result, code, s->now);
    session_drain(s); /* line by line: one read may hold many URCs */
}

static void session_on_urc(void *user, const char *line)
{
    struct dfota *s = user;
    struct qind urc;

    if (qind_parse(line, &urc)) {
        session_note(s, DFOTA_LOG_INFO, "URC %s %d", qind_kind_name(urc.kind), urc.number);
        fsm_on_urc(&s->fota, &urc, s->now);
        session_drain(s);
    }
}

/* ---- driving the machine -------------------------------------------------------------- */

static void session_finish(struct dfota *s, const struct core_out *out)
{
    s->result = out->event.result;
    s->code = out->event.code;
    snprintf(s->error, sizeof(s->error), "%s", out->event.text);
    session_log_repeats(s);
    session_note(s, s->result == DFOTA_OK ? DFOTA_LOG_INFO : DFOTA_LOG_ERROR, "done: %s",
                 out->event.text);
    if (s->port_open) {
        s->ops->close(s->port_ctx);
        s->port_open = false;
    }
}

static void session_send(struct dfota *s, const struct at_cmd *cmd)
{
    int rc;

    /* The machine sends only once it is done with its last command: one the engine still
     * waits for was ended by a phase's deadline or by the session's end. */
    if (at_busy(&s->at))
        at_abort(&s->at);
    rc = at_send(&s->at, cmd, s->now);

    if (rc == DFOTA_ERR_PORT)
        session_port_lost(s);
    else if (rc != DFOTA_OK)
        session_note(s, DFOTA_LOG_ERROR, "could not send %s: %s", cmd->text, dfota_strerror(rc));
}

/* Carries out what the machine asked for; each step may make it ask for more. */
static void session_drain(struct dfota *s)
{
    struct core_out out;

    while (fsm_next_output(&s->fota, &out)) {
        if (s->close_pending && out.kind != CORE_OUT_DONE)
            continue; /* after a dfota_close() from a callback nothing is sent or reported */
        switch (out.kind) {
        case CORE_OUT_EVENT:
            session_emit(s, &out.event);
            break;
        case CORE_OUT_SEND:
            session_send(s, &out.u.cmd);
            break;
        case CORE_OUT_REOPEN:
            session_try_reopen(s);
            break;
        case CORE_OUT_WARN:
            session_note(s, DFOTA_LOG_WARN, "%s", out.u.text);
            break;
        case CORE_OUT_DONE:
            session_finish(s, &out);
            session_emit(s, &out.event);
            break;
        }
    }
}

static void session_read_all(struct dfota *s)
{
    uint8_t buf[SESSION_READ_CHUNK];
    int n;

    while (s->port_open && !s->close_pending) {
        n = s->ops->read(s->port_ctx, buf, sizeof(buf));
        if (n == 0)
            return;
        if (n < 0) {
            session_port_lost(s);
            return;
        }
        at_feed(&s->at, buf, (size_t)n, s->now);
        session_drain(s);
    }
}

/* The user's cancel (or a dfota_close() from a callback), taken once: the machine ends
 * the session as cancelled, at once or after its cleanup has put back what the session
 * changed on the module (never after a dfota_close(): nothing more is sent then). */
static void session_cancel(struct dfota *s)
{
    s->cancel_taken = true;
    if (!fsm_cleaning(&s->fota))
        at_abort(&s->at); /* the command of the phase cancelled is over */
    fsm_cancel(&s->fota, s->now);
    session_drain(s);
}

static bool session_cancel_due(const struct dfota *s)
{
    return s->cancelled && !s->cancel_taken;
}

/* ---- calls that may make callbacks ---------------------------------------------------- */

/* A callback may call dfota_close(): the session is then freed when the outermost
 * library call returns, never under the code that made the callback. */
static void session_enter(struct dfota *s)
{
    s->depth++;
}

static void session_free(struct dfota *s);

static int session_leave(struct dfota *s, int rc)
{
    if (--s->depth > 0 || !s->close_pending)
        return rc;
    session_free(s);
    return rc == DFOTA_IN_PROGRESS ? DFOTA_ERR_CANCELLED : rc;
}

static int session_process(struct dfota *s)
{
    if (!s->started)
        return DFOTA_ERR_STATE;
    if (s->result != DFOTA_IN_PROGRESS)
        return s->result;
    s->now = session_now(s);
    if (s->close_pending || session_cancel_due(s)) {
        session_cancel(s);
        if (s->close_pending || s->result != DFOTA_IN_PROGRESS)
            return s->result;
    }
    if (s->hangup_seen)
        session_port_lost(s);
    session_drain(s);
    session_read_all(s);
    if (!s->port_open && !fsm_done(&s->fota))
        session_try_reopen(s);
    if (session_cancel_due(s)) { /* it cut a write short */
        session_cancel(s);
        if (s->result != DFOTA_IN_PROGRESS)
            return s->result;
    }
    at_tick(&s->at, s->now);
    fsm_on_tick(&s->fota, s->now);
    session_drain(s);
    if (s->close_pending && s->result == DFOTA_IN_PROGRESS)
        session_cancel(s);
    return s->result;
}

int dfota_process(struct dfota *s)
{
    if (!s)
        return DFOTA_ERR_INVALID;
    session_enter(s);
    return session_leave(s, session_process(s));
}

uint32_t dfota_timeout_ms(struct dfota *s)
{
    uint32_t deadline, now, wait;

    if (!s)
        return 0;
    deadline = fsm_deadline(&s->fota);
    now = session_now(s);

    if (at_deadline(&s->at) < deadline)
        deadline = at_deadline(&s->at);
    if (s->result != DFOTA_IN_PROGRESS || session_cancel_due(s) || deadline <= now)
        return 0;
    wait = deadline - now;
    if (!s->port_open && wait > SESSION_CLOSED_RETRY_MS)
        wait = SESSION_CLOSED_RETRY_MS;
    return wait;
}

int dfota_fd(struct dfota *s)
{
    if (!s)
        return -1;
    return s->ops->fd ? s->ops->fd(s->port_ctx) : -1;
}

int dfota_run(struct dfota *s)
{
    int rc;

    if (!s)
        return DFOTA_ERR_INVALID;
    session_enter(s);
    while ((rc = session_process(s)) == DFOTA_IN_PROGRESS) {
        uint32_t timeout = dfota_timeout_ms(s);
        int w = s->ops->wait(s->port_ctx,
                             timeout < SESSION_CANCEL_CHECK_MS ? timeout : SESSION_CANCEL_CHECK_MS);
        /* A port that cannot even be waited on is as good as gone. */
        if ((w == DFOTA_PORT_HANGUP || w == DFOTA_PORT_ERROR) && s->port_open)
            s->hangup_seen = true;
    }
    return session_leave(s, rc);
}

void dfota_cancel(struct dfota *s)
{
    if (s)
        s->cancelled = 1;
}

int dfota_module_code(const struct dfota *s)
{
    return s ? s->code : -1;
}

const char *dfota_error_text(const struct dfota *s)
{
    return s ? s->error : "no session: dfota_open() failed or was not called";
}

/* ---- set-up ----------------------------------------------------------------------------- */

static int session_make_port(struct dfota *s)
{
    if (s->cfg.port_ops) {
        s->ops = s->cfg.port_ops;
        s->port_ctx = s->cfg.port_ctx;
        return DFOTA_OK;
    }
#ifdef DFOTA_HAVE_SYS_PORT
    {
        struct port_sys_config pc = {s->cfg.port,    s->cfg.usb, s->cfg.baud,   s->cfg.rtscts,
                                     session_log_cb, s,          &s->cancelled, {NULL, NULL}};
        int rc = port_sys_new(&pc, &s->ops, &s->port_ctx, s->error, sizeof(s->error));
        s->own_port = rc == DFOTA_OK;
        return rc;
    }
#else
    snprintf(s->error, sizeof(s->error), "built without a port backend: set port_ops");
    return DFOTA_ERR_INVALID;
#endif
}

/* The module's name of the port we listen on: what the user says; else from the USB
 * interface where the system port knows it (2: usbat, the AT port; 3: usbmodem); else
 * "usbat". */
static const char *session_urcport(struct dfota *s)
{
    if (s->cfg.urcport && s->cfg.urcport[0])
        return s->cfg.urcport;
#ifdef DFOTA_HAVE_SYS_PORT
    if (s->own_port && port_sys_usb_interface(s->port_ctx) == 3)
        return "usbmodem";
#endif
    return "usbat";
}

static void session_init_engines(struct dfota *s)
{
    /* No log callback (or none in this build): the engine formats no dialogue lines
     * nobody reads. */
    struct at_callbacks cb = {session_write,
                              session_on_response,
                              session_on_final,
                              session_on_urc,
                              DFOTA_WITH_TEXTS && s->cfg.on_log ? session_log_cb : NULL,
                              s};
    struct fsm_settings set;

    memset(&set, 0, sizeof(set));
    set.timing.first_urc_ms = s->cfg.first_urc_timeout_ms;
    set.timing.port_ms = s->cfg.port_timeout_ms;
    set.timing.stall_ms = s->cfg.stall_timeout_ms;
    set.timing.command_ms = s->cfg.command_timeout_ms;
    set.timing.download_ms = s->cfg.download_timeout_ms;
    set.family = s->cfg.family ? family_by_name(s->cfg.family) : NULL;
    set.values.cid = s->cfg.fota_cid;
    set.values.pid = s->cfg.fota_pid;
    set.values.asr_mode = s->cfg.asr_mode;
    set.values.asr_timeout = s->cfg.asr_timeout;
    set.expect_version = s->cfg.expect_version;
    if (DFOTA_WITH_UPLOAD) /* where local packages are */
        set.ufs_prefix = s->cfg.ufs_prefix;
    set.no_preflight = s->cfg.no_preflight;
    set.set_urcport = s->cfg.set_urcport;
    if (DFOTA_WITH_PREFLIGHT) /* the checks ask where URCs go */
        set.urcport = session_urcport(s);
    at_init(&s->at, &cb);
    fsm_init(&s->fota, &set);
#if DFOTA_WITH_TEXTS
    log_repeat_init(&s->warnings);
#endif
}

static void session_free(struct dfota *s)
{
#if DFOTA_WITH_UPLOAD
    package_close(&s->pkg);
#endif
    if (s->port_open)
        s->ops->close(s->port_ctx);
#ifdef DFOTA_HAVE_SYS_PORT
    if (s->own_port)
        port_sys_free(s->port_ctx);
#endif
    free(s);
}

/* An absent port is not an error yet: watch waits for it; start and info refuse. */
static int session_open_port(struct dfota *s)
{
    int rc;

    s->error[0] = '\0';
    s->opening = true; /* the port's own warning says why it failed */
    rc = s->ops->open(s->port_ctx);
    s->opening = false;
    s->port_open = rc == DFOTA_PORT_OK;
    if (rc == DFOTA_PORT_OK || rc == DFOTA_PORT_ABSENT) {
        s->error[0] = '\0';
        return DFOTA_OK;
    }
    if (s->error[0] == '\0')
        snprintf(s->error, sizeof(s->error), "could not open the port");
#ifdef DFOTA_HAVE_SYS_PORT
    if (s->own_port && port_sys_error_text(s->port_ctx)[0] != '\0')
        snprintf(s->error, sizeof(s->error), "%s", port_sys_error_text(s->port_ctx));
#endif
    return DFOTA_ERR_PORT;
}

static int session_open_refuse(char *msg, size_t msg_size, int rc, const char *why)
{
    if (msg && msg_size > 0)
        target_redact(why, msg, msg_size);
    return rc;
}

int dfota_open(struct dfota **out, const struct dfota_config *cfg)
{
    return dfota_open_msg(out, cfg, NULL, 0);
}

int dfota_open_msg(struct dfota **out, const struct dfota_config *cfg, char *msg, size_t msg_size)
{
    struct dfota *s;
    int rc;

    if (msg && msg_size > 0)
        msg[0] = '\0';
    if (!out)
        return session_open_refuse(msg, msg_size, DFOTA_ERR_INVALID, "out is NULL");
    *out = NULL;
    if (!cfg)
        return session_open_refuse(msg, msg_size, DFOTA_ERR_INVALID, "cfg is NULL");
    s = calloc(1, sizeof(*s));
    if (!s)
        return session_open_refuse(msg, msg_size, DFOTA_ERR_NOMEM, "out of memory");
    s->cfg = *cfg;
    s->result = DFOTA_IN_PROGRESS;
    s->code = -1;
#if DFOTA_WITH_UPLOAD
    s->pkg.fd = -1;
#endif
    rc = config_check(cfg, s->error, sizeof(s->error));
    if (rc == DFOTA_OK) {
        s->epoch_ms = session_clock(s);
        rc = session_make_port(s);
    }
    if (rc == DFOTA_OK)
        rc = session_open_port(s);
    if (rc != DFOTA_OK) {
        session_note(s, DFOTA_LOG_ERROR, "%s", s->error);
        session_open_refuse(msg, msg_size, rc, s->error);
        session_free(s);
        return rc;
    }
    session_init_engines(s);
    *out = s;
    return DFOTA_OK;
}

static int session_begin(struct dfota *s, enum fsm_mode mode, const char *target,
                         enum dfota_via via)
{
    if (s->started)
        return DFOTA_ERR_STATE;
    if (!s->port_open && mode != FSM_MODE_WATCH) {
        snprintf(s->error, sizeof(s->error), "the port is not there");
        return DFOTA_ERR_PORT;
    }
    s->started = true;
    s->now = session_now(s);
    fsm_begin(&s->fota, mode, target, via == DFOTA_VIA_FILE, via, s->now);
#if DFOTA_WITH_TEXTS /* before the first line is logged: its echo holds the target */
    (void)secret_find(&s->secret, target ? fsm_target(&s->fota) : NULL);
#endif
    if (!s->port_open) /* watching a module that is rebooting right now */
        fsm_on_port_lost(&s->fota, s->now);
    session_drain(s);
    return DFOTA_OK;
}

/* Before anything is sent: the rules every family shares, or the forced family's. The
 * detected family's own come after the module said what it is. */
static int session_check_target(struct dfota *s, const char *target, enum dfota_via *via)
{
    const struct family *f = s->cfg.family ? family_by_name(s->cfg.family) : NULL;
    struct target_rules rules;
    const char *one[2];
    char why[sizeof(s->error) - 24];
    int rc;

    family_target_rules(f, s->cfg.ufs_prefix, &rules, one);
    rc = target_check_rules(target, &rules, via, why, sizeof(why));
    if (rc != DFOTA_OK && f)
        snprintf(s->error, sizeof(s->error), "%s: %s", f->name, why);
    else if (rc != DFOTA_OK)
        snprintf(s->error, sizeof(s->error), "%s", why);
    if (rc == DFOTA_OK && target && strlen(target) > FSM_TARGET_MAX) { /* the rules say more */
        snprintf(s->error, sizeof(s->error),
                 "target: %u bytes, this build takes at most %d (DFOTA_URL_MAX)",
                 (unsigned)strlen(target), FSM_TARGET_MAX);
        rc = DFOTA_ERR_INVALID;
    }
    return rc;
}

static int session_start(struct dfota *s, const char *target)
{
    enum dfota_via via;

    if (s->started)
        return DFOTA_ERR_STATE;
    if (session_check_target(s, target, &via) != DFOTA_OK) {
        session_note(s, DFOTA_LOG_ERROR, "invalid target: %s", s->error);
        return DFOTA_ERR_INVALID;
    }
    session_note(s, DFOTA_LOG_INFO, "upgrading from %s", target);
    return session_begin(s, FSM_MODE_UPGRADE, target, via);
}

int dfota_start(struct dfota *s, const char *target)
{
    if (!s)
        return DFOTA_ERR_INVALID;
    session_enter(s);
    return session_leave(s, session_start(s, target));
}

#if DFOTA_WITH_UPLOAD
/* AT+QFUPL's timeout when the user sets none: long enough for a slow host, short enough
 * that a module whose upload was cancelled answers AT again soon. */
#define SESSION_UPLOAD_TIMEOUT_S 10

static int session_start_upload(struct dfota *s, const struct dfota_package *pkg,
                                enum fsm_mode mode)
{
    struct fsm_upload_job job;
    uint32_t timeout = s->cfg.upload_timeout_s ? s->cfg.upload_timeout_s : SESSION_UPLOAD_TIMEOUT_S;

    if (s->started)
        return DFOTA_ERR_STATE;
    memset(&job, 0, sizeof(job));
    job.module_timeout_s = (uint16_t)(timeout > 65535 ? 65535 : timeout);
    job.no_ack = s->cfg.upload_no_ack;
    package_close(&s->pkg);
    if (package_open(&s->pkg, pkg, &job, s->error, sizeof(s->error)) != DFOTA_OK) {
        session_note(s, DFOTA_LOG_ERROR, "invalid package: %s", s->error);
        return DFOTA_ERR_INVALID;
    }
    fsm_set_upload(&s->fota, &job);
    session_note(s, DFOTA_LOG_INFO, "uploading %zu bytes as %s", job.size, job.name);
    return session_begin(s, mode, NULL, DFOTA_VIA_FILE);
}
#endif

static int session_upload_call(struct dfota *s, const struct dfota_package *pkg, enum fsm_mode mode)
{
#if DFOTA_WITH_UPLOAD
    return session_start_upload(s, pkg, mode);
#else
    (void)pkg;
    (void)mode;
    snprintf(s->error, sizeof(s->error), "built without the upload (DFOTA_WITH_UPLOAD=0)");
    return DFOTA_ERR_INVALID;
#endif
}

int dfota_start_upload(struct dfota *s, const struct dfota_package *pkg)
{
    if (!s)
        return DFOTA_ERR_INVALID;
    session_enter(s);
    return session_leave(s, session_upload_call(s, pkg, FSM_MODE_UPGRADE_UPLOAD));
}

int dfota_upload(struct dfota *s, const struct dfota_package *pkg)
{
    if (!s)
        return DFOTA_ERR_INVALID;
    session_enter(s);
    return session_leave(s, session_upload_call(s, pkg, FSM_MODE_UPLOAD));
}

int dfota_watch(struct dfota *s)
{
    if (!s)
        return DFOTA_ERR_INVALID;
    session_enter(s);
    return session_leave(s, session_begin(s, FSM_MODE_WATCH, NULL, DFOTA_VIA_NONE));
}

int dfota_info(struct dfota *s)
{
    if (!s)
        return DFOTA_ERR_INVALID;
    session_enter(s);
    return session_leave(s, session_begin(s, FSM_MODE_INFO, NULL, DFOTA_VIA_NONE));
}

void dfota_close(struct dfota *s)
{
    if (!s)
        return;
    if (s->depth > 0) { /* from a callback: freed when the library call returns */
        s->close_pending = true;
        return;
    }
    session_free(s);
}
