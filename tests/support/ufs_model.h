/* The module's file system (UFS), one model for the simulator (tests/sim/ufs.c) and the
 * unit tests' fake (tests/unit/support/fake_ufs.c): the files with their sizes and
 * checksums, the free space, and the file commands AT+QFLDS, AT+QFLST, AT+QFDEL and
 * AT+QFUPL (ack mode, the module's data timeout, the checksum, injected faults). It does
 * no I/O and reads no clock: answers leave through the hooks of struct ufs_model_io and
 * time comes in with each call, so a pty and a fake port are only adapters. */
#ifndef DFOTA_UFS_MODEL_H
#define DFOTA_UFS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UFS_MODEL_FILES 16
#define UFS_MODEL_NAME_MAX 128
#define UFS_MODEL_ACK_BLOCK 1024

/* The +CME ERROR codes of the file commands, from the "Summary of Error Codes" of
 * Quectel's FILE AT Commands Manual and FILE Application Note: 405 file not found, 407
 * file already existed, 409 fail to write the file, 420 no space, 421 time out.
 * That table gives 423 as "file too large", a limit of the command and not of the free
 * space, so a file that does not fit is answered 420 here and nowhere else. */
enum ufs_model_code {
    UFS_MODEL_NOT_FOUND = 405,
    UFS_MODEL_EXISTS = 407,
    UFS_MODEL_WRITE_FAILED = 409,
    UFS_MODEL_NO_SPACE = 420,
    UFS_MODEL_TIMED_OUT = 421,
};

enum ufs_model_fault {
    UFS_MODEL_FAULT_NONE,
    UFS_MODEL_FAULT_SUM_ONCE,     /* the first upload reports a wrong checksum */
    UFS_MODEL_FAULT_SUM_ALWAYS,   /* every upload does */
    UFS_MODEL_FAULT_SHORT_ONCE,   /* the first upload stores one byte less */
    UFS_MODEL_FAULT_SHORT_ALWAYS, /* every upload does */
    UFS_MODEL_FAULT_CME_AT,   /* the first upload: +CME ERROR: <fault_code> after fault_at bytes */
    UFS_MODEL_FAULT_STOP_ACK, /* fault_at blocks acknowledged, then silence */
};

struct ufs_model_file {
    bool used;
    bool locked; /* AT+QFDEL cannot delete it, so AT+QFUPL of its name answers 407 */
    char name[UFS_MODEL_NAME_MAX];
    uint64_t size;
    uint16_t sum; /* the contents' checksum */
};

/* Where the model's output goes: the adapter frames each line for its wire. */
struct ufs_model_io {
    void (*say)(void *user, const char *line);  /* an answer line ("OK", "+QFLDS: ...") */
    void (*ack)(void *user);                    /* the 'A' after a block in ack mode */
    void (*note)(void *user, const char *text); /* what the module did, for a log; or NULL */
    void *user;
};

struct ufs_model {
    struct ufs_model_io io;
    struct ufs_model_file files[UFS_MODEL_FILES];
    uint64_t total;
    uint64_t free_bytes;
    enum ufs_model_fault fault;
    uint64_t fault_at; /* bytes (CME_AT) or blocks (STOP_ACK) */
    int fault_code;    /* CME_AT's code: 409 unless set */
    int uploads;
    uint64_t data_bytes; /* every data byte stored, all uploads together */
    /* the transfer */
    bool receiving;
    bool hung; /* STOP_ACK: takes data silently until its timeout */
    struct ufs_model_file *target;
    uint64_t expect;
    uint64_t got;
    bool ack_mode;
    size_t block_fill;
    uint32_t data_timeout_ms;
    uint64_t last_data_ms;
    uint64_t started_ms;
    uint64_t swallow; /* bytes still to drop after an early end (the rest of the block) */
};

/* An empty file system of total bytes, all free. */
void ufs_model_init(struct ufs_model *m, const struct ufs_model_io *io, uint64_t total);
/* A file already there, its contents zeros, its space taken from the free space; false
 * when the name is taken, empty or too long, the table is full or it does not fit. */
bool ufs_model_add(struct ufs_model *m, const char *name, uint64_t size, bool locked);
/* "UFS:name" and "name" are the same file. */
const struct ufs_model_file *ufs_model_find(const struct ufs_model *m, const char *name);
/* A command line without its "AT"; false when it is not a file command. */
bool ufs_model_command(struct ufs_model *m, const char *cmd, uint64_t now_ms);
/* True while the bytes that come are the transfer's (data, or the rest of a block). */
bool ufs_model_takes_input(const struct ufs_model *m);
/* The bytes while ufs_model_takes_input(): returns how many the transfer took. */
size_t ufs_model_input(struct ufs_model *m, const uint8_t *buf, size_t len, uint64_t now_ms);
/* When the module's own data timeout ends a stalled transfer, or UINT64_MAX; and the
 * check that ends it then: +CME ERROR: 421, silence when hung. */
uint64_t ufs_model_deadline(const struct ufs_model *m);
void ufs_model_tick(struct ufs_model *m, uint64_t now_ms);
/* The module's checksum by its definition: XOR over big-endian byte pairs, offset being
 * where data starts in the file. */
uint16_t ufs_model_checksum(const uint8_t *data, size_t len, uint16_t sum, uint64_t offset);

#endif
