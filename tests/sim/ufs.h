/* dfota-sim: its options for the module's file system (UFS) and the upload faults, and
 * the shared model (tests/support/ufs_model.h) on the pty: time from the simulator's
 * clock, answers as lines on the port, notes in the simulator's log. */
#ifndef DFOTA_SIM_UFS_H
#define DFOTA_SIM_UFS_H

#include <stdbool.h>
#include <stddef.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "ufs_model.h"

struct sim_ufs_opts {
    uint64_t total;
    uint64_t free_bytes;
    bool free_set;
    const char *files[UFS_MODEL_FILES]; /* NAME:SIZE, existing files */
    size_t n_files;
    const char *locked[UFS_MODEL_FILES]; /* NAME:SIZE, existing files AT+QFDEL cannot delete */
    size_t n_locked;
    enum ufs_model_fault fault;
    uint64_t fault_at;
    int cme_code;
    uint32_t baud_pace; /* --baud-pace: the port's speed in both directions; 0: unpaced */
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
const struct ufs_model_file *sim_ufs_find_target(struct sim *s, const char *target);

#endif
