/* libserialport backend: opens real serial devices. I/O on the opened port goes through
 * its OS descriptor with the port_posix calls, so both backends behave the same on
 * hang-up and claim the port the same way. Above the POSIX backend in the port stack. */
#ifndef DFOTA_PORT_SERIALPORT_H
#define DFOTA_PORT_SERIALPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfota.h"
#include "os/usb_id.h"

struct sp_port;

/* Opens path (a real device path: resolve symlinks first, libserialport refuses them),
 * claims it (port_posix_claim) and sets it raw 8N1 at baud, with RTS/CTS if asked, its
 * descriptor non-blocking. *port is the description kept from the last open (NULL at
 * first): kept when path is the same, so a reopen allocates nothing, else replaced.
 * Returns DFOTA_PORT_OK and sets *fd; else DFOTA_PORT_ERROR with the reason in msg and
 * the errno behind it in *os_error (EBUSY: held by another; libserialport refuses
 * pseudo-terminals: the caller may try termios). */
int port_serialport_open(const char *path, uint32_t baud, bool rtscts, struct sp_port **port,
                         int *fd, int *os_error, char *msg, size_t msg_size);

/* Closes the port from port_serialport_open, keeping its description. NULL is fine. */
void port_serialport_close(struct sp_port *port);

/* Closes and frees the port's description. NULL is fine. */
void port_serialport_free(struct sp_port *port);

#ifndef __linux__
/* Where sysfs is not there: finds the port of the module with this identity among
 * libserialport's USB serial ports (usb_id_pick chooses; interfaces are unknown). Returns
 * DFOTA_PORT_OK and writes the device path (NUL-terminated); DFOTA_PORT_ABSENT when no
 * port matches; DFOTA_PORT_ERROR when enumeration fails or the path does not fit.
 * Allocates (libserialport's enumeration). */
int port_serialport_find_usb(const struct usb_id *id, int want_interface, char *path,
                             size_t path_size, int *interface);
#endif

#endif
