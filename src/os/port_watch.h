/* Directory watches for a device that comes and goes: wake when something appears,
 * vanishes or changes where its node or link lives (inotify on Linux), and one
 * descriptor for event loops that wakes for those changes and for the port's input (an
 * epoll set). A leaf of the port stack, used by the system transport. Elsewhere than
 * Linux nothing is watched and the callers fall back to their timers. */
#ifndef DFOTA_PORT_WATCH_H
#define DFOTA_PORT_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#define PORT_WATCH_DIRS 2
#define PORT_WATCH_PATH_MAX 4096

struct port_watch {
    int notify_fd; /* -1 until first armed */
    int poll_fd;   /* the epoll set, -1 if none */
    int wd[PORT_WATCH_DIRS];
    unsigned mask[PORT_WATCH_DIRS]; /* the events asked for: a node's or a directory's */
    char dir[PORT_WATCH_DIRS][PORT_WATCH_PATH_MAX];
};

void port_watch_init(struct port_watch *w);

/* Writes the directory of path ("." or "/" at the ends). */
void port_watch_parent(const char *path, char *dir, size_t size);

/* Points the watches at paths (NULL or "" for none). Without nodes, each is a directory
 * where something will appear; one that does not exist is replaced by its nearest
 * existing ancestor (/dev/serial/by-id vanishes with its last link). With nodes, each is
 * a node or link watched itself (its unlinking or replacement wakes us, not the rest of
 * a busy /dev), or, while it is not there, the directory where it will reappear. Returns
 * true when a directory watch moved to another directory than before: something appeared
 * or vanished on the way. Keeps the inotify descriptor for good: closing one waits for
 * an RCU grace period, which would delay every reopen. */
bool port_watch_arm(struct port_watch *w, const char *const paths[PORT_WATCH_DIRS], bool nodes);

/* Reads all queued events; true if there was any. A watch the kernel dropped (its
 * directory went away) is forgotten, so the next arming picks another directory. */
bool port_watch_drain(struct port_watch *w);

/* Adds (add) or removes the port's descriptor to or from the event loops' set. */
void port_watch_port(struct port_watch *w, int fd, bool add);

/* The descriptor that wakes for changes (-1 if none), and the one for event loops:
 * the epoll set when there is one, else fallback. */
int port_watch_notify_fd(const struct port_watch *w);
int port_watch_loop_fd(const struct port_watch *w, int fallback);

/* Closes the descriptors. */
void port_watch_free(struct port_watch *w);

#endif
