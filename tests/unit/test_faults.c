/* The fault matrix: in place of every move the module makes in an upgrade (each answer
 * to a command, each URC, each reboot), each fault: the port lost and back, the port
 * lost for good, silence, ERROR, garbage. Every combination must end in one defined
 * result within its deadline, without spinning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "session_rig.h"

#define URL "http://10.0.0.1/update.zip"

/* Short timeouts keep the bound tight: the longest chain of waits stays under it. */
#define BOUND_MS 200000u

static void script_upgrade(struct fake_module *fm)
{
    fake_module_urc(fm, 100, QIND("HTTPSTART"));
    fake_module_urc(fm, 2000, QINDN("HTTPEND", 0));
    fake_module_reboot(fm, 2100, 1000);
    fake_module_urc(fm, 3500, QIND("START"));
    fake_module_urc(fm, 4000, QINDN("UPDATING", 50));
    fake_module_urc(fm, 4500, QINDN("END", 502));
    fake_module_reboot(fm, 4600, 1000);
    fake_module_urc(fm, 6000, QIND("START"));
    fake_module_urc(fm, 6500, QINDN("UPDATING", 100));
    fake_module_urc(fm, 7000, QINDN("END", 0));
    fake_module_reboot(fm, 7100, 1000);
}

static bool defined_result(int rc)
{
    return rc == DFOTA_OK || rc == DFOTA_ERR_PORT || rc == DFOTA_ERR_REJECTED ||
           rc == DFOTA_ERR_DOWNLOAD || rc == DFOTA_ERR_UPDATE || rc == DFOTA_ERR_TIMEOUT;
}

/* Runs one upgrade with the fault at move `at`; returns how many moves the module made. */
static int run_with_fault(enum fake_fault fault, int at)
{
    struct session_rig *r = rig_create();
    int rc, moves, code;

    r->cfg.first_urc_timeout_ms = 5000;
    r->cfg.port_timeout_ms = 10000;
    r->cfg.stall_timeout_ms = 20000;
    r->cfg.command_timeout_ms = 1000;
    r->cfg.download_timeout_ms = 30000;
    r->fm.fault = fault;
    r->fm.fault_at = at;
    script_upgrade(&r->fm);
    rc = rig_upgrade(r, URL); /* asserts exactly one DONE event */
    if (!defined_result(rc) || r->done_at > BOUND_MS)
        fail_msg("fault %d at move %d: result %d at %llu ms\n%s", fault, at, rc,
                 (unsigned long long)r->done_at, r->log);
    /* No fault makes up a module code: only the script's own 502 and 0 can appear. */
    code = dfota_module_code(r->s);
    if (code != -1 && code != 0 && code != 502)
        fail_msg("fault %d at move %d: module code %d\n%s", fault, at, code, r->log);
    /* No spinning: a wait per event or per retry interval, not thousands. */
    assert_in_range(r->fp.wait_calls, 1, 200 + r->done_at / 50);
    moves = r->fm.moves;
    rig_destroy(r);
    return moves;
}

static void test_every_fault_at_every_move(void **state)
{
    static const enum fake_fault faults[] = {FAKE_FAULT_LOST_BACK, FAKE_FAULT_LOST_FOREVER,
                                             FAKE_FAULT_SILENCE, FAKE_FAULT_ERROR,
                                             FAKE_FAULT_GARBAGE};
    int runs = 0;

    (void)state;
    for (size_t f = 0; f < sizeof(faults) / sizeof(faults[0]); f++) {
        /* Until the fault falls after the module's last move, i.e. never happens. */
        for (int at = 0;; at++) {
            int moves = run_with_fault(faults[f], at);
            runs++;
            if (moves <= at)
                break;
        }
    }
    assert_true(runs > 5 * 20); /* the script has over twenty moves */
}

static void test_fault_free_script_succeeds(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    script_upgrade(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_OK);
    assert_non_null(strstr(r->trace, "START:2 P100 END:0"));
    rig_destroy(r);
}

static void test_silence_before_the_command_times_out(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.fault = FAKE_FAULT_SILENCE;
    r->fm.fault_at = 3; /* AT+QFOTADL goes unanswered */
    script_upgrade(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_TIMEOUT);
    assert_non_null(strstr(dfota_error_text(r->s), "AT+QFOTADL"));
    rig_destroy(r);
}

static void test_lost_for_good_while_updating_is_port_error(void **state)
{
    struct session_rig *r = rig_create();

    (void)state;
    r->fm.fault = FAKE_FAULT_LOST_FOREVER;
    r->fm.fault_at = 4 + 5; /* in place of UPDATING,50 */
    script_upgrade(&r->fm);
    assert_int_equal(rig_upgrade(r, URL), DFOTA_ERR_PORT);
    rig_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_free_script_succeeds),
        cmocka_unit_test(test_every_fault_at_every_move),
        cmocka_unit_test(test_silence_before_the_command_times_out),
        cmocka_unit_test(test_lost_for_good_while_updating_is_port_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
