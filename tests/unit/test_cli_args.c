/* The dfota tool's command line: timeouts in seconds become milliseconds, up to the
 * largest the tool accepts, on 32-bit hosts (32-bit long) as on 64-bit ones. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fractions_become_milliseconds),
        cmocka_unit_test(the_largest_windows_survive_a_32_bit_long),
        cmocka_unit_test(windows_past_the_limit_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
