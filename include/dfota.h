/**
 * @file
 * dfota: drive a Quectel module's DFOTA firmware upgrade over its serial AT port.
 *
 * One session follows one module: it validates the target, sends AT+QFOTADL, and
 * follows the module's +QIND "FOTA" URCs through its reboots to one result. The
 * session never sleeps blindly and never blocks without a deadline; it keeps no
 * global state, so several sessions (several modems) can run in one process.
 *
 * Every call accepts NULL where it takes a session or a config and gives the answer its
 * documentation states (mostly DFOTA_ERR_INVALID); none crashes on it.
 *
 * Typical use:
 *
 *     struct dfota_config cfg;
 *     dfota_config_init(&cfg);
 *     cfg.port = "/dev/ttyUSB2";
 *     cfg.on_event = on_event;
 *     struct dfota *s;
 *     if (dfota_open(&s, &cfg) == DFOTA_OK && dfota_start(s, url) == DFOTA_OK)
 *         result = dfota_run(s);
 *     dfota_close(s);
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef DFOTA_H
#define DFOTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "dfota_version.h" /* DFOTA_VERSION_*, generated from CMakeLists.txt */

#if defined(DFOTA_BUILDING) && defined(__GNUC__)
#define DFOTA_API __attribute__((visibility("default")))
#else
#define DFOTA_API
#endif

/** Results of the library's calls and of a whole upgrade. */
enum dfota_result {
    DFOTA_OK = 0,              /**< Done: the upgrade (or query) succeeded. */
    DFOTA_IN_PROGRESS = 1,     /**< dfota_process(): not finished yet. */
    DFOTA_ERR_INVALID = -1,    /**< Invalid argument or target; nothing was sent. */
    DFOTA_ERR_PORT = -2,       /**< The port could not be opened or stayed away too long. */
    DFOTA_ERR_REJECTED = -3,   /**< The module answered ERROR to a command. */
    DFOTA_ERR_DOWNLOAD = -4,   /**< The module failed to download the package. */
    DFOTA_ERR_UPDATE = -5,     /**< The module failed to apply the package. */
    DFOTA_ERR_TIMEOUT = -6,    /**< No answer or no URC within its window. */
    DFOTA_ERR_CANCELLED = -7,  /**< dfota_cancel() was called. */
    DFOTA_ERR_STATE = -8,      /**< The call does not fit the session's state. */
    DFOTA_ERR_NOMEM = -9,      /**< Out of memory in dfota_open(). */
    DFOTA_ERR_UPLOAD = -11,    /**< The package could not be put on the module: no room,
                                    refused, the checksum twice wrong, the file changed.
                                    @since 0.2 */
    DFOTA_ERR_NOT_READY = -10, /**< A check before AT+QFOTADL failed (no SIM, no network,
                                    URCs routed elsewhere, no package); nothing was started.
                                    @since 0.2 */
};

/** Returns a short constant English description of a result. Never NULL. */
DFOTA_API const char *dfota_strerror(int result);

/** Returns the meaning of a module error code (505, 601, 701, ...) in the application
 *  note's table (the EG06xK/Ex120K/EM060K family), or NULL if it has none. A session's
 *  messages use the meanings of the module's own family. A library built without the
 *  meanings (DFOTA_WITH_TEXTS=0, cmake/README.md "Build options") returns NULL for every
 *  code but 0, and its messages give the bare code. */
DFOTA_API const char *dfota_code_meaning(int code);

/* ---------------------------------------------------------------------------------------
 * Port backends. The library brings its own (libserialport, POSIX termios); gateway
 * firmware can plug in its UART driver instead by filling struct dfota_port_ops.
 * ------------------------------------------------------------------------------------- */

/** Status values returned by the port operations. */
enum dfota_port_status {
    DFOTA_PORT_OK = 0,       /**< Done. */
    DFOTA_PORT_READY = 1,    /**< wait(): readable (open) or maybe present again (closed). */
    DFOTA_PORT_TIMEOUT = -1, /**< The deadline passed first. */
    DFOTA_PORT_HANGUP = -2,  /**< The device went away (USB re-enumeration, EIO, POLLHUP). */
    DFOTA_PORT_ABSENT = -3,  /**< open(): the device is not there (yet). */
    DFOTA_PORT_ERROR = -4,   /**< Any other failure. */
};

/**
 * A serial transport. Every operation gets the ctx given beside the ops. None may block
 * longer than the timeout it is given; read never blocks.
 */
struct dfota_port_ops {
    /** Opens the device and sets it up (raw 8N1 at the configured speed).
     *  Returns DFOTA_PORT_OK, DFOTA_PORT_ABSENT (not there now) or DFOTA_PORT_ERROR. */
    int (*open)(void *ctx);
    /** Closes the device if open. Must be safe to call when closed. */
    void (*close)(void *ctx);
    /** Reads up to len bytes that are already there. Returns the count (0: nothing yet),
     *  DFOTA_PORT_HANGUP or DFOTA_PORT_ERROR. */
    int (*read)(void *ctx, uint8_t *buf, size_t len);
    /** Writes all len bytes within timeout_ms. Returns DFOTA_PORT_OK, DFOTA_PORT_TIMEOUT,
     *  DFOTA_PORT_HANGUP or DFOTA_PORT_ERROR. A TIMEOUT (the module does not read: flow
     *  control) ends the command as a timeout, not as a lost port. The built-in port
     *  returns TIMEOUT early once dfota_cancel() was called; a user-supplied one that
     *  cannot see a cancel delays it by up to timeout_ms. */
    int (*write)(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms);
    /** While open: waits up to timeout_ms for input. Returns DFOTA_PORT_READY,
     *  DFOTA_PORT_TIMEOUT, DFOTA_PORT_HANGUP or DFOTA_PORT_ERROR.
     *  While closed: waits up to timeout_ms for the device to (maybe) appear; returns
     *  DFOTA_PORT_READY when open() is worth trying again, else DFOTA_PORT_TIMEOUT.
     *  May return early (TIMEOUT) when a signal interrupts it, so a cancel is seen. */
    int (*wait)(void *ctx, uint32_t timeout_ms);
    /** A file descriptor that becomes readable when wait() would return READY, or -1.
     *  May be NULL. */
    int (*fd)(void *ctx);
};

/* ---------------------------------------------------------------------------------------
 * Events and logging.
 * ------------------------------------------------------------------------------------- */

/** Where the upgrade stands; carried by every event. */
enum dfota_phase {
    DFOTA_PHASE_PREPARING,    /**< Synchronising, reading the version, sending the command. */
    DFOTA_PHASE_DOWNLOADING,  /**< The module is fetching the package. */
    DFOTA_PHASE_REBOOTING,    /**< The module reboots into recovery; the port is away. */
    DFOTA_PHASE_WAITING,      /**< Waiting for the first URC after the reboot. */
    DFOTA_PHASE_UPDATING,     /**< The module is applying the package. */
    DFOTA_PHASE_FINAL_REBOOT, /**< Applied; the module reboots into the new firmware. */
    DFOTA_PHASE_DONE,         /**< Finished (see the DONE event's result). */
    DFOTA_PHASE_UPLOADING,    /**< The host uploads the package into the module. @since 0.2 */
};

/** What happened. */
enum dfota_event_type {
    DFOTA_EVENT_VERSION,           /**< text: firmware version (before, or after: phase). */
    DFOTA_EVENT_MODEL,             /**< text: the module's model (from ATI). */
    DFOTA_EVENT_DOWNLOAD_START,    /**< via: how the module downloads. */
    DFOTA_EVENT_DOWNLOAD_PROGRESS, /**< percent: download progress, where reported. */
    DFOTA_EVENT_DOWNLOAD_END,      /**< code: 0 ok, else the module's error code. */
    DFOTA_EVENT_PORT_LOST,         /**< The port went away (a reboot). */
    DFOTA_EVENT_PORT_BACK,         /**< The port is open again. */
    DFOTA_EVENT_UPDATE_START,      /**< attempt: 1 for the first, 2 after one END,502 ... */
    DFOTA_EVENT_PROGRESS,          /**< percent: update progress; never goes backwards. */
    DFOTA_EVENT_UPDATE_END,        /**< code: 0 ok, else the module's error code. */
    DFOTA_EVENT_RESTORE,           /**< percent: the module restores its old firmware. */
    DFOTA_EVENT_PHASE,             /**< The phase changed (see phase). */
    DFOTA_EVENT_DONE,              /**< result, code, text: the outcome. Always last. */
    DFOTA_EVENT_FAMILY,            /**< text: the module's family ("eg18", "generic"). */
    DFOTA_EVENT_INSTALL,           /**< percent: the module puts the new firmware in place
                                        (BG96's RESTORE on the way to END,0). */
    DFOTA_EVENT_CHECK,             /**< check, status, text: a check before AT+QFOTADL
                                        (none when built with DFOTA_WITH_PREFLIGHT=0). */
    DFOTA_EVENT_UPLOAD_PROGRESS,   /**< percent, bytes: the host's upload. @since 0.2 */
    DFOTA_EVENT_UPLOAD_END,        /**< bytes (the module's count), ok, text: the checksum
                                        (hex): one upload attempt ended. @since 0.2 */
};

/** How a check before the upgrade went (DFOTA_EVENT_CHECK's status). */
enum dfota_check_status {
    DFOTA_CHECK_OK,   /**< Fine. */
    DFOTA_CHECK_WARN, /**< Not known (the module does not support the query) or doubtful. */
    DFOTA_CHECK_FAIL, /**< The upgrade cannot succeed: the session ends, DFOTA_ERR_NOT_READY. */
};

/** How the module downloads the package. */
enum dfota_via { DFOTA_VIA_NONE, DFOTA_VIA_FTP, DFOTA_VIA_HTTP, DFOTA_VIA_HTTPS, DFOTA_VIA_FILE };

/** One event. Valid only during the callback; copy what you keep. */
struct dfota_event {
    enum dfota_event_type type; /**< What happened. */
    enum dfota_phase phase;     /**< Where the upgrade stands. */
    enum dfota_via via;         /**< DOWNLOAD_START: how the module downloads. */
    int percent;                /**< 0..100 where meaningful, else -1. */
    int code;                   /**< The module's code where meaningful, else -1. */
    int attempt;                /**< Update attempt (1-based) where meaningful, else 0. */
    int result;                 /**< DONE: an enum dfota_result. */
    const char *text;           /**< Version, model, or a human-readable message; never NULL. */
    const char *check;          /**< CHECK: its name ("sim", "network", "urcport"...); else "". */
    int status;                 /**< CHECK: an enum dfota_check_status; else 0. */
    uint64_t bytes;             /**< UPLOAD_PROGRESS: sent so far; UPLOAD_END: stored; else 0. */
    bool ok;                    /**< UPLOAD_END: the module stored it all, checksum verified. */
};

/** Log levels, most severe first. */
enum dfota_log_level { DFOTA_LOG_ERROR, DFOTA_LOG_WARN, DFOTA_LOG_INFO, DFOTA_LOG_DEBUG };

/** Receives the session's events; user is the config's user. */
typedef void (*dfota_event_cb)(void *user, const struct dfota_event *event);
/** Receives log lines (the AT dialogue at DEBUG); passwords are already redacted. */
typedef void (*dfota_log_cb)(void *user, enum dfota_log_level level, const char *text);

/* ---------------------------------------------------------------------------------------
 * Configuration and the session.
 * ------------------------------------------------------------------------------------- */

/** A session's settings: fill with dfota_config_init(), then set what you need. */
struct dfota_config {
    /** Device path (symlinks such as /dev/serial/by-id/... are fine). */
    const char *port;
    /** "VID:PID[:SERIAL]" in hex (e.g. "2c7c:030b"): find the port by USB identity, also
     *  after re-enumeration under another name. NULL: use port alone. With port too, the
     *  path is tried first at every (re)open; the identity finds the port when the path
     *  is not there or names a USB device of another identity or interface. */
    const char *usb;
    /** Default 115200. The built-in port takes the termios rates (1200 to 4000000 where
     *  the system has them); another rate (50, 300, 14400...) makes dfota_open() fail
     *  with DFOTA_ERR_INVALID, its message (on_log, ERROR) listing the rates it takes. */
    uint32_t baud;
    bool rtscts; /**< Hardware flow control. Default false. */
    /** A user-supplied transport; when set, port/usb/baud are not used by the library. */
    const struct dfota_port_ops *port_ops;
    void *port_ctx; /**< Passed to every port_ops operation. */
    /** Monotonic clock in milliseconds. NULL: the system's monotonic clock (required
     *  when the library is built without an OS backend). */
    uint64_t (*now_ms)(void *user);
    /** Local package prefix in the module's file system. NULL (default): the family's
     *  ("/usrdata/cache/ufs/" on the application note's family, "/cache/ufs/" on EG18...).
     *  A library that takes URLs only (DFOTA_WITH_UPLOAD=0) refuses it at open. */
    const char *ufs_prefix;
    /* Timings. 0 takes the family's own where it has one, else the library's default. */
    uint32_t first_urc_timeout_ms;  /**< After the reboot, for the first URC. Default 90000. */
    uint32_t port_timeout_ms;       /**< How long the port may stay away. Default 120000. */
    uint32_t stall_timeout_ms;      /**< No URC at all while updating. Default 600000. */
    uint32_t command_timeout_ms;    /**< For each AT command's answer. Default 5000. */
    uint32_t download_timeout_ms;   /**< From the command to the download's end. Default 1800000. */
    dfota_event_cb on_event;        /**< Receives the events; may be NULL. */
    dfota_log_cb on_log;            /**< Receives the log lines; may be NULL. Never called by a
                                         library built without log lines (DFOTA_WITH_TEXTS=0). */
    enum dfota_log_level log_level; /**< Most verbose level passed to on_log. Default INFO. */
    void *user;                     /**< Passed to the callbacks and now_ms. */
    /** Forces a module family by name (see dfota_family_get()); NULL (default): chosen by
     *  the model the module reports, "generic" with a warning for an unknown one.
     *  @since 0.2 */
    const char *family;
    /** Success needs the firmware version after the upgrade to contain this text (what a
     *  fleet rollout knows it installs); NULL (default): any version other than before.
     *  @since 0.2 */
    const char *expect_version;
    uint32_t fota_cid;    /**< Unisoc (EC200U, EG915U): AT+QCFG="fota/cid" context. Default 1.
                               @since 0.2 */
    uint32_t fota_pid;    /**< 5G (RM500Q...): AT+QFOTAPID profile; 0 (default): not sent,
                               the module keeps its own. @since 0.2 */
    uint32_t asr_mode;    /**< ASR (EC800K): 1 (default) the module reboots by itself, 0 it
                               waits for a manual reboot. @since 0.2 */
    uint32_t asr_timeout; /**< ASR: the command's timeout parameter. Default 50. @since 0.2 */
    /** Skips the checks before AT+QFOTADL (SIM, network, where URCs go, the local
     *  package). Default false. A library built without them (DFOTA_WITH_PREFLIGHT=0)
     *  never runs them. @since 0.2 */
    bool no_preflight;
    /** The module's name of the port the session listens on, as AT+QURCCFG="urcport"
     *  says it: "usbat", "usbmodem", "uart1". NULL (default): from the USB interface
     *  where the system port knows it (2: usbat, 3: usbmodem), else "usbat". The checks
     *  use it: a library built without them checks it and has no other use for it.
     *  @since 0.2 */
    const char *urcport;
    /** When URCs go to another port: route them to ours for the upgrade (and back after
     *  it) instead of refusing with DFOTA_ERR_NOT_READY. Default false. The checks do
     *  it: a library built without them (DFOTA_WITH_PREFLIGHT=0) refuses it at open.
     *  @since 0.2 */
    bool set_urcport;
    /** AT+QFUPL's own timeout: how long the module waits for more of an upload's data
     *  before it gives the transfer up (and, after a cancel, answers AT again). Default 0:
     *  10 s. @since 0.2 */
    uint32_t upload_timeout_s;
    /** The upload without the module's acknowledgements (ack mode off: for USB, whose
     *  own flow control paces the data). Default false. @since 0.2 */
    bool upload_no_ack;
};

/** Fills cfg with the documented defaults; port and callbacks are left NULL. NULL: does
 *  nothing. */
DFOTA_API void dfota_config_init(struct dfota_config *cfg);

/** Checks a target (URL or local path) against the module's rules without a session.
 *  Returns DFOTA_OK or DFOTA_ERR_INVALID; on error writes the broken rule into msg
 *  (NUL-terminated, truncated to msg_size; msg may be NULL). A library built without
 *  ftp:// or local packages (DFOTA_WITH_FTP=0, DFOTA_WITH_UPLOAD=0) refuses those,
 *  naming the choice. */
DFOTA_API int dfota_check_target(const char *target, const char *ufs_prefix, char *msg,
                                 size_t msg_size);

/** Checks a target against the rules of a family (by name; NULL: the rules every family
 *  shares, the loosest) and a local prefix (NULL: the family's). Returns DFOTA_OK or
 *  DFOTA_ERR_INVALID with the broken rule in msg, as dfota_check_target(). @since 0.2 */
DFOTA_API int dfota_check_target_family(const char *family, const char *target,
                                        const char *ufs_prefix, char *msg, size_t msg_size);

/** One module family, as dfota_family_get() describes it. The pointers are static. */
struct dfota_family_info {
    const char *name;    /**< What cfg.family and --family take: "eg18". */
    const char *models;  /**< The models: "EG12/EM12/EG18". */
    size_t url_max;      /**< Longest URL, bytes. */
    size_t ftp_part_max; /**< Longest FTP user, password, host, path; 0: no own limit. */
    const char *restore; /**< What RESTORE means: "old firmware back" or "new firmware in". */
    const char *source;  /**< Where the facts come from. */
    char usb_ids[64];    /**< Quectel USB ids: "2c7c:0512", or "" when none is known. */
    char local[96];      /**< How a local package is named: "/cache/ufs/<file>", ... */
    char command[96];    /**< The command's form: AT+QFOTADL="<url>",1,50,100 */
};

/** Describes the i-th family (0-based, generic last) of those built into the library
 *  (all, unless it was built with DFOTA_FAMILIES). Returns DFOTA_OK, or
 *  DFOTA_ERR_INVALID past the end or for a NULL out. @since 0.2 */
DFOTA_API int dfota_family_get(size_t i, struct dfota_family_info *out);

/** The name of the family a module of this model and firmware version belongs to, as a
 *  session picks it from what the module says of itself (ATI's model line, AT+QGMR's
 *  version; either may be NULL): "em060k", "bg96", ..., "generic" when no row of this
 *  build matches. The string is static. @since 0.3 */
DFOTA_API const char *dfota_family_for_model(const char *model, const char *version);

/** Writes target into out with any password replaced by "***" (NUL-terminated, truncated
 *  to out_size). The text may be a target or any line holding one or more URLs; each URL is
 *  split as dfota_check_target() splits it, and runs to the end of the text, so a password
 *  holding blanks or quotes is hidden whole. target NULL: out gets "". out NULL or
 *  out_size 0: writes nothing. */
DFOTA_API void dfota_redact(const char *target, char *out, size_t out_size);

struct dfota;

/**
 * Creates a session and opens its port. The config is copied; the strings it points to
 * must outlive the session. This is the only call that allocates (one exception: the
 * libserialport backend allocates its description of a device the first time it opens
 * it under a given name, e.g. when the module comes back as ttyUSB3 instead of ttyUSB2;
 * finding the port by USB identity and reopening it under the same name allocate nothing).
 * The built-in port is held for this session alone, from the first open to dfota_close()
 * and across every reopen: an flock() that careful programs honour, and TIOCEXCL. A port
 * another program holds fails at once with DFOTA_ERR_PORT, and the message (on_log,
 * ERROR) names the holder where the system tells it ("/dev/ttyUSB2 is in use by
 * ModemManager (pid 812)").
 * A port that is not there (DFOTA_PORT_ABSENT: a module rebooting right now) is no error
 * here: dfota_watch() waits for it, dfota_start() and dfota_info() refuse with
 * DFOTA_ERR_PORT.
 * Returns DFOTA_OK and sets *out, or DFOTA_ERR_INVALID (bad config, or cfg NULL),
 * DFOTA_ERR_NOMEM or DFOTA_ERR_PORT (the port exists but cannot be opened), with *out NULL
 * in every error (out NULL: DFOTA_ERR_INVALID). The reason is passed to on_log;
 * dfota_open_msg() also hands it back.
 */
DFOTA_API int dfota_open(struct dfota **out, const struct dfota_config *cfg);

/**
 * As dfota_open(), and writes why it failed into msg (NUL-terminated, truncated to
 * msg_size; msg may be NULL): the config rule broken ("no port: set port, usb or
 * port_ops"), or the port's own error ("cannot open /dev/ttyUSB2: Permission denied").
 * msg is "" on success. It never holds a password. Since 0.2.
 */
DFOTA_API int dfota_open_msg(struct dfota **out, const struct dfota_config *cfg, char *msg,
                             size_t msg_size);

/** Validates target and begins the upgrade: AT, ATE0, version, then AT+QFOTADL.
 *  Returns DFOTA_OK; DFOTA_ERR_INVALID (see dfota_error_text(); nothing was sent);
 *  DFOTA_ERR_PORT (the port is not there); DFOTA_ERR_STATE (already begun).
 *  Drive it with dfota_run() or dfota_process(). */
DFOTA_API int dfota_start(struct dfota *s, const char *target);

/** Follows an upgrade already under way (after the host restarted) without sending
 *  AT+QFOTADL: waits for the module's URCs through its reboots, also when the port is
 *  away at the start. Returns DFOTA_OK, DFOTA_ERR_INVALID (s is NULL) or DFOTA_ERR_STATE
 *  (already begun). */
DFOTA_API int dfota_watch(struct dfota *s);

/** Reads the model and firmware version (events MODEL and VERSION), then finishes.
 *  Returns DFOTA_OK, DFOTA_ERR_INVALID (s is NULL), DFOTA_ERR_PORT (the port is not
 *  there) or DFOTA_ERR_STATE (already begun). */
DFOTA_API int dfota_info(struct dfota *s);

/** Reads the package for an upload: up to len bytes at offset into buf, setting *got
 *  (1..len; 0 only when the package ended before its size). Returns 0, or -1 when it
 *  cannot be read. Called from dfota_run()/dfota_process(), in order. */
typedef int (*dfota_read_cb)(void *user, size_t offset, uint8_t *buf, size_t len, size_t *got);

/** A package on the host, for dfota_start_upload() and dfota_upload(). */
struct dfota_package {
    /** A file (built with a system port): opened and read by the library, which fails the
     *  upload if its size changes meanwhile. NULL: read and size give the package. */
    const char *path;
    dfota_read_cb read; /**< Without a path: the package (firmware: straight from flash). */
    void *read_user;    /**< Passed to read. */
    size_t size;        /**< Without a path: its size in bytes. */
    /** The file's name on the module; NULL: the path's last component, else
     *  "dfota_update.bin". At most 64 bytes, printable, no quote, '/' or wildcard. */
    const char *name;
};

/** Upgrades from a package the host holds: identifies the module, checks it (see
 *  no_preflight), uploads the package into its file system (AT+QFUPL, free space checked
 *  first, a stale file of the same name deleted, the checksum compared, one retry), then
 *  sends AT+QFOTADL with the family's local path and follows the upgrade as
 *  dfota_start() does. The package stays the caller's; with a path the file is open
 *  until dfota_close(). Returns DFOTA_OK; DFOTA_ERR_INVALID (a file that does not exist,
 *  is not a regular file, cannot be read, is empty or larger than any module holds; a
 *  bad name; see dfota_error_text(); nothing was sent); DFOTA_ERR_PORT (the port is not
 *  there); DFOTA_ERR_STATE (already begun). Failures of the upload end the session with
 *  DFOTA_ERR_UPLOAD (or TIMEOUT, PORT, CANCELLED); a cancel stops sending at once and the
 *  module ends its own transfer after its data timeout (cfg.upload_timeout_s). A library
 *  built without the upload (DFOTA_WITH_UPLOAD=0) returns DFOTA_ERR_INVALID and says so.
 *  @since 0.2 */
DFOTA_API int dfota_start_upload(struct dfota *s, const struct dfota_package *pkg);

/** Uploads a package into the module's file system and finishes: the DONE event's text
 *  is "uploaded to <path>", the local path a later dfota_start() takes. Returns as
 *  dfota_start_upload(). @since 0.2 */
DFOTA_API int dfota_upload(struct dfota *s, const struct dfota_package *pkg);

/** Runs the session until it finishes, sleeping in the port's wait between events; it
 *  sees dfota_cancel() within half a second at most, also during a write the module
 *  does not take (with the built-in port). Returns its result (DFOTA_OK or an
 *  error); DFOTA_ERR_INVALID when s is NULL, DFOTA_ERR_STATE before a start, watch or
 *  info. */
DFOTA_API int dfota_run(struct dfota *s);

/** Event-loop integration: a descriptor to poll for input (or the port's return), or -1
 *  when there is none (then rely on dfota_timeout_ms()) or s is NULL. Changes across
 *  reboots: ask again after each dfota_process(). */
DFOTA_API int dfota_fd(struct dfota *s);

/** Milliseconds until dfota_process() must be called at the latest (0: now; also when s
 *  is NULL, so that dfota_process() reports the error). */
DFOTA_API uint32_t dfota_timeout_ms(struct dfota *s);

/** Does all pending work without blocking. Returns DFOTA_IN_PROGRESS or the result;
 *  DFOTA_ERR_INVALID when s is NULL, DFOTA_ERR_STATE before a start, watch or info. */
DFOTA_API int dfota_process(struct dfota *s);

/** Asks the session to stop at once; dfota_run()/dfota_process() then return
 *  DFOTA_ERR_CANCELLED. Safe to call from a signal handler. The module carries on.
 *  NULL: does nothing. */
DFOTA_API void dfota_cancel(struct dfota *s);

/** The module's code behind the result (505, 701, ...), or -1 (also when s is NULL). */
DFOTA_API int dfota_module_code(const struct dfota *s);

/** A human-readable message about the last error or the result; never NULL. s NULL: a
 *  constant text saying there is no session (dfota_open_msg() tells why an open failed). */
DFOTA_API const char *dfota_error_text(const struct dfota *s);

/** Closes the port and frees the session. NULL is fine.
 *  May be called from inside on_event or on_log: the session then makes no further
 *  callback, sends nothing more, and is freed when the library call that made the callback
 *  returns (dfota_run() or dfota_process() then return DFOTA_ERR_CANCELLED, or the result
 *  if the session had already finished). Either way s must not be used after it. */
DFOTA_API void dfota_close(struct dfota *s);

#ifdef __cplusplus
}
#endif

#endif /* DFOTA_H */
