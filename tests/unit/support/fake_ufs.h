/* A scripted Quectel module's file system (UFS) on the fake port, for the upload tests:
 * AT+QFLDS, AT+QFLST, AT+QFDEL and AT+QFUPL with ack mode and the module's checksum,
 * and the faults a real module shows. It answers at once on the fake clock; its own data
 * timeout runs from fake_ufs_tick(). */
#ifndef DFOTA_FAKE_UFS_H
#define DFOTA_FAKE_UFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_port.h"

#define FAKE_UFS_FILES 8
#define FAKE_UFS_NAME_MAX 96
#define FAKE_UFS_LOG_MAX 2048

enum fake_ufs_fault {
    FAKE_UFS_FAULT_NONE,
    FAKE_UFS_FAULT_SUM_ONCE,     /* the first upload reports a wrong checksum */
    FAKE_UFS_FAULT_SUM_ALWAYS,   /* every upload does */
    FAKE_UFS_FAULT_SHORT_ONCE,   /* the first upload stores one byte less */
    FAKE_UFS_FAULT_SHORT_ALWAYS, /* every upload does */
    FAKE_UFS_FAULT_CME_MID,      /* +CME ERROR: 409 after fault_at bytes */
    FAKE_UFS_FAULT_STOP_ACK,     /* fault_at blocks acknowledged, then silence */
};

struct fake_ufs_file {
    bool used;
    bool undeletable; /* AT+QFDEL fails on it (so AT+QFUPL then answers 407) */
    char name[FAKE_UFS_NAME_MAX];
    size_t size;
    uint16_t sum;
};

struct fake_ufs {
    struct fake_port *fp;
    uint64_t free_bytes;
    uint64_t total;
    struct fake_ufs_file files[FAKE_UFS_FILES];
    enum fake_ufs_fault fault;
    size_t fault_at;
    uint32_t ack_delay_ms; /* each 'A' comes this much later (the line's time); 0: at once */
    /* the transfer */
    bool receiving;
    bool hung; /* STOP_ACK: takes data silently until its timeout */
    struct fake_ufs_file *target;
    size_t expect;
    size_t got;
    bool ack_mode;
    size_t block_fill;
    uint32_t data_timeout_ms;
    uint64_t last_data_ms;
    size_t swallow; /* bytes still to drop after an early end (the rest of the block) */
    int uploads;
    size_t data_bytes; /* all data bytes received */
    char line[256];
    size_t line_len;
    char log[FAKE_UFS_LOG_MAX]; /* commands received, each followed by '|' */
};

/* Sets the module up on fp (which must outlive it) and hooks it as fp's responder. */
void fake_ufs_init(struct fake_ufs *u, struct fake_port *fp, uint64_t free_bytes, uint64_t total);
/* A file already there (its space taken from the free space). */
void fake_ufs_add(struct fake_ufs *u, const char *name, size_t size, bool undeletable);
const struct fake_ufs_file *fake_ufs_find(const struct fake_ufs *u, const char *name);
/* When the module's data timeout ends a stalled transfer, or UINT64_MAX. */
uint64_t fake_ufs_deadline(const struct fake_ufs *u);
/* Ends a stalled transfer at its deadline: +CME ERROR: 421 (silence when hung). */
void fake_ufs_tick(struct fake_ufs *u);
/* The checksum by its definition, pair by pair. */
uint16_t fake_ufs_checksum(const uint8_t *data, size_t len, uint16_t sum, size_t offset);

#endif
