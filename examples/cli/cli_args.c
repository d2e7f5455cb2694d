/* Command-line parsing and the help text. */
#define _GNU_SOURCE /* getopt_long, which also lets options follow TARGET */
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help_text[] =
    "usage: dfota upgrade --port PATH [options] TARGET\n"
    "       dfota watch   --port PATH [options]\n"
    "       dfota info    --port PATH [options]\n"
    "       dfota upgrade --port PATH [options] --upload FILE\n"
    "       dfota upload  --port PATH [options] FILE [--as NAME]\n"
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
    "  upload    upload FILE into the module's file system (AT+QFUPL, checksum verified)\n"
    "            and print its path there (-q: the path alone), for a later\n"
    "            'dfota upgrade ... PATH'\n"
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
    "      --command-timeout SEC    how long each AT command may wait for its answer (5)\n"
    "      --stall-timeout SEC      how long the update may go without any URC (600)\n"
    "      --ufs-prefix PATH        where local packages live (the family's: /usrdata/cache/ufs/,\n"
    "                               /cache/ufs/, ...)\n"
    "      --family NAME            the module's family, instead of the one its model selects\n"
    "                               (see dfota families)\n"
    "      --target-file FILE       read TARGET from FILE ('-': standard input), one line,\n"
    "                               so that a password stays out of the process list\n"
    "      --expect-version TEXT    success needs the firmware after to contain TEXT\n"
    "      --fota-cid N             EC200U/EG915U: the PDP context for the download (1)\n"
    "      --fota-pid N             RM500Q/RM520N: AT+QFOTAPID profile (0: not sent)\n"
    "      --asr-mode 0|1           EC800K/EG800K: 1 reboots by itself, 0 waits (1)\n"
    "      --asr-timeout N          EC800K/EG800K: the command's timeout parameter (50)\n"
    "      --upload FILE            upgrade from FILE on the host: upload it into the module,\n"
    "                               then upgrade from there (no TARGET)\n"
    "      --as NAME                the package's file name on the module (FILE's own)\n"
    "      --upload-timeout SEC     how long the module waits for more upload data before it\n"
    "                               gives the transfer up (10)\n"
    "      --upload-no-ack          upload without the module's acknowledgements (USB)\n"
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
    "  130  interrupted (SIGINT, SIGTERM or SIGHUP); the module carries on by itself and\n"
    "       'dfota watch' can follow it\n"
    "\n"
    "Numbers are decimal; SEC may have a fraction (1.5).\n"
    "\n"
    "--json events (one object per line; the last is always \"done\"):\n"
    "  {\"event\":\"version\",\"firmware\":\"EM060KGLAAR01A07M4G_01.001.01.001\","
    "\"stage\":\"before\"}\n"
    "  {\"event\":\"model\",\"model\":\"EM060K\"}\n"
    "  {\"event\":\"family\",\"family\":\"em060k\"}\n"
    "  {\"event\":\"check\",\"check\":\"sim\",\"status\":\"ok\",\"detail\":\"ready\"}   ok, warn, "
    "fail\n"
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
    "  upload's done has \"path\", the package's path on the module\n"
    "  results: success, rejected, download_failed, update_failed, timeout, port_error,\n"
    "  invalid_target (also for a bad command line), interrupted, not_ready (a check\n"
    "  before the upgrade failed: exit 1)\n";

void cli_print_help(void)
{
    fputs(help_text, stdout);
    fputs(help_results, stdout);
}

/* Numbers are decimal digits only: strtoul() and strtod() would also take blanks, signs,
 * "0x10" (16), "1e3", "inf" and "nan", none of which a person means by a count of
 * seconds. Reads digits into *value (saturating above limit); returns the first byte
 * that is not a digit. */
static const char *cli_read_digits(const char *text, uint64_t limit, uint64_t *value)
{
    *value = 0;
    for (; *text >= '0' && *text <= '9'; text++) {
        if (*value <= limit)
            *value = *value * 10U + (uint64_t)(*text - '0');
    }
    return text;
}

static bool parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v;
    const char *end = cli_read_digits(text, max, &v);

    if (end == text || *end != '\0' || v < min || v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

#define CLI_SECONDS_MAX 4000000U /* 46 days: more than any upgrade, and fits in ms */

/* Seconds as decimal digits with an optional fraction ("90", "1.5", ".25"), into
 * milliseconds (the fraction's first three digits). At least 1 ms. */
static bool parse_seconds(const char *text, uint32_t *ms)
{
    uint64_t whole = 0, frac = 0;
    const char *p = cli_read_digits(text, CLI_SECONDS_MAX, &whole);
    bool digits = p != text;

    if (*p == '.') {
        const char *frac_begin = p + 1;
        const char *frac_end = cli_read_digits(frac_begin, UINT64_MAX / 10U, &frac);
        size_t n = (size_t)(frac_end - frac_begin);
        digits = digits || n > 0;
        for (; n > 3; n--) /* keep milliseconds */
            frac /= 10U;
        for (; n < 3; n++)
            frac *= 10U;
        p = frac_end;
    }
    if (!digits || *p != '\0' || whole > CLI_SECONDS_MAX)
        return false;
    whole = whole * 1000U + frac;
    if (whole == 0 || whole > (uint64_t)CLI_SECONDS_MAX * 1000U)
        return false;
    *ms = (uint32_t)whole;
    return true;
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
    else if (strcmp(word, "upload") == 0)
        *cmd = CLI_UPLOAD;
    else
        return false;
    return true;
}

enum {
    OPT_USB = 256,
    OPT_FIRST_URC,
    OPT_PORT_TIMEOUT,
    OPT_COMMAND_TIMEOUT,
    OPT_STALL_TIMEOUT,
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
    OPT_UPLOAD,
    OPT_AS,
    OPT_UPLOAD_TIMEOUT,
    OPT_UPLOAD_NO_ACK,
    OPT_TARGET_FILE,
};

static const struct option long_options[] = {
    {"port", required_argument, NULL, 'p'},
    {"usb", required_argument, NULL, OPT_USB},
    {"baud", required_argument, NULL, 'b'},
    {"first-urc-timeout", required_argument, NULL, OPT_FIRST_URC},
    {"port-timeout", required_argument, NULL, OPT_PORT_TIMEOUT},
    {"command-timeout", required_argument, NULL, OPT_COMMAND_TIMEOUT},
    {"stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT},
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
    {"upload", required_argument, NULL, OPT_UPLOAD},
    {"as", required_argument, NULL, OPT_AS},
    {"upload-timeout", required_argument, NULL, OPT_UPLOAD_TIMEOUT},
    {"upload-no-ack", no_argument, NULL, OPT_UPLOAD_NO_ACK},
    {"target-file", required_argument, NULL, OPT_TARGET_FILE},
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
                   {OPT_ASR_TIMEOUT, "--asr-timeout", 1, 65535},
                   {OPT_UPLOAD_TIMEOUT, "--upload-timeout", 1, 3600}};
    uint32_t *slots[] = {&opt->fota_cid, &opt->fota_pid, &opt->asr_mode, &opt->asr_timeout,
                         &opt->upload_timeout_s};

    if (c == OPT_FAMILY) {
        opt->family = arg;
        return true;
    }
    if (c == OPT_NO_PREFLIGHT || c == OPT_SET_URCPORT) {
        *(c == OPT_NO_PREFLIGHT ? &opt->no_preflight : &opt->set_urcport) = true;
        return true;
    }
    if (c == OPT_URCPORT || c == OPT_UPLOAD || c == OPT_AS || c == OPT_TARGET_FILE) {
        *(c == OPT_URCPORT  ? &opt->urcport
          : c == OPT_UPLOAD ? &opt->upload
          : c == OPT_AS     ? &opt->upload_as
                            : &opt->target_file) = arg;
        return true;
    }
    if (c == OPT_UPLOAD_NO_ACK) {
        opt->upload_no_ack = true;
        return true;
    }
    if (c == OPT_EXPECT) {
        opt->expect_version = arg;
        if (arg[0])
            return true;
        cli_text_format(err, size, "--expect-version wants some text");
        return false;
    }
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        if (numbers[i].c != c)
            continue;
        if (parse_u32(arg, numbers[i].min, numbers[i].max, slots[i]))
            return true;
        cli_text_format(err, size, "%s wants a decimal number from %u to %u, not '%s'",
                        numbers[i].name, (unsigned)numbers[i].min, (unsigned)numbers[i].max, arg);
        return false;
    }
    cli_text_format(err, size, "unknown option (see dfota --help)");
    return false;
}

/* The options that take seconds: where each goes. */
static uint32_t *cli_seconds_field(int c, struct cli_options *opt)
{
    switch (c) {
    case OPT_FIRST_URC:
        return &opt->first_urc_timeout_ms;
    case OPT_PORT_TIMEOUT:
        return &opt->port_timeout_ms;
    case OPT_COMMAND_TIMEOUT:
        return &opt->command_timeout_ms;
    default:
        return &opt->stall_timeout_ms;
    }
}

static bool cli_apply_seconds(int c, const char *name, const char *arg, struct cli_options *opt,
                              char *err, size_t size)
{
    if (parse_seconds(arg, cli_seconds_field(c, opt)))
        return true;
    cli_text_format(err, size,
                    "--%s wants a decimal number of seconds above 0 (e.g. 90 or 1.5), not '%s'",
                    name, arg);
    return false;
}

/* The long name of an option, for messages. */
static const char *cli_option_name(int c)
{
    for (size_t i = 0; long_options[i].name != NULL; i++) {
        if (long_options[i].val == c)
            return long_options[i].name;
    }
    return "?";
}

/* One option; returns false with err set when its value is bad. */
static bool apply_option(int c, const char *name, const char *arg, struct cli_options *opt,
                         char *err, size_t size)
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
        cli_text_format(err, size, "--baud wants a decimal number from 50 to 4000000, not '%s'",
                        arg);
        return false;
    case OPT_FIRST_URC:
    case OPT_PORT_TIMEOUT:
    case OPT_COMMAND_TIMEOUT:
    case OPT_STALL_TIMEOUT:
        return cli_apply_seconds(c, name, arg, opt, err, size);
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
        cli_text_format(err, size, "--modemmanager wants auto, inhibit or ignore, not '%s'", arg);
        return false;
#endif
    default:
        return apply_family_option(c, arg, opt, err, size);
    }
}

/* --target-file: upgrade's TARGET, read from a file instead of the command line. */
static bool apply_target_file(int count, struct cli_options *opt, char *err, size_t size)
{
    if (opt->command != CLI_UPGRADE) {
        cli_text_format(err, size, "--target-file goes with upgrade");
        return false;
    }
    if (count != 1 || opt->upload) {
        cli_text_format(err, size, "give TARGET, --target-file or --upload: one of them");
        return false;
    }
    if (!cli_target_read(opt->target_file, opt->target_text, sizeof(opt->target_text), err, size))
        return false;
    opt->target = opt->target_text;
    return true;
}

/* What follows the command: upgrade's TARGET (or --upload FILE instead), upload's FILE. */
static bool apply_operand(int count, char **words, struct cli_options *opt, char *err, size_t size)
{
    bool upgrade = opt->command == CLI_UPGRADE, upload = opt->command == CLI_UPLOAD;
    int want = (upgrade && !opt->upload) || (upload && !opt->upload) ? 2 : 1;

    if (opt->target_file)
        return apply_target_file(count, opt, err, size);
    if (opt->upload && !upgrade) {
        cli_text_format(err, size, "--upload goes with upgrade (upload takes FILE itself)");
        return false;
    }
    if (opt->upload_as && !opt->upload && !upload) {
        cli_text_format(err, size, "--as names an uploaded package: give --upload FILE");
        return false;
    }
    if (count != want) {
        cli_text_format(err, size, "%s %s", words[0],
                        want == 1 ? "takes no TARGET here"
                        : upload  ? "needs one FILE"
                                  : "needs one TARGET (or --upload FILE)");
        return false;
    }
    opt->target = upgrade && want == 2 ? words[1] : NULL;
    if (upload)
        opt->upload = words[1];
    return true;
}

/* Positional words: the command, then (for upgrade) the target. */
static bool apply_words(int count, char **words, struct cli_options *opt, char *err, size_t size)
{
    if (count == 0) {
        cli_text_format(err, size, "no command: use upgrade, watch or info (see dfota --help)");
        return false;
    }
    if (!parse_command(words[0], &opt->command)) {
        cli_text_format(err, size, "unknown command '%s': use upgrade, watch, info or families",
                        words[0]);
        return false;
    }
    if (opt->command == CLI_FAMILIES) {
        if (count == 1)
            return true;
        cli_text_format(err, size, "families takes no TARGET");
        return false;
    }
    if (!apply_operand(count, words, opt, err, size))
        return false;
    if (!opt->port && !opt->usb) {
        cli_text_format(err, size, "no port: give --port PATH or --usb VID:PID");
        return false;
    }
    return true;
}

/* The option getopt refused (c: '?' unknown, ':' its value missing), named as it was
 * written: word is the argument it stood in, which in a cluster (-zq) holds others. */
static void cli_bad_option(int c, const char *word, char *err, size_t size)
{
    const char *why = c == ':' ? "needs a value" : "is not an option of dfota";
    /* "--name=value" is named without its value, where the name looks like one: a word
     * that does not (a target typed there) is quoted whole, for redaction to see whole. */
    int name_len = (int)strcspn(word, "=");
    bool long_word = strncmp(word, "--", 2) == 0;

    if (word[name_len] && (int)strspn(word, "-abcdefghijklmnopqrstuvwxyz0123456789") != name_len)
        name_len = (int)strlen(word);
    /* optopt: 0 for an unknown long option, else the option's value; a short option's
     * cluster leaves word at the argument before it. */
    if (long_word && optopt != 0) {
        const char *name = NULL;
        for (size_t i = 0; long_options[i].name != NULL && !name; i++) {
            if (long_options[i].val == optopt)
                name = long_options[i].name;
        }
        long_word =
            name && (int)strlen(name) == name_len - 2 && strncmp(name, word + 2, strlen(name)) == 0;
    }
    if (long_word)
        cli_text_format(err, size, "'%.*s' %s (see dfota --help)", name_len, word, why);
    else if (optopt > ' ' && optopt < 0x7f)
        cli_text_format(err, size, "'-%c' %s (see dfota --help)", optopt, why);
    else /* a byte that would print as garbage, or move the terminal's cursor */
        cli_text_format(err, size, "'-\\x%02x' %s (see dfota --help)", (unsigned)optopt & 0xffu,
                        why);
}

enum cli_parse_result cli_parse(int argc, char **argv, struct cli_options *opt, char *err,
                                size_t err_size)
{
    bool ok = true;
    int c;

    memset(opt, 0, sizeof(*opt));
    opt->baud = 115200;
    /* Timeouts 0: the family's, else the library's defaults. */
    opt->fota_cid = 1;
    opt->asr_mode = 1;
    opt->asr_timeout = 50;
    cli_text_format(err, err_size, "bad usage");
    opterr = 0;
    optind = 0; /* a full reset (glibc, musl): cli_parse() may run more than once */
    while ((c = getopt_long(argc, argv, ":p:b:vqh", long_options, NULL)) != -1) {
        if (c == 'h')
            return CLI_PARSE_HELP;
        if (c == OPT_VERSION)
            return CLI_PARSE_VERSION;
        if (c == '?' || c == ':') {
            if (ok) /* the first one: later bytes of the same word say less */
                cli_bad_option(c, argv[optind - 1], err, err_size);
            ok = false;
        } else if (ok || c == OPT_JSON) {
            /* --json counts even after an error, which is then reported as JSON. */
            ok = apply_option(c, cli_option_name(c), optarg, opt, err, err_size) && ok;
        }
    }
    if (ok && opt->verbose && opt->quiet) {
        cli_text_format(err, err_size, "--verbose and --quiet contradict each other");
        ok = false;
    }
    if (ok)
        ok = apply_words(argc - optind, argv + optind, opt, err, err_size);
    return ok ? CLI_PARSE_OK : CLI_PARSE_ERROR;
}
