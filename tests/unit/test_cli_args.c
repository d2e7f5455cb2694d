/* The dfota tool's command line: timeouts in seconds become milliseconds, up to the
 * largest the tool accepts, on 32-bit hosts (32-bit long) as on 64-bit ones; the target
 * read from a file; a refused option named as it was written. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static enum cli_parse_result parse_first_urc(const char *seconds, struct cli_options *opt)
{
    char *argv[] = {"dfota",
                    "upgrade",
                    "--port",
                    "/dev/ttyUSB2",
                    "--first-urc-timeout",
                    (char *)seconds,
                    "http://10.0.0.1/update.zip",
                    NULL};
    char err[128];

    return cli_parse((int)COUNT(argv) - 1, argv, opt, err, sizeof(err));
}

static void fractions_become_milliseconds(void **state)
{
    struct cli_options opt;

    (void)state;
    assert_int_equal(parse_first_urc("0.25", &opt), CLI_PARSE_OK);
    assert_int_equal(opt.first_urc_timeout_ms, 250);
}

/* 3,000,000 s is 3e9 ms: above LONG_MAX where long has 32 bits, below UINT32_MAX. */
static void the_largest_windows_survive_a_32_bit_long(void **state)
{
    struct cli_options opt;

    (void)state;
    assert_int_equal(parse_first_urc("3000000", &opt), CLI_PARSE_OK);
    assert_true(opt.first_urc_timeout_ms == 3000000000u);
    assert_int_equal(parse_first_urc("4000000", &opt), CLI_PARSE_OK);
    assert_true(opt.first_urc_timeout_ms == 4000000000u);
}

static void windows_past_the_limit_are_refused(void **state)
{
    struct cli_options opt;

    (void)state;
    assert_int_equal(parse_first_urc("4000000.5", &opt), CLI_PARSE_ERROR);
    assert_int_equal(parse_first_urc("0", &opt), CLI_PARSE_ERROR);
}

/* Parses "dfota WORDS..." (at most 8 words); err gets the reason. */
static enum cli_parse_result parse_words(struct cli_options *opt, char *err, size_t err_size,
                                         const char *w0, const char *w1, const char *w2,
                                         const char *w3, const char *w4, const char *w5)
{
    char *argv[8] = {"dfota"};
    const char *words[] = {w0, w1, w2, w3, w4, w5};
    int argc = 1;

    for (size_t i = 0; i < COUNT(words) && words[i]; i++)
        argv[argc++] = (char *)words[i];
    argv[argc] = NULL;
    return cli_parse(argc, argv, opt, err, err_size);
}

/* A file of the test's own with this content; its path in path. */
static void write_file(char *path, size_t size, const char *content, size_t len)
{
    FILE *f;

    snprintf(path, size, "/tmp/dfota-test-target-%ld", (long)getpid());
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, len, f), len);
    fclose(f);
}

static enum cli_parse_result parse_target_file(const char *content, size_t len,
                                               struct cli_options *opt, char *err, size_t size)
{
    char path[64];
    enum cli_parse_result rc;

    write_file(path, sizeof(path), content, len);
    rc = parse_words(opt, err, size, "upgrade", "--port", "/dev/ttyUSB2", "--target-file", path,
                     NULL);
    unlink(path);
    return rc;
}

#define SECRET_URL "ftp://user:s3cr3t@10.0.0.1/up.zip"

static void the_target_comes_from_a_file(void **state)
{
    struct cli_options opt;
    char err[256];

    (void)state;
    assert_int_equal(
        parse_target_file(SECRET_URL "\n", strlen(SECRET_URL) + 1, &opt, err, sizeof(err)),
        CLI_PARSE_OK);
    assert_string_equal(opt.target, SECRET_URL);
    assert_int_equal(
        parse_target_file(SECRET_URL "\r\n", strlen(SECRET_URL) + 2, &opt, err, sizeof(err)),
        CLI_PARSE_OK);
    assert_string_equal(opt.target, SECRET_URL);
    assert_int_equal(parse_target_file(SECRET_URL, strlen(SECRET_URL), &opt, err, sizeof(err)),
                     CLI_PARSE_OK);
    assert_string_equal(opt.target, SECRET_URL);
}

/* Each broken rule named; the file's content (a password) never in the reason. */
static void a_target_file_breaks_a_rule(void **state)
{
    static const struct {
        const char *content;
        size_t len;
        const char *reason;
    } cases[] = {
        {"", 0, "is empty: write the target on one line"},
        {"\n", 1, "is empty: write the target on one line"},
        {SECRET_URL "\n" SECRET_URL "\n", 2 * (sizeof(SECRET_URL) - 1) + 2,
         "holds more than one line: one target only"},
        {SECRET_URL "\n\n", sizeof(SECRET_URL) + 1, "holds more than one line: one target only"},
        {"ftp://user:s3cr3t\0@10.0.0.1/up.zip", sizeof(SECRET_URL), "holds a NUL byte"},
    };
    struct cli_options opt;
    char err[256];

    (void)state;
    for (size_t i = 0; i < COUNT(cases); i++) {
        assert_int_equal(parse_target_file(cases[i].content, cases[i].len, &opt, err, sizeof(err)),
                         CLI_PARSE_ERROR);
        assert_non_null(strstr(err, cases[i].reason));
        assert_null(strstr(err, "s3cr3t"));
    }
}

static void a_target_file_too_long_or_missing(void **state)
{
    static char big[CLI_TARGET_FILE_MAX + 2];
    struct cli_options opt;
    char err[256];

    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    assert_int_equal(parse_target_file(big, sizeof(big) - 1, &opt, err, sizeof(err)),
                     CLI_PARSE_ERROR);
    assert_non_null(strstr(err, "more than a target's worth of bytes"));
    assert_int_equal(parse_words(&opt, err, sizeof(err), "upgrade", "--port", "/dev/ttyUSB2",
                                 "--target-file", "/nonexistent/target", NULL),
                     CLI_PARSE_ERROR);
    assert_string_equal(err, "--target-file /nonexistent/target: cannot read it: No such file "
                             "or directory");
}

/* TARGET, --target-file and --upload: one of them, and only with upgrade. */
static void a_target_file_goes_alone_with_upgrade(void **state)
{
    struct cli_options opt;
    char err[256];

    (void)state;
    assert_int_equal(parse_words(&opt, err, sizeof(err), "upgrade", "--port", "/dev/ttyUSB2",
                                 "--target-file", "-", "http://10.0.0.1/up.zip"),
                     CLI_PARSE_ERROR);
    assert_string_equal(err, "give TARGET, --target-file or --upload: one of them");
    assert_int_equal(parse_words(&opt, err, sizeof(err), "upgrade", "--port", "/dev/ttyUSB2",
                                 "--target-file", "-", "--upload=/tmp/x"),
                     CLI_PARSE_ERROR);
    assert_string_equal(err, "give TARGET, --target-file or --upload: one of them");
    assert_int_equal(parse_words(&opt, err, sizeof(err), "watch", "--port", "/dev/ttyUSB2",
                                 "--target-file", "-", NULL),
                     CLI_PARSE_ERROR);
    assert_string_equal(err, "--target-file goes with upgrade");
}

/* The option refused is named as written: in a cluster too, and not the word before. */
static void a_bad_option_is_named(void **state)
{
    struct cli_options opt;
    char err[256];

    (void)state;
    assert_int_equal(parse_words(&opt, err, sizeof(err), "info", "-zq", NULL, NULL, NULL, NULL),
                     CLI_PARSE_ERROR);
    assert_string_equal(err, "'-z' is not an option of dfota (see dfota --help)");
    assert_int_equal(parse_words(&opt, err, sizeof(err), "--json", "-qz", "info", NULL, NULL, NULL),
                     CLI_PARSE_ERROR);
    assert_string_equal(err, "'-z' is not an option of dfota (see dfota --help)");
    assert_int_equal(
        parse_words(&opt, err, sizeof(err), "info", "--bogus=1", NULL, NULL, NULL, NULL),
        CLI_PARSE_ERROR);
    assert_string_equal(err, "'--bogus' is not an option of dfota (see dfota --help)");
    assert_int_equal(parse_words(&opt, err, sizeof(err), "info", "--port", NULL, NULL, NULL, NULL),
                     CLI_PARSE_ERROR);
    assert_string_equal(err, "'--port' needs a value (see dfota --help)");
    assert_int_equal(parse_words(&opt, err, sizeof(err), "info", "-p", NULL, NULL, NULL, NULL),
                     CLI_PARSE_ERROR);
    assert_string_equal(err, "'-p' needs a value (see dfota --help)");
    assert_int_equal(parse_words(&opt, err, sizeof(err), "info", "-\x1b", NULL, NULL, NULL, NULL),
                     CLI_PARSE_ERROR);
    assert_string_equal(err, "'-\\x1b' is not an option of dfota (see dfota --help)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fractions_become_milliseconds),
        cmocka_unit_test(the_largest_windows_survive_a_32_bit_long),
        cmocka_unit_test(windows_past_the_limit_are_refused),
        cmocka_unit_test(the_target_comes_from_a_file),
        cmocka_unit_test(a_target_file_breaks_a_rule),
        cmocka_unit_test(a_target_file_too_long_or_missing),
        cmocka_unit_test(a_target_file_goes_alone_with_upgrade),
        cmocka_unit_test(a_bad_option_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
