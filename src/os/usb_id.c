/* USB identity parsing and port choice. Pure C: no OS headers. */
#include "os/usb_id.h"

#include <stdio.h>
#include <string.h>

#include "at/fields.h"

#define USB_ID_MAIN_AT_INTERFACE 2

static void usb_id_set_msg(char *msg, size_t msg_size, const char *text)
{
    if (msg != NULL && msg_size > 0)
        snprintf(msg, msg_size, "%s", text);
}

/* Reads 1 to 4 hex digits ending at a ':' or the end of the text. Returns the position
 * after the digits, or NULL when the field is empty, too long or not hex. */
static const char *usb_id_parse_hex16(const char *p, uint16_t *out)
{
    const char *end = strchr(p, ':');
    uint32_t value;

    if (!end)
        end = p + strlen(p);
    if (!fields_hex((struct fields_span){p, end}, 4, &value))
        return NULL;
    *out = (uint16_t)value;
    return end;
}

/* A serial number is matched byte for byte; control characters and spaces cannot come
 * from a USB descriptor string we would compare against meaningfully. */
static bool usb_id_serial_is_valid(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len >= USB_ID_SERIAL_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7f)
            return false;
    }
    return true;
}

bool usb_id_parse(const char *text, struct usb_id *out, char *msg, size_t msg_size)
{
    struct usb_id id;
    memset(&id, 0, sizeof id);
    if (text == NULL || out == NULL) {
        usb_id_set_msg(msg, msg_size, "no USB identity given");
        return false;
    }
    const char *p = usb_id_parse_hex16(text, &id.vid);
    if (p == NULL || *p != ':') {
        usb_id_set_msg(msg, msg_size, "USB identity: vendor id must be 1-4 hex digits then ':'");
        return false;
    }
    p = usb_id_parse_hex16(p + 1, &id.pid);
    if (p == NULL) {
        usb_id_set_msg(msg, msg_size, "USB identity: product id must be 1-4 hex digits");
        return false;
    }
    if (*p == ':') {
        if (!usb_id_serial_is_valid(p + 1)) {
            usb_id_set_msg(msg, msg_size, "USB identity: serial must be 1-63 printable characters");
            return false;
        }
        memcpy(id.serial, p + 1, strlen(p + 1) + 1);
    }
    *out = id;
    return true;
}

static bool usb_id_candidate_matches(const struct usb_id *id, const struct usb_candidate *c)
{
    if (c->path == NULL || c->vid != id->vid || c->pid != id->pid)
        return false;
    if (id->serial[0] == '\0')
        return true;
    return c->serial != NULL && strcmp(c->serial, id->serial) == 0;
}

static bool usb_id_is_decimal(char c)
{
    return c >= '0' && c <= '9';
}

/* Orders paths as people read them: ttyUSB2 before ttyUSB10. */
static int usb_id_compare_paths_naturally(const char *a, const char *b)
{
    while (*a != '\0' && *b != '\0') {
        if (usb_id_is_decimal(*a) && usb_id_is_decimal(*b)) {
            unsigned long na = 0, nb = 0;
            while (usb_id_is_decimal(*a))
                na = na * 10u + (unsigned long)(*a++ - '0');
            while (usb_id_is_decimal(*b))
                nb = nb * 10u + (unsigned long)(*b++ - '0');
            if (na != nb)
                return na < nb ? -1 : 1;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return (*a != '\0') - (*b != '\0');
}

/* The first matching candidate by path with the given interface (any when < 0). */
static int usb_id_first_match(const struct usb_id *id, int interface, const struct usb_candidate *c,
                              size_t n)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!usb_id_candidate_matches(id, &c[i]))
            continue;
        if (interface >= 0 && c[i].interface != interface)
            continue;
        if (best < 0 || usb_id_compare_paths_naturally(c[i].path, c[best].path) < 0)
            best = (int)i;
    }
    return best;
}

int usb_id_pick(const struct usb_id *id, int want_interface, const struct usb_candidate *c,
                size_t n)
{
    if (id == NULL || (c == NULL && n > 0))
        return -1;
    int pick = -1;
    if (want_interface >= 0)
        pick = usb_id_first_match(id, want_interface, c, n);
    if (pick < 0)
        pick = usb_id_first_match(id, USB_ID_MAIN_AT_INTERFACE, c, n);
    if (pick < 0)
        pick = usb_id_first_match(id, -1, c, n);
    return pick;
}
