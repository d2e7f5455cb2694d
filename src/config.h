/* The session's configuration: the rules dfota_open() holds it to (dfota_config_init(),
 * its defaults, is public). Pure: no I/O. */
#ifndef DFOTA_CONFIG_H
#define DFOTA_CONFIG_H

#include <stddef.h>

#include "dfota.h"

/* DFOTA_OK, or DFOTA_ERR_INVALID with the first rule cfg breaks written into msg. */
int config_check(const struct dfota_config *cfg, char *msg, size_t size);

#endif
