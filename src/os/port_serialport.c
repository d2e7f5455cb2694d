/* libserialport backend: open and configure real serial devices (and, where sysfs cannot
 * tell, enumerate USB ports). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "os/port_serialport.h"

#include <errno.h>
#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/port_posix.h"

static void port_serialport_describe_error(enum sp_return rc, const char *what, char *msg,
                                           size_t msg_size)
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

static enum sp_return port_serialport_configure(struct sp_port *port, uint32_t baud, bool rtscts,
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

static int port_serialport_open_and_configure(struct sp_port *port, uint32_t baud, bool rtscts,
                                              int *fd, int *os_error, char *msg, size_t msg_size)
{
    enum sp_return rc = sp_open(port, SP_MODE_READ_WRITE);
    if (rc != SP_OK) {
        *os_error = errno;
        port_serialport_describe_error(rc, "open", msg, msg_size);
        return DFOTA_PORT_ERROR;
    }
    /* Claimed before it is configured, as the termios backend does. */
    rc = sp_get_port_handle(port, fd);
    if (rc == SP_OK && port_posix_claim(*fd, os_error) != DFOTA_PORT_OK) {
        snprintf(msg, msg_size, "claim: %s", strerror(*os_error));
        (void)sp_close(port);
        return DFOTA_PORT_ERROR;
    }
    const char *what = "handle";
    if (rc == SP_OK)
        rc = port_serialport_configure(port, baud, rtscts, &what);
    if (rc != SP_OK) {
        port_serialport_describe_error(rc, what, msg, msg_size);
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

/* Looks the port up, or keeps the one looked up before when the name is the same: the
 * common reopen after a reboot allocates nothing. */
static int port_serialport_lookup(const char *path, struct sp_port **port, char *msg,
                                  size_t msg_size)
{
    if (*port != NULL && strcmp(sp_get_port_name(*port), path) == 0)
        return DFOTA_PORT_OK;
    port_serialport_free(*port);
    *port = NULL;
    enum sp_return rc = sp_get_port_by_name(path, port);
    if (rc != SP_OK) {
        *port = NULL;
        port_serialport_describe_error(rc, "lookup", msg, msg_size);
        return DFOTA_PORT_ERROR;
    }
    return DFOTA_PORT_OK;
}

int port_serialport_open(const char *path, uint32_t baud, bool rtscts, struct sp_port **port,
                         int *fd, int *os_error, char *msg, size_t msg_size)
{
    *fd = -1;
    *os_error = 0;
    int status = port_serialport_lookup(path, port, msg, msg_size);
    if (status == DFOTA_PORT_OK)
        status =
            port_serialport_open_and_configure(*port, baud, rtscts, fd, os_error, msg, msg_size);
    if (status != DFOTA_PORT_OK)
        *fd = -1;
    return status;
}

void port_serialport_close(struct sp_port *port)
{
    int fd = -1;
    if (port == NULL)
        return;
    if (sp_get_port_handle(port, &fd) == SP_OK && fd >= 0)
        port_posix_release(fd);
    (void)sp_close(port);
}

void port_serialport_free(struct sp_port *port)
{
    if (port == NULL)
        return;
    (void)sp_close(port);
    sp_free_port(port);
}

#ifndef __linux__
static bool port_serialport_describe_usb(struct sp_port *port, struct usb_candidate *c)
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
    c->interface = -1; /* libserialport does not say */
    return c->path != NULL;
}

int port_serialport_find_usb(const struct usb_id *id, int want_interface, char *path,
                             size_t path_size, int *interface)
{
    struct sp_port **list = NULL;
    *interface = -1;
    if (sp_list_ports(&list) != SP_OK)
        return DFOTA_PORT_ERROR;
    size_t total = 0;
    while (list[total] != NULL)
        total++;
    struct usb_candidate *candidates = calloc(total + 1, sizeof *candidates);
    if (candidates == NULL) {
        sp_free_port_list(list);
        return DFOTA_PORT_ERROR;
    }
    size_t n = 0;
    for (size_t i = 0; i < total; i++) {
        if (port_serialport_describe_usb(list[i], &candidates[n]))
            n++;
    }
    int status = DFOTA_PORT_ABSENT;
    int pick = usb_id_pick(id, want_interface, candidates, n);
    if (pick >= 0) {
        size_t len = strlen(candidates[pick].path);
        status = len < path_size ? DFOTA_PORT_OK : DFOTA_PORT_ERROR;
        if (status == DFOTA_PORT_OK)
            memcpy(path, candidates[pick].path, len + 1);
        *interface = candidates[pick].interface;
    }
    free(candidates);
    sp_free_port_list(list);
    return status;
}
#endif
