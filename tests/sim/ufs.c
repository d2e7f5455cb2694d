/* dfota-sim: the UFS options and the shared model on the pty (see ufs.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sim.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

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
    opts->cme_code = UFS_MODEL_WRITE_FAILED;
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
            o->fault = (enum ufs_model_fault)(UFS_MODEL_FAULT_SUM_ONCE + i);
            return true;
        }
    }
    snprintf(buf, sizeof buf, "%s", arg);
    if (strncmp(buf, "cme-at:", 7) == 0) {
        o->fault = UFS_MODEL_FAULT_CME_AT;
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
        o->fault = UFS_MODEL_FAULT_STOP_ACK;
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
        if (o->n_files == UFS_MODEL_FILES || !strchr(arg, ':'))
            return false;
        o->files[o->n_files++] = arg;
        return true;
    case O_LOCKED:
        if (o->n_locked == UFS_MODEL_FILES || !strchr(arg, ':'))
            return false;
        o->locked[o->n_locked++] = arg;
        return true;
    case O_FAULT:
        return ufs_parse_fault(o, arg);
    default:
        return false;
    }
}

static void ufs_say(void *user, const char *line)
{
    sim_send_line(user, line, false);
}

/* The host sends the next block only once it has the 'A': the line from the host stays
 * idle meanwhile, so its schedule starts afresh with the next byte that arrives (that
 * round trip is what stop-and-wait costs). */
static void ufs_ack(void *user)
{
    struct sim *s = user;

    sim_write(s, "A", 1);
    s->pace_in_due_us = 0;
}

static void ufs_note(void *user, const char *text)
{
    sim_log(user, "%s", text);
}

/* NAME:SIZE into the model; the name may hold colons, the size follows the last one. */
static bool ufs_add_spec(struct sim *s, const char *spec, bool locked)
{
    char name[UFS_MODEL_NAME_MAX];
    const char *colon = strrchr(spec, ':');
    uint64_t size;

    if (!colon || (size_t)(colon - spec) >= sizeof name || !ufs_parse_u64(colon + 1, &size))
        return false;
    memcpy(name, spec, (size_t)(colon - spec));
    name[colon - spec] = '\0';
    return ufs_model_add(&s->ufs, name, size, locked);
}

bool sim_ufs_setup(struct sim *s)
{
    const struct ufs_model_io io = {ufs_say, ufs_ack, ufs_note, s};
    const struct sim_ufs_opts *o = &s->o.ufs;

    ufs_model_init(&s->ufs, &io, o->total);
    s->ufs.fault = o->fault;
    s->ufs.fault_at = o->fault_at;
    s->ufs.fault_code = o->cme_code;
    for (size_t i = 0; i < o->n_files + o->n_locked; i++) {
        bool locked = i >= o->n_files;
        const char *spec = locked ? o->locked[i - o->n_files] : o->files[i];
        if (!ufs_add_spec(s, spec, locked)) {
            fprintf(stderr, "dfota-sim: bad, duplicate or oversized file %s (NAME:SIZE)\n", spec);
            return false;
        }
    }
    if (o->free_set && o->free_bytes > s->ufs.free_bytes) {
        fprintf(stderr, "dfota-sim: the files and --ufs-free do not fit in --ufs-total\n");
        return false;
    }
    if (o->free_set)
        s->ufs.free_bytes = o->free_bytes;
    return true;
}

bool sim_ufs_command(struct sim *s, const char *cmd)
{
    return ufs_model_command(&s->ufs, cmd, sim_now_ms());
}

size_t sim_ufs_input(struct sim *s, const uint8_t *buf, size_t len)
{
    return ufs_model_input(&s->ufs, buf, len, sim_now_ms());
}

uint32_t sim_ufs_ms_left(struct sim *s)
{
    uint64_t due = ufs_model_deadline(&s->ufs), now = sim_now_ms();

    if (due == UINT64_MAX)
        return UINT32_MAX;
    return due > now ? (uint32_t)(due - now) : 0;
}

void sim_ufs_tick(struct sim *s)
{
    ufs_model_tick(&s->ufs, sim_now_ms());
}

const struct ufs_model_file *sim_ufs_find_target(struct sim *s, const char *target)
{
    const char *slash = strrchr(target, '/');
    const char *colon = strchr(target, ':');
    const char *name = slash ? slash + 1 : colon ? colon + 1 : target;
    const struct ufs_model_file *f = ufs_model_find(&s->ufs, name);

    return f && !(s->ufs.receiving && f == s->ufs.target) ? f : NULL;
}
