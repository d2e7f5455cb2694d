/* libserialport backend: open and configure real serial devices, enumerate USB ports. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "port_serialport.h"

#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_posix.h"

static void describe_sp_error(enum sp_return rc, const char *what, char *msg, size_t msg_size)
{
    if (msg == NULL || msg_size == 0)
        return;
    if (rc == SP_ERR_FAIL) {
        /* Only an OS failure carries a message; the others are fixed conditions. */
        char *os = sp_last_error_message();
        snprintf(msg, msg_size, "%s: %s", what, os != NULL ? os : "failed");
        sp_free_error_message(os);
        return;
    }
    const char *reason = rc == SP_ERR_ARG    ? "not a serial device it knows"
                         : rc == SP_ERR_MEM  ? "out of memory"
                         : rc == SP_ERR_SUPP ? "not supported"
                                             : "failed";
    snprintf(msg, msg_size, "%s: %s", what, reason);
}

static enum sp_return configure_port(struct sp_port *port, uint32_t baud, bool rtscts,
                                     const char **what)
{
    enum sp_return rc;
    if (baud > INT32_MAX) {
        *what = "baud rate";
        return SP_ERR_ARG;
    }
    *what = "baud rate";
    if ((rc = sp_set_baudrate(port, (int)baud)) != SP_OK)
        return rc;
    *what = "data bits";
    if ((rc = sp_set_bits(port, 8)) != SP_OK)
        return rc;
    *what = "parity";
    if ((rc = sp_set_parity(port, SP_PARITY_NONE)) != SP_OK)
        return rc;
    *what = "stop bits";
    if ((rc = sp_set_stopbits(port, 1)) != SP_OK)
        return rc;
    *what = "flow control";
    return sp_set_flowcontrol(port, rtscts ? SP_FLOWCONTROL_RTSCTS : SP_FLOWCONTROL_NONE);
}

static int open_and_configure(struct sp_port *port, uint32_t baud, bool rtscts, int *fd, char *msg,
                              size_t msg_size)
{
    enum sp_return rc = sp_open(port, SP_MODE_READ_WRITE);
    if (rc != SP_OK) {
        describe_sp_error(rc, "open", msg, msg_size);
        return DFOTA_PORT_ERROR;
    }
    const char *what = "";
    rc = configure_port(port, baud, rtscts, &what);
    if (rc == SP_OK)
        rc = sp_get_port_handle(port, fd);
    if (rc != SP_OK) {
        describe_sp_error(rc, what, msg, msg_size);
        (void)sp_close(port);
        return DFOTA_PORT_ERROR;
    }
    if (port_posix_adopt(*fd) != DFOTA_PORT_OK) {
        snprintf(msg, msg_size, "cannot set up the descriptor for non-blocking reads");
        (void)sp_close(port);
        return DFOTA_PORT_ERROR;
    }
    (void)sp_flush(port, SP_BUF_BOTH);
    return DFOTA_PORT_OK;
}

int serialport_open(const char *path, uint32_t baud, bool rtscts, struct sp_port **port, int *fd,
                    char *msg, size_t msg_size)
{
    *port = NULL;
    *fd = -1;
    struct sp_port *p = NULL;
    enum sp_return rc = sp_get_port_by_name(path, &p);
    if (rc != SP_OK) {
        describe_sp_error(rc, "lookup", msg, msg_size);
        return DFOTA_PORT_ERROR;
    }
    int status = open_and_configure(p, baud, rtscts, fd, msg, msg_size);
    if (status != DFOTA_PORT_OK) {
        sp_free_port(p);
        *fd = -1;
        return status;
    }
    *port = p;
    return DFOTA_PORT_OK;
}

void serialport_close(struct sp_port *port)
{
    if (port == NULL)
        return;
    (void)sp_close(port);
    sp_free_port(port);
}

static int read_hex_file(const char *file)
{
    FILE *f = fopen(file, "re");
    if (f == NULL)
        return -1;
    unsigned value = 0;
    int n = fscanf(f, "%x", &value);
    fclose(f);
    return n == 1 && value <= 255 ? (int)value : -1;
}

/* The USB interface of a tty from sysfs: ttyACM's device is the interface itself,
 * ttyUSB's device is a usb-serial port below the interface. */
static int sysfs_interface_number(const char *dev_path)
{
    const char *slash = strrchr(dev_path, '/');
    const char *name = slash != NULL ? slash + 1 : dev_path;
    static const char *const layouts[] = {
        "/sys/class/tty/%s/device/bInterfaceNumber",
        "/sys/class/tty/%s/device/../bInterfaceNumber",
    };
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        char file[512];
        int len = snprintf(file, sizeof file, layouts[i], name);
        if (len < 0 || (size_t)len >= sizeof file)
            return -1;
        int number = read_hex_file(file);
        if (number >= 0)
            return number;
    }
    return -1;
}

static bool describe_usb_port(struct sp_port *port, struct usb_candidate *c)
{
    int vid = 0, pid = 0;
    if (sp_get_port_transport(port) != SP_TRANSPORT_USB)
        return false;
    if (sp_get_port_usb_vid_pid(port, &vid, &pid) != SP_OK)
        return false;
    c->path = sp_get_port_name(port);
    c->vid = (uint16_t)vid;
    c->pid = (uint16_t)pid;
    c->serial = sp_get_port_usb_serial(port);
    c->interface = sysfs_interface_number(c->path);
    return c->path != NULL;
}

static size_t count_ports(struct sp_port **list)
{
    size_t n = 0;
    while (list[n] != NULL)
        n++;
    return n;
}

static int copy_path(const char *src, char *path, size_t path_size)
{
    size_t len = strlen(src);
    if (len >= path_size)
        return DFOTA_PORT_ERROR;
    memcpy(path, src, len + 1);
    return DFOTA_PORT_OK;
}

int serialport_find_usb(const struct usb_id *id, int want_interface, char *path, size_t path_size,
                        int *interface)
{
    struct sp_port **list = NULL;
    *interface = -1;
    if (sp_list_ports(&list) != SP_OK)
        return DFOTA_PORT_ERROR;
    size_t total = count_ports(list);
    struct usb_candidate *candidates = calloc(total + 1, sizeof *candidates);
    if (candidates == NULL) {
        sp_free_port_list(list);
        return DFOTA_PORT_ERROR;
    }
    size_t n = 0;
    for (size_t i = 0; i < total; i++) {
        if (describe_usb_port(list[i], &candidates[n]))
            n++;
    }
    int status = DFOTA_PORT_ABSENT;
    int pick = usb_id_pick(id, want_interface, candidates, n);
    if (pick >= 0) {
        status = copy_path(candidates[pick].path, path, path_size);
        *interface = candidates[pick].interface;
    }
    free(candidates);
    sp_free_port_list(list);
    return status;
}
