/* The leaf clock of the port stack: CLOCK_MONOTONIC in milliseconds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <time.h>

#include "os/port_clock.h"

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void reads_the_monotonic_clock_in_milliseconds(void **state)
{
    (void)state;
    uint64_t before = monotonic_ms();
    uint64_t now = port_clock_now_ms();
    uint64_t after = monotonic_ms();
    assert_true(now > 0);
    assert_true(before <= now && now <= after);
}

static void advances_by_the_time_slept_and_never_back(void **state)
{
    (void)state;
    uint64_t a = port_clock_now_ms();
    assert_int_equal(poll(NULL, 0, 25), 0);
    uint64_t b = port_clock_now_ms();
    assert_true(b - a >= 25);
    assert_true(b - a < 5000);
    for (int i = 0; i < 1000; i++) {
        uint64_t c = port_clock_now_ms();
        assert_true(c >= b);
        b = c;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_monotonic_clock_in_milliseconds),
        cmocka_unit_test(advances_by_the_time_slept_and_never_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
