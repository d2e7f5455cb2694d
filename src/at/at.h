/* The AT engine: bytes in, lines out; one command in flight; URCs apart.
 *
 * The engine does no I/O of its own and reads no clock: it writes through a callback
 * and is given the time. All its memory is the struct the caller owns. It knows nothing
 * of DFOTA: a line is a URC by its form ("+NAME:" that the command did not ask for, a
 * boot word such as RDY) or because no command is in flight. */
#ifndef DFOTA_AT_H
#define DFOTA_AT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "build_config.h"
#include "dfota.h"

#define AT_LINE_MAX 256 /* longest line kept; longer ones are dropped whole */
/* longest command line: AT+QFOTADL and its family's parameters with the longest target */
#define AT_CMD_MAX (DFOTA_URL_MAX + 60)
/* Most raw payload bytes read and written at once: a quarter of QFUPL's 1024-byte ack
 * block; more buys nothing (a write call costs microseconds, a byte at 115200 baud
 * 87 us) and costs RAM in every session. */
#define AT_RAW_CHUNK 256

/* How a command's own response lines look. */
enum at_resp {
    AT_RESP_NONE,   /* no response lines: anything before the result is a URC */
    AT_RESP_PREFIX, /* lines starting with cmd->prefix (e.g. "+QFLDS:") */
    AT_RESP_TEXT,   /* bare text lines (ATI, AT+QGMR); a "+NAME:" line is a URC */
};

enum at_result {
    AT_RESULT_OK,
    AT_RESULT_ERROR,
    AT_RESULT_CME,     /* +CME ERROR: code */
    AT_RESULT_CMS,     /* +CMS ERROR: code */
    AT_RESULT_TIMEOUT, /* no final result by the deadline */
    AT_RESULT_HANGUP,  /* the port went away while the command was pending */
};

/* Fills buf with up to len bytes of the raw payload starting at offset. Returns how many
 * it gave (1..len); 0 means the source cannot give more (it failed, ended early, or the
 * transfer is to stop): the engine then sends nothing more and the command ends with the
 * module's own final result (the module times out its transfer) or the deadline. */
typedef size_t (*at_raw_read_fn)(void *user, size_t offset, uint8_t *buf, size_t len);

/* Called after each piece of the payload was written (at most AT_RAW_CHUNK bytes, never
 * across a block boundary): data is the piece, offset where it starts. Lets a caller
 * compute a checksum and report progress while sending. */
typedef void (*at_raw_sent_fn)(void *user, size_t offset, const uint8_t *data, size_t len);
/* Neither callback may call into the engine: they run inside at_feed(). */

/* A raw transfer after "CONNECT" (AT+QFUPL): exactly len bytes, pulled from read piece by
 * piece, so no caller needs the whole payload in memory. With ack_block > 0 (ack mode)
 * the module acknowledges each ack_block bytes with ack_byte, the last block too when it
 * is full, before the next block goes out; the deadline restarts with each block. With
 * ack_block 0 the whole payload goes out in one engine call. Meanwhile every byte that is
 * not an awaited acknowledgement goes to the line framer, so a final result (ERROR,
 * +CME ERROR: <n>) ends the command at once, mid-transfer too. An acknowledgement is
 * awaited only after a full block and taken only between lines. */
struct at_raw {
    at_raw_read_fn read; /* NULL: no raw transfer */
    at_raw_sent_fn sent; /* may be NULL */
    void *user;          /* for read and sent */
    size_t len;
    size_t ack_block;
    uint8_t ack_byte;
};

struct at_cmd {
    const char *text; /* "AT+QGMR"; the engine appends CR. Not copied: it must stay valid
                       * until the command's final result */
    enum at_resp resp;
    const char *prefix; /* for AT_RESP_PREFIX */
    uint32_t timeout_ms;
    struct at_raw raw; /* copied by at_send; raw.user must stay valid until the final */
};

struct at_callbacks {
    /* Writes bytes to the port; returns a dfota_port_status. */
    int (*write)(void *user, const uint8_t *buf, size_t len);
    /* A response line of the pending command. */
    void (*response)(void *user, const char *line);
    /* The pending command finished; code is the CME/CMS number or -1. The engine is idle
     * again when this runs, so the callback may send the next command. */
    void (*final)(void *user, enum at_result result, int code);
    /* An unsolicited line. */
    void (*urc)(void *user, const char *line);
    /* The dialogue and warnings. May be NULL. */
    void (*log)(void *user, enum dfota_log_level level, const char *text);
    void *user;
};

enum at_frame { AT_FRAME_IDLE, AT_FRAME_LINE, AT_FRAME_DISCARD };
enum at_mode { AT_MODE_LINE, AT_MODE_RAW };

/* The time of the engine and of the machine above it: milliseconds since the session
 * began (session.c), in 32 bits, which a Cortex-M adds and compares in one instruction.
 * A session lasts hours at the most; one left open for 49.7 days stops its count there,
 * and every deadline is then due. AT_NEVER is no deadline at all. */
#define AT_NEVER UINT32_MAX

/* The deadline ms after now, held short of AT_NEVER (a timeout of UINT32_MAX ms is a
 * deadline, not "never"). */
uint32_t at_after(uint32_t now, uint32_t ms);

struct at_engine {
    struct at_callbacks cb;
    /* framing */
    enum at_frame frame;
    char line[AT_LINE_MAX + 1];
    size_t line_len;
    /* the command in flight */
    bool pending;
    struct at_cmd cmd;
    bool echo_allowed;
    uint32_t deadline;
    /* raw transfer */
    enum at_mode mode;
    size_t raw_sent;
    size_t block_left; /* bytes of the current ack block still to go out */
    bool awaiting_ack;
    bool raw_started; /* CONNECT came */
    bool raw_stopped; /* the source gave out: nothing more goes out */
#if DFOTA_WITH_AT_RAW
    uint8_t raw_buf[AT_RAW_CHUNK];
#endif
};

/* Sets up the engine, idle. */
void at_init(struct at_engine *at, const struct at_callbacks *cb);

/* Sends a command. Returns DFOTA_OK; DFOTA_ERR_STATE if one is pending; DFOTA_ERR_INVALID
 * if the text is too long or holds CR/LF; DFOTA_ERR_PORT if the write failed (the write
 * callback saw why), and then nothing is pending. A write that timed out (DFOTA_PORT_TIMEOUT:
 * the module does not read) returns DFOTA_OK: the command ends with AT_RESULT_TIMEOUT at
 * the next at_tick. */
int at_send(struct at_engine *at, const struct at_cmd *cmd, uint32_t now);

/* Feeds bytes read from the port. */
void at_feed(struct at_engine *at, const uint8_t *data, size_t len, uint32_t now);

/* Ends the pending command with AT_RESULT_TIMEOUT if its deadline has passed. */
void at_tick(struct at_engine *at, uint32_t now);

/* The pending command's deadline, or AT_NEVER when idle. */
uint32_t at_deadline(const struct at_engine *at);

/* The port went away: drops any half line, leaves raw mode, and ends the pending
 * command with AT_RESULT_HANGUP. */
void at_port_lost(struct at_engine *at);

/* Forgets the pending command without a callback (the session was cancelled). */
void at_abort(struct at_engine *at);

bool at_busy(const struct at_engine *at);

/* Payload bytes written so far by the pending (or last) raw transfer. */
size_t at_raw_sent(const struct at_engine *at);

/* True when the last raw transfer stopped because its source gave out. */
bool at_raw_stopped(const struct at_engine *at);

const char *at_result_name(enum at_result result);

#endif
