/* The state machine's output queue against the most one input pushes: each input is
 * handed to the machine as the session hands it, and the outputs it left are counted
 * before they are taken, as the session takes them after each input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fsm/fsm.h"

_Static_assert(CORE_OUT_MAX >= CORE_OUT_WORST + 2, "the queue keeps a margin");

#define LONG_URL                                                                                   \
    "http://10.0.0.1/a-package-name-longer-than-the-hundred-bytes-that-an-em060k-takes-in-a-url-"  \
    "whole/update.zip"

struct drive {
    struct fsm m;
    const char *model;   /* ATI's model line */
    const char *version; /* AT+QGMR's line */
    unsigned most;       /* the most outputs one input left */
    const char *sent;    /* the last command asked for; NULL when none is pending */
    int done_result;
};

/* Takes what the last input left, as the session does. */
static void drive_take(struct drive *d)
{
    struct core_out out;
    unsigned n = 0;

    d->sent = NULL;
    while (fsm_next_output(&d->m, &out)) {
        n++;
        if (out.kind == CORE_OUT_SEND)
            d->sent = out.u.cmd.text;
        if (out.kind == CORE_OUT_DONE)
            d->done_result = out.event.result;
    }
    assert_true(n <= CORE_OUT_MAX);
    if (n > d->most)
        d->most = n;
}

/* Answers each command as a module with the drive's identity does, OK to all. */
static void drive_answer_all(struct drive *d, uint32_t now)
{
    while (d->sent && !fsm_done(&d->m)) {
        if (strcmp(d->sent, "ATI") == 0) {
            fsm_on_response(&d->m, "Quectel");
            fsm_on_response(&d->m, d->model);
            fsm_on_response(&d->m, "Revision: X9R01");
        } else if (strcmp(d->sent, "AT+QGMR") == 0) {
            fsm_on_response(&d->m, d->version);
        }
        fsm_on_result(&d->m, AT_RESULT_OK, -1, now);
        drive_take(d);
    }
}

static void drive_begin(struct drive *d, const struct fsm_settings *set, enum fsm_mode mode,
                        const char *target)
{
    fsm_init(&d->m, set);
    fsm_begin(&d->m, mode, target, false, target ? DFOTA_VIA_HTTP : DFOTA_VIA_NONE, 0);
    drive_take(d);
}

/* The worst input: AT+QGMR's answer in info mode on a model no family names. */
static void test_info_unknown_model(void **state)
{
    static struct drive d;
    struct fsm_settings set;

    (void)state;
    memset(&set, 0, sizeof(set));
    memset(&d, 0, sizeof(d));
    d.model = "Unknown-X9";
    d.version = "X9R01A01";
    drive_begin(&d, &set, FSM_MODE_INFO, NULL);
    drive_answer_all(&d, 10);
    assert_true(fsm_done(&d.m));
    assert_int_equal(d.done_result, DFOTA_OK);
    /* the unknown model's warning is a log line: a build without them pushes one less */
    assert_int_equal(d.most, CORE_OUT_WORST - (DFOTA_WITH_TEXTS ? 0 : 1));
}

/* An upgrade without checks whose target breaks the family's limit: the identity, the
 * family and the refusal come from one answer. */
static void test_upgrade_refused_after_identify(void **state)
{
    static struct drive d;
    struct fsm_settings set;

    (void)state;
    memset(&set, 0, sizeof(set));
    memset(&d, 0, sizeof(d));
    set.no_preflight = true;
    d.model = "EM060K-GL";
    d.version = "EM060KGLAAR01A07M4G_01.001.01.001";
    drive_begin(&d, &set, FSM_MODE_UPGRADE, LONG_URL);
    drive_answer_all(&d, 10);
    assert_true(fsm_done(&d.m));
    assert_int_equal(d.done_result, DFOTA_ERR_INVALID);
    assert_int_equal(d.most, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info_unknown_model),
        cmocka_unit_test(test_upgrade_refused_after_identify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
