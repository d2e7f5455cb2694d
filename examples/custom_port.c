/* Bringing your own UART driver: struct dfota_port_ops over whatever your platform has.
 * Gateway firmware fills these six calls with its driver and a millisecond clock; here a
 * plain POSIX descriptor stands in for the driver so that the example runs anywhere.
 * Usage: custom_port DEVICE TARGET */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <dfota.h>

struct uart {
    const char *device;
    int fd;
};

static int uart_open(void *ctx)
{
    struct uart *u = ctx;
    struct termios tio;

    u->fd = open(u->device, O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (u->fd < 0)
        return errno == ENOENT ? DFOTA_PORT_ABSENT : DFOTA_PORT_ERROR;
    if (tcgetattr(u->fd, &tio) == 0) {
        cfmakeraw(&tio);
        cfsetspeed(&tio, B115200);
        tcsetattr(u->fd, TCSANOW, &tio);
    }
    return DFOTA_PORT_OK;
}

static void uart_close(void *ctx)
{
    struct uart *u = ctx;

    if (u->fd >= 0)
        close(u->fd);
    u->fd = -1;
}

static int uart_read(void *ctx, uint8_t *buf, size_t len)
{
    ssize_t n = read(((struct uart *)ctx)->fd, buf, len);

    if (n > 0)
        return (int)n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    return DFOTA_PORT_HANGUP; /* EOF or EIO: the device went away */
}

static int uart_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    struct uart *u = ctx;
    struct pollfd p = {u->fd, POLLOUT, 0};

    while (len > 0) {
        ssize_t n = write(u->fd, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return errno == EIO ? DFOTA_PORT_HANGUP : DFOTA_PORT_ERROR;
        } else if (poll(&p, 1, (int)timeout_ms) == 0) {
            return DFOTA_PORT_TIMEOUT; /* a simple driver may restart the timeout per chunk */
        }
    }
    return DFOTA_PORT_OK;
}

static int uart_wait(void *ctx, uint32_t timeout_ms)
{
    struct uart *u = ctx;
    struct pollfd p = {u->fd, POLLIN, 0};

    if (u->fd < 0) { /* closed: this driver cannot see the device return, so just pause */
        poll(NULL, 0, timeout_ms < 50 ? (int)timeout_ms : 50);
        return DFOTA_PORT_READY;
    }
    if (poll(&p, 1, (int)timeout_ms) <= 0)
        return DFOTA_PORT_TIMEOUT;
    return (p.revents & (POLLHUP | POLLERR)) && !(p.revents & POLLIN) ? DFOTA_PORT_HANGUP
                                                                      : DFOTA_PORT_READY;
}

static const struct dfota_port_ops uart_ops = {
    uart_open, uart_close, uart_read, uart_write, uart_wait, NULL,
};

static uint64_t clock_ms(void *user)
{
    struct timespec ts;

    (void)user;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void on_event(void *user, const struct dfota_event *ev)
{
    (void)user;
    if (ev->type == DFOTA_EVENT_PROGRESS)
        printf("updating %d%%\n", ev->percent);
    else if (ev->type == DFOTA_EVENT_DONE)
        printf("%s\n", ev->text);
}

int main(int argc, char **argv)
{
    struct uart uart = {argc > 1 ? argv[1] : "", -1};
    struct dfota_config cfg;
    struct dfota *s;
    int rc;

    if (argc != 3) {
        fprintf(stderr, "usage: %s DEVICE TARGET\n", argv[0]);
        return 2;
    }
    dfota_config_init(&cfg);
    cfg.port_ops = &uart_ops;
    cfg.port_ctx = &uart;
    cfg.now_ms = clock_ms;
    cfg.on_event = on_event;
    if ((rc = dfota_open(&s, &cfg)) != DFOTA_OK)
        return fprintf(stderr, "cannot open %s\n", argv[1]), 3;
    rc = dfota_start(s, argv[2]);
    if (rc == DFOTA_OK)
        rc = dfota_run(s);
    else
        fprintf(stderr, "%s\n", dfota_error_text(s));
    dfota_close(s);
    return rc == DFOTA_OK ? 0 : 1;
}
