/* Finding a module's port by USB identity in sysfs, on a sysfs tree of the test's own
 * whose tty nodes are pseudo-terminals: the choice among a module's interfaces, the path
 * tried before the identity, the port found again under another name after a
 * re-enumeration, and no allocation on the way (the whole process's heap is counted). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/port_linux.h"
#include "os/port_sys.h"

/* ---- counting every allocation of the process (glibc; not under AddressSanitizer) ---- */

#if defined(__SANITIZE_ADDRESS__)
#define COUNTS_HEAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNTS_HEAP 0
#endif
#endif
#ifndef COUNTS_HEAP
#define COUNTS_HEAP 1
#endif

static volatile long heap_calls;

#if COUNTS_HEAP
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

/* Defined in the executable, these stand in for libc's in every library of the process,
 * libserialport and libc's own helpers included. */
void *malloc(size_t size)
{
    heap_calls++;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    heap_calls++;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    heap_calls++;
    return __libc_realloc(p, size);
}
#endif

/* ---- a sysfs tree and /dev of our own --------------------------------------------------- */

struct tree {
    char root[64];
    char sys[96];
    char dev[96];
    int masters[8];
    int master_count;
    char log[4096];
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void make_dirs(const char *path)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            (void)mkdir(dir, 0755);
            *p = '/';
        }
    }
    (void)mkdir(dir, 0755);
}

/* A USB device (bus position usb) with vid, pid and serial (NULL: none). */
static void add_usb_device(struct tree *t, const char *usb, const char *vid, const char *pid,
                           const char *serial)
{
    char dir[256], file[320];
    snprintf(dir, sizeof dir, "%s/devices/usb1/%s", t->sys, usb);
    make_dirs(dir);
    snprintf(file, sizeof file, "%s/idVendor", dir);
    write_file(file, vid);
    snprintf(file, sizeof file, "%s/idProduct", dir);
    write_file(file, pid);
    if (serial != NULL) {
        snprintf(file, sizeof file, "%s/serial", dir);
        write_file(file, serial);
    }
}

/* A new pseudo-terminal as dev/name: the node a re-enumeration creates. */
static void add_node(struct tree *t, const char *name)
{
    char node[64], link[160];
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(m >= 0);
    assert_int_equal(grantpt(m), 0);
    assert_int_equal(unlockpt(m), 0);
    assert_int_equal(ptsname_r(m, node, sizeof node), 0);
    snprintf(link, sizeof link, "%s/%s", t->dev, name);
    (void)unlink(link);
    assert_int_equal(symlink(node, link), 0);
    assert_true(t->master_count < 8);
    t->masters[t->master_count++] = m;
}

/* A tty of interface number on the USB device: ttyUSB style (a usb-serial port under the
 * interface) or, with acm, ttyACM style (the interface itself is the device). */
static void add_tty(struct tree *t, const char *usb, int number, const char *name, bool acm)
{
    char iface[256], port[320], cls[256], link[300], file[320], text[8];
    snprintf(iface, sizeof iface, "%s/devices/usb1/%s/%s:1.%d", t->sys, usb, usb, number);
    make_dirs(iface);
    snprintf(file, sizeof file, "%s/bInterfaceNumber", iface);
    snprintf(text, sizeof text, "%02x\n", number);
    write_file(file, text);
    snprintf(port, sizeof port, "%s/%s", iface, name);
    if (!acm)
        make_dirs(port);
    snprintf(cls, sizeof cls, "%s/class/tty/%s", t->sys, name);
    make_dirs(cls);
    snprintf(link, sizeof link, "%s/device", cls);
    assert_int_equal(symlink(acm ? iface : port, link), 0);
    add_node(t, name);
}

static void remove_tty(struct tree *t, const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "%s/class/tty/%s/device", t->sys, name);
    assert_int_equal(unlink(path), 0);
    snprintf(path, sizeof path, "%s/class/tty/%s", t->sys, name);
    assert_int_equal(rmdir(path), 0);
    snprintf(path, sizeof path, "%s/%s", t->dev, name);
    assert_int_equal(unlink(path), 0);
}

static int setup(void **state)
{
    struct tree *t = calloc(1, sizeof *t);
    assert_non_null(t);
    strcpy(t->root, "/tmp/dfota-usb-XXXXXX");
    assert_non_null(mkdtemp(t->root));
    snprintf(t->sys, sizeof t->sys, "%s/sys", t->root);
    snprintf(t->dev, sizeof t->dev, "%s/dev", t->root);
    char cls[160];
    snprintf(cls, sizeof cls, "%s/class/tty", t->sys);
    make_dirs(cls);
    make_dirs(t->dev);
    /* Virtual consoles have no device: skipped. An FTDI adapter: another identity. */
    snprintf(cls, sizeof cls, "%s/class/tty/tty0", t->sys);
    make_dirs(cls);
    add_usb_device(t, "1-2", "0403", "6001", "FT1");
    add_tty(t, "1-2", 0, "ttyUSB0", false);
    /* The module: interfaces 0 (DM), 1 (NMEA), 2 (AT), 3 (modem). */
    add_usb_device(t, "1-1", "2c7c", "0125", "a1b2c3");
    add_tty(t, "1-1", 0, "ttyUSB1", false);
    add_tty(t, "1-1", 1, "ttyUSB9", false);
    add_tty(t, "1-1", 2, "ttyUSB10", false);
    add_tty(t, "1-1", 3, "ttyUSB11", false);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct tree *t = *state;
    for (int i = 0; i < t->master_count; i++)
        close(t->masters[i]);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->root);
    assert_int_equal(system(cmd), 0);
    free(t);
    return 0;
}

static struct usb_id identity(const char *text)
{
    struct usb_id id;
    assert_true(usb_id_parse(text, &id, NULL, 0));
    return id;
}

/* ---- sysfs ------------------------------------------------------------------------------ */

static void describes_ttyusb_and_ttyacm(void **state)
{
    struct tree *t = *state;
    struct port_linux_roots roots = {t->sys, t->dev};
    struct usb_id id;
    int interface;
    assert_true(port_linux_describe(&roots, "ttyUSB10", &id, &interface));
    assert_int_equal(id.vid, 0x2c7c);
    assert_int_equal(id.pid, 0x0125);
    assert_string_equal(id.serial, "a1b2c3");
    assert_int_equal(interface, 2);
    add_usb_device(t, "1-3", "2c7c", "030b", NULL);
    add_tty(t, "1-3", 4, "ttyACM0", true);
    assert_true(port_linux_describe(&roots, "ttyACM0", &id, &interface));
    assert_int_equal(id.pid, 0x030b);
    assert_string_equal(id.serial, "");
    assert_int_equal(interface, 4);
    assert_false(port_linux_describe(&roots, "tty0", &id, &interface));
    assert_false(port_linux_describe(&roots, "ttyUSB99", &id, &interface));
    assert_int_equal(interface, -1);
}

static void finds_the_at_interface_of_the_module(void **state)
{
    struct tree *t = *state;
    struct port_linux_roots roots = {t->sys, t->dev};
    struct usb_id id = identity("2c7c:0125");
    char path[256], want[256];
    int interface;
    assert_int_equal(port_linux_find_usb(&roots, &id, -1, path, sizeof path, &interface),
                     DFOTA_PORT_OK);
    snprintf(want, sizeof want, "%s/ttyUSB10", t->dev);
    assert_string_equal(path, want);
    assert_int_equal(interface, 2);
    /* The interface it had when first opened wins over the usual AT interface. */
    assert_int_equal(port_linux_find_usb(&roots, &id, 3, path, sizeof path, &interface),
                     DFOTA_PORT_OK);
    snprintf(want, sizeof want, "%s/ttyUSB11", t->dev);
    assert_string_equal(path, want);
    id = identity("2c7c:0125:a1b2c3");
    assert_int_equal(port_linux_find_usb(&roots, &id, -1, path, sizeof path, &interface),
                     DFOTA_PORT_OK);
    id = identity("2c7c:0125:other");
    assert_int_equal(port_linux_find_usb(&roots, &id, -1, path, sizeof path, &interface),
                     DFOTA_PORT_ABSENT);
    id = identity("2c7c:0125");
    assert_int_equal(port_linux_find_usb(&roots, &id, -1, path, 8, &interface), DFOTA_PORT_ERROR);
    struct port_linux_roots nowhere = {"/nonexistent-sysfs", t->dev};
    assert_int_equal(port_linux_find_usb(&nowhere, &id, -1, path, sizeof path, &interface),
                     DFOTA_PORT_ERROR);
}

/* ---- the system transport --------------------------------------------------------------- */

static void capture_log(void *user, enum dfota_log_level level, const char *text)
{
    struct tree *t = user;
    (void)level;
    size_t used = strlen(t->log);
    snprintf(t->log + used, sizeof t->log - used, "%s\n", text);
}

static void make_port(struct tree *t, const char *path, const char *usb,
                      const struct dfota_port_ops **ops, void **ctx)
{
    struct port_sys_config cfg = {.path = path,
                                  .usb = usb,
                                  .baud = 115200,
                                  .log = capture_log,
                                  .log_user = t,
                                  .roots = {t->sys, t->dev}};
    assert_int_equal(port_sys_new(&cfg, ops, ctx, NULL, 0), DFOTA_OK);
}

/* The module reboots: its ttys hang up and vanish, and come back under other names. */
static void reenumerate(struct tree *t, const char *const *old, const char *const *now)
{
    for (int i = 0; i < t->master_count; i++)
        close(t->masters[i]);
    t->master_count = 0;
    for (int i = 0; i < 4; i++)
        remove_tty(t, old[i]);
    char dir[256];
    for (int i = 0; i < 4; i++) {
        snprintf(dir, sizeof dir, "%s/devices/usb1/1-1/1-1:1.%d/%s", t->sys, i, old[i]);
        assert_int_equal(rmdir(dir), 0);
        add_tty(t, "1-1", i, now[i], false);
    }
}

static void the_path_first_then_the_identity_after_reenumeration(void **state)
{
    struct tree *t = *state;
    const struct dfota_port_ops *ops;
    void *ctx;
    char path[160], want[256];
    snprintf(path, sizeof path, "%s/ttyUSB10", t->dev);
    make_port(t, path, "2c7c:0125", &ops, &ctx);
    assert_int_equal(ops->open(ctx), DFOTA_PORT_OK);
    assert_non_null(strstr(t->log, "(link "));
    ops->close(ctx);
    static const char *const before[] = {"ttyUSB1", "ttyUSB9", "ttyUSB10", "ttyUSB11"};
    static const char *const after[] = {"ttyUSB4", "ttyUSB5", "ttyUSB6", "ttyUSB7"};
    reenumerate(t, before, after);
    assert_int_equal(ops->open(ctx), DFOTA_PORT_OK);
    snprintf(want, sizeof want, "opened %s/ttyUSB6 (USB 2c7c:0125 interface 2)", t->dev);
    assert_non_null(strstr(t->log, want));
    port_sys_free(ctx);
}

static void a_path_now_naming_another_device_is_passed_over(void **state)
{
    struct tree *t = *state;
    const struct dfota_port_ops *ops;
    void *ctx;
    char path[160], want[256];
    /* --port names the FTDI adapter's node: the identity says it is not the module. */
    snprintf(path, sizeof path, "%s/ttyUSB0", t->dev);
    make_port(t, path, "2c7c:0125", &ops, &ctx);
    assert_int_equal(ops->open(ctx), DFOTA_PORT_OK);
    snprintf(want, sizeof want, "opened %s/ttyUSB10 (USB 2c7c:0125 interface 2)", t->dev);
    assert_non_null(strstr(t->log, want));
    port_sys_free(ctx);
}

/* The interface tells which of the module's ports a path is: 2 the AT port (its URCs
 * "usbat"), 3 the modem port ("usbmodem"). */
static void the_interface_of_a_plain_path_is_known(void **state)
{
    struct tree *t = *state;
    const struct dfota_port_ops *ops;
    void *ctx;
    char path[160];
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", t->dev, i == 0 ? "ttyUSB10" : "ttyUSB11");
        make_port(t, path, NULL, &ops, &ctx);
        assert_int_equal(ops->open(ctx), DFOTA_PORT_OK);
        assert_int_equal(port_sys_usb_interface(ctx), 2 + i);
        port_sys_free(ctx);
    }
}

static void finding_by_identity_allocates_nothing(void **state)
{
    struct tree *t = *state;
    struct port_linux_roots roots = {t->sys, t->dev};
    struct usb_id id = identity("2c7c:0125");
    char path[256];
    int interface;
    if (!COUNTS_HEAP)
        skip();
    static const char *const before[] = {"ttyUSB1", "ttyUSB9", "ttyUSB10", "ttyUSB11"};
    static const char *const after[] = {"ttyUSB4", "ttyUSB5", "ttyUSB6", "ttyUSB7"};
    reenumerate(t, before, after);
    long start = heap_calls;
    assert_int_equal(port_linux_find_usb(&roots, &id, 2, path, sizeof path, &interface),
                     DFOTA_PORT_OK);
    assert_int_equal(heap_calls - start, 0);
    assert_non_null(strstr(path, "/ttyUSB6"));
}

static void reopening_by_identity_allocates_nothing(void **state)
{
    struct tree *t = *state;
    const struct dfota_port_ops *ops;
    void *ctx;
    if (!COUNTS_HEAP)
        skip();
    make_port(t, NULL, "2c7c:0125", &ops, &ctx);
    assert_int_equal(ops->open(ctx), DFOTA_PORT_OK); /* the first open may allocate */
    static const char *const names[] = {"ttyUSB1", "ttyUSB9", "ttyUSB10", "ttyUSB11"};
    long library = 0;
    for (int i = 0; i < 5; i++) {
        long start = heap_calls;
        ops->close(ctx);
        library += heap_calls - start;
        reenumerate(t, names, names); /* the test's own file work is not counted */
        start = heap_calls;
        assert_int_equal(ops->wait(ctx, 0), DFOTA_PORT_READY);
        assert_int_equal(ops->open(ctx), DFOTA_PORT_OK);
        library += heap_calls - start;
    }
    assert_int_equal(library, 0);
    port_sys_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(describes_ttyusb_and_ttyacm, setup, teardown),
        cmocka_unit_test_setup_teardown(finds_the_at_interface_of_the_module, setup, teardown),
        cmocka_unit_test_setup_teardown(the_path_first_then_the_identity_after_reenumeration, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_path_now_naming_another_device_is_passed_over, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_interface_of_a_plain_path_is_known, setup, teardown),
        cmocka_unit_test_setup_teardown(finding_by_identity_allocates_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(reopening_by_identity_allocates_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
