/* dfota: upgrade a Quectel module's firmware by DFOTA from the command line.
 * Runs the session in its own poll() loop (dfota_fd / dfota_timeout_ms / dfota_process)
 * so that SIGINT, SIGTERM and SIGHUP end it at once through a self-pipe (cli_signals.c).
 * SIGPIPE is ignored: a reader that goes away (| head) must not stop an upgrade half-way. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define LIVE_REFRESH_MS 1000
#define CLI_NOTHING_SENT "interrupted before anything was sent to the module"

/* A caller may start the tool with 0, 1 or 2 closed (`<&- >&- 2>&-`). The next
 * descriptors opened (the signal pipe, the port) would take those numbers, and a write to
 * stdout would then land in the signal pipe and read as a signal. Holds each closed one
 * open on /dev/null, before anything else is opened. */
static bool hold_standard_fds(void)
{
    int fd;

    do {
        fd = open("/dev/null", O_RDWR);
        if (fd < 0)
            return false;
    } while (fd <= STDERR_FILENO);
    close(fd);
    return true;
}

/* With SIGPIPE ignored a write to a closed pipe fails with EPIPE instead of killing the
 * tool; cli_report says so on stderr and the session carries on. */
static bool ignore_sigpipe(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGPIPE, &sa, NULL) == 0;
}

static int run_loop(struct dfota *s, struct cli_report *report)
{
    int rc;

    while ((rc = dfota_process(s)) == DFOTA_IN_PROGRESS) {
        struct pollfd fds[2] = {{cli_signals_fd(), POLLIN, 0}, {dfota_fd(s), POLLIN, 0}};
        uint32_t timeout = dfota_timeout_ms(s);

        if (cli_report_is_live(report) && timeout > LIVE_REFRESH_MS)
            timeout = LIVE_REFRESH_MS;
        if (timeout > INT_MAX)
            timeout = INT_MAX;
        if (poll(fds, fds[1].fd >= 0 ? 2 : 1, (int)timeout) > 0 && fds[0].revents &&
            cli_signals_ended())
            dfota_cancel(s);
        cli_report_tick(report); /* also at a new width (SIGWINCH) */
    }
    return rc;
}

static void configure(struct dfota_config *cfg, const struct cli_options *opt,
                      struct cli_report *report)
{
    dfota_config_init(cfg);
    cfg->port = opt->port;
    cfg->usb = opt->usb;
    cfg->baud = opt->baud;
    cfg->first_urc_timeout_ms = opt->first_urc_timeout_ms;
    cfg->port_timeout_ms = opt->port_timeout_ms;
    if (opt->command_timeout_ms)
        cfg->command_timeout_ms = opt->command_timeout_ms;
    if (opt->stall_timeout_ms)
        cfg->stall_timeout_ms = opt->stall_timeout_ms;
    if (opt->ufs_prefix)
        cfg->ufs_prefix = opt->ufs_prefix;
    cfg->family = opt->family;
    cfg->expect_version = opt->expect_version;
    cfg->fota_cid = opt->fota_cid;
    cfg->fota_pid = opt->fota_pid;
    cfg->asr_mode = opt->asr_mode;
    cfg->asr_timeout = opt->asr_timeout;
    cfg->no_preflight = opt->no_preflight;
    cfg->urcport = opt->urcport;
    cfg->set_urcport = opt->set_urcport;
    cfg->upload_timeout_s = opt->upload_timeout_s;
    cfg->upload_no_ack = opt->upload_no_ack;
    cfg->on_event = cli_report_event;
    cfg->on_log = cli_report_log;
    cfg->log_level =
        opt->verbose ? DFOTA_LOG_DEBUG : (opt->quiet ? DFOTA_LOG_ERROR : DFOTA_LOG_WARN);
    cfg->user = report;
}

static int begin(struct dfota *s, const struct cli_options *opt)
{
    struct dfota_package pkg = {opt->upload, NULL, NULL, 0, opt->upload_as};

    switch (opt->command) {
    case CLI_UPGRADE:
        return opt->upload ? dfota_start_upload(s, &pkg) : dfota_start(s, opt->target);
    case CLI_UPLOAD:
        return dfota_upload(s, &pkg);
    case CLI_WATCH:
        return dfota_watch(s);
    case CLI_INFO:
        return dfota_info(s);
    case CLI_FAMILIES:
        break;
    }
    return DFOTA_ERR_INVALID;
}

static int run_session(const struct cli_options *opt, struct cli_report *report)
{
    struct dfota_config cfg;
    struct dfota *s;
    char why[CLI_TEXT_MAX];
    char open_why[CLI_TEXT_MAX];
    int rc;

    configure(&cfg, opt, report);
    rc = dfota_open_msg(&s, &cfg, open_why, sizeof(open_why));
    if (rc != DFOTA_OK) {
        cli_text_open_failure(opt, rc, open_why, why, sizeof(why));
        return cli_report_done(report, rc == DFOTA_ERR_INVALID ? CLI_RESULT_USAGE : rc, -1, why);
    }
    if (cli_signals_ended()) { /* while the port opened: not a byte goes to the module */
        dfota_close(s);
        return cli_report_done(report, DFOTA_ERR_CANCELLED, -1, CLI_NOTHING_SENT);
    }
    rc = begin(s, opt);
    if (rc == DFOTA_OK)
        rc = run_loop(s, report);
    rc = cli_report_done(report, rc, dfota_module_code(s), dfota_error_text(s));
    dfota_close(s);
    return rc;
}

/* info where ModemManager manages the modem: what it read of the module, told as the
 * session's events would tell it; the module is not asked, the modem not inhibited. */
static bool info_from_modemmanager(const struct cli_options *opt, struct cli_report *report,
                                   int *status)
{
    struct cli_mm_modem m;
    struct dfota_event ev;
    char done[CLI_TEXT_MAX];

    if (opt->command != CLI_INFO || cli_mm_describe(opt, &m) != DFOTA_OK)
        return false;
    memset(&ev, 0, sizeof(ev));
    ev.phase = DFOTA_PHASE_PREPARING;
    ev.percent = ev.code = -1;
    ev.check = "";
    const struct {
        enum dfota_event_type type;
        const char *text;
    } said[] = {{DFOTA_EVENT_MODEL, m.model},
                {DFOTA_EVENT_VERSION, m.revision},
                {DFOTA_EVENT_FAMILY, dfota_family_for_model(m.model, m.revision)}};
    for (size_t i = 0; i < sizeof(said) / sizeof(said[0]); i++) {
        ev.type = said[i].type;
        ev.text = said[i].text;
        if (ev.text[0])
            cli_report_event(report, &ev);
    }
    snprintf(done, sizeof(done),
             "%s %s, as ModemManager knows it (the module was not asked: --modemmanager "
             "inhibit asks it)",
             m.model[0] ? m.model : "unknown model",
             m.revision[0] ? m.revision : "unknown version");
    *status = cli_report_done(report, DFOTA_OK, -1, done);
    return true;
}

/* ModemManager leaves the modem alone from before the first AT command to the end. */
static int run(const struct cli_options *opt, struct cli_report *report)
{
    struct cli_mm *mm;
    char why[512];
    int rc;

    /* The target first: a refused one touches neither ModemManager nor the port. */
    if (cli_text_target_refusal(opt, why, sizeof(why)))
        return cli_report_done(report, DFOTA_ERR_INVALID, -1, why);
    if (info_from_modemmanager(opt, report, &rc))
        return rc;
    rc = cli_mm_hold(opt, report, &mm, why, sizeof(why));
    if (cli_signals_ended()) { /* during the D-Bus calls, which a signal cuts short */
        cli_mm_release(mm);
        return cli_report_done(report, DFOTA_ERR_CANCELLED, -1, CLI_NOTHING_SENT);
    }
    if (rc != DFOTA_OK)
        return cli_report_done(report, rc, -1, why);
    rc = run_session(opt, report);
    cli_mm_release(mm);
    return rc;
}

int main(int argc, char **argv)
{
    struct cli_options opt;
    struct cli_report *report;
    char err[CLI_TEXT_MAX];
    int status;

    if (!hold_standard_fds() || !ignore_sigpipe())
        return CLI_EXIT_PORT; /* nowhere to say it: stderr may be what is missing */
    switch (cli_parse(argc, argv, &opt, err, sizeof(err))) {
    case CLI_PARSE_HELP:
        cli_print_help();
        return CLI_EXIT_OK;
    case CLI_PARSE_VERSION:
        printf("dfota %s\n", DFOTA_VERSION_STRING);
        return CLI_EXIT_OK;
    case CLI_PARSE_ERROR:
        fprintf(stderr, "dfota: %s\n", err);
        if (opt.json && (report = cli_report_new(&opt)) != NULL) {
            cli_report_done(report, CLI_RESULT_USAGE, -1, err);
            cli_report_free(report);
        }
        return CLI_EXIT_USAGE;
    case CLI_PARSE_OK:
        break;
    }
    if (opt.command == CLI_FAMILIES)
        return cli_print_families(opt.json);
    report = cli_report_new(&opt);
    if (!report || !cli_signals_install()) {
        fprintf(stderr, "dfota: cannot set up: %s\n", strerror(errno));
        return CLI_EXIT_PORT;
    }
    status = run(&opt, report);
    cli_report_free(report);
    return status;
}
