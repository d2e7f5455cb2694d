/* The built-in system transport: libserialport for real serial devices, POSIX termios
 * for what libserialport refuses (pseudo-terminals). Implements struct dfota_port_ops.
 * The top of the port stack: clock <- POSIX <- libserialport <- this, with the Linux
 * device views (port_linux) below both backends. Only port_*.c files include OS headers;
 * this header includes none. */
#ifndef DFOTA_PORT_SYS_H
#define DFOTA_PORT_SYS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "dfota.h"
#include "os/port_linux.h"

struct port_sys_config {
    const char *path; /* device path; symlinks allowed. May be NULL when usb is set. */
    const char *usb;  /* "VID:PID[:SERIAL]" or NULL; with a path too, the path comes first */
    uint32_t baud;
    bool rtscts;
    dfota_log_cb log; /* may be NULL */
    void *log_user;
    /* Set (from a signal handler) to cut a blocked write short. May be NULL. */
    const volatile sig_atomic_t *cancel;
    /* Where sysfs and the tty nodes are: zeroes for the system's own. */
    struct port_linux_roots roots;
};

/* Creates the transport (does not open it). Returns DFOTA_OK and sets *ops and *ctx;
 * DFOTA_ERR_INVALID with a message (bad usb identity, neither path nor usb given, a baud
 * rate the system does not have: the message lists those it has); DFOTA_ERR_NOMEM. */
int port_sys_new(const struct port_sys_config *cfg, const struct dfota_port_ops **ops, void **ctx,
                 char *msg, size_t msg_size);

/* Why the last open() failed ("/dev/ttyUSB2 is in use by ModemManager (pid 812)"), or
 * "" after a success. Valid until the next call on the transport. */
const char *port_sys_error_text(const void *ctx);

/* The USB interface number of the device last opened (2 is the AT port of most Quectel
 * modules, 3 the modem port), or -1 when it is not a USB device or not known. */
int port_sys_usb_interface(void *ctx);

/* Closes (if open) and frees a transport made by port_sys_new. NULL is fine. */
void port_sys_free(void *ctx);

#endif
