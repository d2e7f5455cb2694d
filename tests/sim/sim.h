/* dfota-sim: a Quectel module on a pseudo-terminal, for end-to-end tests.
 * Shared state and the functions each part of the simulator offers the others. */
#ifndef DFOTA_SIM_H
#define DFOTA_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <poll.h>

#include "ufs.h"

#define SIM_MAX_ENDS 16
#define SIM_LINE_MAX 512
#define SIM_PATH_MAX 512

enum sim_spelling { SIM_SPELL_COMPACT, SIM_SPELL_NOTE, SIM_SPELL_LOWER, SIM_SPELL_HTTPS };

/* How a family's AT+QFOTADL takes a URL, and a local package. */
enum sim_form { SIM_FORM_PLAIN, SIM_FORM_SUFFIX, SIM_FORM_MODE_TIMEOUT };
enum sim_local { SIM_LOCAL_PATH, SIM_LOCAL_FIXED, SIM_LOCAL_QCFG };

enum sim_quirk {
    SIM_QUIRK_NONE = 0,
    SIM_QUIRK_HTTPS_SPELLING = 1 << 0,  /* HTTPSSTART / HTTPSEND for https (EG18) */
    SIM_QUIRK_PID = 1 << 1,             /* takes AT+QFOTAPID=<n> (5G) */
    SIM_QUIRK_RESTORE_INSTALL = 1 << 2, /* RESTORE puts the new firmware in, END,0 follows */
    SIM_QUIRK_PERCENT_SIGN = 1 << 3,    /* "UPDATING",37% */
    SIM_QUIRK_CID = 1 << 4,             /* needs AT+QCFG="fota/cid",<n> first (Unisoc) */
    SIM_QUIRK_DOWNLOADING = 1 << 5,     /* DOWNLOADING,<pct> during the download */
    SIM_QUIRK_NO_START = 1 << 6,        /* UPDATING without START (ASR) */
    SIM_QUIRK_MID_REBOOT = 1 << 7,      /* reboots inside UPDATING, 47 % -> 60 % (ASR) */
};

struct sim_family {
    const char *name;
    const char *model;
    const char *version_before;
    const char *version_after;
    size_t url_max;
    enum sim_form form;
    const char *suffix; /* SIM_FORM_SUFFIX */
    enum sim_local local;
    const char *local_prefix; /* SIM_LOCAL_FIXED: the one path */
    unsigned quirks;
};

struct sim_opts {
    const char *link;
    uint32_t reboot_ms;
    uint32_t first_urc_delay_ms;
    uint32_t progress_step;
    uint32_t progress_ms;
    int ends[SIM_MAX_ENDS];
    size_t n_ends;
    bool restore;
    enum sim_spelling spelling;
    bool percent_sign;
    bool uart;
    bool silent_after_reboot;
    bool never_back;
    bool noise;
    bool fragment;
    bool early_first_urc;
    bool dl_error;
    bool no_sim;                /* AT+CPIN? answers +CME ERROR: 10 */
    bool not_registered;        /* +CEREG: 0,0 */
    uint32_t register_after_ms; /* searching (+CEREG: 0,2) until then */
    const char *urcport;        /* where URCs go at start: usbat (ours), usbmodem, uart1 */
    const char *family;         /* --family */
    const char *version_before;
    const char *version_after;
    const char *model;
    const char *log_path;
    uint32_t exit_after_s;
    uint32_t seed;
    struct sim_ufs_opts ufs; /* the file system, upload faults, --baud-pace (ufs.c) */
};

struct sim {
    struct sim_opts o;
    const struct sim_family *fam;
    bool cid_set;                  /* AT+QCFG="fota/cid" was sent */
    char local_path[SIM_LINE_MAX]; /* AT+QCFG="fota/path" */
    char urcport[16];              /* AT+QURCCFG="urcport": only usbat is this port */
    FILE *log;
    uint64_t t0_ms;
    uint64_t exit_at_ms;
    bool stop;      /* a signal came or --exit-after passed */
    bool timed_out; /* --exit-after passed */
    int master;     /* -1 while the port is away */
    int slave;      /* our own slave descriptor, see pty.c */
    char slave_name[64];
    bool ready_printed;
    bool echo;
    bool powered; /* false while rebooting: input is dropped */
    bool in_fota; /* a QFOTADL scenario is running */
    const char *version;
    char line[SIM_LINE_MAX];
    size_t line_len;
    bool line_overflow;
    char pending_target[SIM_LINE_MAX]; /* set by AT+QFOTADL, run by the main loop */
    bool have_pending;
    uint32_t rng;
    struct ufs_model ufs; /* the file system (ufs.c, tests/support/ufs_model.c) */
    uint64_t pace_in_due_us, pace_out_due_us; /* --baud-pace: when the line is free */
};

/* main.c */
uint64_t sim_now_ms(void);
void sim_log(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint32_t sim_random(struct sim *s, uint32_t bound);
/* True once a signal came or --exit-after passed. */
bool sim_should_stop(struct sim *s);
/* poll() that lets SIGTERM/SIGINT in and never outlasts --exit-after; 0 on a signal. */
int sim_poll(struct sim *s, struct pollfd *fds, nfds_t n, uint32_t ms);

/* pty.c: the port, its reboots and the bytes through it. */
int sim_pty_up(struct sim *s);
void sim_pty_down(struct sim *s);
/* Services input (echo, commands) until ms pass; false when the simulator must stop. */
bool sim_idle(struct sim *s, uint32_t ms);
void sim_write(struct sim *s, const void *buf, size_t len);
/* Writes "\r\n<text>\r\n" (with noise before it under --noise when noisy). */
void sim_send_line(struct sim *s, const char *text, bool noisy);
void sim_noise(struct sim *s, bool garbage);

/* at.c: the AT command interpreter. */
void sim_at_input(struct sim *s, const uint8_t *buf, size_t len);
/* Copies text with the password of a URL replaced by "***". */
void sim_redact(const char *text, char *out, size_t size);

/* fota.c: the DFOTA scenario after AT+QFOTADL. */
void sim_fota_run(struct sim *s, const char *target);
/* An http(s):// or ftp:// URL, or a local path (leading '/'). */
bool sim_target_valid(const char *target);

/* net.c: SIM, network and URC port queries; true when cmd (after "AT") was one. */
bool sim_net_command(struct sim *s, const char *cmd);
/* Whether URCs come out on this port (AT+QURCCFG="urcport" is usbat). */
bool sim_urcs_here(const struct sim *s);

/* family.c: the dialects. */
const struct sim_family *sim_family_by_name(const char *name);
bool sim_quirk(const struct sim *s, unsigned quirk);

/* pace.c: with --baud-pace, waits until bytes sent or received at that speed have
 * crossed the line (due_us is the direction's state); without, returns at once. */
void sim_pace(struct sim *s, uint64_t *due_us, size_t bytes);

/* download.c: fetches url for real; returns 0 or the module's error code. */
int sim_download(struct sim *s, const char *url);
void sim_download_global(bool init);

#endif
