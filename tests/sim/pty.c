/* The simulated module's USB AT port: a pseudo-terminal behind a stable symlink. A reboot
 * takes the link away and closes the master (the host's descriptor hangs up), as USB
 * re-enumeration does; the port returns as a new pty behind the same link. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define DRAIN_MAX_MS 2000
#define DRAIN_STEP_MS 5
#define WRITE_TIMEOUT_MS 1000

static void make_parent_dirs(const char *path)
{
    char dir[SIM_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        (void)mkdir(dir, 0755);
        *p = '/';
    }
}

/* The link changes in one step (rename), so the host never sees a half-made one. */
static int link_publish(struct sim *s)
{
    char tmp[SIM_PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", s->o.link, (long)getpid());
    make_parent_dirs(s->o.link);
    (void)unlink(tmp);
    if (symlink(s->slave_name, tmp) != 0 || rename(tmp, s->o.link) != 0) {
        sim_log(s, "cannot link %s -> %s: %s", s->o.link, s->slave_name, strerror(errno));
        (void)unlink(tmp);
        return -1;
    }
    return 0;
}

static int slave_setup(struct sim *s)
{
    struct termios tio;
    s->slave = open(s->slave_name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (s->slave < 0 || tcgetattr(s->slave, &tio) != 0)
        return -1;
    cfmakeraw(&tio);
    (void)cfsetispeed(&tio, B115200);
    (void)cfsetospeed(&tio, B115200);
    return tcsetattr(s->slave, TCSANOW, &tio);
}

static void pty_close(struct sim *s)
{
    if (s->master >= 0)
        (void)close(s->master);
    if (s->slave >= 0)
        (void)close(s->slave);
    s->master = s->slave = -1;
}

int sim_pty_up(struct sim *s)
{
    s->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s->master < 0 || grantpt(s->master) != 0 || unlockpt(s->master) != 0 ||
        ptsname_r(s->master, s->slave_name, sizeof s->slave_name) != 0 ||
        fcntl(s->master, F_SETFL, fcntl(s->master, F_GETFL) | O_NONBLOCK) != 0 ||
        slave_setup(s) != 0) {
        sim_log(s, "cannot create a pty: %s", strerror(errno));
        pty_close(s);
        return -1;
    }
    if (link_publish(s) != 0) {
        pty_close(s);
        return -1;
    }
    s->line_len = 0;
    s->line_overflow = false;
    sim_log(s, "port up: %s -> %s", s->o.link, s->slave_name);
    if (!s->ready_printed) {
        printf("ready %s\n", s->o.link);
        fflush(stdout);
        s->ready_printed = true;
    }
    return 0;
}

/* On Linux the bytes a master writes just before it closes never reach the reader: wait
 * (bounded) until the host has read everything, as a real module's last URC does arrive. */
static void wait_host_read(struct sim *s)
{
    uint64_t deadline = sim_now_ms() + DRAIN_MAX_MS;
    for (;;) {
        int count = 0;
        if (ioctl(s->slave, FIONREAD, &count) != 0 || count == 0)
            return;
        if (sim_now_ms() >= deadline) {
            sim_log(s, "host left %d bytes unread", count);
            return;
        }
        if (sim_poll(s, NULL, 0, DRAIN_STEP_MS) < 0 || s->stop)
            return;
    }
}

void sim_pty_down(struct sim *s)
{
    if (s->master < 0) {
        (void)unlink(s->o.link);
        return;
    }
    if (!s->stop)
        wait_host_read(s);
    (void)unlink(s->o.link);
    pty_close(s);
    sim_log(s, "port down: %s removed", s->o.link);
}

static void drain_input(struct sim *s)
{
    uint8_t buf[512];
    for (;;) {
        ssize_t n = read(s->master, buf, sizeof buf);
        if (n <= 0)
            return;
        sim_pace(s, &s->pace_in_due_us, (size_t)n);
        if (s->powered)
            sim_at_input(s, buf, (size_t)n);
        else
            sim_log(s, "module off: %zd bytes from the host dropped", n);
    }
}

bool sim_idle(struct sim *s, uint32_t ms)
{
    uint64_t deadline = sim_now_ms() + ms;
    for (;;) {
        uint64_t now = sim_now_ms();
        if (sim_should_stop(s))
            return false;
        /* A new AT+QFOTADL is for the main loop to start at once. */
        if (now >= deadline || (s->have_pending && !s->in_fota))
            return true;
        uint32_t left = (uint32_t)(deadline - now);
        sim_ufs_tick(s); /* an upload's data timeout */
        if (sim_ufs_ms_left(s) < left)
            left = sim_ufs_ms_left(s) + 1;
        if (s->master < 0) {
            (void)sim_poll(s, NULL, 0, left);
            continue;
        }
        struct pollfd p = {.fd = s->master, .events = POLLIN, .revents = 0};
        int rc = sim_poll(s, &p, 1, left);
        if (rc > 0 && (p.revents & POLLIN))
            drain_input(s);
        else if (rc > 0) /* hang-up without input: do not spin */
            (void)sim_poll(s, NULL, 0, left < 20 ? left : 20);
    }
}

static void write_all(struct sim *s, const uint8_t *buf, size_t len)
{
    uint64_t deadline = sim_now_ms() + WRITE_TIMEOUT_MS;
    while (len > 0 && s->master >= 0) {
        ssize_t n = write(s->master, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            sim_log(s, "write failed: %s", strerror(errno));
            return;
        }
        uint64_t now = sim_now_ms();
        struct pollfd p = {.fd = s->master, .events = POLLOUT, .revents = 0};
        if (now >= deadline || s->stop) {
            sim_log(s, "host not reading: %zu bytes dropped", len);
            return;
        }
        (void)sim_poll(s, &p, 1, (uint32_t)(deadline - now));
    }
}

void sim_write(struct sim *s, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    if (s->master < 0)
        return;
    sim_pace(s, &s->pace_out_due_us, len);
    if (!s->o.fragment) {
        write_all(s, p, len);
        return;
    }
    while (len > 0) {
        size_t piece = 1 + sim_random(s, 7);
        if (piece > len)
            piece = len;
        write_all(s, p, piece);
        p += piece;
        len -= piece;
        if (len > 0)
            (void)sim_poll(s, NULL, 0, sim_random(s, 3));
    }
}

void sim_send_line(struct sim *s, const char *text, bool noisy)
{
    char buf[SIM_LINE_MAX + 8];
    if (noisy && s->o.noise && sim_random(s, 2) == 0)
        sim_noise(s, true);
    int n = snprintf(buf, sizeof buf, "\r\n%s\r\n", text);
    sim_log(s, "tx %s", text);
    sim_write(s, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

struct noise_item {
    const char *bytes;
    size_t len;
    const char *what;
};

#define NOISE(text, what)                                                                          \
    {                                                                                              \
        text, sizeof text - 1, what                                                                \
    }

static const struct noise_item noise_urcs[] = {
    NOISE("\r\n+CPIN: READY\r\n", "+CPIN: READY"),
    NOISE("\r\n+QIND: SMS DONE\r\n", "+QIND: SMS DONE"),
    NOISE("\r\n+QIND: \"csq\",20,99\r\n", "+QIND: \"csq\",20,99"),
    NOISE("\r\n+QIND: PB DONE\r\n", "+QIND: PB DONE"),
};

static const struct noise_item noise_garbage[] = {
    NOISE("\r\n\x00\x01\xff\xfe\x80junk\x1b[0m\r\n", "binary garbage"),
    NOISE("\r\n\r\n", "blank lines"),
    NOISE("\r", "stray CR"),
    NOISE("\x00", "NUL"),
    NOISE("\r\n\xc3\xa9t\xc3\xa9 \xe2\x82\xac\r\n", "non-ASCII line"),
};

void sim_noise(struct sim *s, bool garbage)
{
    const size_t n_urcs = sizeof noise_urcs / sizeof noise_urcs[0];
    const size_t n_garbage = sizeof noise_garbage / sizeof noise_garbage[0];
    uint32_t pick = sim_random(s, (uint32_t)(n_urcs + (garbage ? n_garbage : 0)));
    const struct noise_item *item =
        pick < n_urcs ? &noise_urcs[pick] : &noise_garbage[pick - n_urcs];
    sim_log(s, "tx noise: %s", item->what);
    sim_write(s, item->bytes, item->len);
}
