/* Command-line parsing and the help text. */
#define _GNU_SOURCE /* getopt_long, which also lets options follow TARGET */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: dfota upgrade --port PATH [options] TARGET\n"
    "       dfota watch   --port PATH [options]\n"
    "       dfota info    --port PATH [options]\n"
    "       dfota families [--json]\n"
    "\n"
    "Upgrades a Quectel module's firmware by DFOTA over its AT port.\n"
    "\n"
    "commands:\n"
    "  upgrade   send AT+QFOTADL with TARGET and follow the module to the end.\n"
    "            TARGET: ftp://user:password@host[:port]/path, http(s)://host[:port]/path,\n"
    "            or a local path in the module's file system (under --ufs-prefix)\n"
    "  watch     follow an upgrade already under way; sends no AT+QFOTADL\n"
    "  info      print the model, firmware version and family\n"
    "  families  list the module families and what differs between them\n"
    "\n"
    "options:\n"
    "  -p, --port PATH              the module's AT port (e.g. /dev/ttyUSB2, or a\n"
    "                               /dev/serial/by-id/... link)\n"
    "      --usb VID:PID[:SERIAL]   find the port by USB identity, also after the module\n"
    "                               re-enumerates under another name (e.g. 2c7c:030b)\n"
    "  -b, --baud N                 baud rate (115200)\n"
    "      --first-urc-timeout SEC  how long to wait for the module's first URC after a\n"
    "                               reboot (90)\n"
    "      --port-timeout SEC       how long the port may stay away at a reboot (120)\n"
    "      --ufs-prefix PATH        where local packages live (the family's: /usrdata/cache/ufs/,\n"
    "                               /cache/ufs/, ...)\n"
    "      --family NAME            the module's family, instead of the one its model selects\n"
    "                               (see dfota families)\n"
    "      --expect-version TEXT    success needs the firmware after to contain TEXT\n"
    "      --fota-cid N             EC200U/EG915U: the PDP context for the download (1)\n"
    "      --fota-pid N             RM500Q/RM520N: AT+QFOTAPID profile (0: not sent)\n"
    "      --asr-mode 0|1           EC800K/EG800K: 1 reboots by itself, 0 waits (1)\n"
    "      --asr-timeout N          EC800K/EG800K: the command's timeout parameter (50)\n"
    "      --no-preflight           skip the checks before the upgrade (SIM, network, where\n"
    "                               URCs go, the local package)\n"
    "      --urcport NAME           the module's name of the port given (usbat, usbmodem,\n"
    "                               uart1; default usbat)\n"
    "      --set-urcport            route URCs to that port for the upgrade when they go\n"
    "                               elsewhere (and back after it)\n"
    "      --json                   JSON lines on stdout, one object per event\n" CLI_MM_HELP
    "  -v, --verbose                the AT dialogue on stderr (passwords redacted)\n"
    "  -q, --quiet                  print only errors\n"
    "  -h, --help                   this text\n"
    "      --version                the version of dfota\n"
    "\n";

/* Apart: one string literal of it all is longer than C compilers must take. */
static const char help_results[] =
    "exit status:\n"
    "  0    upgraded (watch: the upgrade it followed succeeded; info: answered)\n"
    "  1    the module refused the command or reported a failure\n"
    "  2    bad usage or an invalid target; nothing was sent to the module\n"
    "  3    the port could not be opened, or stayed away past --port-timeout\n"
    "  4    timeout: no first URC within the window, or progress stalled\n"
    "  130  interrupted (SIGINT or SIGTERM); the module carries on by itself and\n"
    "       'dfota watch' can follow it\n"
    "\n"
    "--json events (one object per line; the last is always \"done\"):\n"
    "  {\"event\":\"version\",\"firmware\":\"EM060KGLAAR01A07M4G_01.001.01.001\","
    "\"stage\":\"before\"}\n"
    "  {\"event\":\"model\",\"model\":\"EM060K\"}\n"
    "  {\"event\":\"family\",\"family\":\"em060k\"}\n"
    "  {\"event\":\"check\",\"check\":\"sim\",\"status\":\"ok\",\"detail\":\"ready\"}   ok, warn, fail\n"
    "  {\"event\":\"phase\",\"phase\":\"downloading\"}\n"
    "  {\"event\":\"download_start\",\"via\":\"http\"}\n"
    "  {\"event\":\"download_progress\",\"percent\":40}\n"
    "  {\"event\":\"download_end\",\"code\":0}\n"
    "  {\"event\":\"port_lost\"}\n"
    "  {\"event\":\"port_back\"}\n"
    "  {\"event\":\"update_start\",\"attempt\":1}\n"
    "  {\"event\":\"progress\",\"percent\":37}\n"
    "  {\"event\":\"update_end\",\"code\":0}\n"
    "  {\"event\":\"restore\",\"percent\":100}\n"
    "  {\"event\":\"install\",\"percent\":50}   (BG96: the new firmware put in place)\n"
    "  {\"event\":\"done\",\"ok\":true,\"result\":\"success\",\"code\":0,\"message\":\"upgraded "
    "A -> B\",\n"
    "   \"firmware_before\":\"A\",\"firmware_after\":\"B\",\"elapsed_s\":432.1}\n"
    "  results: success, rejected, download_failed, update_failed, timeout, port_error,\n"
    "  invalid_target (also for a bad command line), interrupted, not_ready (a check\n"
    "  before the upgrade failed: exit 1)\n";

void cli_print_help(void)
{
    fputs(help_text, stdout);
    fputs(help_results, stdout);
}

static bool parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || v < min || v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Seconds, fractions allowed, into milliseconds. */
static bool parse_seconds(const char *text, uint32_t *ms)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(text, &end);
    if (errno || end == text || *end || !(v > 0) || v > 4000000.0)
        return false;
    *ms = (uint32_t)llround(v * 1000.0); /* up to 4e9: past a 32-bit long */
    return *ms > 0;
}

static bool parse_command(const char *word, enum cli_command *cmd)
{
    if (strcmp(word, "upgrade") == 0)
        *cmd = CLI_UPGRADE;
    else if (strcmp(word, "watch") == 0)
        *cmd = CLI_WATCH;
    else if (strcmp(word, "info") == 0)
        *cmd = CLI_INFO;
    else if (strcmp(word, "families") == 0)
        *cmd = CLI_FAMILIES;
    else
        return false;
    return true;
}

enum {
    OPT_USB = 256,
    OPT_FIRST_URC,
    OPT_PORT_TIMEOUT,
    OPT_UFS,
    OPT_JSON,
    OPT_VERSION,
    OPT_FAMILY,
    OPT_EXPECT,
    OPT_CID,
    OPT_PID,
    OPT_ASR_MODE,
    OPT_ASR_TIMEOUT,
    OPT_NO_PREFLIGHT,
    OPT_URCPORT,
    OPT_SET_URCPORT,
    OPT_MM,
};

static const struct option long_options[] = {
    {"port", required_argument, NULL, 'p'},
    {"usb", required_argument, NULL, OPT_USB},
    {"baud", required_argument, NULL, 'b'},
    {"first-urc-timeout", required_argument, NULL, OPT_FIRST_URC},
    {"port-timeout", required_argument, NULL, OPT_PORT_TIMEOUT},
    {"ufs-prefix", required_argument, NULL, OPT_UFS},
    {"family", required_argument, NULL, OPT_FAMILY},
    {"expect-version", required_argument, NULL, OPT_EXPECT},
    {"fota-cid", required_argument, NULL, OPT_CID},
    {"fota-pid", required_argument, NULL, OPT_PID},
    {"asr-mode", required_argument, NULL, OPT_ASR_MODE},
    {"asr-timeout", required_argument, NULL, OPT_ASR_TIMEOUT},
    {"no-preflight", no_argument, NULL, OPT_NO_PREFLIGHT},
    {"urcport", required_argument, NULL, OPT_URCPORT},
    {"set-urcport", no_argument, NULL, OPT_SET_URCPORT},
    {"json", no_argument, NULL, OPT_JSON},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
#ifdef DFOTA_HAVE_MODEMMANAGER
    {"modemmanager", required_argument, NULL, OPT_MM},
#endif
    {NULL, 0, NULL, 0},
};

/* The family-specific options. */
static bool apply_family_option(int c, const char *arg, struct cli_options *opt, char *err,
                                size_t size)
{
    static const struct {
        int c;
        const char *name;
        uint32_t min, max;
    } numbers[] = {{OPT_CID, "--fota-cid", 1, 255},
                   {OPT_PID, "--fota-pid", 0, 255},
                   {OPT_ASR_MODE, "--asr-mode", 0, 1},
                   {OPT_ASR_TIMEOUT, "--asr-timeout", 1, 65535}};
    uint32_t *slots[] = {&opt->fota_cid, &opt->fota_pid, &opt->asr_mode, &opt->asr_timeout};

    if (c == OPT_FAMILY) {
        opt->family = arg;
        return true;
    }
    if (c == OPT_NO_PREFLIGHT || c == OPT_SET_URCPORT) {
        *(c == OPT_NO_PREFLIGHT ? &opt->no_preflight : &opt->set_urcport) = true;
        return true;
    }
    if (c == OPT_URCPORT) {
        opt->urcport = arg;
        return true;
    }
    if (c == OPT_EXPECT) {
        opt->expect_version = arg;
        if (arg[0])
            return true;
        snprintf(err, size, "--expect-version wants some text");
        return false;
    }
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        if (numbers[i].c != c)
            continue;
        if (parse_u32(arg, numbers[i].min, numbers[i].max, slots[i]))
            return true;
        snprintf(err, size, "%s wants a number from %u to %u", numbers[i].name,
                 (unsigned)numbers[i].min, (unsigned)numbers[i].max);
        return false;
    }
    snprintf(err, size, "unknown option (see dfota --help)");
    return false;
}

/* One option; returns false with err set when its value is bad. */
static bool apply_option(int c, const char *arg, struct cli_options *opt, char *err, size_t size)
{
    switch (c) {
    case 'p':
        opt->port = arg;
        return true;
    case OPT_USB:
        opt->usb = arg;
        return true;
    case 'b':
        if (parse_u32(arg, 50, 4000000, &opt->baud))
            return true;
        snprintf(err, size, "--baud wants a number from 50 to 4000000, not '%s'", arg);
        return false;
    case OPT_FIRST_URC:
    case OPT_PORT_TIMEOUT:
        if (parse_seconds(arg,
                          c == OPT_FIRST_URC ? &opt->first_urc_timeout_ms : &opt->port_timeout_ms))
            return true;
        snprintf(err, size, "%s wants a number of seconds above 0, not '%s'",
                 c == OPT_FIRST_URC ? "--first-urc-timeout" : "--port-timeout", arg);
        return false;
    case OPT_UFS:
        opt->ufs_prefix = arg;
        return true;
    case OPT_JSON:
        opt->json = true;
        return true;
    case 'v':
        opt->verbose = true;
        return true;
    case 'q':
        opt->quiet = true;
        return true;
#ifdef DFOTA_HAVE_MODEMMANAGER
    case OPT_MM:
        if (cli_mm_parse_mode(arg, &opt->modemmanager))
            return true;
        snprintf(err, size, "--modemmanager wants auto, inhibit or ignore, not '%s'", arg);
        return false;
#endif
    default:
        return apply_family_option(c, arg, opt, err, size);
    }
}

/* Positional words: the command, then (for upgrade) the target. */
static bool apply_words(int count, char **words, struct cli_options *opt, char *err, size_t size)
{
    if (count == 0) {
        snprintf(err, size, "no command: use upgrade, watch or info (see dfota --help)");
        return false;
    }
    if (!parse_command(words[0], &opt->command)) {
        snprintf(err, size, "unknown command '%s': use upgrade, watch, info or families",
                 words[0]);
        return false;
    }
    if (opt->command == CLI_FAMILIES) {
        if (count == 1)
            return true;
        snprintf(err, size, "families takes no TARGET");
        return false;
    }
    if (opt->command == CLI_UPGRADE && count != 2) {
        snprintf(err, size, count < 2 ? "upgrade needs a TARGET" : "upgrade takes one TARGET");
        return false;
    }
    if (opt->command != CLI_UPGRADE && count != 1) {
        snprintf(err, size, "%s takes no TARGET", words[0]);
        return false;
    }
    opt->target = opt->command == CLI_UPGRADE ? words[1] : NULL;
    if (!opt->port && !opt->usb) {
        snprintf(err, size, "no port: give --port PATH or --usb VID:PID");
        return false;
    }
    return true;
}

enum cli_parse_result cli_parse(int argc, char **argv, struct cli_options *opt, char *err,
                                size_t err_size)
{
    bool ok = true;
    int c;

    memset(opt, 0, sizeof(*opt));
    opt->baud = 115200;
    opt->first_urc_timeout_ms = 0;
    opt->port_timeout_ms = 0; /* 0: the family's, else the library's */
    opt->fota_cid = 1;
    opt->asr_mode = 1;
    opt->asr_timeout = 50;
    snprintf(err, err_size, "bad usage");
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:b:vqh", long_options, NULL)) != -1) {
        if (c == 'h')
            return CLI_PARSE_HELP;
        if (c == OPT_VERSION)
            return CLI_PARSE_VERSION;
        if (c == '?' || c == ':') {
            snprintf(err, err_size, "bad option '%s' (see dfota --help)", argv[optind - 1]);
            ok = false;
        } else if (ok || c == OPT_JSON) {
            /* --json counts even after an error, which is then reported as JSON. */
            ok = apply_option(c, optarg, opt, err, err_size) && ok;
        }
    }
    if (ok && opt->verbose && opt->quiet) {
        snprintf(err, err_size, "--verbose and --quiet contradict each other");
        ok = false;
    }
    if (ok)
        ok = apply_words(argc - optind, argv + optind, opt, err, err_size);
    return ok ? CLI_PARSE_OK : CLI_PARSE_ERROR;
}
