/* POSIX termios serial backend on a file descriptor. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "os/port_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "os/port_clock.h"

/* A blocked write looks at the cancel flag at least this often: a signal that lands
 * just before poll() starts must not wait for the write's whole timeout. */
#define PORT_POSIX_CANCEL_SLICE_MS 200

struct port_posix_baud {
    uint32_t baud;
    speed_t speed;
};

static const struct port_posix_baud port_posix_bauds[] = {
    {1200, B1200},       {2400, B2400},   {4800, B4800},     {9600, B9600},     {19200, B19200},
    {38400, B38400},     {57600, B57600}, {115200, B115200}, {230400, B230400},
#ifdef B460800
    {460800, B460800},
#endif
#ifdef B921600
    {921600, B921600},
#endif
#ifdef B1000000
    {1000000, B1000000},
#endif
#ifdef B2000000
    {2000000, B2000000},
#endif
#ifdef B3000000
    {3000000, B3000000},
#endif
#ifdef B4000000
    {4000000, B4000000},
#endif
};

#define PORT_POSIX_BAUD_COUNT (sizeof port_posix_bauds / sizeof port_posix_bauds[0])

static bool port_posix_speed_for_baud(uint32_t baud, speed_t *speed)
{
    for (size_t i = 0; i < PORT_POSIX_BAUD_COUNT; i++) {
        if (port_posix_bauds[i].baud == baud) {
            *speed = port_posix_bauds[i].speed;
            return true;
        }
    }
    return false;
}

bool port_posix_baud_supported(uint32_t baud)
{
    speed_t speed;
    return port_posix_speed_for_baud(baud, &speed);
}

void port_posix_baud_list(char *text, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    text[0] = '\0';
    for (size_t i = 0; i < PORT_POSIX_BAUD_COUNT && used < size; i++) {
        int n = snprintf(text + used, size - used, "%s%lu", i > 0 ? ", " : "",
                         (unsigned long)port_posix_bauds[i].baud);
        if (n < 0)
            return;
        used += (size_t)n;
    }
}

/* errno values meaning the device node or the device behind it is not there. */
static bool port_posix_errno_means_absent(int err)
{
    return err == ENOENT || err == ENXIO || err == ENODEV || err == EIO;
}

static bool port_posix_errno_means_hangup(int err)
{
    return err == EIO || err == ENXIO || err == ENODEV;
}

/* With VMIN 0 Linux returns 0 from read() on an empty tty even when non-blocking; with
 * VMIN 1 an empty tty answers EAGAIN, so 0 (end of file) means the device hung up. */
static void port_posix_set_eof_means_hangup(struct termios *tio)
{
    tio->c_cc[VMIN] = 1;
    tio->c_cc[VTIME] = 0;
}

static int port_posix_configure(int fd, uint32_t baud, bool rtscts)
{
    struct termios tio;
    speed_t speed;
    if (!port_posix_speed_for_baud(baud, &speed)) {
        errno = EINVAL;
        return -1;
    }
    if (tcgetattr(fd, &tio) != 0)
        return -1;
    cfmakeraw(&tio);
    tio.c_cflag &= (tcflag_t) ~(CSTOPB | PARENB | CSIZE | CRTSCTS);
    tio.c_cflag |= CS8 | CLOCAL | CREAD;
    if (rtscts)
        tio.c_cflag |= CRTSCTS;
    port_posix_set_eof_means_hangup(&tio);
    if (cfsetispeed(&tio, speed) != 0 || cfsetospeed(&tio, speed) != 0)
        return -1;
    if (tcsetattr(fd, TCSANOW, &tio) != 0)
        return -1;
    /* Old bytes from before a reboot would be mistaken for fresh answers. */
    (void)tcflush(fd, TCIOFLUSH);
    return 0;
}

int port_posix_open(const char *path, uint32_t baud, bool rtscts, int *fd, int *os_error)
{
    *fd = -1;
    *os_error = 0;
    int f = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (f < 0) {
        *os_error = errno;
        return port_posix_errno_means_absent(*os_error) ? DFOTA_PORT_ABSENT : DFOTA_PORT_ERROR;
    }
    /* Claimed before it is configured: the settings of a port someone else holds are
     * theirs, and so are the bytes a flush would throw away. */
    if (port_posix_claim(f, os_error) != DFOTA_PORT_OK) {
        (void)close(f);
        return DFOTA_PORT_ERROR;
    }
    if (port_posix_configure(f, baud, rtscts) != 0) {
        *os_error = errno;
        (void)close(f);
        /* A device that vanishes between open and setup is simply not there. */
        return port_posix_errno_means_absent(*os_error) ? DFOTA_PORT_ABSENT : DFOTA_PORT_ERROR;
    }
    *fd = f;
    return DFOTA_PORT_OK;
}

void port_posix_release(int fd)
{
#ifdef TIOCNXCL
    /* The flag belongs to the tty, not to fd: it would outlive us while any other
     * descriptor (a simulator's, a passive reader's) keeps the tty open. */
    (void)ioctl(fd, TIOCNXCL);
#endif
    (void)flock(fd, LOCK_UN);
}

void port_posix_close(int fd)
{
    if (fd < 0)
        return;
    port_posix_release(fd);
    (void)close(fd);
}

/* ioctl()'s request is an unsigned long in glibc, an int in musl and POSIX: TIOCGEXCL
 * (0x80045440) converts to either only by a cast. */
#ifdef __GLIBC__
typedef unsigned long port_posix_ioctl_request;
#else
typedef int port_posix_ioctl_request;
#endif

int port_posix_claim(int fd, int *os_error)
{
    *os_error = 0;
#ifdef TIOCGEXCL
    /* Another program's TIOCEXCL without an flock (ModemManager's): its open()s keep out
     * everyone but root, whom the kernel lets through, so the flag itself is asked. */
    int exclusive = 0;
    if (ioctl(fd, (port_posix_ioctl_request)TIOCGEXCL, &exclusive) == 0 && exclusive) {
        *os_error = EBUSY;
        return DFOTA_PORT_ERROR;
    }
#endif
    /* flock binds root too (TIOCEXCL does not) and dies with its holder. Where the file
     * system has no locks (ENOLCK, EOPNOTSUPP) only TIOCEXCL guards the port. */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        *os_error = EBUSY;
        return DFOTA_PORT_ERROR;
    }
#ifdef TIOCEXCL
    /* Further open()s fail with EBUSY, also for programs that take no lock (not for
     * root); a pseudo-terminal's slave accepts it too. */
    if (ioctl(fd, TIOCEXCL) != 0 && errno != ENOTTY && errno != EINVAL) {
        *os_error = errno;
        (void)flock(fd, LOCK_UN);
        return DFOTA_PORT_ERROR;
    }
#endif
    return DFOTA_PORT_OK;
}

bool port_posix_names_fd(const char *path, int fd)
{
    struct stat at_path, open;
    if (fstat(fd, &open) != 0)
        return true; /* cannot tell: the next read says what became of fd */
    /* A path gone for a moment (udev making a link anew) names nothing else: the device
     * itself says with a hang-up when it goes. */
    if (stat(path, &at_path) != 0)
        return true;
    return at_path.st_dev == open.st_dev && at_path.st_ino == open.st_ino &&
           at_path.st_rdev == open.st_rdev;
}

int port_posix_adopt(int fd)
{
    struct termios tio;
    if (tcgetattr(fd, &tio) != 0)
        return DFOTA_PORT_ERROR;
    port_posix_set_eof_means_hangup(&tio);
    if (tcsetattr(fd, TCSANOW, &tio) != 0)
        return DFOTA_PORT_ERROR;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return DFOTA_PORT_ERROR;
    int fdflags = fcntl(fd, F_GETFD);
    if (fdflags < 0 || fcntl(fd, F_SETFD, fdflags | FD_CLOEXEC) != 0)
        return DFOTA_PORT_ERROR;
    return DFOTA_PORT_OK;
}

int port_posix_read(int fd, uint8_t *buf, size_t len)
{
    if (len > INT_MAX)
        len = INT_MAX;
    for (;;) {
        ssize_t n = read(fd, buf, len);
        if (n > 0)
            return (int)n;
        /* A tty only reports end-of-file once it has been hung up. */
        if (n == 0)
            return len == 0 ? 0 : DFOTA_PORT_HANGUP;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return port_posix_errno_means_hangup(errno) ? DFOTA_PORT_HANGUP : DFOTA_PORT_ERROR;
    }
}

static int port_posix_remaining_ms(uint64_t deadline)
{
    uint64_t now = port_clock_now_ms();
    if (now >= deadline)
        return 0;
    uint64_t left = deadline - now;
    return left > INT_MAX ? INT_MAX : (int)left;
}

static bool port_posix_cancelled(const volatile sig_atomic_t *cancel)
{
    return cancel != NULL && *cancel != 0;
}

/* poll() for events until the deadline or a cancel, whichever comes first; a signal that
 * is not a cancel restarts the wait. Returns poll's result (0 on timeout or cancel) and
 * the revents. */
static int port_posix_poll_until(int fd, short events, uint64_t deadline,
                                 const volatile sig_atomic_t *cancel, short *revents)
{
    struct pollfd p = {.fd = fd, .events = events, .revents = 0};
    for (;;) {
        if (port_posix_cancelled(cancel))
            return 0;
        int left = port_posix_remaining_ms(deadline);
        int slice =
            cancel != NULL && left > PORT_POSIX_CANCEL_SLICE_MS ? PORT_POSIX_CANCEL_SLICE_MS : left;
        int rc = poll(&p, 1, slice);
        if ((rc < 0 && errno == EINTR) || (rc == 0 && slice < left))
            continue;
        *revents = p.revents;
        return rc;
    }
}

/* POLLHUP and POLLIN come together while a hung-up tty still holds input; that input
 * must be read before the hang-up is reported, or the module's last words are lost. */
static bool port_posix_input_pending(int fd)
{
    int count = 0;
    if (ioctl(fd, FIONREAD, &count) != 0)
        return false;
    return count > 0;
}

int port_posix_wait(int fd, uint32_t timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN, .revents = 0};
    /* One poll, not restarted after a signal: the caller may have been cancelled. */
    int rc = poll(&pfd, 1, timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms);
    if (rc < 0 && errno == EINTR)
        return DFOTA_PORT_TIMEOUT;
    if (rc < 0)
        return DFOTA_PORT_ERROR;
    short revents = pfd.revents;
    if (rc == 0)
        return DFOTA_PORT_TIMEOUT;
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
        if ((revents & POLLIN) && !(revents & POLLNVAL) && port_posix_input_pending(fd))
            return DFOTA_PORT_READY;
        return DFOTA_PORT_HANGUP;
    }
    return DFOTA_PORT_READY;
}

/* One write attempt: bytes written (0 when the driver's buffer is full) or a status. */
static ssize_t port_posix_write_some(int fd, const uint8_t *buf, size_t len)
{
    for (;;) {
        ssize_t n = write(fd, buf, len);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return port_posix_errno_means_hangup(errno) ? DFOTA_PORT_HANGUP : DFOTA_PORT_ERROR;
    }
}

int port_posix_write(int fd, const uint8_t *buf, size_t len, uint32_t timeout_ms,
                     const volatile sig_atomic_t *cancel)
{
    uint64_t deadline = port_clock_now_ms() + timeout_ms;
    size_t done = 0;
    while (done < len) {
        ssize_t n = port_posix_write_some(fd, buf + done, len - done);
        if (n < 0)
            return (int)n;
        done += (size_t)n;
        if (done == len)
            break;
        short revents = 0;
        int rc = port_posix_poll_until(fd, POLLOUT, deadline, cancel, &revents);
        if (rc < 0)
            return DFOTA_PORT_ERROR;
        if (rc == 0)
            return DFOTA_PORT_TIMEOUT;
        if (revents & (POLLHUP | POLLERR | POLLNVAL))
            return DFOTA_PORT_HANGUP;
    }
    return DFOTA_PORT_OK;
}
