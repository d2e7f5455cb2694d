/* POSIX termios serial I/O on a file descriptor. The libserialport backend shares the
 * descriptor-level calls (read, write, wait) once it has opened and configured a port.
 * Every call returns an enum dfota_port_status value (or a byte count for read). */
#ifndef DFOTA_PORT_POSIX_H
#define DFOTA_PORT_POSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfota.h"

/* Opens path (no symlink resolution needed) raw 8N1 at baud, with RTS/CTS if asked,
 * non-blocking and close-on-exec. Returns DFOTA_PORT_OK and sets *fd; DFOTA_PORT_ABSENT
 * when the node is missing or its device is gone (ENOENT, ENXIO, ENODEV, EIO); else
 * DFOTA_PORT_ERROR. In every case *os_error holds the errno behind it (0 on success),
 * so the caller can judge EACCES (a node udev has not given its permissions yet). */
int port_posix_open(const char *path, uint32_t baud, bool rtscts, int *fd, int *os_error);

/* Closes fd if >= 0. */
void port_posix_close(int fd);

/* Takes over a tty another library opened and configured: makes it non-blocking and
 * close-on-exec, and sets the read timing port_posix_read relies on to tell "nothing
 * yet" from a hang-up. Returns DFOTA_PORT_OK or DFOTA_PORT_ERROR. */
int port_posix_adopt(int fd);

/* Reads what is there without blocking: the count (0: nothing yet), DFOTA_PORT_HANGUP
 * (EOF or EIO on a tty: the device went away) or DFOTA_PORT_ERROR. */
int port_posix_read(int fd, uint8_t *buf, size_t len);

/* Writes all len bytes within timeout_ms. Returns DFOTA_PORT_OK, DFOTA_PORT_TIMEOUT,
 * DFOTA_PORT_HANGUP or DFOTA_PORT_ERROR. */
int port_posix_write(int fd, const uint8_t *buf, size_t len, uint32_t timeout_ms);

/* Waits up to timeout_ms for input. Returns DFOTA_PORT_READY, DFOTA_PORT_TIMEOUT,
 * DFOTA_PORT_HANGUP (also immediately on a descriptor that already hung up) or
 * DFOTA_PORT_ERROR. Input left before a hang-up is reported READY first. */
int port_posix_wait(int fd, uint32_t timeout_ms);

#endif
