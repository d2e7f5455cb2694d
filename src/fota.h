/* The DFOTA state machine: typed inputs -> new state + outputs. No I/O, no clock reads.
 *
 * Inputs: the pending command's response lines and result, a typed +QIND URC, the port
 * lost or back, and the time. Outputs, drained with fota_next_output(): events for the
 * user, a command to send, "reopen the port", and at the end one result. */
#ifndef DFOTA_FOTA_H
#define DFOTA_FOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "at.h"
#include "dfota.h"
#include "qind.h"
#include "target.h"

#define FOTA_TEXT_MAX 128
#define FOTA_OUT_MAX 16
#define FOTA_MAX_ATTEMPTS 6 /* the first attempt and the module's five retries */

struct fota_timing {
    uint32_t first_urc_ms; /* after a reboot, for the first URC */
    uint32_t port_ms;      /* how long the port may stay away */
    uint32_t stall_ms;     /* no URC at all while updating */
    uint32_t command_ms;   /* each AT command */
    uint32_t download_ms;  /* from the command's OK to the download's end */
};

enum fota_mode { FOTA_MODE_UPGRADE, FOTA_MODE_WATCH, FOTA_MODE_INFO };

enum fota_state {
    FOTA_IDLE,
    FOTA_SYNC,       /* AT until the module answers */
    FOTA_ECHO_OFF,   /* ATE0 */
    FOTA_READ_QGMR,  /* AT+QGMR */
    FOTA_READ_ATI,   /* ATI: model, and the version where AT+QGMR failed */
    FOTA_SEND_DL,    /* AT+QFOTADL in flight */
    FOTA_DOWNLOAD,   /* waiting for the download's end */
    FOTA_REBOOT,     /* the port is away */
    FOTA_WAIT_FIRST, /* the first-URC window */
    FOTA_UPDATING,   /* START seen (or implied) */
    FOTA_FINAL_WAIT, /* END,0 seen: waiting for the final reboot */
    FOTA_FINAL_AWAY, /* the port is away at the final reboot */
    FOTA_DONE,
};

enum fota_out_kind { FOTA_OUT_EVENT, FOTA_OUT_SEND, FOTA_OUT_REOPEN, FOTA_OUT_DONE };

struct fota_out {
    enum fota_out_kind kind;
    struct dfota_event event; /* EVENT, DONE (event.result, event.code, event.text) */
    struct at_cmd cmd;        /* SEND; cmd.text points into the machine */
    char text[FOTA_TEXT_MAX];
};

struct fota {
    enum fota_mode mode;
    enum fota_state state;
    enum dfota_phase phase;
    struct fota_timing timing;
    enum dfota_via via;
    char target[TARGET_MAX_LEN + 1];
    char command[AT_CMD_MAX + 1]; /* the command in flight */
    uint64_t deadline;            /* UINT64_MAX: none */
    uint64_t verify_deadline;     /* after the final reboot, for AT to answer */
    bool dl_sent;                 /* AT+QFOTADL went out: a port loss is a reboot now */
    bool verifying;               /* reading the version after the final reboot */
    int sync_tries;
    int attempt;      /* update attempts seen (START or implied) */
    int fails_502;    /* END,502 seen */
    int last_percent; /* per attempt; progress never goes backwards */
    int last_dl_percent;
    int last_restore_percent;
    char response[FOTA_TEXT_MAX];
    char model[FOTA_TEXT_MAX];
    char version_before[FOTA_TEXT_MAX];
    char version_after[FOTA_TEXT_MAX];
    int result;
    int code;
    struct fota_out out[FOTA_OUT_MAX];
    size_t out_head;
    size_t out_count;
};

/* Sets the machine up, idle. */
void fota_init(struct fota *m, const struct fota_timing *timing);

/* Begins. For FOTA_MODE_UPGRADE, target must already be valid and via its kind. */
void fota_begin(struct fota *m, enum fota_mode mode, const char *target, enum dfota_via via,
                uint64_t now);

void fota_on_response(struct fota *m, const char *line);
void fota_on_result(struct fota *m, enum at_result result, int code, uint64_t now);
void fota_on_urc(struct fota *m, const struct qind *urc, uint64_t now);
void fota_on_port_lost(struct fota *m, uint64_t now);
void fota_on_port_back(struct fota *m, uint64_t now);
void fota_on_tick(struct fota *m, uint64_t now);

/* The earliest time fota_on_tick() has work, or UINT64_MAX. */
uint64_t fota_deadline(const struct fota *m);

bool fota_done(const struct fota *m);

/* Takes the oldest output; false when there is none. */
bool fota_next_output(struct fota *m, struct fota_out *out);

#endif
