/* Directory watches with inotify, and an epoll set for event loops. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "os/port_watch.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/inotify.h>
#endif

void port_watch_init(struct port_watch *w)
{
    memset(w, 0, sizeof *w);
    w->notify_fd = w->poll_fd = -1;
    for (int i = 0; i < PORT_WATCH_DIRS; i++)
        w->wd[i] = -1;
}

void port_watch_parent(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

static bool port_watch_is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void port_watch_nearest_existing(char *dir)
{
    while (!port_watch_is_directory(dir)) {
        char *slash = strrchr(dir, '/');
        if (slash == NULL) {
            strcpy(dir, ".");
            return;
        }
        if (slash == dir) {
            strcpy(dir, "/");
            return;
        }
        *slash = '\0';
    }
}

int port_watch_notify_fd(const struct port_watch *w)
{
    return w->notify_fd;
}

int port_watch_loop_fd(const struct port_watch *w, int fallback)
{
    return w->poll_fd >= 0 ? w->poll_fd : fallback;
}

#ifdef __linux__
/* A directory: something appeared in it (or it went). */
#define PORT_WATCH_DIR_EVENTS                                                                      \
    (IN_CREATE | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
/* A node or link itself: unlinked, renamed over or moved (its link count or its name
 * changed); quiet otherwise, unlike the busy /dev it sits in. */
#define PORT_WATCH_NODE_EVENTS (IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW)

static void port_watch_start(struct port_watch *w)
{
    w->notify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->notify_fd < 0)
        return;
    w->poll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data = {.fd = w->notify_fd}};
    if (w->poll_fd >= 0 && epoll_ctl(w->poll_fd, EPOLL_CTL_ADD, w->notify_fd, &ev) != 0) {
        (void)close(w->poll_fd);
        w->poll_fd = -1;
    }
}

/* What to watch for path: itself (nodes, when it is there), else the nearest existing
 * directory on its way. */
static unsigned port_watch_target(const char *path, bool nodes, char *want)
{
    struct stat st;
    snprintf(want, PORT_WATCH_PATH_MAX, "%s", path != NULL ? path : "");
    if (want[0] == '\0')
        return 0;
    if (nodes && lstat(want, &st) == 0)
        return PORT_WATCH_NODE_EVENTS;
    if (nodes)
        port_watch_parent(path, want, PORT_WATCH_PATH_MAX);
    port_watch_nearest_existing(want);
    return PORT_WATCH_DIR_EVENTS;
}

bool port_watch_arm(struct port_watch *w, const char *const paths[PORT_WATCH_DIRS], bool nodes)
{
    char want[PORT_WATCH_DIRS][PORT_WATCH_PATH_MAX];
    unsigned mask[PORT_WATCH_DIRS];
    bool moved = false;
    if (w->notify_fd < 0)
        port_watch_start(w);
    if (w->notify_fd < 0)
        return false;
    for (int i = 0; i < PORT_WATCH_DIRS; i++)
        mask[i] = port_watch_target(paths[i], nodes, want[i]);
    if (strcmp(want[0], want[1]) == 0)
        want[1][0] = '\0';
    for (int i = 0; i < PORT_WATCH_DIRS; i++) {
        if (w->wd[i] >= 0 && strcmp(want[i], w->dir[i]) == 0 && mask[i] == w->mask[i])
            continue;
        if (w->wd[i] >= 0)
            (void)inotify_rm_watch(w->notify_fd, w->wd[i]);
        if (!nodes && w->mask[i] == PORT_WATCH_DIR_EVENTS && w->dir[i][0] != '\0' &&
            want[i][0] != '\0' && strcmp(want[i], w->dir[i]) != 0)
            moved = true;
        w->wd[i] = want[i][0] != '\0' ? inotify_add_watch(w->notify_fd, want[i], mask[i]) : -1;
        w->mask[i] = mask[i];
        strcpy(w->dir[i], w->wd[i] >= 0 ? want[i] : "");
    }
    return moved;
}

bool port_watch_drain(struct port_watch *w)
{
    bool any = false;
    _Alignas(struct inotify_event) char buf[4096];
    if (w->notify_fd < 0)
        return false;
    for (;;) {
        ssize_t n = read(w->notify_fd, buf, sizeof buf);
        if (n <= 0)
            return any;
        any = true;
        for (size_t off = 0; off + sizeof(struct inotify_event) <= (size_t)n;) {
            const struct inotify_event *ev = (const struct inotify_event *)(buf + off);
            for (int i = 0; i < PORT_WATCH_DIRS; i++) {
                if (ev->wd == w->wd[i] && (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)))
                    w->wd[i] = -1;
            }
            off += sizeof(struct inotify_event) + ev->len;
        }
    }
}

void port_watch_port(struct port_watch *w, int fd, bool add)
{
    if (w->poll_fd < 0 || fd < 0)
        return;
    struct epoll_event ev = {.events = EPOLLIN, .data = {.fd = fd}};
    (void)epoll_ctl(w->poll_fd, add ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &ev);
}

void port_watch_free(struct port_watch *w)
{
    if (w->poll_fd >= 0)
        (void)close(w->poll_fd);
    if (w->notify_fd >= 0)
        (void)close(w->notify_fd);
    port_watch_init(w);
}
#else
bool port_watch_arm(struct port_watch *w, const char *const paths[PORT_WATCH_DIRS], bool nodes)
{
    (void)w;
    (void)paths;
    (void)nodes;
    return false;
}

bool port_watch_drain(struct port_watch *w)
{
    (void)w;
    return false;
}

void port_watch_port(struct port_watch *w, int fd, bool add)
{
    (void)w;
    (void)fd;
    (void)add;
}

void port_watch_free(struct port_watch *w)
{
    port_watch_init(w);
}
#endif
