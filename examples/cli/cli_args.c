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
    "\n"
    "Upgrades a Quectel module's firmware by DFOTA over its AT port.\n"
    "\n"
    "commands:\n"
    "  upgrade   send AT+QFOTADL with TARGET and follow the module to the end.\n"
    "            TARGET: ftp://user:password@host[:port]/path, http(s)://host[:port]/path,\n"
    "            or a local path in the module's file system (under --ufs-prefix)\n"
    "  watch     follow an upgrade already under way; sends no AT+QFOTADL\n"
    "  info      print the model and firmware version\n"
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
    "      --ufs-prefix PATH        where local packages live (/usrdata/cache/ufs/)\n"
    "      --json                   JSON lines on stdout, one object per event\n"
    "  -v, --verbose                the AT dialogue on stderr (passwords redacted)\n"
    "  -q, --quiet                  print only errors\n"
    "  -h, --help                   this text\n"
    "      --version                the version of dfota\n"
    "\n"
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
    "  {\"event\":\"done\",\"ok\":true,\"result\":\"success\",\"code\":0,\"message\":\"upgraded "
    "A -> B\",\n"
    "   \"firmware_before\":\"A\",\"firmware_after\":\"B\",\"elapsed_s\":432.1}\n"
    "  results: success, rejected, download_failed, update_failed, timeout, port_error,\n"
    "  invalid_target (also for a bad command line), interrupted\n";

void cli_print_help(void)
{
    fputs(help_text, stdout);
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
    else
        return false;
    return true;
}

enum { OPT_USB = 256, OPT_FIRST_URC, OPT_PORT_TIMEOUT, OPT_UFS, OPT_JSON, OPT_VERSION };

static const struct option long_options[] = {
    {"port", required_argument, NULL, 'p'},
    {"usb", required_argument, NULL, OPT_USB},
    {"baud", required_argument, NULL, 'b'},
    {"first-urc-timeout", required_argument, NULL, OPT_FIRST_URC},
    {"port-timeout", required_argument, NULL, OPT_PORT_TIMEOUT},
    {"ufs-prefix", required_argument, NULL, OPT_UFS},
    {"json", no_argument, NULL, OPT_JSON},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

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
    default:
        snprintf(err, size, "unknown option (see dfota --help)");
        return false;
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
        snprintf(err, size, "unknown command '%s': use upgrade, watch or info", words[0]);
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
    opt->first_urc_timeout_ms = 90000;
    opt->port_timeout_ms = 120000;
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
