/* The DFOTA state machine: typed inputs -> outputs. No I/O, no clock reads.
 *
 * It runs a plan of phases for each mode (fsm.c names them): an upgrade identifies the
 * module, sends the command in its family's form, follows the module to the end and
 * verifies the result by the firmware version; watch follows and verifies; info
 * identifies. Each phase (phase_*.c) handles the inputs and returns a verdict; it keeps
 * its own state (union fsm_phase_state), hands the next phase what it found through the
 * core or a named field, and never calls another phase. A dialogue is rows of the
 * runner (runner.h); the cleanup phase runs after every ending that held its result.
 * Inputs: the pending command's response lines and result, a typed +QIND URC, the port
 * lost or back, and the time. Outputs, drained with fsm_next_output(). */
#ifndef DFOTA_FOTA_H
#define DFOTA_FOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "at/at.h"
#include "dfota.h"
#include "family/family.h"
#include "fsm/core.h"
#include "fsm/runner.h"
#include "at/qind.h"

/* The host's upload (phase_upload.c); a firmware whose module downloads by itself may
 * leave it out with DFOTA_WITH_UPLOAD=0 (build_config.h). */
#if DFOTA_WITH_UPLOAD
#include "upload/upload.h"
#endif

#define FSM_ID_MAX 64                         /* a model or a version */
#define FSM_TARGET_MAX DFOTA_URL_MAX          /* build_config.h */
#define FSM_MAX_ATTEMPTS 6                    /* the first attempt and the module's five retries */
#define FSM_CMDLINE_MAX (FSM_TARGET_MAX + 40) /* AT+QFOTADL with the target in it */
/* The other commands (checks, setup, the upload's, cleanup). The longest is Unisoc's
 * AT+QCFG="fota/path","UFS:<file>" for a local package of up to FAMILY_LOCAL_MAX bytes
 * (test_family checks every row against it); a build without local packages has none. */
#if DFOTA_WITH_UPLOAD
#define FSM_SHORT_MAX (32 + FAMILY_LOCAL_MAX)
#else
#define FSM_SHORT_MAX 64
#endif
#define FSM_URCPORT_MAX 16

struct fsm_timing {
    uint32_t first_urc_ms; /* after a reboot, for the first URC */
    uint32_t port_ms;      /* how long the port may stay away */
    uint32_t stall_ms;     /* no URC at all while updating */
    uint32_t command_ms;   /* each AT command */
    uint32_t download_ms;  /* from the command's OK to the download's end */
};

/* What the session configures. A timing of 0 takes the family's, else the library's.
 * The strings are the session's configuration's, which outlive the machine (dfota.h:
 * dfota_open()); NULL: none (urcport: where the checks run, the session always names
 * one). */
struct fsm_settings {
    struct fsm_timing timing;
    const struct family *family; /* forced; NULL: by the model */
    struct family_values values;
    const char *expect_version; /* success needs the version after to hold it */
    const char *ufs_prefix;     /* overrides the family's local prefix */
    bool no_preflight;
    const char *urcport; /* the port we listen on, as the module names it */
    bool set_urcport;    /* route URCs to it for the upgrade */
};

enum fsm_mode {
    FSM_MODE_UPGRADE,        /* a target the module fetches (or has) */
    FSM_MODE_WATCH,          /* follow what is under way */
    FSM_MODE_INFO,           /* who the module is */
    FSM_MODE_UPGRADE_UPLOAD, /* upload a package from the host, then upgrade from it */
    FSM_MODE_UPLOAD,         /* upload a package and stop */
};

#if DFOTA_WITH_UPLOAD
/* The package the host uploads. */
struct fsm_upload_job {
    char name[UPLOAD_NAME_MAX + 1]; /* on the module */
    size_t size;
    upload_read_fn read;
    void *read_user;
    uint16_t module_timeout_s;
    bool no_ack;
};
#endif

struct fsm;

/* One phase: handlers for the inputs, each returning a verdict. NULL handlers ignore,
 * but for a dialogue's (runner.h): without on_line and on_answer the dialogue in flight
 * takes the answer, and the pause timer is always the runner's. */
struct fsm_phase {
    enum fsm_verdict (*enter)(struct fsm *m, uint32_t now);
    void (*on_line)(struct fsm *m, const char *line);
    enum fsm_verdict (*on_answer)(struct fsm *m, enum at_result result, int code, uint32_t now);
    enum fsm_verdict (*on_urc)(struct fsm *m, const struct qind *urc, uint32_t now);
    enum fsm_verdict (*on_port)(struct fsm *m, bool lost, uint32_t now);
    enum fsm_verdict (*on_timer)(struct fsm *m, enum core_timer t, uint32_t now);
    /* After each round of input (optional): what the phase's own work produced in the
     * meantime, such as an upload's progress made inside the AT engine's raw transfer. */
    enum fsm_verdict (*on_tick)(struct fsm *m, uint32_t now);
};

/* What a module says of itself. */
struct fsm_identity {
    char model[FSM_ID_MAX];    /* ATI's model line */
    char revision[FSM_ID_MAX]; /* ATI's "Revision:" */
    char full[FSM_ID_MAX];     /* AT+QGMR */
};

/* The identity the rows of ident.c read (ident.c). */
struct fsm_ident_run {
    struct fsm_identity *into; /* where the rows put what they read */
    bool window;               /* AT asked until CORE_TIMER_VERIFY (ident_run()) */
};

enum fsm_follow_state {
    FOLLOW_COMMANDED, /* AT+QFOTADL accepted: waiting for the download (or its end) */
    FOLLOW_AWAY,      /* the port is away at a reboot */
    FOLLOW_WINDOW,    /* the first-URC window after a reboot */
    FOLLOW_UPDATING,  /* an attempt under way */
    /* After END,0, the last two (phase_follow.c tests them as one): */
    FOLLOW_FINAL,     /* waiting for the final reboot */
    FOLLOW_FINAL_AWAY /* the port is away at the final reboot */
};

struct fsm_follow {
    enum fsm_follow_state state;
    bool in_attempt; /* an attempt begun and not ended */
    bool any_urc;    /* a FOTA URC was seen (watch: an upgrade is under way) */
    int fails_502;
    int last_percent; /* per attempt; progress never goes backwards */
    int last_dl_percent;
    int last_restore_percent;
};

/* The checks before the command (phase_preflight.c). */
struct fsm_preflight {
    uint32_t row_since;     /* when the row in flight was first asked */
    uint32_t now;           /* of the answer being judged */
    bool cereg_unsupported; /* AT+CEREG? answered ERROR: ask AT+CGREG? */
    bool route;             /* URCs go elsewhere: AT+QURCCFG="urcport",<ours> next */
    bool package_found;
    char line[CORE_TEXT_MAX];
    char urcport_before[FSM_URCPORT_MAX]; /* what the module said before it was routed */
};

/* What the session changed on the module, for the cleanup phase to put back. */
struct fsm_cleanup {
    char urcport[FSM_URCPORT_MAX]; /* the URC port before the checks routed it; "" none */
    /* How long the module hears no command after an ending: an upload's transfer cut
     * short, whose data the module waits for until its own timeout; 0: none. */
    uint32_t quiet_ms;
};

/* The state of the phases that keep one, each touched by its phase alone. They never run
 * at the same time, so they share the memory, and each clears its own on entering; what
 * one phase hands the next goes through the core (core_propose) or a field of its own
 * below (the identities, end_ok, clean). */
union fsm_phase_state {
    struct fsm_preflight pre;
    struct fsm_follow follow;
#if DFOTA_WITH_UPLOAD
    struct upload up;
#endif
};

struct fsm {
    struct core core;
    enum fsm_mode mode;
    struct fsm_settings set;
    struct fsm_timing timing; /* in force: settings, then the family's, then defaults */
    const struct family *family;
    bool family_known; /* selected by model or forced, not the generic fallback */
    bool local;
    /* One buffer for the target and the commands built from it: the short commands at
     * its start (FSM_SHORT_MAX), the target after them (fsm_target()), and AT+QFOTADL
     * built around the target in place, as the target's last use (phase_command.c). */
    char line[FSM_SHORT_MAX + FSM_CMDLINE_MAX + 1];
    const struct fsm_phase *const *plan;
    size_t plan_len;
    size_t step;
    struct runner run; /* the dialogue in flight (runner.h) */
    struct fsm_ident_run ident;
    struct fsm_identity before, after;
    union fsm_phase_state own;
#if DFOTA_WITH_UPLOAD
    struct fsm_upload_job job;
#endif
    bool end_ok;    /* END,0 seen */
    bool port_away; /* the port was lost and is not back */
    bool cleaning;  /* the cleanup phase is in force: a result is held */
    struct fsm_cleanup clean;
};

/* The target (FSM_TARGET_MAX + 1 bytes), until AT+QFOTADL is built around it. A macro:
 * the phases and the plan both read it, neither calls the other for it, and no object
 * gets a copy of a function named for another file. */
#define fsm_target(m) ((m)->line + FSM_SHORT_MAX)

/* Sets the machine up, idle, with the session's settings. */
void fsm_init(struct fsm *m, const struct fsm_settings *settings);

#if DFOTA_WITH_UPLOAD
/* The package for the upload modes; before fsm_begin(). */
void fsm_set_upload(struct fsm *m, const struct fsm_upload_job *job);
#endif

/* Begins. For FSM_MODE_UPGRADE, target must already pass the checks every family
 * shares; local says it names a package in the module's file system. */
void fsm_begin(struct fsm *m, enum fsm_mode mode, const char *target, bool local,
               enum dfota_via via, uint32_t now);

void fsm_on_response(struct fsm *m, const char *line);
void fsm_on_result(struct fsm *m, enum at_result result, int code, uint32_t now);
void fsm_on_urc(struct fsm *m, const struct qind *urc, uint32_t now);
void fsm_on_port_lost(struct fsm *m, uint32_t now);
void fsm_on_port_back(struct fsm *m, uint32_t now);
void fsm_on_tick(struct fsm *m, uint32_t now);
/* The user cancelled: the session ends as cancelled once what it changed on the module
 * is put back (at once when nothing was changed); a cancel during that changes nothing. */
void fsm_cancel(struct fsm *m, uint32_t now);
/* Whether the cleanup phase is under way (its command is the one in flight). */
bool fsm_cleaning(const struct fsm *m);

/* The earliest time fsm_on_tick() has work, or AT_NEVER. */
uint32_t fsm_deadline(const struct fsm *m);

bool fsm_done(const struct fsm *m);

/* Takes the oldest output; false when there is none. */
bool fsm_next_output(struct fsm *m, struct core_out *out);

#endif
