/* The module's file system (tests/support/ufs_model.h) on the fake port, for the upload
 * tests: it hears the port's writes as a module reads them (command lines, then the
 * transfer's raw bytes), answers at once on the fake clock, and keeps every command it
 * heard. The module's own data timeout runs from fake_ufs_tick(). */
#ifndef DFOTA_FAKE_UFS_H
#define DFOTA_FAKE_UFS_H

#include <stddef.h>
#include <stdint.h>

#include "fake_port.h"
#include "ufs_model.h"

#define FAKE_UFS_LOG_MAX 2048

struct fake_ufs {
    struct ufs_model model;
    struct fake_port *fp;
    uint32_t ack_delay_ms; /* each 'A' comes this much later (the line's time); 0: at once */
    char line[256];
    size_t line_len;
    char log[FAKE_UFS_LOG_MAX]; /* commands received, each followed by '|' */
};

/* Sets the module up on fp (which must outlive it) and hooks it as fp's responder. */
void fake_ufs_init(struct fake_ufs *u, struct fake_port *fp, uint64_t free_bytes, uint64_t total);
/* When the module's data timeout ends a stalled transfer (UINT64_MAX: none), and the
 * check that ends it at the fake clock's time. */
uint64_t fake_ufs_deadline(const struct fake_ufs *u);
void fake_ufs_tick(struct fake_ufs *u);

#endif
