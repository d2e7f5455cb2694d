/* /proc and sysfs, read without allocating: getdents64 and read() into the stack. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "os/port_linux.h"

#include <stdio.h>
#include <string.h>

#include "dfota.h"

const char *port_linux_tty_name(const char *device)
{
    const char *slash = strrchr(device, '/');
    return slash != NULL ? slash + 1 : device;
}

#ifdef __linux__

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* How far above a tty's device its USB device may sit: usb-serial port, interface,
 * device (ttyUSB); interface, device (ttyACM). */
#define PORT_LINUX_USB_DEPTH 4

typedef bool (*port_linux_entry_fn)(void *user, const char *name);

/* The kernel's linux_dirent64, read with the system call itself: glibc's getdents64()
 * and musl's differ in their types, the kernel's layout does not. */
struct port_linux_dirent {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static ssize_t port_linux_getdents(int fd, void *buf, size_t size)
{
    return (ssize_t)syscall(SYS_getdents64, fd, buf, size);
}

/* Calls fn for every entry of dir but "." and "..", until it returns false. Returns
 * false when dir cannot be read. */
static bool port_linux_each_entry(const char *dir, port_linux_entry_fn fn, void *user)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    _Alignas(struct port_linux_dirent) char buf[4096];
    bool more = true;
    while (more) {
        ssize_t n = port_linux_getdents(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (ssize_t off = 0; off < n && more;) {
            const struct port_linux_dirent *d = (const struct port_linux_dirent *)(buf + off);
            off += d->reclen;
            if (strcmp(d->name, ".") != 0 && strcmp(d->name, "..") != 0)
                more = fn(user, d->name);
        }
    }
    (void)close(fd);
    return true;
}

/* Reads a small text file whole, without its trailing newline. */
static bool port_linux_read_text(const char *file, char *text, size_t size)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, text, size - 1);
    (void)close(fd);
    if (n <= 0)
        return false;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    text[n] = '\0';
    return true;
}

static bool port_linux_read_hex(const char *dir, const char *attribute, unsigned *value)
{
    char file[PATH_MAX + 32], text[32], *end;
    if ((size_t)snprintf(file, sizeof file, "%s/%s", dir, attribute) >= sizeof file ||
        !port_linux_read_text(file, text, sizeof text))
        return false;
    unsigned long v = strtoul(text, &end, 16);
    if (end == text || v > 0xffffu)
        return false;
    *value = (unsigned)v;
    return true;
}

/* ---- who holds a port ---------------------------------------------------------------- */

/* The pid holding an flock on the node st describes, from /proc/locks, or -1. */
static long port_linux_lock_holder(const struct stat *st)
{
    int fd = open("/proc/locks", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char buf[4096];
    size_t kept = 0;
    long pid = -1;
    for (;;) {
        ssize_t n = read(fd, buf + kept, sizeof buf - 1 - kept);
        if (n <= 0)
            break;
        buf[kept + (size_t)n] = '\0';
        char *line = buf, *nl;
        while (pid < 0 && (nl = strchr(line, '\n')) != NULL) {
            *nl = '\0';
            char kind[16];
            long p;
            unsigned maj, min;
            unsigned long ino;
            /* "1: FLOCK  ADVISORY  WRITE 812 00:05:1042 0 EOF"; waiters read "1: -> ..." */
            if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%lu", kind, &p, &maj, &min, &ino) == 5 &&
                strcmp(kind, "FLOCK") == 0 && maj == major(st->st_dev) &&
                min == minor(st->st_dev) && ino == st->st_ino)
                pid = p;
            line = nl + 1;
        }
        kept = strlen(line);
        memmove(buf, line, kept);
        if (pid >= 0 || kept == sizeof buf - 1)
            break;
    }
    (void)close(fd);
    return pid;
}

struct port_linux_search {
    dev_t rdev;
    long pid; /* the process being looked at, then the one found */
    bool found;
};

static bool port_linux_check_fd(void *user, const char *name)
{
    struct port_linux_search *s = user;
    char link[64];
    struct stat st;
    snprintf(link, sizeof link, "/proc/%ld/fd/%s", s->pid, name);
    s->found = stat(link, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == s->rdev;
    return !s->found;
}

static bool port_linux_check_process(void *user, const char *name)
{
    struct port_linux_search *s = user;
    char *end;
    long pid = strtol(name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == (long)getpid())
        return true;
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%ld/fd", pid);
    s->pid = pid;
    (void)port_linux_each_entry(dir, port_linux_check_fd, s);
    return !s->found;
}

bool port_linux_holder(const char *device, char *text, size_t size)
{
    struct stat st;
    if (size > 0)
        text[0] = '\0';
    if (size == 0 || stat(device, &st) != 0 || !S_ISCHR(st.st_mode))
        return false;
    long pid = port_linux_lock_holder(&st);
    if (pid <= 0) {
        struct port_linux_search s = {.rdev = st.st_rdev, .pid = -1, .found = false};
        (void)port_linux_each_entry("/proc", port_linux_check_process, &s);
        pid = s.found ? s.pid : -1;
    }
    if (pid <= 0)
        return false;
    char file[64], comm[64];
    snprintf(file, sizeof file, "/proc/%ld/comm", pid);
    if (!port_linux_read_text(file, comm, sizeof comm))
        snprintf(comm, sizeof comm, "a process");
    /* Any process names itself (prctl, exec): what a terminal would obey goes as '?'. */
    for (char *c = comm; *c; c++) {
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
    }
    snprintf(text, size, "%s (pid %ld)", comm, pid);
    return true;
}

/* ---- USB identity from sysfs -------------------------------------------------------- */

static const char *port_linux_sysfs(const struct port_linux_roots *roots)
{
    return roots != NULL && roots->sysfs != NULL ? roots->sysfs : "/sys";
}

static const char *port_linux_dev_dir(const struct port_linux_roots *roots)
{
    return roots != NULL && roots->dev_dir != NULL ? roots->dev_dir : "/dev";
}

/* Walks up from the tty's device: the first bInterfaceNumber on the way is its
 * interface, the first idVendor its USB device. */
static bool port_linux_walk_up(char *dir, struct usb_id *id, int *interface)
{
    unsigned vid, pid, number;
    for (int level = 0; level <= PORT_LINUX_USB_DEPTH; level++) {
        if (*interface < 0 && port_linux_read_hex(dir, "bInterfaceNumber", &number))
            *interface = (int)number;
        if (port_linux_read_hex(dir, "idVendor", &vid) &&
            port_linux_read_hex(dir, "idProduct", &pid)) {
            char file[PATH_MAX + 16];
            id->vid = (uint16_t)vid;
            id->pid = (uint16_t)pid;
            snprintf(file, sizeof file, "%s/serial", dir);
            if (!port_linux_read_text(file, id->serial, sizeof id->serial))
                id->serial[0] = '\0';
            return true;
        }
        char *slash = strrchr(dir, '/');
        if (slash == NULL || slash == dir)
            return false;
        *slash = '\0';
    }
    return false;
}

bool port_linux_describe(const struct port_linux_roots *roots, const char *name, struct usb_id *id,
                         int *interface)
{
    char link[PATH_MAX], dir[PATH_MAX];
    *interface = -1;
    memset(id, 0, sizeof *id);
    if ((size_t)snprintf(link, sizeof link, "%s/class/tty/%s/device", port_linux_sysfs(roots),
                         name) >= sizeof link ||
        realpath(link, dir) == NULL)
        return false;
    if (port_linux_walk_up(dir, id, interface))
        return true;
    *interface = -1;
    return false;
}

struct port_linux_enum {
    const struct port_linux_roots *roots;
    const struct usb_id *want;
    int want_interface;
    char best_path[PATH_MAX];
    char best_serial[USB_ID_SERIAL_MAX];
    struct usb_candidate best; /* best.path NULL: none yet */
};

/* Keeps the better of the best so far and this tty: usb_id_pick's order is total, so
 * picking pairwise finds the one it would pick among all, in constant memory. */
static bool port_linux_consider(void *user, const char *name)
{
    struct port_linux_enum *e = user;
    struct usb_id id;
    int interface;
    char path[PATH_MAX];
    if (!port_linux_describe(e->roots, name, &id, &interface) ||
        (size_t)snprintf(path, sizeof path, "%s/%s", port_linux_dev_dir(e->roots), name) >=
            sizeof path)
        return true;
    struct usb_candidate pair[2] = {
        e->best,
        {.path = path, .vid = id.vid, .pid = id.pid, .serial = id.serial, .interface = interface},
    };
    size_t first = e->best.path != NULL ? 0 : 1;
    int pick = usb_id_pick(e->want, e->want_interface, pair + first, 2 - first);
    if (pick < 0 || (first == 0 && pick == 0))
        return true;
    memcpy(e->best_path, path, strlen(path) + 1);
    memcpy(e->best_serial, id.serial, sizeof e->best_serial);
    e->best = pair[1];
    e->best.path = e->best_path;
    e->best.serial = e->best_serial;
    return true;
}

int port_linux_find_usb(const struct port_linux_roots *roots, const struct usb_id *id,
                        int want_interface, char *path, size_t path_size, int *interface)
{
    struct port_linux_enum e;
    char dir[PATH_MAX];
    memset(&e, 0, sizeof e);
    e.roots = roots;
    e.want = id;
    e.want_interface = want_interface;
    *interface = -1;
    if ((size_t)snprintf(dir, sizeof dir, "%s/class/tty", port_linux_sysfs(roots)) >= sizeof dir ||
        !port_linux_each_entry(dir, port_linux_consider, &e))
        return DFOTA_PORT_ERROR;
    if (e.best.path == NULL)
        return DFOTA_PORT_ABSENT;
    size_t len = strlen(e.best.path);
    if (len >= path_size)
        return DFOTA_PORT_ERROR;
    memcpy(path, e.best.path, len + 1);
    *interface = e.best.interface;
    return DFOTA_PORT_OK;
}

#else /* not Linux: nothing to read */

bool port_linux_holder(const char *device, char *text, size_t size)
{
    (void)device;
    if (size > 0)
        text[0] = '\0';
    return false;
}

bool port_linux_describe(const struct port_linux_roots *roots, const char *name, struct usb_id *id,
                         int *interface)
{
    (void)roots;
    (void)name;
    (void)id;
    *interface = -1;
    return false;
}

int port_linux_find_usb(const struct port_linux_roots *roots, const struct usb_id *id,
                        int want_interface, char *path, size_t path_size, int *interface)
{
    (void)roots;
    (void)id;
    (void)want_interface;
    (void)path;
    (void)path_size;
    *interface = -1;
    return DFOTA_PORT_ERROR;
}

#endif
