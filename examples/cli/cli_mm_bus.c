/* The system bus: connecting, and calls waited for in a poll() that also watches the
 * tool's signals, so that SIGINT during a 30-second InhibitDevice ends the tool at once
 * (the inhibition, should ModemManager still grant it, ends with our connection). */
#define _GNU_SOURCE
#include "cli_mm_bus.h"

#include <poll.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"

void mm_disconnect(DBusConnection *bus)
{
    if (bus) {
        dbus_connection_close(bus);
        dbus_connection_unref(bus);
    }
    /* Frees libdbus's own allocations: nothing else in the tool uses it. */
    dbus_shutdown();
}

DBusConnection *mm_connect(bool *running, char *why, size_t why_size)
{
    DBusConnection *bus;
    DBusError err;

    dbus_error_init(&err);
    *running = false;
    bus = dbus_bus_get_private(DBUS_BUS_SYSTEM, &err);
    if (!bus) {
        snprintf(why, why_size, "no D-Bus system bus (%s)", err.message ? err.message : "?");
        dbus_error_free(&err);
        dbus_shutdown();
        return NULL;
    }
    /* libdbus would otherwise _exit() the tool if the bus went away. */
    dbus_connection_set_exit_on_disconnect(bus, FALSE);
    *running = dbus_bus_name_has_owner(bus, MM_SERVICE, &err);
    if (dbus_error_is_set(&err)) {
        snprintf(why, why_size, "cannot ask the system bus for ModemManager (%s)", err.message);
        dbus_error_free(&err);
        mm_disconnect(bus);
        return NULL;
    }
    if (!*running)
        snprintf(why, why_size, "ModemManager is not running");
    return bus;
}

static long long mm_now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits for the reply: the bus's descriptor and the signals', until the deadline. */
static bool mm_wait_reply(DBusConnection *bus, DBusPendingCall *pending, int timeout_ms,
                          enum mm_wait wait, char *why, size_t why_size)
{
    long long deadline = mm_now_ms() + timeout_ms;
    int fd = -1;

    (void)dbus_connection_get_unix_fd(bus, &fd);
    for (;;) {
        struct pollfd fds[2] = {{fd, POLLIN, 0}, {cli_signals_fd(), POLLIN, 0}};
        long long left = deadline - mm_now_ms();
        /* What was read is matched to the call when it is dispatched. */
        while (dbus_connection_get_dispatch_status(bus) == DBUS_DISPATCH_DATA_REMAINS)
            (void)dbus_connection_dispatch(bus);
        if (dbus_pending_call_get_completed(pending))
            return true;
        if (wait == MM_UNTIL_SIGNAL && cli_signals_ended()) {
            snprintf(why, why_size, "interrupted");
            return false;
        }
        if (left <= 0 || fd < 0) {
            snprintf(why, why_size, "no answer within %d s", timeout_ms / 1000);
            return false;
        }
        (void)poll(fds, wait == MM_UNTIL_SIGNAL ? 2 : 1, (int)left);
        if (!dbus_connection_read_write(bus, 0)) {
            snprintf(why, why_size, "the system bus went away");
            return false;
        }
    }
}

DBusMessage *mm_call(DBusConnection *bus, DBusMessage *msg, int timeout_ms, enum mm_wait wait,
                     char *why, size_t why_size)
{
    DBusPendingCall *pending = NULL;
    DBusMessage *reply;
    DBusError err;

    if (!msg) {
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    dbus_message_set_auto_start(msg, FALSE);
    if (!dbus_connection_send_with_reply(bus, msg, &pending, timeout_ms) || !pending) {
        dbus_message_unref(msg);
        snprintf(why, why_size, "cannot send on the system bus");
        return NULL;
    }
    dbus_message_unref(msg);
    dbus_connection_flush(bus);
    if (!mm_wait_reply(bus, pending, timeout_ms, wait, why, why_size)) {
        dbus_pending_call_cancel(pending);
        dbus_pending_call_unref(pending);
        return NULL;
    }
    reply = dbus_pending_call_steal_reply(pending);
    dbus_pending_call_unref(pending);
    dbus_error_init(&err);
    if (reply && dbus_set_error_from_message(&err, reply)) {
        snprintf(why, why_size, "%s", err.message ? err.message : err.name);
        dbus_error_free(&err);
        dbus_message_unref(reply);
        return NULL;
    }
    if (!reply)
        snprintf(why, why_size, "no answer");
    return reply;
}
