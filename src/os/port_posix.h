/* POSIX termios serial I/O on a file descriptor. The libserialport backend shares the
 * descriptor-level calls (claim, read, write, wait) once it has opened and configured a
 * port. Every call returns an enum dfota_port_status value (or a byte count for read).
 * Above the clock alone in the port stack. */
#ifndef DFOTA_PORT_POSIX_H
#define DFOTA_PORT_POSIX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dfota.h"

/* True when baud is one of the termios speeds this system has (both backends accept
 * these and only these). */
bool port_posix_baud_supported(uint32_t baud);

/* Writes the supported rates, "1200, 2400, ...", NUL-terminated (truncated to size). */
void port_posix_baud_list(char *text, size_t size);

/* Opens path (no symlink resolution needed), claims it (port_posix_claim), and sets it
 * raw 8N1 at baud, with RTS/CTS if asked, non-blocking and close-on-exec. Returns
 * DFOTA_PORT_OK and sets *fd; DFOTA_PORT_ABSENT when the node is missing or its device
 * is gone (ENOENT, ENXIO, ENODEV, EIO); else DFOTA_PORT_ERROR. In every case *os_error
 * holds the errno behind it (0 on success), so the caller can judge EACCES (a node udev
 * has not given its permissions yet) and EBUSY (someone else holds the port). */
int port_posix_open(const char *path, uint32_t baud, bool rtscts, int *fd, int *os_error);

/* Makes fd this process's alone: an flock(LOCK_EX) that careful programs honour (and
 * that root cannot pass by), then TIOCEXCL where the system has it, so that open() by
 * programs that take no lock fails (except for root). Both end when fd is closed.
 * Returns DFOTA_PORT_OK (also where the file system takes no locks: TIOCEXCL alone),
 * or DFOTA_PORT_ERROR with *os_error EBUSY when another descriptor holds the lock
 * (another errno when TIOCEXCL fails). */
int port_posix_claim(int fd, int *os_error);

/* False when path names another node than the one fd has open (a node recreated in its
 * place, a link turned to another node); true while it names the same, and when it
 * names nothing or cannot be looked at (no other device has taken the name). */
bool port_posix_names_fd(const char *path, int fd);

/* Undoes port_posix_claim on fd (before it is closed). */
void port_posix_release(int fd);

/* Releases and closes fd if >= 0. */
void port_posix_close(int fd);

/* Takes over a tty another library opened and configured: makes it non-blocking and
 * close-on-exec, and sets the read timing port_posix_read relies on to tell "nothing
 * yet" from a hang-up. Returns DFOTA_PORT_OK or DFOTA_PORT_ERROR. */
int port_posix_adopt(int fd);

/* Reads what is there without blocking: the count (0: nothing yet), DFOTA_PORT_HANGUP
 * (EOF or EIO on a tty: the device went away) or DFOTA_PORT_ERROR. */
int port_posix_read(int fd, uint8_t *buf, size_t len);

/* Writes all len bytes within timeout_ms. Returns DFOTA_PORT_OK, DFOTA_PORT_TIMEOUT
 * (also early, within a fifth of a second, once *cancel is set: cancel may be NULL),
 * DFOTA_PORT_HANGUP or DFOTA_PORT_ERROR. A signal that is no cancel does not cut the
 * write short. */
int port_posix_write(int fd, const uint8_t *buf, size_t len, uint32_t timeout_ms,
                     const volatile sig_atomic_t *cancel);

/* Waits up to timeout_ms for input. Returns DFOTA_PORT_READY, DFOTA_PORT_TIMEOUT,
 * DFOTA_PORT_HANGUP (also immediately on a descriptor that already hung up) or
 * DFOTA_PORT_ERROR. Input left before a hang-up is reported READY first. */
int port_posix_wait(int fd, uint32_t timeout_ms);

#endif
