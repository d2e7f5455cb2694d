/* The DFOTA state machine: typed inputs -> outputs. No I/O, no clock reads.
 *
 * It runs a plan of phases for each mode (fota.c names them): an upgrade identifies the
 * module, sends the command in its family's form, follows the module to the end and
 * verifies the result by the firmware version; watch follows and verifies; info
 * identifies. Each phase (phase_*.c) handles the inputs and returns a verdict; the
 * phases share the data below and the core (machine.c), and never call each other.
 * Inputs: the pending command's response lines and result, a typed +QIND URC, the port
 * lost or back, and the time. Outputs, drained with fota_next_output(). */
#ifndef DFOTA_FOTA_H
#define DFOTA_FOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "at.h"
#include "dfota.h"
#include "family.h"
#include "machine.h"
#include "qind.h"

/* The host's upload (phase_upload.c); a firmware whose module downloads by itself may
 * leave it out with DFOTA_WITH_UPLOAD=0 (build_config.h). */
#if DFOTA_WITH_UPLOAD
#include "upload.h"
#endif

#define FOTA_ID_MAX 64                /* a model or a version */
#define FOTA_TARGET_MAX DFOTA_URL_MAX /* build_config.h */
#define FOTA_MAX_ATTEMPTS 6           /* the first attempt and the module's five retries */
#define FOTA_CMDLINE_MAX (FOTA_TARGET_MAX + 40)
#define FOTA_URCPORT_MAX 16

struct fota_timing {
    uint32_t first_urc_ms; /* after a reboot, for the first URC */
    uint32_t port_ms;      /* how long the port may stay away */
    uint32_t stall_ms;     /* no URC at all while updating */
    uint32_t command_ms;   /* each AT command */
    uint32_t download_ms;  /* from the command's OK to the download's end */
};

/* What the session configures. A timing of 0 takes the family's, else the library's. */
struct fota_settings {
    struct fota_timing timing;
    const struct family *family; /* forced; NULL: by the model */
    struct family_values values;
    char expect_version[FOTA_ID_MAX]; /* success needs the version after to hold it */
    char ufs_prefix[FOTA_ID_MAX];     /* overrides the family's local prefix */
    bool no_preflight;
    char urcport[FOTA_URCPORT_MAX]; /* the port we listen on, as the module names it */
    bool set_urcport;               /* route URCs to it for the upgrade */
};

enum fota_mode {
    FOTA_MODE_UPGRADE,        /* a target the module fetches (or has) */
    FOTA_MODE_WATCH,          /* follow what is under way */
    FOTA_MODE_INFO,           /* who the module is */
    FOTA_MODE_UPGRADE_UPLOAD, /* upload a package from the host, then upgrade from it */
    FOTA_MODE_UPLOAD,         /* upload a package and stop */
};

#if DFOTA_WITH_UPLOAD
/* The package the host uploads. */
struct fota_upload_job {
    char name[UPLOAD_NAME_MAX + 1]; /* on the module */
    size_t size;
    upload_read_fn read;
    void *read_user;
    uint16_t module_timeout_s;
    bool no_ack;
};
#endif

/* What a phase says after an input: stay; done with it (on to the next phase); the
 * session is finished; or the input is not this phase's any more: on to the next phase,
 * which is handed the same input. */
enum fota_verdict { FOTA_STAY, FOTA_NEXT, FOTA_DONE, FOTA_PASS };

struct fota;

/* One phase: handlers for the inputs, each returning a verdict. NULL handlers ignore. */
struct fota_phase {
    enum fota_verdict (*enter)(struct fota *m, uint64_t now);
    void (*on_line)(struct fota *m, const char *line);
    enum fota_verdict (*on_answer)(struct fota *m, enum at_result result, int code, uint64_t now);
    enum fota_verdict (*on_urc)(struct fota *m, const struct qind *urc, uint64_t now);
    enum fota_verdict (*on_port)(struct fota *m, bool lost, uint64_t now);
    enum fota_verdict (*on_timer)(struct fota *m, enum machine_timer t, uint64_t now);
    /* After each round of input (optional): what the phase's own work produced in the
     * meantime, such as an upload's progress made inside the AT engine's raw transfer. */
    enum fota_verdict (*on_tick)(struct fota *m, uint64_t now);
};

/* What a module says of itself. */
struct fota_identity {
    char model[FOTA_ID_MAX];    /* ATI's model line */
    char revision[FOTA_ID_MAX]; /* ATI's "Revision:" */
    char full[FOTA_ID_MAX];     /* AT+QGMR */
};

/* The dialogue that reads an identity (ident.c). */
struct fota_ident_run {
    struct fota_identity *into;
    size_t step;
    int tries;
    bool until_deadline; /* AT is asked again until MACHINE_TIMER_VERIFY, not 3 times */
    bool answered;       /* AT was answered */
};

enum fota_follow_state {
    FOLLOW_COMMANDED, /* AT+QFOTADL accepted: waiting for the download (or its end) */
    FOLLOW_AWAY,      /* the port is away at a reboot */
    FOLLOW_WINDOW,    /* the first-URC window after a reboot */
    FOLLOW_UPDATING,  /* an attempt under way */
    FOLLOW_FINAL,     /* END,0 seen: waiting for the final reboot */
    FOLLOW_FINAL_AWAY /* the port is away at the final reboot */
};

struct fota_follow {
    enum fota_follow_state state;
    bool in_attempt; /* an attempt begun and not ended */
    bool any_urc;    /* a FOTA URC was seen (watch: an upgrade is under way) */
    int fails_502;
    int last_percent; /* per attempt; progress never goes backwards */
    int last_dl_percent;
    int last_restore_percent;
};

/* The checks before the command (phase_preflight.c). */
struct fota_preflight {
    size_t row;
    bool cereg_unsupported; /* AT+CEREG? answered ERROR: ask AT+CGREG? */
    bool routing;           /* AT+QURCCFG="urcport",<ours> in flight */
    bool package_found;
    uint64_t wait_until; /* a SIM busy or a network searching is asked again until then */
    char line[MACHINE_TEXT_MAX];
    char urcport_before[FOTA_URCPORT_MAX]; /* what the module said before it was routed */
};

/* What the session changed on the module, for the cleanup phase to put back. */
struct fota_cleanup {
    char urcport[FOTA_URCPORT_MAX]; /* the URC port before the checks routed it; "" none */
};

/* What the verify phase judges against when the follow phase ran out of time. */
struct fota_fallback {
    bool set;
    int result;
    int code;
    char text[MACHINE_DONE_MAX];
};

struct fota {
    struct machine core;
    enum fota_mode mode;
    struct fota_settings set;
    struct fota_timing timing; /* in force: settings, then the family's, then defaults */
    const struct family *family;
    bool family_known; /* selected by model or forced, not the generic fallback */
    char target[FOTA_TARGET_MAX + 1];
    bool local;
    char cmdline[FOTA_CMDLINE_MAX + 1]; /* a command built here, in flight */
    const struct fota_phase *const *plan;
    size_t plan_len;
    size_t step;
    size_t setup_index;
    struct fota_ident_run ident;
    struct fota_preflight pre;
    struct fota_identity before, after;
    struct fota_follow follow;
#if DFOTA_WITH_UPLOAD
    struct fota_upload_job job;
    struct upload up;
#endif
    bool end_ok; /* END,0 seen */
    struct fota_fallback fallback;
    bool port_away; /* the port was lost and is not back */
    bool cleaning;  /* the cleanup phase is in force: a result is held */
    struct fota_cleanup clean;
};

/* Sets the machine up, idle, with the session's settings. */
void fota_init(struct fota *m, const struct fota_settings *settings);

#if DFOTA_WITH_UPLOAD
/* The package for the upload modes; before fota_begin(). */
void fota_set_upload(struct fota *m, const struct fota_upload_job *job);
#endif

/* Begins. For FOTA_MODE_UPGRADE, target must already pass the checks every family
 * shares; local says it names a package in the module's file system. */
void fota_begin(struct fota *m, enum fota_mode mode, const char *target, bool local,
                enum dfota_via via, uint64_t now);

void fota_on_response(struct fota *m, const char *line);
void fota_on_result(struct fota *m, enum at_result result, int code, uint64_t now);
void fota_on_urc(struct fota *m, const struct qind *urc, uint64_t now);
void fota_on_port_lost(struct fota *m, uint64_t now);
void fota_on_port_back(struct fota *m, uint64_t now);
void fota_on_tick(struct fota *m, uint64_t now);
/* The user cancelled: the session ends as cancelled once what it changed on the module
 * is put back (at once when nothing was changed); a cancel during that changes nothing. */
void fota_cancel(struct fota *m, uint64_t now);
/* Whether the cleanup phase is under way (its command is the one in flight). */
bool fota_cleaning(const struct fota *m);

/* The earliest time fota_on_tick() has work, or UINT64_MAX. */
uint64_t fota_deadline(const struct fota *m);

bool fota_done(const struct fota *m);

/* Takes the oldest output; false when there is none. */
bool fota_next_output(struct fota *m, struct machine_out *out);

#endif
