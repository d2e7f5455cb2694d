/* The upload phase (src/fsm/phase_upload.c: rows of the runner around the transfer of
 * src/upload/upload.c) with the real AT engine on the fake port and the fake clock,
 * against a scripted module file system with every fault (fake_ufs). The machine runs the
 * upload mode's plan: the identification before the upload is answered OK at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at.h"
#include "fake_port.h"
#include "fake_ufs.h"
#include "fsm/fsm.h"

#define PAYLOAD_MAX 8192
#define NAME "pkg.bin"
#define TIMEOUT_S 5
#define COMMAND_MS 3000
#define FAILED "upload failed: "

/* The upload's verdict, its code and its words, as the session's end gives them. */
struct rig_done {
    enum upload_verdict verdict;
    int code;
    char text[CORE_DONE_MAX];
};

struct rig {
    struct fake_port fp;
    struct fake_ufs mod;
    fake_responder ufs_respond;
    bool ufs_silent; /* the file commands get no answer at all */
    struct at_engine at;
    struct fsm m;
    uint8_t payload[PAYLOAD_MAX];
    size_t size;
    /* source faults */
    size_t changed_at; /* SIZE_MAX: never */
    size_t error_at;
    size_t cancel_at; /* cancel once progress reaches this many bytes; SIZE_MAX: never */
    bool hangup_at_cancel;
    /* what came out */
    int progress_count;
    size_t last_bytes;
    unsigned last_percent;
    char ends[256];
    struct rig_done done;
    int done_count;
    uint64_t done_at;
    char urcs[256];
};

static enum upload_source_status rig_read(void *user, size_t offset, uint8_t *buf, size_t len,
                                          size_t *got)
{
    struct rig *r = user;

    assert_true(offset < r->size);
    if (offset >= r->changed_at)
        return UPLOAD_SOURCE_CHANGED;
    if (offset >= r->error_at)
        return UPLOAD_SOURCE_ERROR;
    *got = r->size - offset < len ? r->size - offset : len;
    memcpy(buf, r->payload + offset, *got);
    return UPLOAD_SOURCE_OK;
}

static int rig_write(void *user, const uint8_t *buf, size_t len)
{
    struct rig *r = user;
    return fake_port_ops.write(&r->fp, buf, len, 1000);
}

static void rig_response(void *user, const char *line)
{
    struct rig *r = user;
    fsm_on_response(&r->m, line);
}

static void rig_final(void *user, enum at_result result, int code)
{
    struct rig *r = user;
    fsm_on_result(&r->m, result, code, (uint32_t)r->fp.now);
}

static void rig_urc(void *user, const char *line)
{
    struct rig *r = user;
    size_t used = strlen(r->urcs);
    snprintf(r->urcs + used, sizeof(r->urcs) - used, "%s|", line);
}

/* The module: its file system hears the file commands and the transfer; anything else
 * (the identification) is answered OK. */
static void rig_respond(struct fake_port *fp, const char *data, size_t len, void *user)
{
    struct rig *r = user;

    if (ufs_model_takes_input(&r->mod.model) || (len >= 5 && memcmp(data, "AT+QF", 5) == 0)) {
        if (!r->ufs_silent)
            r->ufs_respond(fp, data, len, &r->mod);
    } else {
        fake_port_push(fp, "\r\nOK\r\n");
    }
}

static struct rig *rig_new(size_t size, uint64_t free_bytes, size_t ack_block)
{
    struct rig *r = calloc(1, sizeof(*r));
    struct at_callbacks cb = {rig_write, rig_response, rig_final, rig_urc, NULL, r};
    struct fsm_settings set;
    struct fsm_upload_job job;
    struct upload_params p = {NAME, size, rig_read, r, TIMEOUT_S, COMMAND_MS, ack_block};
    struct upload probe;
    char msg[128];

    assert_true(size <= PAYLOAD_MAX);
    for (size_t i = 0; i < size; i++)
        r->payload[i] = (uint8_t)(i * 7 + i / 251);
    r->size = size;
    r->changed_at = r->error_at = r->cancel_at = SIZE_MAX;
    fake_port_init(&r->fp);
    assert_int_equal(fake_port_ops.open(&r->fp), DFOTA_PORT_OK);
    fake_ufs_init(&r->mod, &r->fp, free_bytes, 1u << 20);
    r->ufs_respond = r->fp.responder;
    r->fp.responder = rig_respond;
    r->fp.responder_user = r;
    at_init(&r->at, &cb);
    memset(&set, 0, sizeof(set));
    set.timing.command_ms = COMMAND_MS;
    fsm_init(&r->m, &set);
    memset(&job, 0, sizeof(job));
    snprintf(job.name, sizeof(job.name), "%s", NAME);
    job.size = size;
    job.read = rig_read;
    job.read_user = r;
    job.module_timeout_s = TIMEOUT_S;
    job.no_ack = ack_block == 0;
    fsm_set_upload(&r->m, &job);
    /* what the phase makes of the job and the machine's timing is an upload it takes */
    assert_int_equal(upload_init(&probe, &p, msg, sizeof(msg)), 0);
    return r;
}

static void rig_port_lost(struct rig *r)
{
    at_port_lost(&r->at);
    fsm_on_port_lost(&r->m, (uint32_t)r->fp.now);
}

static void rig_progress(struct rig *r, const struct dfota_event *e)
{
    /* progress never goes backwards within an attempt, and never past the size */
    assert_true(e->bytes <= r->size);
    assert_int_equal(e->percent, (unsigned)(e->bytes * 100 / r->size));
    r->progress_count++;
    r->last_bytes = (size_t)e->bytes;
    r->last_percent = (unsigned)e->percent;
    if (e->bytes >= r->cancel_at) {
        r->cancel_at = SIZE_MAX;
        upload_cancel(&r->m.own.up);
        if (r->hangup_at_cancel)
            rig_port_lost(r);
    }
}

/* The verdict: a success's words are the upload's own (the session says where the file
 * went), a failure's follow "upload failed: " in the session's end. */
static void rig_done(struct rig *r, const struct dfota_event *e)
{
    r->done.verdict = (enum upload_verdict)r->m.own.up.verdict;
    r->done.code = e->code;
    if (r->done.verdict == UPLOAD_OK) {
        assert_int_equal(e->result, DFOTA_OK);
        upload_text(&r->m.own.up, "", r->done.text, sizeof(r->done.text));
    } else {
        assert_memory_equal(e->text, FAILED, strlen(FAILED));
        snprintf(r->done.text, sizeof(r->done.text), "%s", e->text + strlen(FAILED));
    }
    r->done_count++;
    r->done_at = r->fp.now;
}

static void rig_output(struct rig *r, const struct core_out *out)
{
    const struct dfota_event *e = &out->event;
    size_t used = strlen(r->ends);

    switch (out->kind) {
    case CORE_OUT_SEND:
        if (at_send(&r->at, &out->u.cmd, (uint32_t)r->fp.now) != DFOTA_OK)
            rig_port_lost(r);
        break;
    case CORE_OUT_EVENT:
        if (e->type == DFOTA_EVENT_UPLOAD_PROGRESS)
            rig_progress(r, e);
        else if (e->type == DFOTA_EVENT_UPLOAD_END) /* the text: our checksum in hex */
            snprintf(r->ends + used, sizeof(r->ends) - used, "%llu,%s,%s|",
                     (unsigned long long)e->bytes, e->text, e->ok ? "ok" : "bad");
        break;
    case CORE_OUT_DONE:
        rig_done(r, e);
        break;
    case CORE_OUT_REOPEN:
    case CORE_OUT_WARN:
        break;
    }
}

static void rig_drain(struct rig *r)
{
    struct core_out out;

    while (fsm_next_output(&r->m, &out))
        rig_output(r, &out);
}

/* Runs the plan to its verdict: outputs, the port's bytes, and time, which jumps to the
 * next deadline (the engine's, the machine's or the module's) when nothing comes. */
static void rig_run(struct rig *r)
{
    struct core_out out;
    uint8_t buf[512];

    fsm_begin(&r->m, FSM_MODE_UPLOAD, NULL, false, DFOTA_VIA_NONE, (uint32_t)r->fp.now);
    for (int guard = 0; guard < 100000; guard++) {
        rig_drain(r);
        if (fsm_done(&r->m))
            break;
        int n = fake_port_ops.read(&r->fp, buf, sizeof(buf));
        if (n > 0) {
            at_feed(&r->at, buf, (size_t)n, (uint32_t)r->fp.now);
            fsm_on_tick(&r->m, (uint32_t)r->fp.now); /* the transfer's progress */
            continue;
        }
        /* the engine's time is 32 bits (at.h), the fake module's the clock's 64 */
        uint64_t next = at_deadline(&r->at) == AT_NEVER ? UINT64_MAX : at_deadline(&r->at);
        if (fsm_deadline(&r->m) != AT_NEVER && fsm_deadline(&r->m) < next)
            next = fsm_deadline(&r->m);
        if (fake_ufs_deadline(&r->mod) < next)
            next = fake_ufs_deadline(&r->mod);
        assert_true(next != UINT64_MAX);
        if (next > r->fp.now)
            fake_port_ops.wait(&r->fp, (uint32_t)(next - r->fp.now));
        fake_ufs_tick(&r->mod);
        at_tick(&r->at, (uint32_t)r->fp.now);
        fsm_on_tick(&r->m, (uint32_t)r->fp.now);
    }
    assert_true(fsm_done(&r->m));
    assert_int_not_equal(r->m.own.up.verdict, UPLOAD_RUNNING);
    assert_int_equal(r->done_count, 1);
    if (getenv("UPLOAD_TRACE"))
        fprintf(stderr, "verdict %s: %s\nlog %s\nends %s\n", upload_verdict_name(r->done.verdict),
                r->done.text, r->mod.log, r->ends);
    assert_false(fsm_next_output(&r->m, &out));
    assert_false(at_busy(&r->at));
}

static uint16_t rig_sum(const struct rig *r)
{
    return ufs_model_checksum(r->payload, r->size, 0, 0);
}

#define QFLDS "AT+QFLDS=\"UFS\"|"
#define QFLST "AT+QFLST=\"" NAME "\"|"
#define QFDEL "AT+QFDEL=\"" NAME "\"|"
#define QFUPL(size) "AT+QFUPL=\"" NAME "\"," #size ",5,1|"

static void assert_file(const struct rig *r, bool present)
{
    const struct ufs_model_file *f = ufs_model_find(&r->mod.model, NAME);

    if (!present) {
        assert_null(f);
        return;
    }
    assert_non_null(f);
    assert_int_equal(f->size, r->size);
    assert_int_equal(f->sum, rig_sum(r));
}

static void test_success(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);
    char end[64];

    (void)state;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_OK);
    assert_int_equal(r->done.code, -1);
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000));
    snprintf(end, sizeof(end), "5000,%x,ok|", rig_sum(r));
    assert_string_equal(r->ends, end);
    assert_int_equal(r->last_bytes, 5000);
    assert_int_equal(r->last_percent, 100);
    assert_true(r->progress_count >= 5); /* one per ack block at least */
    assert_file(r, true);
    assert_int_equal(r->mod.model.free_bytes, 100000 - 5000);
    assert_non_null(strstr(r->done.text, "uploaded 5000 bytes as pkg.bin"));
    free(r);
}

/* A size of whole blocks: the last block is acknowledged too. */
static void test_success_exact_blocks(void **state)
{
    struct rig *r = rig_new(4096, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_OK);
    assert_file(r, true);
    free(r);
}

/* Ack mode off: AT+QFUPL ends with ",0" and the package goes out in one stream. */
static void test_success_ack_mode_off(void **state)
{
    struct rig *r = rig_new(3000, 100000, 0);

    (void)state;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_OK);
    assert_string_equal(r->mod.log, QFLDS QFDEL "AT+QFUPL=\"" NAME "\",3000,5,0|");
    assert_file(r, true);
    free(r);
}

/* A stale file of the same name is deleted first. */
static void test_stale_file_deleted(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    assert_true(ufs_model_add(&r->mod.model, NAME, 1234, false));
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_OK);
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000));
    assert_file(r, true);
    free(r);
}

/* An existing file that cannot be deleted: AT+QFUPL answers +CME ERROR: 407. */
static void test_existing_file_407(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);
    const struct ufs_model_file *f;

    (void)state;
    assert_true(ufs_model_add(&r->mod.model, NAME, 1234, true));
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_REFUSED);
    assert_int_equal(r->done.code, 407);
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000));
    assert_non_null(strstr(r->done.text, "+CME ERROR: 407"));
    assert_non_null(strstr(r->done.text, "exists"));
    assert_int_equal(r->mod.model.data_bytes, 0);
    f = ufs_model_find(&r->mod.model, NAME);
    assert_non_null(f);
    assert_int_equal(f->size, 1234); /* someone else's file: left alone */
    free(r);
}

/* Too little space: refused before anything is written. */
static void test_no_space(void **state)
{
    struct rig *r = rig_new(5000, 4999, UPLOAD_ACK_BLOCK);

    (void)state;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_NO_SPACE);
    assert_string_equal(r->mod.log, QFLDS QFLST);
    assert_int_equal(r->mod.model.data_bytes, 0);
    assert_non_null(strstr(r->done.text, "needs 5000 bytes, 4999 of 1048576 are free"));
    assert_string_equal(r->ends, "");
    free(r);
}

/* Too little free space, but a stale file of the same name holds the rest. */
static void test_space_held_by_stale_file(void **state)
{
    struct rig *r = rig_new(5000, 6000, UPLOAD_ACK_BLOCK);

    (void)state;
    assert_true(ufs_model_add(&r->mod.model, NAME, 3000, false)); /* 3000 free now */
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_OK);
    assert_string_equal(r->mod.log, QFLDS QFLST QFDEL QFUPL(5000));
    assert_file(r, true);
    free(r);
}

/* A wrong checksum once: the file is deleted and the second upload succeeds. */
static void test_checksum_wrong_once(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);
    char ends[64];

    (void)state;
    r->mod.model.fault = UFS_MODEL_FAULT_SUM_ONCE;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_OK);
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000) QFDEL QFUPL(5000));
    snprintf(ends, sizeof(ends), "5000,%x,bad|5000,%x,ok|", rig_sum(r), rig_sum(r));
    assert_string_equal(r->ends, ends);
    assert_file(r, true);
    free(r);
}

/* A wrong checksum always: two attempts, the bad file deleted, the verdict. */
static void test_checksum_wrong_always(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);
    char expect[96], ours[8], theirs[8];

    (void)state;
    r->mod.model.fault = UFS_MODEL_FAULT_SUM_ALWAYS;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_CHECKSUM);
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000) QFDEL QFUPL(5000) QFDEL);
    qfupl_sum_format(rig_sum(r), ours);
    qfupl_sum_format((uint16_t)(rig_sum(r) ^ 0x0101), theirs);
    snprintf(expect, sizeof(expect), "checksum mismatch twice: sent %s, the module computed %s",
             ours, theirs);
    assert_string_equal(r->done.text, expect);
    assert_file(r, false);
    assert_int_equal(r->mod.model.free_bytes, 100000);
    free(r);
}

/* A short count once: retried; always: the verdict, nothing left on the module. */
static void test_short_count_once(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    r->mod.model.fault = UFS_MODEL_FAULT_SHORT_ONCE;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_OK);
    assert_non_null(strstr(r->ends, "4999,"));
    assert_file(r, true);
    free(r);
}

static void test_short_count_always(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    r->mod.model.fault = UFS_MODEL_FAULT_SHORT_ALWAYS;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_SHORT);
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000) QFDEL QFUPL(5000) QFDEL);
    assert_string_equal(r->done.text, "short count twice: the module stored 4999 of 5000 bytes");
    assert_file(r, false);
    free(r);
}

/* +CME ERROR mid-transfer ends the upload at once (no waiting for a timeout), and the
 * partial file is deleted. */
static void test_cme_error_mid_transfer(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    r->mod.model.fault = UFS_MODEL_FAULT_CME_AT;
    r->mod.model.fault_at = 2100;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_REFUSED);
    assert_int_equal(r->done.code, 409);
    assert_int_equal(r->done_at, 0);       /* the fake clock never moved */
    assert_int_equal(r->last_bytes, 3072); /* the block in flight, no more */
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000) QFDEL);
    assert_string_equal(r->done.text,
                        "the module ended the upload after 3072 of 5000 bytes (+CME ERROR: 409)");
    assert_file(r, false);
    assert_int_equal(r->mod.model.free_bytes, 100000);
    free(r);
}

/* A module that stops acknowledging: the engine's deadline (the module's data timeout
 * plus the command time) ends it; the partial file is deleted. */
static void test_module_stops_acknowledging(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    r->mod.model.fault = UFS_MODEL_FAULT_STOP_ACK;
    r->mod.model.fault_at = 2;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_TIMEOUT);
    assert_int_equal(r->done_at, TIMEOUT_S * 1000 + COMMAND_MS);
    assert_string_equal(r->done.text, "the module stopped acknowledging after 3072 of 5000 bytes");
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000) QFDEL);
    assert_file(r, false);
    free(r);
}

/* The package changes size while it is read: nothing more goes out, the module times
 * out its transfer, the partial file is deleted. */
static void test_source_changes_size(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    r->changed_at = 3072;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_SOURCE);
    assert_int_equal(r->mod.model.data_bytes, 3072);
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000) QFDEL);
    assert_string_equal(r->done.text,
                        "the package changed size while it was read (after 3072 of 5000 bytes)");
    assert_file(r, false);
    assert_int_equal(r->done_at, TIMEOUT_S * 1000); /* the module's own timeout ended it */
    free(r);
}

static void test_source_read_error(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    r->error_at = 1024;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_SOURCE);
    assert_string_equal(r->done.text, "the package could not be read after 1024 of 5000 bytes");
    assert_file(r, false);
    free(r);
}

/* A cancel mid-transfer: no more data, the module times out, the partial file goes. */
static void test_cancel_mid_transfer(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    r->cancel_at = 2048;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_CANCELLED);
    assert_int_equal(r->mod.model.data_bytes, 2048);
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000) QFDEL);
    assert_file(r, false);
    free(r);
}

/* The machine's next command or its end: the events between are not this test's. */
static void rig_next(struct rig *r, struct core_out *out)
{
    while (fsm_next_output(&r->m, out)) {
        if (out->kind == CORE_OUT_SEND || out->kind == CORE_OUT_DONE)
            return;
    }
    fail_msg("no command and no end");
}

/* A cancel before the transfer: nothing is written. */
static void test_cancel_before_transfer(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);
    struct core_out out;

    (void)state;
    fsm_begin(&r->m, FSM_MODE_UPLOAD, NULL, false, DFOTA_VIA_NONE, 0);
    for (int i = 0; i < 4; i++) { /* AT, ATE0, ATI, AT+QGMR: the module as it is */
        rig_next(r, &out);
        fsm_on_result(&r->m, AT_RESULT_OK, -1, 0);
    }
    rig_next(r, &out);
    assert_int_equal(out.kind, CORE_OUT_SEND);
    assert_string_equal(out.u.cmd.text, "AT+QFLDS=\"UFS\"");
    upload_cancel(&r->m.own.up);
    fsm_on_response(&r->m, "+QFLDS: 100000,1048576");
    fsm_on_result(&r->m, AT_RESULT_OK, -1, 0);
    rig_next(r, &out);
    assert_int_equal(out.kind, CORE_OUT_DONE);
    assert_int_equal(r->m.own.up.verdict, UPLOAD_CANCELLED);
    assert_int_equal(out.event.result, DFOTA_ERR_CANCELLED);
    assert_string_equal(out.event.text, FAILED "cancelled before anything was written");
    free(r);
}

/* The port goes away mid-transfer: the verdict at once, no cleanup possible. */
static void test_port_lost_mid_transfer(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    r->cancel_at = 1024;
    r->hangup_at_cancel = true;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_PORT);
    assert_string_equal(r->mod.log, QFLDS QFDEL QFUPL(5000));
    free(r);
}

/* A module that never answers AT+QFLDS. */
static void test_no_answer(void **state)
{
    struct rig *r = rig_new(5000, 100000, UPLOAD_ACK_BLOCK);

    (void)state;
    r->ufs_silent = true;
    rig_run(r);
    assert_int_equal(r->done.verdict, UPLOAD_TIMEOUT);
    assert_int_equal(r->done_at, COMMAND_MS);
    assert_string_equal(r->done.text, "no answer to AT+QFLDS=\"UFS\"");
    free(r);
}

static void test_params_refused(void **state)
{
    struct upload up;
    char msg[128];
    struct upload_params p = {"a.bin", 10, rig_read, NULL, 5, 3000, 1024};

    (void)state;
    assert_int_equal(upload_init(&up, &p, msg, sizeof(msg)), 0);
    p.size = 0;
    assert_int_equal(upload_init(&up, &p, msg, sizeof(msg)), -1);
    p.size = 10;
    p.name = "a\"b";
    assert_int_equal(upload_init(&up, &p, msg, sizeof(msg)), -1);
    assert_non_null(strstr(msg, "quote"));
    p.name = "a.bin";
    p.module_timeout_s = 0;
    assert_int_equal(upload_init(&up, &p, msg, sizeof(msg)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success),
        cmocka_unit_test(test_success_exact_blocks),
        cmocka_unit_test(test_success_ack_mode_off),
        cmocka_unit_test(test_stale_file_deleted),
        cmocka_unit_test(test_existing_file_407),
        cmocka_unit_test(test_no_space),
        cmocka_unit_test(test_space_held_by_stale_file),
        cmocka_unit_test(test_checksum_wrong_once),
        cmocka_unit_test(test_checksum_wrong_always),
        cmocka_unit_test(test_short_count_once),
        cmocka_unit_test(test_short_count_always),
        cmocka_unit_test(test_cme_error_mid_transfer),
        cmocka_unit_test(test_module_stops_acknowledging),
        cmocka_unit_test(test_source_changes_size),
        cmocka_unit_test(test_source_read_error),
        cmocka_unit_test(test_cancel_mid_transfer),
        cmocka_unit_test(test_cancel_before_transfer),
        cmocka_unit_test(test_port_lost_mid_transfer),
        cmocka_unit_test(test_no_answer),
        cmocka_unit_test(test_params_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
