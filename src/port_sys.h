/* The built-in system transport: libserialport for real serial devices, POSIX termios
 * for what libserialport refuses (pseudo-terminals). Implements struct dfota_port_ops.
 * Only port_*.c files include OS headers; this header includes none. */
#ifndef DFOTA_PORT_SYS_H
#define DFOTA_PORT_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "dfota.h"

struct port_sys_config {
    const char *path; /* device path; symlinks allowed. May be NULL when usb is set. */
    const char *usb;  /* "VID:PID[:SERIAL]" or NULL */
    uint32_t baud;
    bool rtscts;
    dfota_log_cb log; /* may be NULL */
    void *log_user;
};

/* Creates the transport (does not open it). Returns DFOTA_OK and sets *ops and *ctx;
 * DFOTA_ERR_INVALID with a message (bad usb identity, neither path nor usb given);
 * DFOTA_ERR_NOMEM. */
int port_sys_new(const struct port_sys_config *cfg, const struct dfota_port_ops **ops, void **ctx,
                 char *msg, size_t msg_size);

/* Closes (if open) and frees a transport made by port_sys_new. NULL is fine. */
void port_sys_free(void *ctx);

/* The system's monotonic clock in milliseconds. */
uint64_t port_sys_now_ms(void);

#endif
