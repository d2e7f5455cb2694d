/* Uploading a package into the module's file system (UFS) over the AT port, as a pure
 * state machine: no I/O, no clock reads, no allocation. It is driven by the AT engine's
 * answers and says what to send; the AT engine (at.h) does the sending and keeps the
 * deadlines. The package comes from a read callback, so neither a 30 MB file nor a
 * package in flash ever needs to be in memory whole.
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
 * How a caller drives it (one phase of the session):
 *   struct upload up;                       // must not move while a transfer runs
 *   if (upload_init(&up, &params, msg, sizeof msg) != 0) refuse (msg: the broken rule)
 *   upload_begin(&up);
 *   loop:
 *     while (upload_next_output(&up, &out)) switch (out.kind) {
 *       case UPLOAD_OUT_SEND:     at_send(at, &out.cmd, now); on failure:
 *                                 upload_on_result(&up, AT_RESULT_HANGUP, -1)
 *       case UPLOAD_OUT_PROGRESS: report out.bytes, out.percent
 *       case UPLOAD_OUT_END:      report out.bytes, out.checksum, out.ok (one per attempt)
 *       case UPLOAD_OUT_DONE:     out.verdict, out.code, out.text: the phase is over
 *     }
 *     the AT engine's callbacks, while the upload phase owns the engine:
 *       response(line)        -> upload_on_response(&up, line)
 *       final(result, code)   -> upload_on_result(&up, result, code)
 *       urc(line)             -> not the upload's business (the session's)
 *     a cancel (may come at any time) -> upload_cancel(&up), then keep driving until DONE:
 *       no more data goes out; the module ends its transfer after params.module_timeout_s
 *       without data, then the partial file is deleted. A caller that cannot wait may
 *       drop the phase instead (at_abort()): the module then answers AT again once its
 *       own data timeout has passed.
 *   The outputs come in order; there is at most one command in flight, and a SEND comes
 *   only after the previous command's result was given. Progress is coalesced: only the
 *   latest is kept until taken, so a whole transfer in one engine call (ack mode off)
 *   cannot overflow the queue. The raw transfer's callbacks (in out.cmd.raw) point at the
 *   machine and call params.read from inside at_feed(). Time never enters here: every
 *   deadline is the engine's (params.command_ms for short commands; for AT+QFUPL, until
 *   CONNECT, per ack block and for the final answer, the module's own data timeout plus
 *   params.command_ms, so that a module that gave up on its transfer has answered first).
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
#define UPLOAD_OUT_MAX 4
#define UPLOAD_ATTEMPTS 2 /* the first upload and one retry */

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
    const char *name;          /* the file name on the module (upload_name_check); copied */
    size_t size;               /* the package's size in bytes, > 0 */
    upload_read_fn read;       /* the package */
    void *read_user;           /* for read */
    uint16_t module_timeout_s; /* AT+QFUPL's <timeout>: the module's wait for data, 1.. */
    uint32_t command_ms;       /* each short command's answer */
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

enum upload_out_kind { UPLOAD_OUT_SEND, UPLOAD_OUT_PROGRESS, UPLOAD_OUT_END, UPLOAD_OUT_DONE };

struct upload_out {
    enum upload_out_kind kind;
    struct at_cmd cmd;           /* SEND: text points into the machine, valid until the result */
    size_t bytes;                /* PROGRESS: sent so far; END: the module's count */
    unsigned percent;            /* PROGRESS: 0..100 */
    uint16_t checksum;           /* END: the one computed while sending */
    bool ok;                     /* END: count and checksum match */
    enum upload_verdict verdict; /* DONE */
    int code;                    /* DONE: the module's CME code, or -1 */
    const char *text;            /* DONE: why, in words (the machine's, valid while it is) */
};

enum upload_state {
    UPLOAD_IDLE,
    UPLOAD_SPACE,        /* AT+QFLDS */
    UPLOAD_LIST_STALE,   /* AT+QFLST: does a stale file hold the missing space? */
    UPLOAD_DELETE_STALE, /* AT+QFDEL before the upload */
    UPLOAD_SENDING,      /* AT+QFUPL and its transfer */
    UPLOAD_DELETE_BAD,   /* AT+QFDEL after a mismatch, then the retry */
    UPLOAD_CLEANUP,      /* AT+QFDEL of a partial file, then the stored verdict */
    UPLOAD_DONE,
};

struct upload {
    struct upload_params p;
    char name[UPLOAD_NAME_MAX + 1];
    char command[UPLOAD_CMD_MAX + 1]; /* the command in flight */
    enum upload_state state;
    int attempt; /* 1-based AT+QFUPL attempt */
    bool cancelled;
    /* what the answers said */
    uint64_t ufs_free, ufs_total;
    bool have_space;
    size_t stale_size;
    bool have_count;
    size_t module_count;
    uint16_t module_sum;
    /* the transfer */
    struct qfupl_sum sum;
    size_t sent;
    bool began; /* CONNECT came: the engine asked for data */
    bool source_failed;
    enum upload_source_status source_status;
    unsigned last_percent;
    bool progress_pending;
    /* the end */
    enum upload_verdict verdict;
    enum upload_verdict pending_verdict; /* CLEANUP: the verdict after the delete */
    int code;
    char text[UPLOAD_TEXT_MAX];
    struct upload_out out[UPLOAD_OUT_MAX];
    size_t out_head, out_count;
};

/* Sets the machine up, idle. Returns 0, or -1 with the broken rule in msg when params
 * are unusable (a bad name, size 0, no read callback, timeout 0); nothing is sent then. */
int upload_init(struct upload *m, const struct upload_params *params, char *msg, size_t msg_size);

/* Starts the dialogue: the first SEND is queued. */
void upload_begin(struct upload *m);

/* A response line of the command in flight (+QFLDS:, +QFLST:, +QFUPL:). */
void upload_on_response(struct upload *m, const char *line);

/* The command in flight ended (the AT engine's final callback, or a failed at_send as
 * AT_RESULT_HANGUP). */
void upload_on_result(struct upload *m, enum at_result result, int code);

/* Stops as soon as it can: no more data goes out (the module times out its transfer and
 * answers), the partial file is deleted, and the verdict is UPLOAD_CANCELLED. */
void upload_cancel(struct upload *m);

/* Takes the oldest output; false when there is none. */
bool upload_next_output(struct upload *m, struct upload_out *out);

bool upload_done(const struct upload *m);
enum upload_verdict upload_verdict(const struct upload *m);

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
