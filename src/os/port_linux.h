/* What Linux tells about serial devices, read from /proc and sysfs: who holds a port,
 * and the USB identity of each tty (the enumeration that finds a module's port again
 * after it re-enumerated). Allocates nothing: directories are read into the stack. A
 * leaf of the port stack, below both backends, read by the system transport; on other
 * systems every call answers "unknown". */
#ifndef DFOTA_PORT_LINUX_H
#define DFOTA_PORT_LINUX_H

#include <stdbool.h>
#include <stddef.h>

#include "os/usb_id.h"

/* Where the kernel's views are mounted; tests point them at trees of their own. */
struct port_linux_roots {
    const char *sysfs;   /* NULL: "/sys" */
    const char *dev_dir; /* where tty nodes live; NULL: "/dev" */
};

/* Writes who holds the device: "ModemManager (pid 812)" from the holder of an flock on
 * it (/proc/locks), else from the first other process with it open (/proc/PID/fd).
 * Returns false (text "") when nobody can be named: not Linux, no /proc, no rights. */
bool port_linux_holder(const char *device, char *text, size_t size);

/* The USB identity and interface of tty name ("ttyUSB2", "ttyACM0"). Returns false when
 * it is not a USB device (or sysfs does not say). serial is "" when the device has none. */
bool port_linux_describe(const struct port_linux_roots *roots, const char *name, struct usb_id *id,
                         int *interface);

/* Finds the port of the module with this identity among the ttys sysfs lists (see
 * usb_id_pick for the choice among its interfaces). Returns DFOTA_PORT_OK and writes the
 * device path (dev_dir/name) and its interface; DFOTA_PORT_ABSENT when none matches;
 * DFOTA_PORT_ERROR when sysfs cannot be read or the path does not fit. */
int port_linux_find_usb(const struct port_linux_roots *roots, const struct usb_id *id,
                        int want_interface, char *path, size_t path_size, int *interface);

/* The tty's name in a device path: "/dev/ttyUSB2" -> "ttyUSB2". */
const char *port_linux_tty_name(const char *device);

#endif
