/* A package file on the host, read for an upload: opened once, read by offset, its size
 * watched so that a file that changes while it is read fails the upload. POSIX. */
#ifndef DFOTA_PORT_FILE_H
#define DFOTA_PORT_FILE_H

#include <stddef.h>
#include <stdint.h>

enum port_file_status { PORT_FILE_OK, PORT_FILE_CHANGED, PORT_FILE_ERROR };

/* Opens path for reading. Returns the descriptor and sets *size, or -1 with the reason
 * in msg: it does not exist, is not a regular file, cannot be read, is empty, or is
 * larger than max bytes. */
int port_file_open(const char *path, uint64_t max, size_t *size, char *msg, size_t msg_size);

/* Reads up to len bytes at offset; *got is set. PORT_FILE_CHANGED when the file's size
 * is no longer size (or it ended early). */
enum port_file_status port_file_read(int fd, size_t size, size_t offset, uint8_t *buf, size_t len,
                                     size_t *got);

/* Closes fd if >= 0. */
void port_file_close(int fd);

#endif
