/* The system bus for cli_mm.c: connecting, and calls that a signal cuts short. */
#ifndef DFOTA_CLI_MM_BUS_H
#define DFOTA_CLI_MM_BUS_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>

#define MM_SERVICE "org.freedesktop.ModemManager1"
#define MM_PATH "/org/freedesktop/ModemManager1"
#define MM_MODEM_IFACE MM_SERVICE ".Modem"
#define MM_OBJECT_MANAGER "org.freedesktop.DBus.ObjectManager"

/* Connects to the system bus and tells whether ModemManager is on it. NULL with why set
 * when there is no bus; *running false when ModemManager is not there. */
DBusConnection *mm_connect(bool *running, char *why, size_t why_size);
void mm_disconnect(DBusConnection *bus);

/* How a call may end early: abandoned at an ending signal (the calls before the session,
 * which nothing must follow), or only by its timeout (the release after it). */
enum mm_wait { MM_UNTIL_SIGNAL, MM_UNTIL_TIMEOUT };

/* Sends msg (consumed) and waits for the reply at most timeout_ms (or, MM_UNTIL_SIGNAL,
 * until cli_signals_ended(), which abandons it); never starts a service that is not
 * running. NULL with why set on an error reply, a timeout or a signal. */
DBusMessage *mm_call(DBusConnection *bus, DBusMessage *msg, int timeout_ms, enum mm_wait wait,
                     char *why, size_t why_size);

#endif
