/* The package the host uploads. */
#include "package.h"

#include <stdio.h>
#include <string.h>

#if DFOTA_WITH_UPLOAD

#ifdef DFOTA_HAVE_SYS_PORT
#include "os/port_file.h"
#endif

static enum upload_source_status package_read(void *user, size_t offset, uint8_t *buf, size_t len,
                                              size_t *got)
{
    struct package *p = user;

    *got = 0;
#ifdef DFOTA_HAVE_SYS_PORT
    if (p->fd >= 0) {
        enum port_file_status st = port_file_read(p->fd, p->size, offset, buf, len, got);
        return st == PORT_FILE_OK        ? UPLOAD_SOURCE_OK
               : st == PORT_FILE_CHANGED ? UPLOAD_SOURCE_CHANGED
                                         : UPLOAD_SOURCE_ERROR;
    }
#endif
    if (p->read(p->read_user, offset, buf, len, got) != 0)
        return UPLOAD_SOURCE_ERROR;
    if (*got == 0 || *got > len)
        return UPLOAD_SOURCE_CHANGED;
    return UPLOAD_SOURCE_OK;
}

static int package_refuse(char *msg, size_t msg_size, const char *why)
{
    snprintf(msg, msg_size, "%s", why);
    return DFOTA_ERR_INVALID;
}

/* The name on the module: the user's, else the file's own, else a default. */
static int package_name(const struct dfota_package *pkg, struct fsm_upload_job *job, char *msg,
                        size_t msg_size)
{
    if (pkg->name)
        return upload_name_check(pkg->name, msg, msg_size) == 0
                   ? (snprintf(job->name, sizeof(job->name), "%s", pkg->name), DFOTA_OK)
                   : DFOTA_ERR_INVALID;
    if (pkg->path)
        return upload_name_from_path(pkg->path, job->name, sizeof(job->name), msg, msg_size) == 0
                   ? DFOTA_OK
                   : DFOTA_ERR_INVALID;
    snprintf(job->name, sizeof(job->name), "%s", PACKAGE_DEFAULT_NAME);
    return DFOTA_OK;
}

static int package_open_source(struct package *p, const struct dfota_package *pkg, char *msg,
                               size_t msg_size)
{
    if (pkg->path) {
#ifdef DFOTA_HAVE_SYS_PORT
        p->fd = port_file_open(pkg->path, PACKAGE_SIZE_MAX, &p->size, msg, msg_size);
        return p->fd >= 0 ? DFOTA_OK : DFOTA_ERR_INVALID;
#else
        return package_refuse(msg, msg_size, "built without a file reader: give read and size");
#endif
    }
    if (!pkg->read)
        return package_refuse(msg, msg_size, "no package: give a path, or read and size");
    if (pkg->size == 0)
        return package_refuse(msg, msg_size, "the package is empty (size 0)");
    if (pkg->size > PACKAGE_SIZE_MAX)
        return package_refuse(msg, msg_size, "the package is larger than any module holds");
    p->read = pkg->read;
    p->read_user = pkg->read_user;
    p->size = pkg->size;
    return DFOTA_OK;
}

int package_open(struct package *p, const struct dfota_package *pkg, struct fsm_upload_job *job,
                 char *msg, size_t msg_size)
{
    int rc;

    p->fd = -1;
    if (!pkg)
        return package_refuse(msg, msg_size, "no package (NULL)");
    rc = package_name(pkg, job, msg, msg_size);
    if (rc == DFOTA_OK)
        rc = package_open_source(p, pkg, msg, msg_size);
    if (rc != DFOTA_OK)
        return rc;
    job->size = p->size;
    job->read = package_read;
    job->read_user = p;
    return DFOTA_OK;
}

void package_close(struct package *p)
{
#ifdef DFOTA_HAVE_SYS_PORT
    port_file_close(p->fd);
#endif
    p->fd = -1;
}

#endif
