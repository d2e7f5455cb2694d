/* The built-in system transport: picks the backend for the device, finds the device
 * again after the module re-enumerates, and waits for its return without polling. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "port_sys.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "port_posix.h"
#include "usb_id.h"

#ifdef DFOTA_HAVE_LIBSERIALPORT
#include "port_serialport.h"
#endif

#ifdef __linux__
#include <sys/inotify.h>
#endif

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Longest a closed-port wait sleeps before suggesting another open() attempt: the
 * safety net for a return the directory watch could not see (a directory created and
 * filled before the watch moved into it, permissions set on a node elsewhere). */
#define CLOSED_WAIT_CAP_MS 250u

struct sp_port;

enum backend { BACKEND_NONE, BACKEND_SERIALPORT, BACKEND_POSIX };

struct port_sys {
    struct port_sys_config cfg;
    bool use_usb;
    struct usb_id usb;
    int usb_interface; /* the interface of the first successful open, -1 before */
    int interface;     /* the interface of the device last resolved, -1 if unknown */
    bool opened_once;
    enum backend backend;
    struct sp_port *sp;
    int fd;
    char device[PATH_MAX]; /* the real path last opened */
    /* Watch for the device's return while closed. */
    int notify_fd;
    int watch;
    char watched_dir[PATH_MAX];
};

uint64_t port_sys_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
log_line(const struct port_sys *p, enum dfota_log_level level, const char *fmt, ...)
{
    if (p->cfg.log == NULL)
        return;
    char text[PATH_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    p->cfg.log(p->cfg.log_user, level, text);
}

static const char *backend_name(enum backend b)
{
    return b == BACKEND_SERIALPORT ? "libserialport" : "POSIX termios";
}

/* ---- waiting for the device to return -------------------------------------------- */

/* The directory where the device node (or its link) will reappear. */
static void device_directory(const struct port_sys *p, char *dir, size_t size)
{
    if (p->use_usb || p->cfg.path == NULL) {
        snprintf(dir, size, "/dev");
        return;
    }
    const char *slash = strrchr(p->cfg.path, '/');
    if (slash == NULL)
        snprintf(dir, size, ".");
    else if (slash == p->cfg.path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - p->cfg.path), p->cfg.path);
}

static bool is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* /dev/serial/by-id vanishes with the last device on it: watch what still exists. */
static void nearest_existing_ancestor(char *dir)
{
    while (!is_directory(dir)) {
        char *slash = strrchr(dir, '/');
        if (slash == NULL) {
            strcpy(dir, ".");
            return;
        }
        if (slash == dir) {
            strcpy(dir, "/");
            return;
        }
        *slash = '\0';
    }
}

#ifdef __linux__
#define WATCH_EVENTS                                                                               \
    (IN_CREATE | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* Reads all queued events. Returns true if there was any; forgets a watch the kernel
 * dropped (its directory went away) so the next arming picks a new directory. */
static bool drain_events(struct port_sys *p)
{
    bool any = false;
    _Alignas(struct inotify_event) char buf[4096];
    for (;;) {
        ssize_t n = read(p->notify_fd, buf, sizeof buf);
        if (n <= 0)
            return any;
        any = true;
        for (size_t off = 0; off + sizeof(struct inotify_event) <= (size_t)n;) {
            const struct inotify_event *ev = (const struct inotify_event *)(buf + off);
            if (ev->wd == p->watch && (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)))
                p->watch = -1;
            off += sizeof(struct inotify_event) + ev->len;
        }
    }
}

/* Sets the watch on the nearest existing directory of the device. Returns true when it
 * moved to another directory than before: something appeared or vanished on the way,
 * worth an open() attempt. */
static bool arm_watch(struct port_sys *p)
{
    if (p->notify_fd < 0) {
        p->notify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (p->notify_fd < 0)
            return false;
    }
    char dir[PATH_MAX];
    device_directory(p, dir, sizeof dir);
    nearest_existing_ancestor(dir);
    if (p->watch >= 0 && strcmp(dir, p->watched_dir) == 0)
        return false;
    if (p->watch >= 0)
        (void)inotify_rm_watch(p->notify_fd, p->watch);
    bool moved = p->watched_dir[0] != '\0' && strcmp(dir, p->watched_dir) != 0;
    p->watch = inotify_add_watch(p->notify_fd, dir, WATCH_EVENTS);
    strcpy(p->watched_dir, p->watch >= 0 ? dir : "");
    return moved;
}

/* Stops watching while the port is open, but keeps the inotify descriptor: closing one
 * waits for an RCU grace period (milliseconds), which would delay every reopen. */
static void pause_watch(struct port_sys *p)
{
    if (p->watch >= 0)
        (void)inotify_rm_watch(p->notify_fd, p->watch);
    (void)drain_events(p);
    p->watch = -1;
    p->watched_dir[0] = '\0';
}

static void disarm_watch(struct port_sys *p)
{
    if (p->notify_fd >= 0)
        (void)close(p->notify_fd);
    p->notify_fd = -1;
    p->watch = -1;
    p->watched_dir[0] = '\0';
}
#else
static bool drain_events(struct port_sys *p)
{
    (void)p;
    return false;
}

static bool arm_watch(struct port_sys *p)
{
    (void)p;
    return false;
}

static void pause_watch(struct port_sys *p)
{
    (void)p;
}

static void disarm_watch(struct port_sys *p)
{
    (void)p;
}
#endif

/* Sleeps until fd is readable (fd < 0: just sleeps), ms pass or a signal comes (the
 * caller may have been cancelled). Returns true if readable. */
static bool wait_readable(int fd, uint32_t ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN, .revents = 0};
    return poll(fd >= 0 ? &pfd : NULL, fd >= 0 ? 1u : 0u, (int)ms) > 0;
}

static int wait_for_return(struct port_sys *p, uint32_t timeout_ms)
{
    if (arm_watch(p))
        return DFOTA_PORT_READY;
    uint32_t ms = timeout_ms < CLOSED_WAIT_CAP_MS ? timeout_ms : CLOSED_WAIT_CAP_MS;
    if (wait_readable(p->notify_fd, ms)) {
        (void)drain_events(p);
        return DFOTA_PORT_READY;
    }
    /* At the cap the caller's deadline has not passed: "maybe back", try open(). */
    return timeout_ms > CLOSED_WAIT_CAP_MS ? DFOTA_PORT_READY : DFOTA_PORT_TIMEOUT;
}

/* ---- opening ------------------------------------------------------------------------ */

static int resolve_by_path(struct port_sys *p, char *device)
{
    if (realpath(p->cfg.path, device) != NULL)
        return DFOTA_PORT_OK;
    int err = errno;
    if (err == ENOENT || err == ENOTDIR)
        return DFOTA_PORT_ABSENT;
    log_line(p, DFOTA_LOG_WARN, "cannot resolve %s: %s", p->cfg.path, strerror(err));
    return DFOTA_PORT_ERROR;
}

static int resolve_device(struct port_sys *p, char *device)
{
    if (!p->use_usb)
        return resolve_by_path(p, device);
#ifdef DFOTA_HAVE_LIBSERIALPORT
    int status = serialport_find_usb(&p->usb, p->usb_interface, device, PATH_MAX, &p->interface);
    if (status == DFOTA_PORT_ERROR)
        log_line(p, DFOTA_LOG_WARN, "cannot enumerate USB serial ports");
    return status;
#else
    (void)device;
    return DFOTA_PORT_ERROR;
#endif
}

static int open_with_termios(struct port_sys *p, const char *device)
{
    int fd = -1, err = 0;
    int status = port_posix_open(device, p->cfg.baud, p->cfg.rtscts, &fd, &err);
    if (status == DFOTA_PORT_OK) {
        p->fd = fd;
        p->backend = BACKEND_POSIX;
        return status;
    }
    /* After a reboot udev chmods the new node a moment after creating it. A first open
     * refused for permissions is a setup problem and must fail at once. */
    if (err == EACCES && p->opened_once) {
        log_line(p, DFOTA_LOG_DEBUG, "%s: permission denied, not ready yet", device);
        return DFOTA_PORT_ABSENT;
    }
    if (status == DFOTA_PORT_ERROR)
        log_line(p, DFOTA_LOG_WARN, "cannot open %s: %s", device, strerror(err));
    return status;
}

static int open_device(struct port_sys *p, const char *device)
{
#ifdef DFOTA_HAVE_LIBSERIALPORT
    char why[256] = "";
    int fd = -1;
    if (serialport_open(device, p->cfg.baud, p->cfg.rtscts, &p->sp, &fd, why, sizeof why) ==
        DFOTA_PORT_OK) {
        p->fd = fd;
        p->backend = BACKEND_SERIALPORT;
        return DFOTA_PORT_OK;
    }
    /* Pseudo-terminals (simulators, ser2net, socat) have no sysfs entry and no modem
     * lines: libserialport refuses them, termios serves them. */
    log_line(p, DFOTA_LOG_DEBUG, "libserialport refused %s (%s), trying POSIX termios", device,
             why);
#endif
    return open_with_termios(p, device);
}

static void log_opened(const struct port_sys *p)
{
    if (p->use_usb)
        log_line(p, DFOTA_LOG_INFO, "opened %s (USB %04x:%04x interface %d) with %s", p->device,
                 p->usb.vid, p->usb.pid, p->interface, backend_name(p->backend));
    else if (strcmp(p->device, p->cfg.path) != 0)
        log_line(p, DFOTA_LOG_INFO, "opened %s (link %s) with %s", p->device, p->cfg.path,
                 backend_name(p->backend));
    else
        log_line(p, DFOTA_LOG_INFO, "opened %s with %s", p->device, backend_name(p->backend));
}

/* ---- the port operations ------------------------------------------------------------ */

static int sys_open(void *ctx)
{
    struct port_sys *p = ctx;
    if (p->fd >= 0)
        return DFOTA_PORT_OK;
    /* Watch first: a device that appears during a failed attempt must still wake us.
     * Events so far are consumed by this attempt, so an event loop polling fd() does
     * not wake again for them. */
    (void)arm_watch(p);
    (void)drain_events(p);
    char device[PATH_MAX];
    int status = resolve_device(p, device);
    if (status == DFOTA_PORT_OK)
        status = open_device(p, device);
    if (status != DFOTA_PORT_OK)
        return status;
    strcpy(p->device, device);
    p->opened_once = true;
    /* ttyUSB2 may return as ttyUSB3: the interface is what identifies the AT port. */
    if (p->usb_interface < 0)
        p->usb_interface = p->interface;
    pause_watch(p);
    log_opened(p);
    return DFOTA_PORT_OK;
}

static void sys_close(void *ctx)
{
    struct port_sys *p = ctx;
    if (p->fd < 0)
        return;
#ifdef DFOTA_HAVE_LIBSERIALPORT
    if (p->backend == BACKEND_SERIALPORT)
        serialport_close(p->sp);
    else
        port_posix_close(p->fd);
    p->sp = NULL;
#else
    port_posix_close(p->fd);
#endif
    p->fd = -1;
    p->backend = BACKEND_NONE;
    (void)arm_watch(p);
}

static int sys_read(void *ctx, uint8_t *buf, size_t len)
{
    struct port_sys *p = ctx;
    return p->fd >= 0 ? port_posix_read(p->fd, buf, len) : DFOTA_PORT_ERROR;
}

static int sys_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    struct port_sys *p = ctx;
    return p->fd >= 0 ? port_posix_write(p->fd, buf, len, timeout_ms) : DFOTA_PORT_ERROR;
}

static int sys_wait(void *ctx, uint32_t timeout_ms)
{
    struct port_sys *p = ctx;
    if (p->fd >= 0)
        return port_posix_wait(p->fd, timeout_ms);
    return wait_for_return(p, timeout_ms);
}

static int sys_fd(void *ctx)
{
    struct port_sys *p = ctx;
    return p->fd >= 0 ? p->fd : p->notify_fd;
}

static const struct dfota_port_ops port_sys_ops = {
    .open = sys_open,
    .close = sys_close,
    .read = sys_read,
    .write = sys_write,
    .wait = sys_wait,
    .fd = sys_fd,
};

/* ---- creation ----------------------------------------------------------------------- */

static int check_config(const struct port_sys_config *cfg, struct usb_id *usb, char *msg,
                        size_t msg_size)
{
    if (cfg == NULL || (cfg->path == NULL && cfg->usb == NULL)) {
        snprintf(msg, msg_size, "no port given: set a device path or a USB identity");
        return DFOTA_ERR_INVALID;
    }
    if (cfg->path != NULL && (cfg->path[0] == '\0' || strlen(cfg->path) >= PATH_MAX)) {
        snprintf(msg, msg_size, "port path is empty or too long");
        return DFOTA_ERR_INVALID;
    }
    if (cfg->usb == NULL)
        return DFOTA_OK;
    if (!usb_id_parse(cfg->usb, usb, msg, msg_size))
        return DFOTA_ERR_INVALID;
#ifndef DFOTA_HAVE_LIBSERIALPORT
    snprintf(msg, msg_size, "finding the port by USB identity needs libserialport");
    return DFOTA_ERR_INVALID;
#else
    return DFOTA_OK;
#endif
}

int port_sys_new(const struct port_sys_config *cfg, const struct dfota_port_ops **ops, void **ctx,
                 char *msg, size_t msg_size)
{
    char ignored[1];
    if (msg == NULL || msg_size == 0) {
        msg = ignored;
        msg_size = sizeof ignored;
    }
    struct usb_id usb;
    memset(&usb, 0, sizeof usb);
    int rc = check_config(cfg, &usb, msg, msg_size);
    if (rc != DFOTA_OK)
        return rc;
    struct port_sys *p = calloc(1, sizeof *p);
    if (p == NULL) {
        snprintf(msg, msg_size, "out of memory");
        return DFOTA_ERR_NOMEM;
    }
    p->cfg = *cfg;
    p->use_usb = cfg->usb != NULL;
    p->usb = usb;
    p->usb_interface = -1;
    p->interface = -1;
    p->fd = -1;
    p->notify_fd = -1;
    p->watch = -1;
    *ops = &port_sys_ops;
    *ctx = p;
    return DFOTA_OK;
}

void port_sys_free(void *ctx)
{
    struct port_sys *p = ctx;
    if (p == NULL)
        return;
    sys_close(p);
    disarm_watch(p);
    free(p);
}
