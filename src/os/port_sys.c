/* The built-in system transport: picks the backend for the device, holds the device for
 * this session alone, finds it again after the module re-enumerates, waits for its return
 * without polling, and notices when its path comes to name another device. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "os/port_sys.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"
#include "os/port_linux.h"
#include "os/port_posix.h"
#include "os/port_watch.h"
#include "os/usb_id.h"

#ifdef DFOTA_HAVE_LIBSERIALPORT
#include "os/port_serialport.h"
#endif

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Longest a closed-port wait sleeps before suggesting another open() attempt: the
 * safety net for a return the directory watch could not see (a directory created and
 * filled before the watch moved into it, permissions set on a node elsewhere). */
#define PORT_SYS_CLOSED_WAIT_CAP_MS 250u

struct sp_port;

enum port_sys_backend { PORT_SYS_NONE, PORT_SYS_SERIALPORT, PORT_SYS_POSIX };

struct port_sys {
    struct port_sys_config cfg;
    bool use_usb;
    struct usb_id usb;
    int usb_interface; /* the interface of the first successful open, -1 before */
    int interface;     /* the interface of the device last resolved, -1 if unknown */
    bool opened_once;
    bool tried_once;     /* open() was called before: the caller's first is dfota_open's */
    bool via_path;       /* the open device is the one the path names */
    bool failure_logged; /* a reopen's failure said once per streak of failed opens */
    enum port_sys_backend backend;
    struct sp_port *sp;
    bool sp_refused; /* libserialport refused device (a pty): go straight to termios */
    int fd;
    char device[PATH_MAX]; /* the real path last opened */
    char error[PATH_MAX + 256];
    /* For the device's return while closed, for its replacement while open. */
    struct port_watch watch;
};

DFOTA_PRINTF(3, 4)
static void port_sys_log(const struct port_sys *p, enum dfota_log_level level, const char *fmt, ...)
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

/* Why this open failed: kept for the caller of the first open, which reports it
 * (dfota_open), and logged for a reopen, which nobody else reports; once until an open
 * succeeds, not at every retry while the module reboots. */
DFOTA_PRINTF(2, 3)
static void port_sys_fail(struct port_sys *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->error, sizeof p->error, fmt, ap);
    va_end(ap);
    if (p->tried_once && !p->failure_logged) {
        port_sys_log(p, DFOTA_LOG_WARN, "%s", p->error);
        p->failure_logged = true;
    }
}

static const char *port_sys_backend_name(enum port_sys_backend b)
{
    return b == PORT_SYS_SERIALPORT ? "libserialport" : "POSIX termios";
}

static const char *port_sys_dev_dir(const struct port_sys *p)
{
    return p->cfg.roots.dev_dir != NULL ? p->cfg.roots.dev_dir : "/dev";
}

/* ---- directory watches ---------------------------------------------------------------- */

/* Where to watch now. Closed: where the path (or, by USB identity, a tty node) will
 * reappear; true when that moved (worth an open() attempt). Open: the path and the open
 * node themselves, to see either replaced. */
static bool port_sys_arm_watches(struct port_sys *p)
{
    char dirs[PORT_WATCH_DIRS][PATH_MAX];
    const char *wanted[PORT_WATCH_DIRS] = {NULL, NULL};
    if (p->fd >= 0) {
        wanted[0] = p->via_path ? p->cfg.path : NULL;
        wanted[1] = p->device;
        (void)port_watch_arm(&p->watch, wanted, true);
        return false;
    }
    if (p->cfg.path != NULL) {
        port_watch_parent(p->cfg.path, dirs[0], PATH_MAX);
        wanted[0] = dirs[0];
    }
    if (p->use_usb) {
        snprintf(dirs[1], PATH_MAX, "%s", port_sys_dev_dir(p));
        wanted[1] = dirs[1];
    }
    return port_watch_arm(&p->watch, wanted, false);
}

/* Sleeps until fd is readable (fd < 0: just sleeps), ms pass or a signal comes (the
 * caller may have been cancelled). Returns true if readable. */
static bool port_sys_wait_readable(int fd, uint32_t ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN, .revents = 0};
    return poll(fd >= 0 ? &pfd : NULL, fd >= 0 ? 1u : 0u, (int)ms) > 0;
}

static int port_sys_wait_for_return(struct port_sys *p, uint32_t timeout_ms)
{
    if (port_sys_arm_watches(p))
        return DFOTA_PORT_READY;
    uint32_t cap = PORT_SYS_CLOSED_WAIT_CAP_MS;
    if (port_sys_wait_readable(port_watch_notify_fd(&p->watch),
                               timeout_ms < cap ? timeout_ms : cap)) {
        (void)port_watch_drain(&p->watch);
        return DFOTA_PORT_READY;
    }
    /* At the cap the caller's deadline has not passed: "maybe back", try open(). */
    return timeout_ms > cap ? DFOTA_PORT_READY : DFOTA_PORT_TIMEOUT;
}

/* After a change in a watched directory: does the open device still sit where it was
 * found? A link turned to a new node, or a node recreated, leaves us holding a device
 * nobody will talk to again: the port is as good as lost. */
static bool port_sys_replaced(struct port_sys *p)
{
    if (!port_watch_drain(&p->watch))
        return false;
    (void)port_sys_arm_watches(p); /* a watched directory may have gone */
    const char *moved = NULL;
    if (!port_posix_names_fd(p->device, p->fd))
        moved = p->device;
    else if (p->via_path && !port_posix_names_fd(p->cfg.path, p->fd))
        moved = p->cfg.path;
    if (moved == NULL)
        return false;
    port_sys_log(p, DFOTA_LOG_INFO, "%s no longer names the open device", moved);
    return true;
}

/* ---- finding and opening the device ---------------------------------------------------- */

static int port_sys_resolve_path(struct port_sys *p, char *device)
{
    if (realpath(p->cfg.path, device) != NULL)
        return DFOTA_PORT_OK;
    int err = errno;
    if (err == ENOENT || err == ENOTDIR)
        return DFOTA_PORT_ABSENT;
    port_sys_fail(p, "cannot resolve %s: %s", p->cfg.path, strerror(err));
    return DFOTA_PORT_ERROR;
}

/* With an identity given too, a path naming a USB device of another identity (the
 * numbering moved on at a re-enumeration) is not our port. */
static bool port_sys_path_fits_usb(struct port_sys *p, const char *device)
{
    struct usb_id id;
    int interface;
    if (!p->use_usb)
        return true;
    /* The node's own name, else the path's (a link named like the node it stands for). */
    if (!port_linux_describe(&p->cfg.roots, port_linux_tty_name(device), &id, &interface) &&
        !port_linux_describe(&p->cfg.roots, port_linux_tty_name(p->cfg.path), &id, &interface))
        return true;
    struct usb_candidate c = {device, id.vid, id.pid, id.serial, interface};
    int want = p->usb_interface >= 0 ? p->usb_interface : interface;
    p->interface = interface;
    return usb_id_pick(&p->usb, want, &c, 1) == 0 && (want < 0 || interface == want);
}

int port_sys_usb_interface(void *ctx)
{
    struct port_sys *p = ctx;
    struct usb_id id;
    int interface = -1;

    if (p->interface >= 0 || !p->device[0])
        return p->interface;
    /* The node's own name, else the path's (a link named like the node it stands for). */
    if (port_linux_describe(&p->cfg.roots, port_linux_tty_name(p->device), &id, &interface) ||
        (p->cfg.path &&
         port_linux_describe(&p->cfg.roots, port_linux_tty_name(p->cfg.path), &id, &interface)))
        return interface;
    return -1;
}

static int port_sys_find_usb(struct port_sys *p, char *device)
{
#ifdef __linux__
    int status = port_linux_find_usb(&p->cfg.roots, &p->usb, p->usb_interface, device, PATH_MAX,
                                     &p->interface);
#elif defined(DFOTA_HAVE_LIBSERIALPORT)
    int status =
        port_serialport_find_usb(&p->usb, p->usb_interface, device, PATH_MAX, &p->interface);
#else
    int status = DFOTA_PORT_ERROR;
#endif
    if (status == DFOTA_PORT_ERROR)
        port_sys_fail(p, "cannot enumerate USB serial ports");
    return status;
}

/* The path first; the USB identity when the path is not (or no longer) the module's. */
static int port_sys_resolve(struct port_sys *p, char *device)
{
    int status = DFOTA_PORT_ABSENT;
    p->via_path = false;
    p->interface = -1;
    if (p->cfg.path != NULL) {
        status = port_sys_resolve_path(p, device);
        if (status == DFOTA_PORT_OK && port_sys_path_fits_usb(p, device)) {
            p->via_path = true;
            return status;
        }
    }
    return p->use_usb ? port_sys_find_usb(p, device) : status;
}

static void port_sys_describe_busy(struct port_sys *p, const char *device)
{
    char holder[128];
    if (port_linux_holder(device, holder, sizeof holder))
        port_sys_fail(p, "%s is in use by %s", device, holder);
    else
        port_sys_fail(p, "%s is in use by another program", device);
}

static int port_sys_open_termios(struct port_sys *p, const char *device)
{
    int fd = -1, err = 0;
    int status = port_posix_open(device, p->cfg.baud, p->cfg.rtscts, &fd, &err);
    if (status == DFOTA_PORT_OK) {
        p->fd = fd;
        p->backend = PORT_SYS_POSIX;
        return status;
    }
    if (err == EBUSY) {
        port_sys_describe_busy(p, device);
        return DFOTA_PORT_ERROR;
    }
    /* After a reboot udev chmods the new node a moment after creating it. A first open
     * refused for permissions is a setup problem and must fail at once. */
    if (err == EACCES && p->opened_once) {
        port_sys_log(p, DFOTA_LOG_DEBUG, "%s: permission denied, not ready yet", device);
        return DFOTA_PORT_ABSENT;
    }
    if (status == DFOTA_PORT_ERROR) {
        port_sys_fail(p, "cannot open %s: %s", device, strerror(err));
    }
    return status;
}

static int port_sys_open_device(struct port_sys *p, const char *device)
{
#ifdef DFOTA_HAVE_LIBSERIALPORT
    bool same_device = p->sp_refused && strcmp(device, p->device) == 0;
    if (!same_device) {
        char why[256] = "";
        int fd = -1, err = 0;
        int status = port_serialport_open(device, p->cfg.baud, p->cfg.rtscts, &p->sp, &fd, &err,
                                          why, sizeof why);
        p->sp_refused = status != DFOTA_PORT_OK && err != EBUSY;
        if (status == DFOTA_PORT_OK) {
            p->fd = fd;
            p->backend = PORT_SYS_SERIALPORT;
            return DFOTA_PORT_OK;
        }
        /* Pseudo-terminals (simulators, ser2net, socat) have no sysfs entry and no
         * modem lines: libserialport refuses them, termios serves them (and says why
         * a real device it refused cannot be opened). */
        port_sys_log(p, DFOTA_LOG_DEBUG, "libserialport refused %s (%s), trying POSIX termios",
                     device, why);
    }
#endif
    return port_sys_open_termios(p, device);
}

static void port_sys_log_opened(const struct port_sys *p)
{
    const char *how = port_sys_backend_name(p->backend);
    if (!p->via_path)
        port_sys_log(p, DFOTA_LOG_INFO, "opened %s (USB %04x:%04x interface %d) with %s", p->device,
                     p->usb.vid, p->usb.pid, p->interface, how);
    else if (strcmp(p->device, p->cfg.path) != 0)
        port_sys_log(p, DFOTA_LOG_INFO, "opened %s (link %s) with %s", p->device, p->cfg.path, how);
    else
        port_sys_log(p, DFOTA_LOG_INFO, "opened %s with %s", p->device, how);
}

/* ---- the port operations --------------------------------------------------------------- */

static int port_sys_open(void *ctx)
{
    struct port_sys *p = ctx;
    if (p->fd >= 0)
        return DFOTA_PORT_OK;
    /* Watch first: a device that appears during a failed attempt must still wake us.
     * Events so far are consumed by this attempt, so an event loop polling fd() does
     * not wake again for them. */
    (void)port_sys_arm_watches(p);
    (void)port_watch_drain(&p->watch);
    char device[PATH_MAX];
    int status = port_sys_resolve(p, device);
    if (status == DFOTA_PORT_OK)
        status = port_sys_open_device(p, device);
    p->tried_once = true;
    if (status != DFOTA_PORT_OK)
        return status;
    strcpy(p->device, device);
    p->error[0] = '\0';
    p->opened_once = true;
    p->failure_logged = false;
    /* ttyUSB2 may return as ttyUSB3: the interface is what identifies the AT port. */
    if (p->usb_interface < 0)
        p->usb_interface = p->interface;
    (void)port_sys_arm_watches(p);
    (void)port_watch_drain(&p->watch);
    port_watch_port(&p->watch, p->fd, true);
    port_sys_log_opened(p);
    return DFOTA_PORT_OK;
}

static void port_sys_close(void *ctx)
{
    struct port_sys *p = ctx;
    if (p->fd < 0)
        return;
    port_watch_port(&p->watch, p->fd, false);
#ifdef DFOTA_HAVE_LIBSERIALPORT
    if (p->backend == PORT_SYS_SERIALPORT)
        port_serialport_close(p->sp);
    else
        port_posix_close(p->fd);
#else
    port_posix_close(p->fd);
#endif
    p->fd = -1;
    p->backend = PORT_SYS_NONE;
    (void)port_sys_arm_watches(p);
}

static int port_sys_read(void *ctx, uint8_t *buf, size_t len)
{
    struct port_sys *p = ctx;
    if (p->fd < 0)
        return DFOTA_PORT_ERROR;
    if (port_sys_replaced(p))
        return DFOTA_PORT_HANGUP;
    return port_posix_read(p->fd, buf, len);
}

static int port_sys_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    struct port_sys *p = ctx;
    if (p->fd < 0)
        return DFOTA_PORT_ERROR;
    return port_posix_write(p->fd, buf, len, timeout_ms, p->cfg.cancel);
}

/* Waits for input and for a change where the device lives, whichever comes first. */
static int port_sys_wait_open(struct port_sys *p, uint32_t timeout_ms)
{
    int notify_fd = port_watch_notify_fd(&p->watch);
    if (notify_fd < 0)
        return port_posix_wait(p->fd, timeout_ms);
    struct pollfd fds[2] = {{.fd = p->fd, .events = POLLIN, .revents = 0},
                            {.fd = notify_fd, .events = POLLIN, .revents = 0}};
    int rc = poll(fds, 2, timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms);
    if (rc < 0) /* a signal: the caller may have been cancelled */
        return errno == EINTR ? DFOTA_PORT_TIMEOUT : DFOTA_PORT_ERROR;
    if ((fds[1].revents & POLLIN) && port_sys_replaced(p))
        return DFOTA_PORT_HANGUP;
    return rc == 0 ? DFOTA_PORT_TIMEOUT : port_posix_wait(p->fd, 0);
}

static int port_sys_wait(void *ctx, uint32_t timeout_ms)
{
    struct port_sys *p = ctx;
    if (p->fd >= 0)
        return port_sys_wait_open(p, timeout_ms);
    return port_sys_wait_for_return(p, timeout_ms);
}

/* One descriptor for event loops: the epoll set wakes for input and for the watches. */
static int port_sys_fd(void *ctx)
{
    struct port_sys *p = ctx;
    return port_watch_loop_fd(&p->watch, p->fd >= 0 ? p->fd : port_watch_notify_fd(&p->watch));
}

static const struct dfota_port_ops port_sys_ops = {
    .open = port_sys_open,
    .close = port_sys_close,
    .read = port_sys_read,
    .write = port_sys_write,
    .wait = port_sys_wait,
    .fd = port_sys_fd,
};

/* ---- creation ------------------------------------------------------------------------- */

static int port_sys_check_config(const struct port_sys_config *cfg, struct usb_id *usb, char *msg,
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
    if (!port_posix_baud_supported(cfg->baud)) {
        char rates[256];
        port_posix_baud_list(rates, sizeof rates);
        snprintf(msg, msg_size, "baud rate %lu is not supported; supported rates: %s",
                 (unsigned long)cfg->baud, rates);
        return DFOTA_ERR_INVALID;
    }
    if (cfg->usb == NULL)
        return DFOTA_OK;
    if (!usb_id_parse(cfg->usb, usb, msg, msg_size))
        return DFOTA_ERR_INVALID;
#if !defined(__linux__) && !defined(DFOTA_HAVE_LIBSERIALPORT)
    snprintf(msg, msg_size, "finding the port by USB identity needs sysfs or libserialport");
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
    int rc = port_sys_check_config(cfg, &usb, msg, msg_size);
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
    port_watch_init(&p->watch);
    *ops = &port_sys_ops;
    *ctx = p;
    return DFOTA_OK;
}

const char *port_sys_error_text(const void *ctx)
{
    const struct port_sys *p = ctx;
    return p != NULL ? p->error : "";
}

void port_sys_free(void *ctx)
{
    struct port_sys *p = ctx;
    if (p == NULL)
        return;
    port_sys_close(p);
#ifdef DFOTA_HAVE_LIBSERIALPORT
    port_serialport_free(p->sp);
#endif
    port_watch_free(&p->watch);
    free(p);
}
