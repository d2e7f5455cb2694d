/* log_repeat: a warning said once, its repeats counted, the count said on a change, every
 * LOG_REPEAT_REPORT_MS, and at the end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "log_repeat.h"

static void feed(struct log_repeat *r, const char *text, uint32_t now, const char *note, bool say)
{
    struct log_repeat_out out;

    log_repeat_feed(r, text, now, &out);
    assert_string_equal(out.note, note);
    assert_int_equal(out.say_text, say);
}

static void test_repeats_counted_and_said_on_change(void **state)
{
    struct log_repeat r;

    (void)state;
    log_repeat_init(&r);
    feed(&r, "A", 0, "", true);
    feed(&r, "A", 100, "", false);
    feed(&r, "A", 1400, "", false);
    feed(&r, "B", 2000, "repeated 2 more times in 2 s: A", true);
    feed(&r, "A", 2100, "", true); /* B never repeated: no note */
    feed(&r, "A", 2200, "", false);
    feed(&r, "B", 2300, "repeated 1 more time in 0 s: A", true);
}

static void test_count_said_every_period_and_at_end(void **state)
{
    struct log_repeat r;
    struct log_repeat_out out;

    (void)state;
    log_repeat_init(&r);
    feed(&r, "noise", 0, "", true);
    feed(&r, "noise", LOG_REPEAT_REPORT_MS - 1, "", false);
    feed(&r, "noise", LOG_REPEAT_REPORT_MS, "repeated 2 more times in 30 s: noise", false);
    feed(&r, "noise", LOG_REPEAT_REPORT_MS + 10, "", false);
    log_repeat_flush(&r, LOG_REPEAT_REPORT_MS + 5000, &out);
    assert_string_equal(out.note, "repeated 1 more time in 5 s: noise");
    log_repeat_flush(&r, LOG_REPEAT_REPORT_MS + 6000, &out); /* nothing left */
    assert_string_equal(out.note, "");
    feed(&r, "noise", LOG_REPEAT_REPORT_MS + 7000, "", true); /* said again after the end */
}

static void test_long_warning_quoted_truncated(void **state)
{
    struct log_repeat r;
    struct log_repeat_out out;
    char text[400];

    (void)state;
    memset(text, 'w', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    log_repeat_init(&r);
    log_repeat_feed(&r, text, 0, &out);
    log_repeat_feed(&r, text, 1, &out);
    log_repeat_flush(&r, 2, &out);
    assert_int_equal(strncmp(out.note, "repeated 1 more time in 0 s: www", 32), 0);
    assert_true(strlen(out.note) < sizeof(out.note));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeats_counted_and_said_on_change),
        cmocka_unit_test(test_count_said_every_period_and_at_end),
        cmocka_unit_test(test_long_warning_quoted_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
