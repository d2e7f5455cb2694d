/* dfota-sim: the module's file system (UFS) in memory, and the upload commands
 * AT+QFLDS, AT+QFLST, AT+QFDEL and AT+QFUPL (ack mode, the checksum, injected faults). */
#ifndef DFOTA_SIM_UFS_H
#define DFOTA_SIM_UFS_H

#include <stdbool.h>
#include <stddef.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#define SIM_UFS_FILES 16
#define SIM_UFS_NAME_MAX 128
#define SIM_UFS_ACK_BLOCK 1024

enum sim_ufs_fault {
    SIM_UFS_FAULT_NONE,
    SIM_UFS_FAULT_SUM_ONCE,     /* the first upload reports a wrong checksum */
    SIM_UFS_FAULT_SUM_ALWAYS,   /* every upload does */
    SIM_UFS_FAULT_SHORT_ONCE,   /* the first upload stores one byte less */
    SIM_UFS_FAULT_SHORT_ALWAYS, /* every upload does */
    SIM_UFS_FAULT_CME_AT,       /* +CME ERROR: <code> after fault_at bytes */
    SIM_UFS_FAULT_STOP_ACK,     /* fault_at blocks acknowledged, then silence */
};

struct sim_ufs_file {
    bool used;
    bool locked; /* AT+QFDEL cannot delete it, so AT+QFUPL answers 407 */
    char name[SIM_UFS_NAME_MAX];
    uint64_t size;
    uint16_t sum; /* the contents' checksum */
};

struct sim_ufs_opts {
    uint64_t total;
    uint64_t free_bytes;
    bool free_set;
    const char *files[SIM_UFS_FILES]; /* NAME:SIZE, existing files */
    size_t n_files;
    const char *locked[SIM_UFS_FILES]; /* NAME:SIZE, existing files AT+QFDEL cannot delete */
    size_t n_locked;
    enum sim_ufs_fault fault;
    uint64_t fault_at;
    int cme_code;
    uint32_t baud_pace; /* --baud-pace: the port's speed in both directions; 0: unpaced */
};

struct sim_ufs {
    struct sim_ufs_file files[SIM_UFS_FILES];
    uint64_t free_bytes;
    int uploads;
    /* the transfer */
    bool receiving;
    bool hung;
    struct sim_ufs_file *target;
    uint64_t expect;
    uint64_t got;
    bool ack_mode;
    size_t block_fill;
    uint32_t data_timeout_ms;
    uint64_t last_data_ms;
    uint64_t swallow; /* bytes still to drop after an early end */
    uint64_t started_ms;
};

struct sim;

/* Fills opts with the defaults. */
void sim_ufs_defaults(struct sim_ufs_opts *opts);
/* The long options of this part (for getopt_long), and their parser: index is the
 * option's position in the table. Returns false for a bad value. */
extern const struct option sim_ufs_long_opts[];
extern const size_t sim_ufs_long_opt_count;
bool sim_ufs_parse_opt(struct sim_ufs_opts *opts, size_t index, const char *arg);
void sim_ufs_usage(FILE *out);
/* Sets the file system up from the options; false (and a message) when they do not fit. */
bool sim_ufs_setup(struct sim *s);

/* A command (what follows "AT"); true when it was one of the file commands. */
bool sim_ufs_command(struct sim *s, const char *cmd);
/* Input during a transfer: returns how many bytes the transfer took (0 when none runs). */
size_t sim_ufs_input(struct sim *s, const uint8_t *buf, size_t len);
/* Milliseconds until the module's own data timeout ends a stalled transfer (UINT32_MAX:
 * none), and the check that ends it. */
uint32_t sim_ufs_ms_left(struct sim *s);
void sim_ufs_tick(struct sim *s);
/* The file a local AT+QFOTADL target names (its last path component), or NULL. */
const struct sim_ufs_file *sim_ufs_find_target(struct sim *s, const char *target);

#endif
