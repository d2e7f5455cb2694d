/* The scripted UFS module (see fake_ufs.h). */
#include "fake_ufs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint16_t fake_ufs_checksum(const uint8_t *data, size_t len, uint16_t sum, size_t offset)
{
    for (size_t i = 0; i < len; i++)
        sum ^= (uint16_t)(((offset + i) % 2 == 0) ? data[i] << 8 : data[i]);
    return sum;
}

static void fake_ufs_say(struct fake_ufs *u, const char *text)
{
    fake_port_push(u->fp, text);
}

static struct fake_ufs_file *fake_ufs_lookup(struct fake_ufs *u, const char *name)
{
    for (size_t i = 0; i < FAKE_UFS_FILES; i++) {
        if (u->files[i].used && strcmp(u->files[i].name, name) == 0)
            return &u->files[i];
    }
    return NULL;
}

const struct fake_ufs_file *fake_ufs_find(const struct fake_ufs *u, const char *name)
{
    return fake_ufs_lookup((struct fake_ufs *)u, name);
}

static struct fake_ufs_file *fake_ufs_new(struct fake_ufs *u, const char *name)
{
    for (size_t i = 0; i < FAKE_UFS_FILES; i++) {
        if (!u->files[i].used) {
            memset(&u->files[i], 0, sizeof(u->files[i]));
            u->files[i].used = true;
            snprintf(u->files[i].name, sizeof(u->files[i].name), "%s", name);
            return &u->files[i];
        }
    }
    return NULL;
}

void fake_ufs_add(struct fake_ufs *u, const char *name, size_t size, bool undeletable)
{
    struct fake_ufs_file *f = fake_ufs_new(u, name);

    f->size = size;
    f->undeletable = undeletable;
    u->free_bytes -= size;
}

static void fake_ufs_delete(struct fake_ufs *u, struct fake_ufs_file *f)
{
    u->free_bytes += f->size;
    f->used = false;
}

/* The quoted name at the start of args ("name"...): copied into out; false if none. */
static bool fake_ufs_quoted(const char *args, char *out, size_t size, const char **rest)
{
    const char *end;

    if (*args != '"' || !(end = strchr(args + 1, '"')) || (size_t)(end - args - 1) >= size)
        return false;
    memcpy(out, args + 1, (size_t)(end - args - 1));
    out[end - args - 1] = '\0';
    *rest = end + 1;
    return true;
}

static void fake_ufs_list(struct fake_ufs *u, const char *args)
{
    char name[FAKE_UFS_NAME_MAX], line[FAKE_UFS_NAME_MAX + 48];
    const char *rest;

    if (!fake_ufs_quoted(args, name, sizeof(name), &rest)) {
        fake_ufs_say(u, "\r\nERROR\r\n");
        return;
    }
    for (size_t i = 0; i < FAKE_UFS_FILES; i++) {
        const struct fake_ufs_file *f = &u->files[i];
        if (f->used && (strcmp(name, "*") == 0 || strcmp(name, f->name) == 0)) {
            snprintf(line, sizeof(line), "\r\n+QFLST: \"UFS:%s\",%zu", f->name, f->size);
            fake_ufs_say(u, line);
        }
    }
    fake_ufs_say(u, "\r\n\r\nOK\r\n");
}

static void fake_ufs_del(struct fake_ufs *u, const char *args)
{
    char name[FAKE_UFS_NAME_MAX];
    const char *rest;
    struct fake_ufs_file *f;

    if (!fake_ufs_quoted(args, name, sizeof(name), &rest))
        fake_ufs_say(u, "\r\nERROR\r\n");
    else if (!(f = fake_ufs_lookup(u, name)))
        fake_ufs_say(u, "\r\n+CME ERROR: 405\r\n");
    else if (f->undeletable)
        fake_ufs_say(u, "\r\n+CME ERROR: 426\r\n");
    else {
        fake_ufs_delete(u, f);
        fake_ufs_say(u, "\r\nOK\r\n");
    }
}

static void fake_ufs_upl(struct fake_ufs *u, const char *args)
{
    char name[FAKE_UFS_NAME_MAX];
    const char *rest;
    unsigned long size, timeout_s = 5, ack = 0;
    char *end;

    if (!fake_ufs_quoted(args, name, sizeof(name), &rest) || *rest != ',') {
        fake_ufs_say(u, "\r\nERROR\r\n");
        return;
    }
    size = strtoul(rest + 1, &end, 10);
    if (*end == ',')
        timeout_s = strtoul(end + 1, &end, 10);
    if (*end == ',')
        ack = strtoul(end + 1, &end, 10);
    if (fake_ufs_lookup(u, name)) {
        fake_ufs_say(u, "\r\n+CME ERROR: 407\r\n");
        return;
    }
    if (size > u->free_bytes) {
        fake_ufs_say(u, "\r\n+CME ERROR: 423\r\n");
        return;
    }
    u->target = fake_ufs_new(u, name);
    u->free_bytes -= size;
    u->expect = size;
    u->got = 0;
    u->block_fill = 0;
    u->ack_mode = ack == 1;
    u->data_timeout_ms = (uint32_t)timeout_s * 1000u;
    u->last_data_ms = u->fp->now;
    u->receiving = true;
    u->hung = false;
    u->uploads++;
    fake_ufs_say(u, "\r\nCONNECT\r\n");
    if (size == 0)
        fake_ufs_say(u, "\r\n+QFUPL: 0,0\r\n\r\nOK\r\n");
}

static void fake_ufs_command(struct fake_ufs *u, const char *cmd)
{
    size_t used = strlen(u->log);

    snprintf(u->log + used, sizeof(u->log) - used, "%s|", cmd);
    if (strcmp(cmd, "AT+QFLDS=\"UFS\"") == 0) {
        char line[96];
        snprintf(line, sizeof(line), "\r\n+QFLDS: %llu,%llu\r\n\r\nOK\r\n",
                 (unsigned long long)u->free_bytes, (unsigned long long)u->total);
        fake_ufs_say(u, line);
    } else if (strncmp(cmd, "AT+QFLST=", 9) == 0) {
        fake_ufs_list(u, cmd + 9);
    } else if (strncmp(cmd, "AT+QFDEL=", 9) == 0) {
        fake_ufs_del(u, cmd + 9);
    } else if (strncmp(cmd, "AT+QFUPL=", 9) == 0) {
        fake_ufs_upl(u, cmd + 9);
    } else {
        fake_ufs_say(u, "\r\nERROR\r\n");
    }
}

/* The transfer ends early: what the host still writes of its block is dropped. */
static void fake_ufs_end_early(struct fake_ufs *u, const char *answer)
{
    u->receiving = false;
    u->target->size = u->got; /* the partial file stays until deleted */
    u->free_bytes += u->expect - u->got;
    if (u->ack_mode)
        u->swallow = (1024 - u->block_fill % 1024) % 1024;
    else
        u->swallow = u->expect - u->got;
    if (answer)
        fake_ufs_say(u, answer);
}

static void fake_ufs_complete(struct fake_ufs *u)
{
    bool bad_sum = u->fault == FAKE_UFS_FAULT_SUM_ALWAYS ||
                   (u->fault == FAKE_UFS_FAULT_SUM_ONCE && u->uploads == 1);
    bool short_count = u->fault == FAKE_UFS_FAULT_SHORT_ALWAYS ||
                       (u->fault == FAKE_UFS_FAULT_SHORT_ONCE && u->uploads == 1);
    char line[96];

    u->receiving = false;
    u->target->size = u->got;
    if (short_count) {
        u->target->size = u->got - 1;
        u->free_bytes += 1;
    }
    snprintf(line, sizeof(line), "\r\n+QFUPL: %zu,%x\r\n\r\nOK\r\n", u->target->size,
             (unsigned)(uint16_t)(u->target->sum ^ (bad_sum ? 0x0101 : 0)));
    fake_ufs_say(u, line);
}

/* Data bytes of the transfer; returns how many it took. */
static size_t fake_ufs_data(struct fake_ufs *u, const uint8_t *data, size_t len)
{
    size_t n = u->expect - u->got < len ? u->expect - u->got : len;

    if (u->fault == FAKE_UFS_FAULT_CME_MID && u->got + n > u->fault_at)
        n = u->fault_at - u->got;
    u->target->sum = fake_ufs_checksum(data, n, u->target->sum, u->got);
    u->got += n;
    u->block_fill += n;
    u->data_bytes += n;
    u->last_data_ms = u->fp->now;
    if (u->fault == FAKE_UFS_FAULT_CME_MID && u->got == u->fault_at) {
        fake_ufs_end_early(u, "\r\n+CME ERROR: 409\r\n");
        return n;
    }
    if (u->ack_mode && u->block_fill == 1024) {
        u->block_fill = 0;
        if (u->fault == FAKE_UFS_FAULT_STOP_ACK && u->got / 1024 > u->fault_at)
            u->hung = true;
        else if (u->ack_delay_ms > 0)
            fake_port_push_at(u->fp, u->fp->now + u->ack_delay_ms, "A");
        else
            fake_ufs_say(u, "A");
    }
    if (u->got == u->expect && !u->hung)
        fake_ufs_complete(u);
    return n;
}

static void fake_ufs_input(struct fake_port *fp, const char *data, size_t len, void *user)
{
    struct fake_ufs *u = user;
    const uint8_t *bytes = (const uint8_t *)data;

    (void)fp;
    while (len > 0) {
        if (u->swallow > 0) {
            size_t n = u->swallow < len ? u->swallow : len;
            u->swallow -= n;
            bytes += n;
            len -= n;
        } else if (u->receiving && u->hung) {
            u->last_data_ms = u->fp->now;
            return; /* a hung module takes the rest and says nothing */
        } else if (u->receiving) {
            size_t n = fake_ufs_data(u, bytes, len);
            bytes += n;
            len -= n;
        } else {
            char c = (char)*bytes++;
            len--;
            if (c == '\r') {
                u->line[u->line_len] = '\0';
                u->line_len = 0;
                fake_ufs_command(u, u->line);
            } else if (u->line_len + 1 < sizeof(u->line)) {
                u->line[u->line_len++] = c;
            }
        }
    }
}

void fake_ufs_init(struct fake_ufs *u, struct fake_port *fp, uint64_t free_bytes, uint64_t total)
{
    memset(u, 0, sizeof(*u));
    u->fp = fp;
    u->free_bytes = free_bytes;
    u->total = total;
    fp->responder = fake_ufs_input;
    fp->responder_user = u;
}

uint64_t fake_ufs_deadline(const struct fake_ufs *u)
{
    return u->receiving ? u->last_data_ms + u->data_timeout_ms : UINT64_MAX;
}

void fake_ufs_tick(struct fake_ufs *u)
{
    if (!u->receiving || u->fp->now < fake_ufs_deadline(u))
        return;
    /* The module gives up on a stalled transfer; a hung one silently. */
    u->swallow = 0;
    u->receiving = false;
    u->target->size = u->got;
    u->free_bytes += u->expect - u->got;
    if (!u->hung)
        fake_ufs_say(u, "\r\n+CME ERROR: 421\r\n");
}
