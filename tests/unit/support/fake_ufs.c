/* The UFS model on the fake port (see fake_ufs.h). */
#include "fake_ufs.h"

#include <stdio.h>
#include <string.h>

static void fake_ufs_say(void *user, const char *line)
{
    struct fake_ufs *u = user;
    char framed[UFS_MODEL_NAME_MAX + 64];

    snprintf(framed, sizeof(framed), "\r\n%s\r\n", line);
    fake_port_push(u->fp, framed);
}

static void fake_ufs_ack(void *user)
{
    struct fake_ufs *u = user;

    if (u->ack_delay_ms > 0)
        fake_port_push_at(u->fp, u->fp->now + u->ack_delay_ms, "A");
    else
        fake_port_push(u->fp, "A");
}

static void fake_ufs_command(struct fake_ufs *u, const char *cmd)
{
    size_t used = strlen(u->log);

    snprintf(u->log + used, sizeof(u->log) - used, "%s|", cmd);
    if (strncmp(cmd, "AT", 2) != 0 || !ufs_model_command(&u->model, cmd + 2, u->fp->now))
        fake_ufs_say(u, "ERROR");
}

/* Command lines up to their CR; the bytes of a transfer go to the model. */
static void fake_ufs_input(struct fake_port *fp, const char *data, size_t len, void *user)
{
    struct fake_ufs *u = user;
    const uint8_t *bytes = (const uint8_t *)data;

    (void)fp;
    while (len > 0) {
        size_t n = ufs_model_input(&u->model, bytes, len, u->fp->now);
        char c;

        bytes += n;
        len -= n;
        if (len == 0)
            break;
        c = (char)*bytes++;
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

void fake_ufs_init(struct fake_ufs *u, struct fake_port *fp, uint64_t free_bytes, uint64_t total)
{
    const struct ufs_model_io io = {fake_ufs_say, fake_ufs_ack, NULL, u};

    memset(u, 0, sizeof(*u));
    ufs_model_init(&u->model, &io, total);
    u->model.free_bytes = free_bytes;
    u->fp = fp;
    fp->responder = fake_ufs_input;
    fp->responder_user = u;
}

uint64_t fake_ufs_deadline(const struct fake_ufs *u)
{
    return ufs_model_deadline(&u->model);
}

void fake_ufs_tick(struct fake_ufs *u)
{
    ufs_model_tick(&u->model, u->fp->now);
}
