/* libFuzzer harness for what the dfota tool prints from its command line: the parser's
 * usage errors (examples/cli/cli_args.c), the target refusal and the open failure
 * (examples/cli/cli_text.c), and, for a target the validator accepts, the log lines that
 * quote it (src/target.c). The invariant: no password ever appears.
 *
 * Input layout: fields separated by NUL bytes
 *   field 0    byte 0: where the secret word goes among the others; the rest: its scheme
 *              part (before "://"), e.g. "ftp" or "--ufs-prefix=ftp"
 *   field 1    the user, field 2 the password, field 3 what follows the '@'
 *   fields 4.. the other words of the command line (at most CLI_FUZZ_WORDS)
 * The secret word is scheme "://" user ":" password "@" rest. Its password, as the module
 * reads it, is found here by a parser of this file's own (the authority ends at the first
 * '/', the userinfo at the authority's last '@', the password begins after its first ':').
 *
 * Each message is made twice: from the command line as it is, and with every byte of that
 * password that no rule looks at replaced by another (see fuzz_disguise()), which changes no
 * rule and no split. A message that showed any piece of the password would differ between
 * the two, so every message must come out the same: it depends on no byte of the password.
 * This is stronger than looking for the password as a substring, which the fixed words of a
 * message ("use upgrade, watch or info") can hold by chance.
 *
 * --target-file reads no file here: whatever it names holds the secret word (and, for
 * the second run, its disguised twin), so a target read from a file must stay as hidden
 * as one on the command line, and no run depends on the disk or on standard input. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "at/target.h"
#include "fuzz_redaction.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)

#define CLI_FUZZ_WORDS 12
#define CLI_FUZZ_FIELDS (4 + CLI_FUZZ_WORDS)

/* What the tool would print for one command line. */
struct printed {
    enum cli_parse_result parsed;
    char usage[CLI_TEXT_MAX];
    bool refused;
    char refusal[CLI_TEXT_MAX];
    char open_failure[CLI_TEXT_MAX];
    bool accepted;
    char log_start[CLI_TEXT_MAX];
    char log_command[CLI_TEXT_MAX];
};

/* The library's own line when a port cannot be opened quotes the port's path. */
static void print_open_failure(const struct cli_options *opt, char *out, size_t size)
{
    char why[CLI_TEXT_MAX];
    const char *port = opt->port ? opt->port : opt->usb;

    snprintf(why, sizeof(why), "cannot open %s: No such device", port ? port : "");
    cli_text_open_failure(opt, DFOTA_ERR_PORT, why, out, size);
}

/* The session's log lines that quote an accepted target. */
static void print_accepted(const char *target, struct printed *p)
{
    char raw[CLI_TEXT_MAX];

    snprintf(raw, sizeof(raw), "upgrading from %s", target);
    target_redact(raw, p->log_start, sizeof(p->log_start));
    snprintf(raw, sizeof(raw), "tx AT+QFOTADL=\"%s\"", target);
    target_redact(raw, p->log_command, sizeof(p->log_command));
}

/* What --target-file reads in this run: the secret word, or its disguised twin. */
static const char *target_file_content;

/* The harness's stand-in for examples/cli/cli_target.c: every file holds one line. */
bool cli_target_read(const char *path, char *buf, size_t size, char *err, size_t err_size)
{
    (void)path;
    if (strlen(target_file_content) >= size) {
        cli_text_format(err, err_size, "--target-file: more than a target's worth of bytes");
        return false;
    }
    memcpy(buf, target_file_content, strlen(target_file_content) + 1);
    return true;
}

static void print_all(int argc, char **argv, const char *file_content, struct printed *p)
{
    struct cli_options opt;

    target_file_content = file_content;
    memset(p, 0, sizeof(*p));
    p->parsed = cli_parse(argc, argv, &opt, p->usage, sizeof(p->usage));
    CHECK(memchr(p->usage, '\0', sizeof(p->usage)) != NULL);
    if (p->parsed != CLI_PARSE_OK)
        return;
    p->refused = cli_text_target_refusal(&opt, p->refusal, sizeof(p->refusal));
    print_open_failure(&opt, p->open_failure, sizeof(p->open_failure));
    if (opt.command == CLI_UPGRADE && opt.target && !p->refused) {
        CHECK(dfota_check_target_family(opt.family, opt.target, opt.ufs_prefix, NULL, 0) ==
              DFOTA_OK);
        p->accepted = true;
        print_accepted(opt.target, p);
    }
}

static void check_same(const struct printed *a, const struct printed *b)
{
    CHECK(a->parsed == b->parsed && a->refused == b->refused && a->accepted == b->accepted);
    CHECK(strcmp(a->usage, b->usage) == 0);
    CHECK(strcmp(a->refusal, b->refusal) == 0);
    CHECK(strcmp(a->open_failure, b->open_failure) == 0);
    CHECK(strcmp(a->log_start, b->log_start) == 0);
    CHECK(strcmp(a->log_command, b->log_command) == 0);
}

/* Splits data into NUL-terminated fields in a copy; returns how many. */
static int split_fields(const uint8_t *data, size_t size, char *copy, char **fields)
{
    int n = 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    fields[n++] = copy;
    for (size_t i = 0; i < size && n < CLI_FUZZ_FIELDS; i++) {
        if (copy[i] == '\0')
            fields[n++] = copy + i + 1;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *fields[CLI_FUZZ_FIELDS];
    char *copy = malloc(size + 1);
    CHECK(copy != NULL);
    int n = split_fields(data, size, copy, fields);
    if (n < 4 || fields[0][0] == '\0') {
        free(copy);
        return 0;
    }

    size_t word_size =
        strlen(fields[0]) + strlen(fields[1]) + strlen(fields[2]) + strlen(fields[3]) + 8;
    char *secret = malloc(word_size);
    char *hidden = malloc(word_size);
    CHECK(secret != NULL && hidden != NULL);
    snprintf(secret, word_size, "%s://%s:%s@%s", fields[0] + 1, fields[1], fields[2], fields[3]);
    memcpy(hidden, secret, strlen(secret) + 1);

    static char program[] = "dfota";
    char *argv[CLI_FUZZ_WORDS + 3];
    char *argv2[CLI_FUZZ_WORDS + 3];
    int others = n - 4;
    int at = (unsigned char)fields[0][0] % (others + 1);
    int argc = 0;
    argv[argc++] = program;
    for (int i = 0; i <= others; i++) {
        if (i == at)
            argv[argc++] = secret;
        if (i < others)
            argv[argc++] = fields[4 + i];
    }
    argv[argc] = NULL;
    for (int i = 0; i < argc; i++)
        argv2[i] = argv[i] == secret ? hidden : argv[i];
    argv2[argc] = NULL;

    size_t pw_begin, pw_len, changed = 0;
    bool has_password = fuzz_password_span(secret, &pw_begin, &pw_len);
    if (has_password)
        changed = fuzz_disguise_span(hidden, pw_begin, pw_len);

    struct printed *plain = malloc(sizeof(*plain));
    struct printed *masked = malloc(sizeof(*masked));
    CHECK(plain != NULL && masked != NULL);
    print_all(argc, argv, secret, plain);
    /* A password of ':' '@' '.' alone cannot be told from the rest; and a word that begins
     * with a single '-' is a cluster of short options, each of its letters an option, the
     * "password" among them. */
    bool options = secret[0] == '-' && secret[1] != '-';
    if (changed > 0 && !options) {
        print_all(argc, argv2, hidden, masked);
        check_same(plain, masked);
    }
    free(masked);
    free(plain);
    free(hidden);
    free(secret);
    free(copy);
    return 0;
}
