/* The upload phase: the package from the host into the module's file system, where the
 * family keeps local packages, as rows of the runner around the transfer (upload.c: the
 * transfer itself, its verdicts and their words). On success the target of the command
 * phase is that local path. */
#include <stdio.h>
#include <string.h>

#include "at/fields.h"
#include "fsm/phases.h"

#if DFOTA_WITH_UPLOAD

_Static_assert(FSM_SHORT_MAX > UPLOAD_CMD_MAX, "AT+QFUPL is built into the short commands' room");
_Static_assert(UPLOAD_ATTEMPTS == 2, "the rows hold the first upload and one retry");

/* What an upload's failure is, as a session result. */
static int upload_phase_result(enum upload_verdict v)
{
    switch (v) {
    case UPLOAD_TIMEOUT:
        return DFOTA_ERR_TIMEOUT;
    case UPLOAD_PORT:
        return DFOTA_ERR_PORT;
    case UPLOAD_CANCELLED:
        return DFOTA_ERR_CANCELLED;
    default:
        return DFOTA_ERR_UPLOAD;
    }
}

/* The transfer's progress made inside the AT engine since it was last told. */
static void upload_phase_progress(struct fsm *m)
{
    if (upload_take_progress(&m->own.up))
        core_emit_bytes(&m->core, DFOTA_EVENT_UPLOAD_PROGRESS, m->own.up.last_percent,
                        m->own.up.sent, false, NULL);
}

/* An attempt's end: the module's count (else what was sent) and our checksum. */
static void upload_phase_end(struct fsm *m)
{
    const struct upload *u = &m->own.up;
    char sum[8];

    snprintf(sum, sizeof(sum), "%x", (unsigned)qfupl_sum_value(&u->sum));
    core_emit_bytes(&m->core, DFOTA_EVENT_UPLOAD_END, -1, u->have_count ? u->module_count : u->sent,
                    u->verdict == UPLOAD_OK, sum);
}

/* The session ends with the upload's verdict in words; the row's command is the one whose
 * answer (or silence, or lost port) it comes from. */
static enum runner_verdict upload_phase_finish(struct fsm *m)
{
    const struct runner_row *row = runner_current(m);
    char text[CORE_DONE_MAX];
    int n = snprintf(text, sizeof(text), "upload failed: ");

    upload_text(&m->own.up, row->command ? row->command : m->run.text, text + n, UPLOAD_TEXT_MAX);
    core_finish(&m->core, upload_phase_result((enum upload_verdict)m->own.up.verdict),
                m->own.up.code, text);
    return RUNNER_STOP;
}

/* On to the next row that applies while the verdict is open, or is a success, or waits
 * for the partial file's delete; else the verdict is out. */
static enum runner_verdict upload_phase_go(struct fsm *m)
{
    if (m->own.up.verdict == UPLOAD_RUNNING || m->own.up.verdict == UPLOAD_OK || m->own.up.cleanup)
        return RUNNER_GO;
    return upload_phase_finish(m);
}

/* ---- the rows' lines and judges ---------------------------------------------------------- */

/* "+QFLDS: <free>,<total>" */
static void upload_phase_space_line(struct fsm *m, const char *line)
{
    struct fields it;
    uint32_t free_bytes, total;

    fields_start(&it, line);
    if (fields_after(&it, "+QFLDS") && fields_next_number(&it, UINT32_MAX, &free_bytes) &&
        fields_next_number(&it, UINT32_MAX, &total)) {
        m->own.up.ufs_free = free_bytes;
        m->own.up.ufs_total = total;
        m->own.up.have_space = true;
    }
}

static enum runner_verdict upload_phase_space_judge(struct fsm *m, enum at_result r, int code,
                                                    bool last)
{
    (void)last;
    if (!upload_stops(&m->own.up, r) && (r != AT_RESULT_OK || !m->own.up.have_space))
        upload_end(&m->own.up, UPLOAD_REFUSED, r, r == AT_RESULT_OK ? -1 : code);
    return upload_phase_go(m);
}

/* The package does not fit the free space: a stale file of its name may hold the rest. */
static bool upload_phase_short_of_space(const struct fsm *m, const struct runner_row *row)
{
    (void)row;
    return (uint64_t)m->own.up.p.size > m->own.up.ufs_free;
}

static enum runner_build upload_phase_build_list(struct fsm *m, const struct runner_row *row,
                                                 char *out, size_t size)
{
    (void)row;
    snprintf(out, size, "AT+QFLST=\"%s\"", m->own.up.p.name);
    return RUNNER_BUILT;
}

/* "+QFLST: "UFS:<name>",<size>" (or without "UFS:"): the stale file's size. */
static void upload_phase_list_line(struct fsm *m, const char *line)
{
    struct fields it;
    struct fields_span name;
    uint32_t size;

    fields_start(&it, line);
    if (!fields_after(&it, "+QFLST"))
        return;
    name = fields_next(&it);
    if (fields_starts_nocase(name.begin, "UFS:") && name.end - name.begin >= 4)
        name.begin += 4;
    if (fields_is(name, m->own.up.p.name) && fields_next_number(&it, UINT32_MAX, &size))
        m->own.up.stale_size = (size_t)size;
}

static enum runner_verdict upload_phase_list_judge(struct fsm *m, enum at_result r, int code,
                                                   bool last)
{
    const struct upload *u = &m->own.up;
    bool fits = r == AT_RESULT_OK && u->stale_size > 0 &&
                (uint64_t)u->p.size <= (uint64_t)u->ufs_free + u->stale_size;

    (void)code;
    (void)last;
    if (!upload_stops(&m->own.up, r) && !fits)
        upload_end(&m->own.up, UPLOAD_NO_SPACE, r, -1);
    return upload_phase_go(m);
}

static enum runner_build upload_phase_build_delete(struct fsm *m, const struct runner_row *row,
                                                   char *out, size_t size)
{
    (void)row;
    snprintf(out, size, "AT+QFDEL=\"%s\"", m->own.up.p.name);
    return RUNNER_BUILT;
}

/* Before an upload: an error to AT+QFDEL (no such file) is fine. */
static enum runner_verdict upload_phase_delete_judge(struct fsm *m, enum at_result r, int code,
                                                     bool last)
{
    (void)code;
    (void)last;
    (void)upload_stops(&m->own.up, r);
    return upload_phase_go(m);
}

/* AT+QFUPL goes out whole: the runner's line holds its text, the raw transfer its data. */
static enum runner_build upload_phase_send_file(struct fsm *m, const struct runner_row *row,
                                                char *out, size_t size)
{
    struct at_cmd cmd;

    (void)row;
    upload_attempt(&m->own.up, out, size, &cmd);
    core_send_cmd(&m->core, &cmd);
    /* Until it answers, the module takes what comes as the file's data. */
    m->clean.quiet_ms = (uint32_t)m->job.module_timeout_s * 1000u + m->timing.command_ms;
    return RUNNER_SENT;
}

static void upload_phase_count_line(struct fsm *m, const char *line)
{
    upload_read_count(&m->own.up, line);
}

static enum runner_verdict upload_phase_file_judge(struct fsm *m, enum at_result r, int code,
                                                   bool last)
{
    (void)last;
    m->clean.quiet_ms = 0;    /* the transfer is over */
    upload_phase_progress(m); /* the last of it comes before the attempt's end */
    if (upload_answer(&m->own.up, r, code))
        upload_phase_end(m);
    return upload_phase_go(m);
}

/* The first attempt's file did not match: it goes, and the upload runs once more. */
static bool upload_phase_again(const struct fsm *m, const struct runner_row *row)
{
    (void)row;
    return m->own.up.verdict == UPLOAD_RUNNING;
}

static bool upload_phase_left_a_file(const struct fsm *m, const struct runner_row *row)
{
    (void)row;
    return m->own.up.cleanup;
}

/* The partial file's delete, whatever it answers: the verdict waited for it. */
static enum runner_verdict upload_phase_cleanup_judge(struct fsm *m, enum at_result r, int code,
                                                      bool last)
{
    (void)code;
    (void)last;
    m->own.up.deleted = (uint8_t)r;
    return upload_phase_finish(m);
}

#define UPLOAD_PHASE_DELETE(when, judged)                                                          \
    {                                                                                              \
        .applies = when, .build = upload_phase_build_delete, .judge = judged                       \
    }
#define UPLOAD_PHASE_FILE(when)                                                                    \
    {                                                                                              \
        .applies = when, .build = upload_phase_send_file, .line = upload_phase_count_line,         \
        .judge = upload_phase_file_judge                                                           \
    }

/* The free space, and a stale file's size where it holds the missing space; the stale
 * file deleted; the upload, and after a mismatch its file deleted and the upload once
 * more (UPLOAD_ATTEMPTS); what a failed transfer left deleted before the verdict. */
static const struct runner_row upload_phase_rows[] = {
    {.command = "AT+QFLDS=\"UFS\"",
     .resp = AT_RESP_PREFIX,
     .prefix = "+QFLDS:",
     .line = upload_phase_space_line,
     .judge = upload_phase_space_judge},
    {.resp = AT_RESP_PREFIX,
     .prefix = "+QFLST:",
     .applies = upload_phase_short_of_space,
     .build = upload_phase_build_list,
     .line = upload_phase_list_line,
     .judge = upload_phase_list_judge},
    UPLOAD_PHASE_DELETE(NULL, upload_phase_delete_judge), /* a stale file */
    UPLOAD_PHASE_FILE(NULL),
    UPLOAD_PHASE_DELETE(upload_phase_again, upload_phase_delete_judge), /* the bad file */
    UPLOAD_PHASE_FILE(upload_phase_again),
    UPLOAD_PHASE_DELETE(upload_phase_left_a_file, upload_phase_cleanup_judge), /* a partial one */
};

/* ---- the phase ---------------------------------------------------------------------------- */

static enum fsm_verdict upload_phase_refuse(struct fsm *m, const char *why)
{
    char text[CORE_DONE_MAX];

    snprintf(text, sizeof(text), "%s: %s", m->family->name, why);
    core_finish(&m->core, DFOTA_ERR_INVALID, -1, text);
    return FSM_DONE;
}

/* Where the package goes: the user's prefix, else the family's first. */
static const char *upload_phase_prefix(const struct fsm *m)
{
    const char *prefix = m->set.ufs_prefix;

    return prefix && prefix[0] ? prefix : m->family->local_prefixes[0];
}

static enum fsm_verdict upload_phase_enter(struct fsm *m, uint32_t now)
{
    struct upload_params p;
    char why[CORE_TEXT_MAX];

    (void)now;
    core_set_phase(&m->core, DFOTA_PHASE_UPLOADING);
    if (m->family->local_form == FAMILY_LOCAL_FIXED)
        return upload_phase_refuse(m, "its one local package is at a fixed place, no upload");
    if (upload_name_local_path(upload_phase_prefix(m), m->job.name, fsm_target(m),
                               FSM_TARGET_MAX + 1, why, sizeof(why)) != 0)
        return upload_phase_refuse(m, why);
    memset(&p, 0, sizeof(p));
    p.name = m->job.name;
    p.size = m->job.size;
    p.read = m->job.read;
    p.read_user = m->job.read_user;
    p.module_timeout_s = m->job.module_timeout_s;
    p.command_ms = m->timing.command_ms;
    p.ack_block = m->job.no_ack ? 0 : UPLOAD_ACK_BLOCK;
    if (upload_init(&m->own.up, &p, why, sizeof(why)) != 0)
        return upload_phase_refuse(m, why);
    return runner_start(m, upload_phase_rows,
                        sizeof(upload_phase_rows) / sizeof(upload_phase_rows[0]), NULL);
}

/* The port went: the row in flight hears it as its answer. */
static enum fsm_verdict upload_phase_port(struct fsm *m, bool lost, uint32_t now)
{
    if (!lost)
        return FSM_STAY;
    return runner_on_answer(m, AT_RESULT_HANGUP, -1, now);
}

/* The transfer runs inside the AT engine (its raw callbacks read the package): the
 * progress it made since comes out here, not only with the command's final answer. */
static enum fsm_verdict upload_phase_tick(struct fsm *m, uint32_t now)
{
    (void)now;
    upload_phase_progress(m);
    return FSM_STAY;
}

const struct fsm_phase phase_upload = {
    .enter = upload_phase_enter,
    .on_port = upload_phase_port,
    .on_tick = upload_phase_tick,
};

#endif
