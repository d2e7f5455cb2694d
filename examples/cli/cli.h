/* The dfota command-line tool: built on dfota.h alone. */
#ifndef DFOTA_CLI_H
#define DFOTA_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dfota.h>

enum cli_command { CLI_UPGRADE, CLI_WATCH, CLI_INFO, CLI_FAMILIES, CLI_UPLOAD };

/* --modemmanager: auto (the default) inhibits ModemManager where it manages our modem. */
enum cli_mm_mode { CLI_MM_AUTO, CLI_MM_INHIBIT, CLI_MM_IGNORE };

/* Exit statuses: a contract with scripts and update agents. */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILED = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_PORT = 3,
    CLI_EXIT_TIMEOUT = 4,
    CLI_EXIT_INTERRUPTED = 130,
};

/* The most --target-file takes: more than any family's longest target (700 bytes). */
#define CLI_TARGET_FILE_MAX 1024

struct cli_options {
    enum cli_command command;
    const char *port;
    const char *usb;
    uint32_t baud;
    uint32_t first_urc_timeout_ms;
    uint32_t port_timeout_ms;
    uint32_t command_timeout_ms; /* 0: the library's default */
    uint32_t stall_timeout_ms;   /* 0: the library's default */
    const char *ufs_prefix;
    const char *family;
    const char *expect_version;
    uint32_t fota_cid;
    uint32_t fota_pid;
    uint32_t asr_mode;
    uint32_t asr_timeout;
    bool no_preflight;
    const char *urcport;
    bool set_urcport;
    const char *upload;    /* a package on the host: upgrade --upload FILE, upload FILE */
    const char *upload_as; /* its name on the module (--as) */
    uint32_t upload_timeout_s;
    bool upload_no_ack;
    const char *target;
    const char *target_file; /* --target-file: where the target was read from */
    char target_text[CLI_TARGET_FILE_MAX + 1];
    bool json;
    bool verbose;
    bool quiet;
    enum cli_mm_mode modemmanager;
};

enum cli_parse_result { CLI_PARSE_OK, CLI_PARSE_HELP, CLI_PARSE_VERSION, CLI_PARSE_ERROR };

/* Parses argv; on error writes the reason into err, passwords redacted. json is set as
 * soon as seen, so a usage error can still be reported as JSON. */
enum cli_parse_result cli_parse(int argc, char **argv, struct cli_options *opt, char *err,
                                size_t err_size);

void cli_print_help(void);

/* --target-file PATH ("-": standard input): the target, on one line, into buf (size
 * bytes); false with the broken rule in err (never the file's content). */
bool cli_target_read(const char *path, char *buf, size_t size, char *err, size_t err_size);

/* `dfota families`: the family table, as a table or JSON lines (cli_families.c).
 * Returns the exit status. */
int cli_print_families(bool json);

/* ---- messages built from the command line's words (cli_text.c) ---- */

#define CLI_TEXT_MAX 512

/* snprintf into out, then dfota_redact(): the words quoted may hold a password. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void cli_text_format(char *out, size_t size, const char *fmt, ...);
/* For upgrade: true with the broken rule in out when the target is refused. */
bool cli_text_target_refusal(const struct cli_options *opt, char *out, size_t size);
/* Why the port could not be opened: the port's name and the library's reason (why, or
 * the result's description when why is empty). */
void cli_text_open_failure(const struct cli_options *opt, int result, const char *why, char *out,
                           size_t size);

/* ---- output (cli_report.c) ---- */

struct cli_report;

/* Sets the reporter up for the chosen mode: JSON lines, a live line on a terminal, or
 * plain lines. */
struct cli_report *cli_report_new(const struct cli_options *opt);
void cli_report_free(struct cli_report *r);
/* As dfota_event_cb / dfota_log_cb, with the reporter as user. */
void cli_report_event(void *user, const struct dfota_event *ev);
void cli_report_log(void *user, enum dfota_log_level level, const char *text);
/* Redraws the live line (elapsed time) on a terminal; no-op otherwise. */
void cli_report_tick(struct cli_report *r);
/* Wants periodic ticks (a live terminal line). */
bool cli_report_is_live(const struct cli_report *r);
/* Passed to cli_report_done() for a bad command line (not a library result). */
#define CLI_RESULT_USAGE 1000

/* The last line: JSON "done" or a human sentence. Returns the exit status. */
int cli_report_done(struct cli_report *r, int result, int code, const char *message);

/* ---- signals (cli_signals.c) ---- */

/* SIGINT, SIGTERM, SIGHUP and SIGWINCH into a pipe that every wait of the tool polls. */
bool cli_signals_install(void);
/* The pipe's end to poll for POLLIN. */
int cli_signals_fd(void);
/* Whether an ending signal came (once one came, always). */
bool cli_signals_ended(void);
/* Whether the terminal's size changed since last asked. */
bool cli_signals_resized(void);

/* ---- ModemManager (cli_mm.c, with DFOTA_WITH_MODEMMANAGER) ---- */

struct cli_mm;
struct cli_report;

/* What ModemManager read of a modem it manages ("" where it says nothing). */
struct cli_mm_modem {
    char model[64];
    char revision[128];
};

#ifdef DFOTA_HAVE_MODEMMANAGER
#define CLI_MM_HELP                                                                                \
    "      --modemmanager MODE      auto: inhibit ModemManager while dfota uses the port,\n"       \
    "                               where it manages this modem (the default);\n"                  \
    "                               inhibit: the same, and fail (exit 3) where it cannot;\n"       \
    "                               ignore: never ask ModemManager\n"
bool cli_mm_parse_mode(const char *text, enum cli_mm_mode *mode);
/* Asks ModemManager to leave our modem alone, as opt->modemmanager says. Returns DFOTA_OK
 * (*mm NULL when nothing was inhibited) or DFOTA_ERR_PORT / DFOTA_ERR_NOMEM with why set. */
int cli_mm_hold(const struct cli_options *opt, struct cli_report *report, struct cli_mm **mm,
                char *why, size_t why_size);
/* Ends the inhibition (also ended by the bus when the process ends); mm may be NULL. */
void cli_mm_release(struct cli_mm *mm);
/* For info with --modemmanager auto: what ModemManager already knows of our modem, read
 * over D-Bus without inhibiting it, so that an inventory never drops the host's data
 * connection. DFOTA_OK with out filled, else DFOTA_ERR_PORT (not managed, no bus, no
 * answer: the module is then asked itself). */
int cli_mm_describe(const struct cli_options *opt, struct cli_mm_modem *out);
#else
#define CLI_MM_HELP ""
static inline int cli_mm_hold(const struct cli_options *opt, struct cli_report *report,
                              struct cli_mm **mm, char *why, size_t why_size)
{
    (void)opt, (void)report, (void)why, (void)why_size;
    *mm = NULL;
    return DFOTA_OK;
}
static inline void cli_mm_release(struct cli_mm *mm)
{
    (void)mm;
}
static inline int cli_mm_describe(const struct cli_options *opt, struct cli_mm_modem *out)
{
    (void)opt, (void)out;
    return DFOTA_ERR_PORT;
}
#endif

#endif
