/* Uploading a package into the module's file system (UFS) over the AT port: the transfer
 * itself, as pure functions over one state: no I/O, no clock reads, no allocation. The
 * dialogue around it is rows of the state machine's one runner (fsm/phase_upload.c),
 * which sends what this says and hands it the answers. The package comes from a read
 * callback, so neither a 30 MB file nor a package in flash ever needs to be in memory
 * whole.
 *
 * The dialogue:
 *   1. AT+QFLDS="UFS"  -> +QFLDS: <free>,<total>. A package larger than the free space
 *      is refused before anything is written, unless a stale file of the same name
 *      holds the missing space: then AT+QFLST="<name>" -> +QFLST: "UFS:<name>",<size>
 *      tells, and the file's size counts as free.
 *   2. AT+QFDEL="<name>": a stale file of the same name goes. Any error here (the file
 *      does not exist: +CME ERROR: 405 or ERROR, depending on the family) is fine; a file
 *      that could not be deleted shows at step 3 as +CME ERROR: 407.
 *   3. AT+QFUPL="<name>",<size>,<timeout>,1 -> CONNECT, <size> raw bytes in ack blocks
 *      (",0" and one stream when params.ack_block is 0),
 *      +QFUPL: <size>,<checksum>, OK. The checksum (qfupl_sum.h) is computed while sending
 *      and compared with the module's. On a mismatch or a short count the file is deleted
 *      and the upload runs once more; a second failure is the verdict.
 *   On a failure after the transfer began (the module's error mid-transfer, a source that
 *   gave out, a cancel, no acknowledgement) the partial file is deleted (AT+QFDEL) before
 *   the verdict, where the module still answers.
 *
 * What the runner's rows do with it (one phase of the session):
 *   struct upload up;                       // must not move while a transfer runs
 *   if (upload_init(&up, &params, msg, sizeof msg) != 0) refuse (msg: the broken rule)
 *   AT+QFLDS, AT+QFLST: their rows keep what the lines say (ufs_free, ufs_total,
 *     have_space, stale_size) and judge; a judge that ends the upload: upload_end()
 *   each answer before or after the transfer: upload_stops() (port, timeout, cancel)
 *   AT+QFUPL: upload_attempt() writes the command, whole with its raw transfer, to send;
 *     its "+QFUPL:" line -> upload_read_count(); its answer -> upload_answer(), true
 *     when the module's count and checksum were compared (the attempt's end: ok when
 *     verdict is UPLOAD_OK); verdict UPLOAD_RUNNING then: the file is deleted and the
 *     next attempt runs; cleanup: the partial file is deleted (deleted: that answer)
 *     before the verdict
 *   while the transfer runs: upload_take_progress() -> sent, last_percent
 *   the verdict: upload_text() says it in words
 *   a cancel (may come at any time) -> upload_cancel(&up), then keep driving to the
 *     verdict: no more data goes out; the module ends its transfer after
 *     params.module_timeout_s without data, then the partial file is deleted. A caller
 *     that cannot wait may drop the phase instead (at_abort()): the module then answers
 *     AT again once its own data timeout has passed.
 *   Progress is coalesced: only the latest is kept until taken, so a whole transfer in
 *   one engine call (ack mode off) is one report. The raw transfer's callbacks (in the
 *   command's raw) point at the state and call params.read from inside at_feed(). Time
 *   never enters here: every deadline is the engine's (params.command_ms for short
 *   commands; for AT+QFUPL, until CONNECT, per ack block and for the final answer, the
 *   module's own data timeout plus params.command_ms, so that a module that gave up on
 *   its transfer has answered first).
 *
 * Names and paths (upload_name_*) are checked apart, before anything is sent. */
#ifndef DFOTA_UPLOAD_H
#define DFOTA_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "at/at.h"
#include "upload/qfupl_sum.h"

/* The file name on the module: at most 64 bytes, a conservative limit of our own
 * (QUECTEL-DFOTA.md gives none for the name alone; the local path that AT+QFOTADL takes
 * is at most 100 bytes, UPLOAD_PATH_MAX, and that is checked too). */
#define UPLOAD_NAME_MAX 64
/* The longest command: AT+QFUPL="<name>",<size>,<timeout>,<ack mode>. */
#define UPLOAD_CMD_MAX (UPLOAD_NAME_MAX + 48)
#define UPLOAD_PATH_MAX 100
#define UPLOAD_TEXT_MAX 160
#define UPLOAD_ACK_BLOCK 1024 /* the module's block in ack mode */
#define UPLOAD_ATTEMPTS 2     /* the first upload and one retry */

/* What the package source says of a read. */
enum upload_source_status {
    UPLOAD_SOURCE_OK,      /* *got bytes (1..len) in buf */
    UPLOAD_SOURCE_CHANGED, /* the package changed size while it was read */
    UPLOAD_SOURCE_ERROR,   /* it could not be read */
};

/* Reads up to len bytes of the package at offset into buf; sets *got. Called from inside
 * the AT engine during the transfer, piece by piece, in order. OK with *got 0 counts as
 * CHANGED (the package ended before its size). */
typedef enum upload_source_status (*upload_read_fn)(void *user, size_t offset, uint8_t *buf,
                                                    size_t len, size_t *got);

struct upload_params {
    const char *name;          /* the file name on the module (upload_name_check) */
    size_t size;               /* the package's size in bytes, > 0 */
    upload_read_fn read;       /* the package */
    void *read_user;           /* for read */
    uint16_t module_timeout_s; /* AT+QFUPL's <timeout>: the module's wait for data, 1.. */
    uint32_t command_ms;       /* a short command's answer; AT+QFUPL's adds module_timeout_s */
    size_t ack_block;          /* UPLOAD_ACK_BLOCK; 0: ack mode off (",0", no acks) */
};

enum upload_verdict {
    UPLOAD_RUNNING,
    UPLOAD_OK,        /* the file is on the module, checksum verified */
    UPLOAD_NO_SPACE,  /* the package does not fit: nothing was written */
    UPLOAD_REFUSED,   /* the module answered ERROR / +CME ERROR (code) */
    UPLOAD_CHECKSUM,  /* the checksum did not match, twice */
    UPLOAD_SHORT,     /* the module stored fewer bytes than sent, twice */
    UPLOAD_SOURCE,    /* the package could not be read, or changed size */
    UPLOAD_CANCELLED, /* upload_cancel() */
    UPLOAD_TIMEOUT,   /* no answer, or the module stopped acknowledging */
    UPLOAD_PORT,      /* the port went away */
};

struct upload {
    struct upload_params p;
    uint8_t attempt; /* of AT+QFUPL, from 1; 0: none yet */
    bool cancelled;
    bool cleanup;          /* the partial file is deleted before the verdict */
    uint8_t verdict;       /* enum upload_verdict */
    uint8_t result;        /* enum at_result: the answer the verdict comes from */
    uint8_t deleted;       /* enum at_result: the partial file's AT+QFDEL */
    uint8_t source_status; /* enum upload_source_status, once the source failed */
    uint8_t last_percent;  /* of the transfer, 0..100 */
    bool progress_pending; /* sent moved since the last upload_take_progress() */
    bool began;            /* CONNECT came: the engine asked for data */
    bool source_failed;
    /* what the answers said */
    bool have_space;
    bool have_count;
    uint16_t module_sum;
    uint32_t ufs_free, ufs_total;
    size_t stale_size;
    size_t module_count;
    /* the transfer */
    struct qfupl_sum sum;
    size_t sent;
    int code; /* the module's CME code, or -1 */
};

/* Sets the state up, before the first command. Returns 0, or -1 with the broken rule in
 * msg when params are unusable (a bad name, size 0, no read callback, timeout 0); nothing
 * is sent then. params->name is not copied: it must outlive the upload. */
int upload_init(struct upload *u, const struct upload_params *params, char *msg, size_t msg_size);

/* Stops as soon as it can: no more data goes out (the module times out its transfer and
 * answers), the partial file is deleted, and the verdict is UPLOAD_CANCELLED. */
void upload_cancel(struct upload *u);

/* The upload ends with verdict, from an answer (result, code: the module's CME code, or
 * -1); upload_text() says why. */
void upload_end(struct upload *u, enum upload_verdict verdict, enum at_result result, int code);

/* An answer to a command before or after the transfer: whether it ends the upload (the
 * port went, no answer came, or a cancel), with that verdict. */
bool upload_stops(struct upload *u, enum at_result result);

/* The next attempt's AT+QFUPL into line (UPLOAD_CMD_MAX + 1 bytes at least), and the
 * command to send, whole: its answer, its timeout and its raw transfer. */
void upload_attempt(struct upload *u, char *line, size_t size, struct at_cmd *cmd);

/* "+QFUPL: <count>,<checksum>", the module's answer to the transfer. */
void upload_read_count(struct upload *u, const char *line);

/* The answer to AT+QFUPL: what it means is in verdict and cleanup (see the top).
 * Returns whether the module's count and checksum were compared with ours. */
bool upload_answer(struct upload *u, enum at_result result, int code);

/* Whether the transfer moved since the last call (sent, last_percent). */
bool upload_take_progress(struct upload *u);

/* The verdict in words into out (UPLOAD_TEXT_MAX bytes say it whole); command: the one
 * whose answer the verdict comes from. */
void upload_text(const struct upload *u, const char *command, char *out, size_t size);

/* A short constant name of a verdict ("ok", "no_space", ...). */
const char *upload_verdict_name(enum upload_verdict verdict);

/* upload_name.c: the module's file-name rules. Each returns 0, or -1 with the broken
 * rule in msg (NUL-terminated, truncated to msg_size). */

/* A name the module takes: 1..UPLOAD_NAME_MAX bytes of printable ASCII without '"',
 * '/', '\\', '*', '?' (AT+QFLST patterns), not "." or "..". */
int upload_name_check(const char *name, char *msg, size_t msg_size);

/* The name derived from the package's path: its last component, checked as above. */
int upload_name_from_path(const char *path, char *out, size_t out_size, char *msg, size_t msg_size);

/* The local path AT+QFOTADL then takes: prefix + name ("/usrdata/cache/ufs/" or "UFS:",
 * family-dependent), at most UPLOAD_PATH_MAX bytes, no quote or control character. */
int upload_name_local_path(const char *prefix, const char *name, char *out, size_t out_size,
                           char *msg, size_t msg_size);

#endif
