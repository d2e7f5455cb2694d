/* The UFS model and its file commands (see ufs_model.h). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strcasecmp, strncasecmp */
#endif

#include "ufs_model.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void ufs_model_say(struct ufs_model *m, const char *line)
{
    m->io.say(m->io.user, line);
}

static void ufs_model_say_code(struct ufs_model *m, int code)
{
    char line[32];

    snprintf(line, sizeof line, "+CME ERROR: %d", code);
    ufs_model_say(m, line);
}

static void ufs_model_note(struct ufs_model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void ufs_model_note(struct ufs_model *m, const char *fmt, ...)
{
    char text[UFS_MODEL_NAME_MAX + 96];
    va_list ap;

    if (!m->io.note)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    m->io.note(m->io.user, text);
}

uint16_t ufs_model_checksum(const uint8_t *data, size_t len, uint16_t sum, uint64_t offset)
{
    for (size_t i = 0; i < len; i++)
        sum ^= (uint16_t)(((offset + i) % 2 == 0) ? data[i] << 8 : data[i]);
    return sum;
}

void ufs_model_init(struct ufs_model *m, const struct ufs_model_io *io, uint64_t total)
{
    memset(m, 0, sizeof *m);
    m->io = *io;
    m->total = total;
    m->free_bytes = total;
    m->fault_code = UFS_MODEL_WRITE_FAILED;
}

static const char *ufs_model_bare(const char *name)
{
    return strncmp(name, "UFS:", 4) == 0 ? name + 4 : name;
}

static struct ufs_model_file *ufs_model_lookup(struct ufs_model *m, const char *name)
{
    name = ufs_model_bare(name);
    for (size_t i = 0; i < UFS_MODEL_FILES; i++) {
        if (m->files[i].used && strcmp(m->files[i].name, name) == 0)
            return &m->files[i];
    }
    return NULL;
}

const struct ufs_model_file *ufs_model_find(const struct ufs_model *m, const char *name)
{
    return ufs_model_lookup((struct ufs_model *)m, name);
}

static struct ufs_model_file *ufs_model_new(struct ufs_model *m, const char *name)
{
    for (size_t i = 0; i < UFS_MODEL_FILES; i++) {
        struct ufs_model_file *f = &m->files[i];
        if (!f->used) {
            memset(f, 0, sizeof *f);
            f->used = true;
            snprintf(f->name, sizeof f->name, "%s", ufs_model_bare(name));
            return f;
        }
    }
    return NULL;
}

bool ufs_model_add(struct ufs_model *m, const char *name, uint64_t size, bool locked)
{
    struct ufs_model_file *f;
    size_t len = strlen(ufs_model_bare(name));

    if (len == 0 || len >= UFS_MODEL_NAME_MAX || size > m->free_bytes ||
        ufs_model_lookup(m, name) || !(f = ufs_model_new(m, name)))
        return false;
    f->size = size; /* zeros: checksum 0 */
    f->locked = locked;
    m->free_bytes -= size;
    return true;
}

/* The quoted argument at the start of args into out; rest after the closing quote. */
static bool ufs_model_quoted(const char *args, char *out, size_t size, const char **rest)
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

static void ufs_model_qflds(struct ufs_model *m, const char *args)
{
    char line[96];

    if (strcasecmp(args, "=\"UFS\"") != 0) {
        ufs_model_say(m, "ERROR");
        return;
    }
    snprintf(line, sizeof line, "+QFLDS: %" PRIu64 ",%" PRIu64, m->free_bytes, m->total);
    ufs_model_say(m, line);
    ufs_model_say(m, "OK");
}

/* "*" or "UFS:*" (or no argument) lists everything, else the one file of that name. */
static void ufs_model_qflst(struct ufs_model *m, const char *args)
{
    char pattern[UFS_MODEL_NAME_MAX], line[UFS_MODEL_NAME_MAX + 48];
    const char *rest = "", *want;

    if (*args == '\0')
        snprintf(pattern, sizeof pattern, "*");
    else if (*args != '=' || !ufs_model_quoted(args + 1, pattern, sizeof pattern, &rest) || *rest) {
        ufs_model_say(m, "ERROR");
        return;
    }
    want = ufs_model_bare(pattern);
    for (size_t i = 0; i < UFS_MODEL_FILES; i++) {
        const struct ufs_model_file *f = &m->files[i];
        if (!f->used || (strcmp(want, "*") != 0 && strcmp(want, f->name) != 0))
            continue;
        snprintf(line, sizeof line, "+QFLST: \"UFS:%s\",%" PRIu64, f->name, f->size);
        ufs_model_say(m, line);
    }
    ufs_model_say(m, "OK");
}

static void ufs_model_qfdel(struct ufs_model *m, const char *args)
{
    char name[UFS_MODEL_NAME_MAX];
    const char *rest;
    struct ufs_model_file *f;

    if (*args != '=' || !ufs_model_quoted(args + 1, name, sizeof name, &rest) || *rest) {
        ufs_model_say(m, "ERROR");
    } else if (!(f = ufs_model_lookup(m, name))) {
        ufs_model_say_code(m, UFS_MODEL_NOT_FOUND);
    } else if (f->locked) {
        ufs_model_note(m, "QFDEL: %s is locked", f->name);
        ufs_model_say(m, "ERROR");
    } else {
        m->free_bytes += f->size;
        f->used = false;
        ufs_model_note(m, "UFS: %s deleted", f->name);
        ufs_model_say(m, "OK");
    }
}

/* AT+QFUPL="<name>",<size>[,<timeout>[,<ackmode>]] */
static bool ufs_model_upload_args(const char *args, char *name, size_t name_size, uint64_t *size,
                                  uint64_t *timeout_s, uint64_t *ack)
{
    const char *rest;
    char *end;

    *timeout_s = 5;
    *ack = 0;
    if (*args != '=' || !ufs_model_quoted(args + 1, name, name_size, &rest) || *rest != ',')
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

static void ufs_model_complete(struct ufs_model *m, uint64_t now_ms)
{
    bool bad_sum = m->fault == UFS_MODEL_FAULT_SUM_ALWAYS ||
                   (m->fault == UFS_MODEL_FAULT_SUM_ONCE && m->uploads == 1);
    bool short_count = m->fault == UFS_MODEL_FAULT_SHORT_ALWAYS ||
                       (m->fault == UFS_MODEL_FAULT_SHORT_ONCE && m->uploads == 1);
    char line[96];

    m->receiving = false;
    m->target->size = m->got;
    if (short_count && m->got > 0) {
        m->target->size--;
        m->free_bytes++;
    }
    snprintf(line, sizeof line, "+QFUPL: %" PRIu64 ",%x", m->target->size,
             (unsigned)(uint16_t)(m->target->sum ^ (bad_sum ? 0x0101u : 0u)));
    ufs_model_note(m, "QFUPL: %" PRIu64 " bytes in %" PRIu64 " ms%s%s", m->got,
                   now_ms - m->started_ms, bad_sum ? ", wrong checksum injected" : "",
                   short_count ? ", short count injected" : "");
    ufs_model_say(m, line);
    ufs_model_say(m, "OK");
}

static void ufs_model_start(struct ufs_model *m, uint64_t size, uint64_t timeout_s, bool ack,
                            uint64_t now_ms)
{
    m->free_bytes -= size;
    m->expect = size;
    m->got = 0;
    m->block_fill = 0;
    m->ack_mode = ack;
    m->data_timeout_ms = (uint32_t)timeout_s * 1000u;
    m->started_ms = m->last_data_ms = now_ms;
    m->hung = false;
    m->receiving = true;
    m->uploads++;
    ufs_model_note(m, "QFUPL: %s, %" PRIu64 " bytes, ack mode %d, upload %d", m->target->name, size,
                   (int)ack, m->uploads);
    ufs_model_say(m, "CONNECT");
    if (size == 0) /* nothing to wait for */
        ufs_model_complete(m, now_ms);
}

static void ufs_model_qfupl(struct ufs_model *m, const char *args, uint64_t now_ms)
{
    char name[UFS_MODEL_NAME_MAX];
    uint64_t size, timeout_s, ack;

    if (!ufs_model_upload_args(args, name, sizeof name, &size, &timeout_s, &ack))
        ufs_model_say(m, "ERROR");
    else if (ufs_model_lookup(m, name))
        ufs_model_say_code(m, UFS_MODEL_EXISTS);
    else if (size > m->free_bytes)
        ufs_model_say_code(m, UFS_MODEL_NO_SPACE);
    else if (!(m->target = ufs_model_new(m, name)))
        ufs_model_say(m, "ERROR");
    else
        ufs_model_start(m, size, timeout_s, ack == 1, now_ms);
}

bool ufs_model_command(struct ufs_model *m, const char *cmd, uint64_t now_ms)
{
    if (strncasecmp(cmd, "+QFLDS", 6) == 0)
        ufs_model_qflds(m, cmd + 6);
    else if (strncasecmp(cmd, "+QFLST", 6) == 0)
        ufs_model_qflst(m, cmd + 6);
    else if (strncasecmp(cmd, "+QFDEL", 6) == 0)
        ufs_model_qfdel(m, cmd + 6);
    else if (strncasecmp(cmd, "+QFUPL", 6) == 0)
        ufs_model_qfupl(m, cmd + 6, now_ms);
    else
        return false;
    return true;
}

/* The transfer ends before its size: the partial file stays until deleted. */
static void ufs_model_end_partial(struct ufs_model *m)
{
    m->receiving = false;
    m->target->size = m->got;
    m->free_bytes += m->expect - m->got;
}

/* +CME ERROR mid-transfer: what the host still writes of its block (the whole rest
 * without acks) is lost, as the host cannot stop a write it has begun. */
static void ufs_model_fail_mid(struct ufs_model *m)
{
    ufs_model_end_partial(m);
    m->swallow = m->ack_mode ? (UFS_MODEL_ACK_BLOCK - m->block_fill % UFS_MODEL_ACK_BLOCK) %
                                   UFS_MODEL_ACK_BLOCK
                             : m->expect - m->got;
    ufs_model_note(m, "QFUPL: error injected after %" PRIu64 " bytes", m->got);
    ufs_model_say_code(m, m->fault_code);
}

/* A full block in ack mode: the 'A', or the silence of a module that stopped. */
static bool ufs_model_block_done(struct ufs_model *m)
{
    m->block_fill = 0;
    if (m->fault == UFS_MODEL_FAULT_STOP_ACK && m->got / UFS_MODEL_ACK_BLOCK > m->fault_at) {
        ufs_model_note(m, "QFUPL: stops acknowledging after %" PRIu64 " bytes", m->got);
        m->hung = true;
        return false;
    }
    m->io.ack(m->io.user);
    return true;
}

/* Data bytes of the transfer; returns how many it took. */
static size_t ufs_model_data(struct ufs_model *m, const uint8_t *buf, size_t len, uint64_t now_ms)
{
    uint64_t room = m->expect - m->got;
    size_t n = room < len ? (size_t)room : len;
    bool cme = m->fault == UFS_MODEL_FAULT_CME_AT && m->uploads == 1;

    if (m->ack_mode && n > UFS_MODEL_ACK_BLOCK - m->block_fill)
        n = UFS_MODEL_ACK_BLOCK - m->block_fill; /* an 'A' at each block's end */
    if (cme && m->got + n > m->fault_at)
        n = (size_t)(m->fault_at - m->got);
    m->target->sum = ufs_model_checksum(buf, n, m->target->sum, m->got);
    m->got += n;
    m->block_fill += n;
    m->data_bytes += n;
    m->last_data_ms = now_ms;
    if (cme && m->got == m->fault_at) {
        ufs_model_fail_mid(m);
        return n;
    }
    if (m->ack_mode && m->block_fill == UFS_MODEL_ACK_BLOCK && !ufs_model_block_done(m))
        return len; /* a hung module takes the rest and says nothing */
    if (m->got == m->expect)
        ufs_model_complete(m, now_ms);
    return n;
}

bool ufs_model_takes_input(const struct ufs_model *m)
{
    return m->receiving || m->swallow > 0;
}

size_t ufs_model_input(struct ufs_model *m, const uint8_t *buf, size_t len, uint64_t now_ms)
{
    size_t taken = 0;

    while (taken < len && ufs_model_takes_input(m)) {
        if (m->swallow > 0) {
            size_t n = m->swallow < len - taken ? (size_t)m->swallow : len - taken;
            m->swallow -= n;
            taken += n;
        } else if (m->hung) {
            m->last_data_ms = now_ms;
            return len;
        } else {
            taken += ufs_model_data(m, buf + taken, len - taken, now_ms);
        }
    }
    return taken;
}

uint64_t ufs_model_deadline(const struct ufs_model *m)
{
    return m->receiving ? m->last_data_ms + m->data_timeout_ms : UINT64_MAX;
}

/* The data stopped for <timeout> seconds: the module gives up (a hung one silently). */
void ufs_model_tick(struct ufs_model *m, uint64_t now_ms)
{
    if (!m->receiving || now_ms < ufs_model_deadline(m))
        return;
    ufs_model_note(m, "QFUPL: no data for %u ms, %" PRIu64 " of %" PRIu64 " bytes: transfer ended",
                   m->data_timeout_ms, m->got, m->expect);
    ufs_model_end_partial(m);
    if (!m->hung)
        ufs_model_say_code(m, UFS_MODEL_TIMED_OUT);
    m->hung = false;
}
