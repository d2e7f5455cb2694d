/* dfota-sim: the UFS in memory and the file commands (see ufs.h). Error codes are
 * Quectel's file-command codes: 405 file not found, 407 file exists, 409 write failed,
 * 420 no space, 421 time out (the data stopped for <timeout> seconds). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sim.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define UFS_DEFAULT_TOTAL (128ull * 1024 * 1024)

enum ufs_opt { O_BAUD_PACE, O_FREE, O_TOTAL, O_FILE, O_LOCKED, O_FAULT, O_COUNT };

const struct option sim_ufs_long_opts[] = {
    {"baud-pace", required_argument, NULL, O_BAUD_PACE},
    {"ufs-free", required_argument, NULL, O_FREE},
    {"ufs-total", required_argument, NULL, O_TOTAL},
    {"ufs-file", required_argument, NULL, O_FILE},
    {"ufs-locked-file", required_argument, NULL, O_LOCKED},
    {"upload-fault", required_argument, NULL, O_FAULT},
};
const size_t sim_ufs_long_opt_count = O_COUNT;

void sim_ufs_usage(FILE *out)
{
    fputs("  --baud-pace N            pace the port's bytes to N baud, 10 bits a byte\n"
          "  --ufs-total N            UFS size in bytes (134217728)\n"
          "  --ufs-free N             free UFS bytes (the total less the files)\n"
          "  --ufs-file NAME:SIZE     a file already in UFS (repeatable)\n"
          "  --ufs-locked-file NAME:SIZE  one AT+QFDEL cannot delete: AT+QFUPL then says 407\n"
          "  --upload-fault F         sum-once | sum-always | short-once | short-always |\n"
          "                           cme-at:BYTES[:CODE] | stop-ack-after:BLOCKS\n",
          out);
}

void sim_ufs_defaults(struct sim_ufs_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->total = UFS_DEFAULT_TOTAL;
    opts->cme_code = 409;
}

static bool ufs_parse_u64(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-')
        return false;
    *out = v;
    return true;
}

static bool ufs_parse_fault(struct sim_ufs_opts *o, const char *arg)
{
    static const char *const simple[] = {"sum-once", "sum-always", "short-once", "short-always"};
    char buf[64];
    char *colon;
    uint64_t code;

    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        if (strcmp(arg, simple[i]) == 0) {
            o->fault = (enum sim_ufs_fault)(SIM_UFS_FAULT_SUM_ONCE + i);
            return true;
        }
    }
    snprintf(buf, sizeof buf, "%s", arg);
    if (strncmp(buf, "cme-at:", 7) == 0) {
        o->fault = SIM_UFS_FAULT_CME_AT;
        colon = strchr(buf + 7, ':');
        if (colon) {
            *colon = '\0';
            if (!ufs_parse_u64(colon + 1, &code) || code > 999)
                return false;
            o->cme_code = (int)code;
        }
        return ufs_parse_u64(buf + 7, &o->fault_at);
    }
    if (strncmp(buf, "stop-ack-after:", 15) == 0) {
        o->fault = SIM_UFS_FAULT_STOP_ACK;
        return ufs_parse_u64(buf + 15, &o->fault_at);
    }
    return false;
}

bool sim_ufs_parse_opt(struct sim_ufs_opts *o, size_t index, const char *arg)
{
    uint64_t v;

    switch (index) {
    case O_BAUD_PACE:
        if (!ufs_parse_u64(arg, &v) || v < 50 || v > 100000000)
            return false;
        o->baud_pace = (uint32_t)v;
        return true;
    case O_FREE:
        o->free_set = true;
        return ufs_parse_u64(arg, &o->free_bytes);
    case O_TOTAL:
        return ufs_parse_u64(arg, &o->total);
    case O_FILE:
        if (o->n_files == SIM_UFS_FILES || !strchr(arg, ':'))
            return false;
        o->files[o->n_files++] = arg;
        return true;
    case O_LOCKED:
        if (o->n_locked == SIM_UFS_FILES || !strchr(arg, ':'))
            return false;
        o->locked[o->n_locked++] = arg;
        return true;
    case O_FAULT:
        return ufs_parse_fault(o, arg);
    default:
        return false;
    }
}

/* "UFS:name" and "name" are the same file. */
static const char *ufs_bare(const char *name)
{
    return strncmp(name, "UFS:", 4) == 0 ? name + 4 : name;
}

static struct sim_ufs_file *ufs_find(struct sim *s, const char *name)
{
    name = ufs_bare(name);
    for (size_t i = 0; i < SIM_UFS_FILES; i++) {
        if (s->ufs.files[i].used && strcmp(s->ufs.files[i].name, name) == 0)
            return &s->ufs.files[i];
    }
    return NULL;
}

static struct sim_ufs_file *ufs_new(struct sim *s, const char *name)
{
    for (size_t i = 0; i < SIM_UFS_FILES; i++) {
        struct sim_ufs_file *f = &s->ufs.files[i];
        if (!f->used) {
            memset(f, 0, sizeof *f);
            f->used = true;
            snprintf(f->name, sizeof f->name, "%s", ufs_bare(name));
            return f;
        }
    }
    return NULL;
}

static bool ufs_add_spec(struct sim *s, const char *spec, bool locked)
{
    char name[SIM_UFS_NAME_MAX];
    const char *colon = strrchr(spec, ':');
    uint64_t size;
    struct sim_ufs_file *f;

    if (!colon || (size_t)(colon - spec) >= sizeof name || colon == spec ||
        !ufs_parse_u64(colon + 1, &size))
        return false;
    memcpy(name, spec, (size_t)(colon - spec));
    name[colon - spec] = '\0';
    if (ufs_find(s, name) || !(f = ufs_new(s, name)))
        return false;
    f->size = size; /* its contents are zeros: checksum 0 */
    f->locked = locked;
    return true;
}

bool sim_ufs_setup(struct sim *s)
{
    const struct sim_ufs_opts *o = &s->o.ufs;
    uint64_t used = 0;

    memset(&s->ufs, 0, sizeof s->ufs);
    for (size_t i = 0; i < o->n_files + o->n_locked; i++) {
        bool locked = i >= o->n_files;
        const char *spec = locked ? o->locked[i - o->n_files] : o->files[i];
        if (!ufs_add_spec(s, spec, locked)) {
            fprintf(stderr, "dfota-sim: bad or duplicate file %s (NAME:SIZE)\n", spec);
            return false;
        }
    }
    for (size_t i = 0; i < SIM_UFS_FILES; i++)
        used += s->ufs.files[i].used ? s->ufs.files[i].size : 0;
    if (used > o->total || (o->free_set && o->free_bytes > o->total - used)) {
        fprintf(stderr, "dfota-sim: the files and --ufs-free do not fit in --ufs-total\n");
        return false;
    }
    s->ufs.free_bytes = o->free_set ? o->free_bytes : o->total - used;
    return true;
}

/* The quoted argument at the start of args into out; rest after the closing quote. */
static bool ufs_quoted(const char *args, char *out, size_t size, const char **rest)
{
    const char *end;

    if (*args != '"' || !(end = strchr(args + 1, '"')) || (size_t)(end - args - 1) >= size ||
        end == args + 1)
        return false;
    memcpy(out, args + 1, (size_t)(end - args - 1));
    out[end - args - 1] = '\0';
    *rest = end + 1;
    return true;
}

static void ufs_say(struct sim *s, const char *final)
{
    sim_send_line(s, final, false);
}

static void cmd_qflds(struct sim *s, const char *args)
{
    char line[96];

    if (strcasecmp(args, "=\"UFS\"") != 0) {
        ufs_say(s, "ERROR");
        return;
    }
    snprintf(line, sizeof line, "+QFLDS: %" PRIu64 ",%" PRIu64, s->ufs.free_bytes, s->o.ufs.total);
    sim_send_line(s, line, false);
    ufs_say(s, "OK");
}

/* "*" or "UFS:*" lists everything, else the one file of that name. */
static void cmd_qflst(struct sim *s, const char *args)
{
    char pattern[SIM_UFS_NAME_MAX], line[SIM_UFS_NAME_MAX + 48];
    const char *rest = "";

    if (*args == '\0')
        snprintf(pattern, sizeof pattern, "*");
    else if (*args != '=' || !ufs_quoted(args + 1, pattern, sizeof pattern, &rest) || *rest) {
        ufs_say(s, "ERROR");
        return;
    }
    for (size_t i = 0; i < SIM_UFS_FILES; i++) {
        const struct sim_ufs_file *f = &s->ufs.files[i];
        if (!f->used ||
            (strcmp(ufs_bare(pattern), "*") != 0 && strcmp(ufs_bare(pattern), f->name) != 0))
            continue;
        snprintf(line, sizeof line, "+QFLST: \"UFS:%s\",%" PRIu64, f->name, f->size);
        sim_send_line(s, line, false);
    }
    ufs_say(s, "OK");
}

static void cmd_qfdel(struct sim *s, const char *args)
{
    char name[SIM_UFS_NAME_MAX];
    const char *rest;
    struct sim_ufs_file *f;

    if (*args != '=' || !ufs_quoted(args + 1, name, sizeof name, &rest) || *rest) {
        ufs_say(s, "ERROR");
    } else if (!(f = ufs_find(s, name))) {
        ufs_say(s, "+CME ERROR: 405");
    } else if (f->locked) {
        sim_log(s, "QFDEL: %s is locked (--ufs-locked-file)", f->name);
        ufs_say(s, "ERROR");
    } else {
        s->ufs.free_bytes += f->size;
        f->used = false;
        sim_log(s, "UFS: %s deleted", f->name);
        ufs_say(s, "OK");
    }
}

/* AT+QFUPL="<name>",<size>[,<timeout>[,<ackmode>]] */
static bool ufs_upload_args(const char *args, char *name, size_t name_size, uint64_t *size,
                            uint64_t *timeout_s, uint64_t *ack)
{
    const char *rest;
    char *end;

    *timeout_s = 5;
    *ack = 0;
    if (*args != '=' || !ufs_quoted(args + 1, name, name_size, &rest) || *rest != ',')
        return false;
    errno = 0;
    *size = strtoull(rest + 1, &end, 10);
    if (errno || end == rest + 1)
        return false;
    if (*end == ',')
        *timeout_s = strtoull(end + 1, &end, 10);
    if (*end == ',')
        *ack = strtoull(end + 1, &end, 10);
    return *end == '\0' && *timeout_s >= 1 && *timeout_s <= 65535 && *ack <= 1;
}

static void cmd_qfupl(struct sim *s, const char *args)
{
    char name[SIM_UFS_NAME_MAX];
    uint64_t size, timeout_s, ack;
    struct sim_ufs *u = &s->ufs;

    if (!ufs_upload_args(args, name, sizeof name, &size, &timeout_s, &ack)) {
        ufs_say(s, "ERROR");
        return;
    }
    if (ufs_find(s, name)) {
        ufs_say(s, "+CME ERROR: 407");
        return;
    }
    if (size > u->free_bytes) {
        ufs_say(s, "+CME ERROR: 420");
        return;
    }
    if (!(u->target = ufs_new(s, name))) {
        ufs_say(s, "ERROR");
        return;
    }
    u->free_bytes -= size;
    u->expect = size;
    u->got = 0;
    u->block_fill = 0;
    u->ack_mode = ack == 1;
    u->data_timeout_ms = (uint32_t)timeout_s * 1000u;
    u->started_ms = u->last_data_ms = sim_now_ms();
    u->hung = false;
    u->receiving = true;
    u->uploads++;
    sim_log(s, "QFUPL: %s, %" PRIu64 " bytes, ack mode %d, upload %d", u->target->name, size,
            (int)ack, u->uploads);
    ufs_say(s, "CONNECT");
}

bool sim_ufs_command(struct sim *s, const char *cmd)
{
    if (strncasecmp(cmd, "+QFLDS", 6) == 0)
        cmd_qflds(s, cmd + 6);
    else if (strncasecmp(cmd, "+QFLST", 6) == 0)
        cmd_qflst(s, cmd + 6);
    else if (strncasecmp(cmd, "+QFDEL", 6) == 0)
        cmd_qfdel(s, cmd + 6);
    else if (strncasecmp(cmd, "+QFUPL", 6) == 0)
        cmd_qfupl(s, cmd + 6);
    else
        return false;
    return true;
}

/* The transfer ends before its size: the partial file stays until deleted. */
static void ufs_end_partial(struct sim *s)
{
    struct sim_ufs *u = &s->ufs;

    u->receiving = false;
    u->target->size = u->got;
    u->free_bytes += u->expect - u->got;
}

static void ufs_complete(struct sim *s)
{
    struct sim_ufs *u = &s->ufs;
    enum sim_ufs_fault fault = s->o.ufs.fault;
    bool bad_sum =
        fault == SIM_UFS_FAULT_SUM_ALWAYS || (fault == SIM_UFS_FAULT_SUM_ONCE && u->uploads == 1);
    bool short_count = fault == SIM_UFS_FAULT_SHORT_ALWAYS ||
                       (fault == SIM_UFS_FAULT_SHORT_ONCE && u->uploads == 1);
    char line[96];
    uint64_t ms = sim_now_ms() - u->started_ms;

    u->receiving = false;
    u->target->size = u->got;
    if (short_count && u->got > 0) {
        u->target->size--;
        u->free_bytes++;
    }
    snprintf(line, sizeof line, "+QFUPL: %" PRIu64 ",%x", u->target->size,
             (unsigned)(uint16_t)(u->target->sum ^ (bad_sum ? 0x0101u : 0u)));
    sim_log(s, "QFUPL: %" PRIu64 " bytes in %" PRIu64 " ms%s%s", u->got, ms,
            bad_sum ? ", wrong checksum injected" : "",
            short_count ? ", short count injected" : "");
    sim_send_line(s, line, false);
    ufs_say(s, "OK");
}

/* Data bytes of the transfer; returns how many it took. */
static size_t ufs_data(struct sim *s, const uint8_t *buf, size_t len)
{
    struct sim_ufs *u = &s->ufs;
    const struct sim_ufs_opts *o = &s->o.ufs;
    uint64_t room = u->expect - u->got;
    size_t n = room < len ? (size_t)room : len;
    bool cme = o->fault == SIM_UFS_FAULT_CME_AT && u->uploads == 1;

    if (cme && u->got + n > o->fault_at)
        n = (size_t)(o->fault_at - u->got);
    for (size_t i = 0; i < n; i++)
        u->target->sum ^= (uint16_t)(((u->got + i) % 2 == 0) ? buf[i] << 8 : buf[i]);
    u->got += n;
    u->block_fill += n;
    u->last_data_ms = sim_now_ms();
    if (cme && u->got == o->fault_at) {
        char line[48];
        ufs_end_partial(s);
        /* what the host still writes of its block (the whole rest without acks) is lost */
        u->swallow = u->ack_mode ? (SIM_UFS_ACK_BLOCK - u->block_fill % SIM_UFS_ACK_BLOCK) %
                                       SIM_UFS_ACK_BLOCK
                                 : u->expect - u->got;
        snprintf(line, sizeof line, "+CME ERROR: %d", o->cme_code);
        sim_log(s, "QFUPL: error injected after %" PRIu64 " bytes", u->got);
        ufs_say(s, line);
        return n;
    }
    if (u->ack_mode && u->block_fill == SIM_UFS_ACK_BLOCK) {
        u->block_fill = 0;
        if (o->fault == SIM_UFS_FAULT_STOP_ACK && u->got / SIM_UFS_ACK_BLOCK > o->fault_at) {
            sim_log(s, "QFUPL: stops acknowledging after %" PRIu64 " bytes", u->got);
            u->hung = true;
            return len; /* a hung module takes the rest and says nothing */
        }
        sim_write(s, "A", 1);
        /* The host sends the next block only once it has the 'A': the line from the host
         * stays idle meanwhile, so its schedule starts afresh with the next byte that
         * arrives (that round trip is what stop-and-wait costs). */
        s->pace_in_due_us = 0;
    }
    if (u->got == u->expect)
        ufs_complete(s);
    return n;
}

size_t sim_ufs_input(struct sim *s, const uint8_t *buf, size_t len)
{
    struct sim_ufs *u = &s->ufs;
    size_t taken = 0;

    while (taken < len && (u->swallow > 0 || u->receiving)) {
        if (u->swallow > 0) {
            size_t n = u->swallow < len - taken ? (size_t)u->swallow : len - taken;
            u->swallow -= n;
            taken += n;
        } else if (u->hung) {
            u->last_data_ms = sim_now_ms();
            return len;
        } else {
            taken += ufs_data(s, buf + taken, len - taken);
        }
    }
    return taken;
}

uint32_t sim_ufs_ms_left(struct sim *s)
{
    struct sim_ufs *u = &s->ufs;
    uint64_t now = sim_now_ms(), due;

    if (!u->receiving)
        return UINT32_MAX;
    due = u->last_data_ms + u->data_timeout_ms;
    return due > now ? (uint32_t)(due - now) : 0;
}

/* The data stopped for <timeout> seconds: the module gives up (a hung one silently). */
void sim_ufs_tick(struct sim *s)
{
    struct sim_ufs *u = &s->ufs;

    if (!u->receiving || sim_ufs_ms_left(s) > 0)
        return;
    sim_log(s, "QFUPL: no data for %u ms, %" PRIu64 " of %" PRIu64 " bytes: transfer ended",
            u->data_timeout_ms, u->got, u->expect);
    ufs_end_partial(s);
    if (!u->hung)
        ufs_say(s, "+CME ERROR: 421");
    u->hung = false;
}

const struct sim_ufs_file *sim_ufs_find_target(struct sim *s, const char *target)
{
    const char *slash = strrchr(target, '/');
    const char *colon = strchr(target, ':');
    const char *name = slash ? slash + 1 : colon ? colon + 1 : target;
    const struct sim_ufs_file *f = ufs_find(s, name);

    return f && !(s->ufs.receiving && f == s->ufs.target) ? f : NULL;
}
