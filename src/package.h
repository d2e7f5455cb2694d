/* The package the host uploads: a file (through the system port's file reader) or the
 * user's read callback, behind the upload's one read function. */
#ifndef DFOTA_PACKAGE_H
#define DFOTA_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "dfota.h"
#include "fsm/fsm.h"

#if DFOTA_WITH_UPLOAD

/* The largest package any module holds, with room to spare: larger is a mistake. */
#define PACKAGE_SIZE_MAX (256u * 1024u * 1024u)
#define PACKAGE_DEFAULT_NAME "dfota_update.bin"

struct package {
    int fd; /* a file the library opened, or -1 */
    size_t size;
    dfota_read_cb read;
    void *read_user;
};

/* Opens what pkg names and fills job (name, size, read function) for the upload.
 * Returns DFOTA_OK, or DFOTA_ERR_INVALID with the broken rule in msg. */
int package_open(struct package *p, const struct dfota_package *pkg, struct fsm_upload_job *job,
                 char *msg, size_t msg_size);

/* Closes a file package_open() opened. Safe to call again. */
void package_close(struct package *p);

#endif
#endif
