/* A module that stops reading (flow control holding the line), on a real pseudo-terminal
 * whose output is stopped: a blocked write is a timeout, not a lost port, and a cancel
 * from a signal handler cuts it short within the half second dfota.h promises. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

#include "at/at.h"
#include "dfota.h"
#include "os/port_clock.h"
#include "os/port_posix.h"

/* What dfota.h promises for a cancel, with room for a loaded machine. */
#define CANCEL_SEEN_MS 500
#define SLACK_MS 250

struct pty {
    int master;
    int slave; /* the test's own descriptor on the slave, to stop its output */
    char name[64];
};

static void pty_open_stopped(struct pty *t)
{
    t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(t->master >= 0);
    assert_int_equal(grantpt(t->master), 0);
    assert_int_equal(unlockpt(t->master), 0);
    assert_int_equal(ptsname_r(t->master, t->name, sizeof t->name), 0);
    t->slave = open(t->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(t->slave >= 0);
    /* As if the module dropped CTS: the tty sends nothing more, writes stall. */
    assert_int_equal(tcflow(t->slave, TCOOFF), 0);
}

static void pty_close(struct pty *t)
{
    close(t->slave);
    close(t->master);
}

/* ---- a signal that cancels ---------------------------------------------------------- */

static struct dfota *cancel_target;
static volatile sig_atomic_t port_cancel;
static volatile sig_atomic_t alarms;
static volatile uint64_t alarm_at_ms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
    alarm_at_ms = port_clock_now_ms();
    if (cancel_target != NULL)
        dfota_cancel(cancel_target);
    port_cancel = 1;
}

static void alarm_in(long ms, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0); /* no SA_RESTART, as the CLI */
    struct itimerval it = {.it_interval = {0, 0}, .it_value = {ms / 1000, (ms % 1000) * 1000}};
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void alarm_off(void)
{
    struct itimerval it;
    memset(&it, 0, sizeof it);
    (void)setitimer(ITIMER_REAL, &it, NULL);
    signal(SIGALRM, SIG_DFL);
}

static void on_plain_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* ---- the POSIX backend ---------------------------------------------------------------- */

static int open_stopped_port(struct pty *t)
{
    int fd = -1, err = 0;
    pty_open_stopped(t);
    assert_int_equal(port_posix_open(t->name, 115200, false, &fd, &err), DFOTA_PORT_OK);
    return fd;
}

static void blocked_write_times_out_and_a_stray_signal_does_not_cut_it(void **state)
{
    (void)state;
    struct pty t;
    int fd = open_stopped_port(&t);
    static const uint8_t at[] = "AT\r";
    alarms = 0;
    alarm_in(50, on_plain_alarm);
    uint64_t start = port_clock_now_ms();
    assert_int_equal(port_posix_write(fd, at, 3, 400, NULL), DFOTA_PORT_TIMEOUT);
    uint64_t took = port_clock_now_ms() - start;
    alarm_off();
    assert_int_equal(alarms, 1);
    assert_true(took >= 400);
    assert_true(took < 400 + SLACK_MS * 4);
    port_posix_close(fd);
    pty_close(&t);
}

static void cancel_cuts_a_blocked_write_short(void **state)
{
    (void)state;
    struct pty t;
    int fd = open_stopped_port(&t);
    static const uint8_t at[] = "AT\r";
    port_cancel = 0;
    cancel_target = NULL;
    alarm_in(100, on_alarm);
    assert_int_equal(port_posix_write(fd, at, 3, 10000, &port_cancel), DFOTA_PORT_TIMEOUT);
    uint64_t after = port_clock_now_ms() - alarm_at_ms;
    alarm_off();
    assert_true(port_cancel);
    assert_true(after < CANCEL_SEEN_MS);
    port_posix_close(fd);
    pty_close(&t);
}

/* ---- the AT engine -------------------------------------------------------------------- */

struct engine_seen {
    int finals;
    enum at_result result;
};

static int write_times_out(void *user, const uint8_t *buf, size_t len)
{
    (void)user;
    (void)buf;
    (void)len;
    return DFOTA_PORT_TIMEOUT;
}

static void engine_final(void *user, enum at_result result, int code)
{
    struct engine_seen *e = user;
    (void)code;
    e->finals++;
    e->result = result;
}

static void engine_line(void *user, const char *line)
{
    (void)user;
    (void)line;
}

static void at_engine_ends_a_write_timeout_as_a_command_timeout(void **state)
{
    (void)state;
    struct engine_seen seen = {0, AT_RESULT_OK};
    struct at_callbacks cb = {write_times_out, engine_line, engine_final, engine_line, NULL, &seen};
    struct at_engine at;
    struct at_cmd cmd = {.text = "AT+QFOTADL=\"http://h/a.zip\"", .timeout_ms = 60000};
    at_init(&at, &cb);
    assert_int_equal(at_send(&at, &cmd, 1000), DFOTA_OK);
    assert_true(at_busy(&at));
    assert_int_equal(at_deadline(&at), 1000); /* no answer can come: due at once */
    at_tick(&at, 1000);
    assert_int_equal(seen.finals, 1);
    assert_int_equal(seen.result, AT_RESULT_TIMEOUT);
    assert_false(at_busy(&at));
}

/* ---- the session over the system transport ------------------------------------------- */

struct seen {
    int port_lost;
    int done_result;
};

static void on_event(void *user, const struct dfota_event *ev)
{
    struct seen *s = user;
    if (ev->type == DFOTA_EVENT_PORT_LOST)
        s->port_lost++;
    if (ev->type == DFOTA_EVENT_DONE)
        s->done_result = ev->result;
}

static struct dfota *open_session(struct pty *t, struct seen *seen, uint32_t command_ms)
{
    struct dfota_config cfg;
    struct dfota *s = NULL;
    dfota_config_init(&cfg);
    cfg.port = t->name;
    cfg.command_timeout_ms = command_ms;
    cfg.on_event = on_event;
    cfg.user = seen;
    assert_int_equal(dfota_open(&s, &cfg), DFOTA_OK);
    return s;
}

static void session_reports_a_blocked_write_as_a_timeout(void **state)
{
    (void)state;
    struct pty t;
    struct seen seen = {0, 1};
    pty_open_stopped(&t);
    struct dfota *s = open_session(&t, &seen, 200);
    assert_int_equal(dfota_info(s), DFOTA_OK);
    assert_int_equal(dfota_run(s), DFOTA_ERR_TIMEOUT);
    assert_int_equal(seen.done_result, DFOTA_ERR_TIMEOUT);
    assert_int_equal(seen.port_lost, 0);
    assert_non_null(strstr(dfota_error_text(s), "does not answer"));
    dfota_close(s);
    pty_close(&t);
}

static void session_sees_a_cancel_during_a_blocked_write(void **state)
{
    (void)state;
    struct pty t;
    struct seen seen = {0, 1};
    pty_open_stopped(&t);
    struct dfota *s = open_session(&t, &seen, 20000);
    cancel_target = s;
    alarm_in(150, on_alarm);
    /* The first AT goes out (and blocks) in dfota_info itself. */
    assert_int_equal(dfota_info(s), DFOTA_OK);
    int rc = dfota_run(s);
    uint64_t after = port_clock_now_ms() - alarm_at_ms;
    alarm_off();
    cancel_target = NULL;
    assert_int_equal(rc, DFOTA_ERR_CANCELLED);
    assert_int_equal(seen.done_result, DFOTA_ERR_CANCELLED);
    assert_int_equal(seen.port_lost, 0);
    assert_true(after < CANCEL_SEEN_MS);
    dfota_close(s);
    pty_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocked_write_times_out_and_a_stray_signal_does_not_cut_it),
        cmocka_unit_test(cancel_cuts_a_blocked_write_short),
        cmocka_unit_test(at_engine_ends_a_write_timeout_as_a_command_timeout),
        cmocka_unit_test(session_reports_a_blocked_write_as_a_timeout),
        cmocka_unit_test(session_sees_a_cancel_during_a_blocked_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
