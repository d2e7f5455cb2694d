/* ModemManager: while dfota talks to the module, ModemManager must leave its ports alone.
 * The tool asks it on the system bus to inhibit the modem whose ports include ours
 * (org.freedesktop.ModemManager1.InhibitDevice(uid, true)). ModemManager keeps a modem
 * inhibited only while the caller stays on the bus, so the inhibition ends with our
 * connection however dfota ends: normally (we also release it explicitly), on a signal,
 * or on a crash. Built only with DFOTA_WITH_MODEMMANAGER (libdbus-1). */
#define _DEFAULT_SOURCE /* realpath */
#include <dbus/dbus.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_mm_bus.h"

#define MM_QUERY_TIMEOUT_MS 10000
/* ModemManager disables the modem (drops its bearers) before it answers. */
#define MM_INHIBIT_TIMEOUT_MS 30000
#define MM_MAX_MODEMS 4
/* The longest message built here, the reason an inhibit was not asked for included. */
#define MM_TEXT_MAX 600

struct cli_mm {
    DBusConnection *bus;
    size_t count;
    char *uids[MM_MAX_MODEMS];
};

/* What identifies our modem. */
struct mm_wanted {
    char port_name[PATH_MAX]; /* the node under /dev, links followed ("ttyUSB2"); "" unknown */
    bool has_usb;
    unsigned long vid, pid;
    const char *serial; /* NULL: any */
};

/* What a lookup found: the modems to inhibit, and for the messages how many there were. */
struct mm_found {
    size_t count;
    char *uids[MM_MAX_MODEMS];
    char *paths[MM_MAX_MODEMS];
    size_t modems_seen;
    struct cli_mm_modem first; /* what ModemManager read of the first one */
};

bool cli_mm_parse_mode(const char *text, enum cli_mm_mode *mode)
{
    if (strcmp(text, "auto") == 0)
        *mode = CLI_MM_AUTO;
    else if (strcmp(text, "inhibit") == 0)
        *mode = CLI_MM_INHIBIT;
    else if (strcmp(text, "ignore") == 0)
        *mode = CLI_MM_IGNORE;
    else
        return false;
    return true;
}

/* ---- what we look for ---------------------------------------------------------------- */

/* 1 to 4 hex digits up to ':' or the end; returns the position after them or NULL. */
static const char *mm_parse_hex16(const char *p, unsigned long *out)
{
    char *end;

    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
        return NULL;
    *out = strtoul(p, &end, 16);
    if (end - p > 4 || (*end != ':' && *end != '\0'))
        return NULL;
    return end;
}

/* ModemManager names a port by its device node under /dev ("ttyUSB2", "cdc-wdm0"):
 * the name our --port resolves to, links (/dev/serial/by-id/...) followed. Returns false
 * when --usb is malformed: the session then refuses it, and ModemManager is not asked. */
static bool mm_wanted_init(const struct cli_options *opt, struct mm_wanted *w)
{
    char resolved[PATH_MAX];
    const char *p;

    memset(w, 0, sizeof(*w));
    if (opt->port && realpath(opt->port, resolved)) {
        p = strncmp(resolved, "/dev/", 5) == 0 ? resolved + 5 : strrchr(resolved, '/') + 1;
        snprintf(w->port_name, sizeof(w->port_name), "%s", p);
    }
    if (!opt->usb)
        return true;
    p = mm_parse_hex16(opt->usb, &w->vid);
    if (!p || *p != ':' || !(p = mm_parse_hex16(p + 1, &w->pid)))
        return false;
    w->serial = *p == ':' ? p + 1 : NULL;
    w->has_usb = true;
    return true;
}

/* The first line of a sysfs attribute such as <device>/idVendor, without its newline. */
static bool mm_read_attribute(const char *device, const char *name, char *out, size_t size)
{
    char path[PATH_MAX];
    FILE *f;
    bool ok;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", device, name) >= sizeof(path))
        return false;
    f = fopen(path, "r");
    if (!f)
        return false;
    ok = fgets(out, (int)size, f) != NULL;
    fclose(f);
    out[strcspn(out, "\n")] = '\0';
    return ok;
}

/* A modem's Device is its physical device's sysfs path; for a USB modem that directory
 * holds idVendor, idProduct and serial. */
static bool mm_usb_matches(const struct mm_wanted *w, const char *device)
{
    char text[256];
    unsigned long vid, pid;

    if (!w->has_usb || !mm_read_attribute(device, "idVendor", text, sizeof(text)))
        return false;
    vid = strtoul(text, NULL, 16);
    if (!mm_read_attribute(device, "idProduct", text, sizeof(text)))
        return false;
    pid = strtoul(text, NULL, 16);
    if (vid != w->vid || pid != w->pid)
        return false;
    return !w->serial || (mm_read_attribute(device, "serial", text, sizeof(text)) &&
                          strcmp(text, w->serial) == 0);
}

/* ---- reading GetManagedObjects ----------------------------------------------------------- */

/* Ports: a(su), the port's name and its type. */
static bool mm_ports_match(DBusMessageIter *variant, const struct mm_wanted *w)
{
    DBusMessageIter ports, port;
    const char *name;

    if (!w->port_name[0] || dbus_message_iter_get_arg_type(variant) != DBUS_TYPE_ARRAY)
        return false;
    for (dbus_message_iter_recurse(variant, &ports);
         dbus_message_iter_get_arg_type(&ports) == DBUS_TYPE_STRUCT;
         dbus_message_iter_next(&ports)) {
        dbus_message_iter_recurse(&ports, &port);
        if (dbus_message_iter_get_arg_type(&port) != DBUS_TYPE_STRING)
            continue;
        dbus_message_iter_get_basic(&port, &name);
        if (strcmp(name, w->port_name) == 0)
            return true;
    }
    return false;
}

/* A string property as it may be shown: a module's text, any byte of it, with what a
 * terminal would obey as '?'. */
static void mm_copy_printable(DBusMessageIter *value, char *out, size_t size)
{
    const char *text;
    size_t i = 0;

    if (dbus_message_iter_get_arg_type(value) != DBUS_TYPE_STRING)
        return;
    dbus_message_iter_get_basic(value, &text);
    for (; text[i] && i + 1 < size; i++)
        out[i] = (unsigned char)text[i] < 0x20 || (unsigned char)text[i] >= 0x7f ? '?' : text[i];
    out[i] = '\0';
}

/* The Modem interface's properties, a{sv}: does this modem own our port? *uid is its
 * Device; its Model and Revision go into seen. */
static bool mm_modem_matches(DBusMessageIter *props, const struct mm_wanted *w, const char **uid,
                             struct cli_mm_modem *seen)
{
    DBusMessageIter entry, value;
    const char *key;
    bool port_match = false;

    *uid = NULL;
    memset(seen, 0, sizeof(*seen));
    for (; dbus_message_iter_get_arg_type(props) == DBUS_TYPE_DICT_ENTRY;
         dbus_message_iter_next(props)) {
        dbus_message_iter_recurse(props, &entry);
        dbus_message_iter_get_basic(&entry, &key);
        dbus_message_iter_next(&entry);
        dbus_message_iter_recurse(&entry, &value);
        if (strcmp(key, "Ports") == 0)
            port_match = mm_ports_match(&value, w);
        else if (strcmp(key, "Device") == 0 &&
                 dbus_message_iter_get_arg_type(&value) == DBUS_TYPE_STRING)
            dbus_message_iter_get_basic(&value, uid);
        else if (strcmp(key, "Model") == 0)
            mm_copy_printable(&value, seen->model, sizeof(seen->model));
        else if (strcmp(key, "Revision") == 0)
            mm_copy_printable(&value, seen->revision, sizeof(seen->revision));
    }
    return *uid && **uid && (port_match || mm_usb_matches(w, *uid));
}

static bool mm_found_add(struct mm_found *found, const char *uid, const char *path)
{
    if (found->count == MM_MAX_MODEMS)
        return true;
    found->uids[found->count] = strdup(uid);
    found->paths[found->count] = strdup(path);
    if (!found->uids[found->count] || !found->paths[found->count]) {
        free(found->uids[found->count]);
        free(found->paths[found->count]);
        return false;
    }
    found->count++;
    return true;
}

static void mm_found_free(struct mm_found *found)
{
    for (size_t i = 0; i < found->count; i++) {
        free(found->uids[i]);
        free(found->paths[i]);
    }
    found->count = 0;
}

/* One object of a{oa{sa{sv}}}: its interfaces; records it when it is our modem. */
static bool mm_read_object(DBusMessageIter *object, const struct mm_wanted *w,
                           struct mm_found *found)
{
    DBusMessageIter interfaces, entry, props;
    const char *path, *iface, *uid;
    struct cli_mm_modem seen;

    dbus_message_iter_get_basic(object, &path);
    dbus_message_iter_next(object);
    for (dbus_message_iter_recurse(object, &interfaces);
         dbus_message_iter_get_arg_type(&interfaces) == DBUS_TYPE_DICT_ENTRY;
         dbus_message_iter_next(&interfaces)) {
        dbus_message_iter_recurse(&interfaces, &entry);
        dbus_message_iter_get_basic(&entry, &iface);
        if (strcmp(iface, MM_MODEM_IFACE) != 0)
            continue;
        found->modems_seen++;
        dbus_message_iter_next(&entry);
        dbus_message_iter_recurse(&entry, &props);
        if (!mm_modem_matches(&props, w, &uid, &seen))
            continue;
        if (found->count == 0)
            found->first = seen;
        return mm_found_add(found, uid, path);
    }
    return true;
}

static bool mm_read_objects(DBusMessage *reply, const struct mm_wanted *w, struct mm_found *found)
{
    DBusMessageIter top, objects, object;

    if (!dbus_message_has_signature(reply, "a{oa{sa{sv}}}"))
        return false;
    dbus_message_iter_init(reply, &top);
    for (dbus_message_iter_recurse(&top, &objects);
         dbus_message_iter_get_arg_type(&objects) == DBUS_TYPE_DICT_ENTRY;
         dbus_message_iter_next(&objects)) {
        dbus_message_iter_recurse(&objects, &object);
        if (!mm_read_object(&object, w, found))
            return false;
    }
    return true;
}

/* ---- calls ------------------------------------------------------------------------------- */

static bool mm_inhibit_device(DBusConnection *bus, const char *uid, bool inhibit, char *why,
                              size_t why_size)
{
    DBusMessage *msg =
        dbus_message_new_method_call(MM_SERVICE, MM_PATH, MM_SERVICE, "InhibitDevice");
    dbus_bool_t flag = inhibit ? TRUE : FALSE;
    DBusMessage *reply;

    if (msg && !dbus_message_append_args(msg, DBUS_TYPE_STRING, &uid, DBUS_TYPE_BOOLEAN, &flag,
                                         DBUS_TYPE_INVALID)) {
        dbus_message_unref(msg);
        msg = NULL;
    }
    reply = mm_call(bus, msg, inhibit ? MM_INHIBIT_TIMEOUT_MS : MM_QUERY_TIMEOUT_MS,
                    inhibit ? MM_UNTIL_SIGNAL : MM_UNTIL_TIMEOUT, why, why_size);
    if (reply)
        dbus_message_unref(reply);
    return reply != NULL;
}

/* Fills found with the modems ModemManager manages that own our port. */
static bool mm_lookup(DBusConnection *bus, const struct mm_wanted *w, struct mm_found *found,
                      char *why, size_t why_size)
{
    DBusMessage *reply = mm_call(
        bus,
        dbus_message_new_method_call(MM_SERVICE, MM_PATH, MM_OBJECT_MANAGER, "GetManagedObjects"),
        MM_QUERY_TIMEOUT_MS, MM_UNTIL_SIGNAL, why, why_size);
    bool ok;

    if (!reply)
        return false;
    ok = mm_read_objects(reply, w, found);
    dbus_message_unref(reply);
    if (!ok) {
        mm_found_free(found);
        snprintf(why, why_size, "unexpected answer to GetManagedObjects");
    }
    return ok;
}

/* ---- holding and releasing --------------------------------------------------------------- */

static void mm_say(struct cli_report *report, const struct cli_options *opt,
                   enum dfota_log_level level, const char *text)
{
    if ((level == DFOTA_LOG_WARN && !opt->quiet) || opt->verbose)
        cli_report_log(report, level, text);
}

/* Inhibits each modem found; on a refusal releases those already inhibited. */
static int mm_inhibit_all(struct cli_mm *mm, struct mm_found *found, char *why, size_t why_size)
{
    char reason[200];

    for (size_t i = 0; i < found->count; i++) {
        if (!mm_inhibit_device(mm->bus, found->uids[i], true, reason, sizeof(reason))) {
            snprintf(why, why_size,
                     "ModemManager manages this modem (%s) and did not release it: %s (run as "
                     "root, stop ModemManager, or use --modemmanager ignore)",
                     found->paths[i], reason);
            return DFOTA_ERR_PORT;
        }
        mm->uids[mm->count++] = found->uids[i];
        found->uids[i] = NULL;
    }
    return DFOTA_OK;
}

/* Where ModemManager manages no modem of ours: fine for auto, an error for inhibit. */
static int mm_not_managed(const struct cli_options *opt, struct cli_report *report,
                          const char *reason, char *why, size_t why_size)
{
    char copy[MM_TEXT_MAX];

    snprintf(copy, sizeof(copy), "%s", reason); /* reason may be why itself */
    if (opt->modemmanager == CLI_MM_INHIBIT) {
        snprintf(why, why_size, "--modemmanager inhibit: %s", copy);
        return DFOTA_ERR_PORT;
    }
    snprintf(why, why_size, "ModemManager not asked to inhibit anything: %s", copy);
    mm_say(report, opt, DFOTA_LOG_INFO, why);
    return DFOTA_OK;
}

static int mm_hold_found(const struct cli_options *opt, struct cli_report *report,
                         struct cli_mm *mm, struct mm_found *found, char *why, size_t why_size)
{
    char text[MM_TEXT_MAX];
    int rc;

    if (found->count == 0) {
        snprintf(text, sizeof(text), "ModemManager manages %zu modem(s), none with the port %s",
                 found->modems_seen, opt->port ? opt->port : opt->usb);
        return mm_not_managed(opt, report, text, why, why_size);
    }
    rc = mm_inhibit_all(mm, found, why, why_size);
    if (rc == DFOTA_OK) {
        snprintf(text, sizeof(text),
                 "ModemManager inhibited the modem %s%s until dfota ends: the host has no data "
                 "connection through it meanwhile",
                 found->paths[0], found->count > 1 ? " (and the others with this identity)" : "");
        mm_say(report, opt, DFOTA_LOG_WARN, text);
    }
    return rc;
}

int cli_mm_hold(const struct cli_options *opt, struct cli_report *report, struct cli_mm **out,
                char *why, size_t why_size)
{
    struct mm_wanted wanted;
    struct mm_found found;
    struct cli_mm *mm;
    char reason[200];
    bool running;
    int rc;

    *out = NULL;
    if (opt->modemmanager == CLI_MM_IGNORE || !mm_wanted_init(opt, &wanted))
        return DFOTA_OK;
    mm = calloc(1, sizeof(*mm));
    if (!mm) {
        snprintf(why, why_size, "out of memory");
        return DFOTA_ERR_NOMEM;
    }
    mm->bus = mm_connect(&running, why, why_size);
    if (!mm->bus || !running) {
        mm_disconnect(mm->bus);
        free(mm);
        return mm_not_managed(opt, report, why, why, why_size);
    }
    memset(&found, 0, sizeof(found));
    if (mm_lookup(mm->bus, &wanted, &found, reason, sizeof(reason))) {
        rc = mm_hold_found(opt, report, mm, &found, why, why_size);
    } else {
        /* It runs but cannot say whether it holds our port: going on could corrupt the
         * upgrade's dialogue. */
        snprintf(why, why_size,
                 "ModemManager runs but did not list its modems: %s (use --modemmanager "
                 "ignore to go on without it)",
                 reason);
        rc = DFOTA_ERR_PORT;
    }
    mm_found_free(&found);
    if (rc == DFOTA_OK && mm->count > 0) {
        *out = mm;
        return DFOTA_OK;
    }
    cli_mm_release(mm);
    return rc;
}

void cli_mm_release(struct cli_mm *mm)
{
    char ignored[200];

    if (!mm)
        return;
    /* A failed release changes nothing: closing the connection ends the inhibition. */
    for (size_t i = 0; i < mm->count; i++) {
        mm_inhibit_device(mm->bus, mm->uids[i], false, ignored, sizeof(ignored));
        free(mm->uids[i]);
    }
    mm_disconnect(mm->bus);
    free(mm);
}

int cli_mm_describe(const struct cli_options *opt, struct cli_mm_modem *out)
{
    struct mm_wanted wanted;
    struct mm_found found;
    DBusConnection *bus;
    char why[200];
    bool running;
    int rc = DFOTA_ERR_PORT;

    memset(out, 0, sizeof(*out));
    if (opt->modemmanager != CLI_MM_AUTO || !mm_wanted_init(opt, &wanted))
        return DFOTA_ERR_PORT;
    bus = mm_connect(&running, why, sizeof(why));
    memset(&found, 0, sizeof(found));
    if (bus && running && mm_lookup(bus, &wanted, &found, why, sizeof(why)) && found.count > 0 &&
        (found.first.model[0] || found.first.revision[0])) {
        *out = found.first;
        rc = DFOTA_OK;
    }
    mm_found_free(&found);
    mm_disconnect(bus);
    return rc;
}
