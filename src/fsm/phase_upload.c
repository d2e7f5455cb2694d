/* The upload phase: the package from the host into the module's file system, where the
 * family keeps local packages (upload.c runs the dialogue). On success the target of the
 * command phase is that local path. */
#include <stdio.h>
#include <string.h>

#include "fsm/phases.h"

#if DFOTA_WITH_UPLOAD

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

static void upload_phase_end(struct fsm *m, const struct upload_out *out)
{
    char sum[8];

    snprintf(sum, sizeof(sum), "%x", (unsigned)out->checksum);
    core_emit_bytes(&m->core, DFOTA_EVENT_UPLOAD_END, -1, out->bytes, out->ok, sum);
}

/* Carries out what the upload asks, until it waits for the module or is over. */
static enum fsm_verdict upload_phase_pump(struct fsm *m)
{
    struct upload_out out;
    char text[CORE_DONE_MAX];

    while (upload_next_output(&m->own.up, &out)) {
        switch (out.kind) {
        case UPLOAD_OUT_SEND:
            core_send_cmd(&m->core, &out.cmd);
            break;
        case UPLOAD_OUT_PROGRESS:
            core_emit_bytes(&m->core, DFOTA_EVENT_UPLOAD_PROGRESS, (int)out.percent, out.bytes,
                            false, NULL);
            break;
        case UPLOAD_OUT_END:
            upload_phase_end(m, &out);
            break;
        case UPLOAD_OUT_DONE:
            if (out.verdict == UPLOAD_OK)
                return FSM_NEXT;
            snprintf(text, sizeof(text), "upload failed: %s", out.text);
            core_finish(&m->core, upload_phase_result(out.verdict), out.code, text);
            return FSM_DONE;
        }
    }
    return FSM_STAY;
}

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
    return m->set.ufs_prefix[0] ? m->set.ufs_prefix : m->family->local_prefixes[0];
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
    upload_begin(&m->own.up);
    return upload_phase_pump(m);
}

static void upload_phase_line(struct fsm *m, const char *line)
{
    upload_on_response(&m->own.up, line);
}

static enum fsm_verdict upload_phase_answer(struct fsm *m, enum at_result result, int code,
                                            uint32_t now)
{
    (void)now;
    upload_on_result(&m->own.up, result, code);
    return upload_phase_pump(m);
}

static enum fsm_verdict upload_phase_port(struct fsm *m, bool lost, uint32_t now)
{
    (void)now;
    if (!lost)
        return FSM_STAY;
    upload_on_result(&m->own.up, AT_RESULT_HANGUP, -1);
    return upload_phase_pump(m);
}

/* The transfer runs inside the AT engine (its raw callbacks read the package): the
 * progress it made since comes out here, not only with the command's final answer. */
static enum fsm_verdict upload_phase_tick(struct fsm *m, uint32_t now)
{
    (void)now;
    return upload_phase_pump(m);
}

const struct fsm_phase phase_upload = {
    .enter = upload_phase_enter,
    .on_line = upload_phase_line,
    .on_answer = upload_phase_answer,
    .on_port = upload_phase_port,
    .on_tick = upload_phase_tick,
};

#endif
