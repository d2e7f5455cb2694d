/* libserialport backend: opens real serial devices, and finds a module's port among the
 * enumerated USB serial ports. I/O on the opened port goes through its OS descriptor
 * with the port_posix calls, so both backends behave the same on hang-up. */
#ifndef DFOTA_PORT_SERIALPORT_H
#define DFOTA_PORT_SERIALPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfota.h"
#include "usb_id.h"

struct sp_port;

/* Opens path (a real device path: resolve symlinks first, libserialport refuses them)
 * raw 8N1 at baud, with RTS/CTS if asked, and makes its descriptor non-blocking.
 * Returns DFOTA_PORT_OK and sets *port and *fd; else DFOTA_PORT_ERROR with the reason
 * in msg (libserialport refuses pseudo-terminals: the caller may try termios). */
int serialport_open(const char *path, uint32_t baud, bool rtscts, struct sp_port **port, int *fd,
                    char *msg, size_t msg_size);

/* Closes and frees a port from serialport_open. NULL is fine. */
void serialport_close(struct sp_port *port);

/* Finds the port of the module with this identity among the USB serial ports (see
 * usb_id_pick for the choice among its interfaces). Returns DFOTA_PORT_OK and writes
 * the device path (NUL-terminated) and its USB interface number (-1 if unknown);
 * DFOTA_PORT_ABSENT when no port matches; DFOTA_PORT_ERROR when enumeration fails or
 * the path does not fit. */
int serialport_find_usb(const struct usb_id *id, int want_interface, char *path, size_t path_size,
                        int *interface);

#endif
