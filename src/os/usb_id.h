/* USB identity of a serial port (vendor:product[:serial]) and the choice of a port among
 * enumerated candidates. Pure: the enumeration itself lives in the port backends. */
#ifndef DFOTA_USB_ID_H
#define DFOTA_USB_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USB_ID_SERIAL_MAX 64

struct usb_id {
    uint16_t vid;
    uint16_t pid;
    char serial[USB_ID_SERIAL_MAX]; /* empty: any */
};

/* One enumerated serial port. */
struct usb_candidate {
    const char *path; /* e.g. /dev/ttyUSB2 */
    uint16_t vid;
    uint16_t pid;
    const char *serial; /* may be NULL */
    int interface;      /* USB interface number, -1 if unknown */
};

/* Parses "2c7c:030b" or "2c7c:030b:SERIAL" (hex ids, case-insensitive). Returns true on
 * success; on failure writes the reason into msg. */
bool usb_id_parse(const char *text, struct usb_id *out, char *msg, size_t msg_size);

/* Picks the candidate that is the wanted port: same vid, pid (and serial when given).
 * Among several interfaces of one module: want_interface if >= 0 (the interface the
 * port had when it was first opened), else interface 2 (the main AT port on most
 * Quectel modules), else the first by path. Returns the index or -1. */
int usb_id_pick(const struct usb_id *id, int want_interface, const struct usb_candidate *c,
                size_t n);

#endif
