/* A package file on the host, for an upload. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "os/port_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int port_file_refuse(int fd, char *msg, size_t msg_size, const char *why)
{
    if (fd >= 0)
        (void)close(fd);
    snprintf(msg, msg_size, "%s", why);
    return -1;
}

int port_file_open(const char *path, uint64_t max, size_t *size, char *msg, size_t msg_size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0 && errno == ENOENT)
        return port_file_refuse(-1, msg, msg_size, "the package file does not exist");
    if (fd < 0)
        return port_file_refuse(-1, msg, msg_size, "the package file cannot be read");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return port_file_refuse(fd, msg, msg_size, "the package is not a regular file");
    if (st.st_size == 0)
        return port_file_refuse(fd, msg, msg_size, "the package file is empty");
    if ((uint64_t)st.st_size > max) {
        snprintf(msg, msg_size, "the package is %llu bytes; no module holds more than %llu",
                 (unsigned long long)st.st_size, (unsigned long long)max);
        (void)close(fd);
        return -1;
    }
    *size = (size_t)st.st_size;
    return fd;
}

enum port_file_status port_file_read(int fd, size_t size, size_t offset, uint8_t *buf, size_t len,
                                     size_t *got)
{
    struct stat st;
    ssize_t n;

    *got = 0;
    if (fstat(fd, &st) != 0)
        return PORT_FILE_ERROR;
    if ((uint64_t)st.st_size != (uint64_t)size)
        return PORT_FILE_CHANGED;
    do {
        n = pread(fd, buf, len, (off_t)offset);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return PORT_FILE_ERROR;
    if (n == 0)
        return PORT_FILE_CHANGED;
    *got = (size_t)n;
    return PORT_FILE_OK;
}

void port_file_close(int fd)
{
    if (fd >= 0)
        (void)close(fd);
}
