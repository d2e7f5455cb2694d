/* The system transport over real pseudo-terminals: the termios fallback, I/O both ways,
 * hang-up, absence, and the wake-up when the device (a symlink to a new pty) returns. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "port_sys.h"

struct fixture {
    char dir[64];
    char sub[96];
    char link[128];
    int master;
    char slave[64];
    char log[2048];
    const struct dfota_port_ops *ops;
    void *ctx;
};

static void capture_log(void *user, enum dfota_log_level level, const char *text)
{
    struct fixture *f = user;
    if (level > DFOTA_LOG_INFO)
        return;
    size_t used = strlen(f->log);
    snprintf(f->log + used, sizeof f->log - used, "%s\n", text);
}

static void new_pty(struct fixture *f)
{
    f->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(f->master >= 0);
    assert_int_equal(grantpt(f->master), 0);
    assert_int_equal(unlockpt(f->master), 0);
    assert_int_equal(ptsname_r(f->master, f->slave, sizeof f->slave), 0);
}

static void link_to_pty(struct fixture *f)
{
    new_pty(f);
    assert_int_equal(symlink(f->slave, f->link), 0);
}

static void make_port(struct fixture *f, const char *path)
{
    struct port_sys_config cfg = {
        .path = path,
        .usb = NULL,
        .baud = 115200,
        .rtscts = false,
        .log = capture_log,
        .log_user = f,
    };
    char msg[128] = "";
    assert_int_equal(port_sys_new(&cfg, &f->ops, &f->ctx, msg, sizeof msg), DFOTA_OK);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->dir, "/tmp/dfota-port-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->sub, sizeof f->sub, "%s/by-id", f->dir);
    snprintf(f->link, sizeof f->link, "%s/ttyUSB2", f->dir);
    f->master = -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    port_sys_free(f->ctx);
    if (f->master >= 0)
        close(f->master);
    char path[160];
    snprintf(path, sizeof path, "%s/ttyUSB2", f->sub);
    unlink(path);
    rmdir(f->sub);
    unlink(f->link);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Reads exactly len bytes from the master side within a second. */
static void master_expect(struct fixture *f, const char *want)
{
    size_t len = strlen(want), got = 0;
    char buf[256];
    assert_true(len < sizeof buf);
    while (got < len) {
        struct pollfd p = {.fd = f->master, .events = POLLIN, .revents = 0};
        assert_int_equal(poll(&p, 1, 1000), 1);
        ssize_t n = read(f->master, buf + got, len - got);
        assert_true(n > 0);
        got += (size_t)n;
    }
    assert_memory_equal(buf, want, len);
}

static void port_expect(struct fixture *f, const char *want)
{
    size_t len = strlen(want), got = 0;
    uint8_t buf[256];
    assert_true(len < sizeof buf);
    while (got < len) {
        assert_int_equal(f->ops->wait(f->ctx, 1000), DFOTA_PORT_READY);
        int n = f->ops->read(f->ctx, buf + got, sizeof buf - got);
        assert_true(n >= 0);
        got += (size_t)n;
    }
    assert_int_equal(got, len);
    assert_memory_equal(buf, want, len);
}

static void master_send(struct fixture *f, const char *text)
{
    size_t len = strlen(text);
    assert_int_equal(write(f->master, text, len), (ssize_t)len);
}

static void open_linked_pty(struct fixture *f)
{
    link_to_pty(f);
    make_port(f, f->link);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_OK);
}

static void opens_link_to_pty_with_termios(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    char want[256];
    snprintf(want, sizeof want, "opened %s (link %s) with POSIX termios", f->slave, f->link);
    assert_non_null(strstr(f->log, want));
    assert_true(f->ops->fd(f->ctx) >= 0);
    /* Opening an open port changes nothing. */
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_OK);
}

static void exchanges_bytes_both_ways(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    const uint8_t cmd[] = "AT+QFOTADL=?\r";
    assert_int_equal(f->ops->write(f->ctx, cmd, sizeof cmd - 1, 1000), DFOTA_PORT_OK);
    master_expect(f, "AT+QFOTADL=?\r");
    master_send(f, "\r\nOK\r\n\x01\xff");
    port_expect(f, "\r\nOK\r\n\x01\xff");
    uint8_t buf[8];
    assert_int_equal(f->ops->read(f->ctx, buf, sizeof buf), 0);
}

static void wait_times_out_without_input(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    assert_int_equal(f->ops->wait(f->ctx, 20), DFOTA_PORT_TIMEOUT);
    assert_int_equal(f->ops->wait(f->ctx, 0), DFOTA_PORT_TIMEOUT);
}

static void reports_hangup_when_master_closes(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    close(f->master);
    f->master = -1;
    assert_int_equal(f->ops->wait(f->ctx, 1000), DFOTA_PORT_HANGUP);
    /* Stays hung up at once, and read never pretends "nothing yet": no busy loop. */
    assert_int_equal(f->ops->wait(f->ctx, 1000), DFOTA_PORT_HANGUP);
    uint8_t buf[8];
    assert_int_equal(f->ops->read(f->ctx, buf, sizeof buf), DFOTA_PORT_HANGUP);
    const uint8_t at[] = "AT\r";
    int rc = f->ops->write(f->ctx, at, sizeof at - 1, 100);
    assert_true(rc == DFOTA_PORT_HANGUP || rc == DFOTA_PORT_OK);
}

/* Waits with short timeouts until no event is pending (bounded). */
static void settle(struct fixture *f)
{
    for (int i = 0; i < 5; i++) {
        if (f->ops->wait(f->ctx, 20) == DFOTA_PORT_TIMEOUT)
            return;
    }
    fail_msg("closed-port wait never settles");
}

static void absent_path_is_absent(void **state)
{
    struct fixture *f = *state;
    make_port(f, f->link);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_ABSENT);
    /* A dangling link, as /dev/serial/by-id leaves for an instant, is absent too. */
    assert_int_equal(symlink("/dev/dfota-no-such-tty", f->link), 0);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_ABSENT);
    settle(f);
}

static void assert_wakes_and_reopens(struct fixture *f)
{
    /* The descriptor offered to event loops must wake by itself, not by a timer. */
    struct pollfd p = {.fd = f->ops->fd(f->ctx), .events = POLLIN, .revents = 0};
    assert_true(p.fd >= 0);
    assert_int_equal(poll(&p, 1, 2000), 1);
    assert_int_equal(f->ops->wait(f->ctx, 2000), DFOTA_PORT_READY);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_OK);
    assert_non_null(strstr(f->log, f->slave));
    master_send(f, "RDY\r\n");
    port_expect(f, "RDY\r\n");
}

static void closed_wait_wakes_when_link_returns(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    close(f->master);
    f->master = -1;
    assert_int_equal(f->ops->wait(f->ctx, 1000), DFOTA_PORT_HANGUP);
    f->ops->close(f->ctx);
    f->ops->close(f->ctx); /* harmless when closed */
    assert_int_equal(unlink(f->link), 0);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_ABSENT);
    settle(f);
    link_to_pty(f);
    assert_wakes_and_reopens(f);
}

static void closed_wait_follows_a_directory_that_appears(void **state)
{
    struct fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/ttyUSB2", f->sub);
    make_port(f, path);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_ABSENT);
    settle(f);
    assert_int_equal(mkdir(f->sub, 0700), 0);
    assert_int_equal(f->ops->wait(f->ctx, 2000), DFOTA_PORT_READY);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_ABSENT);
    settle(f);
    new_pty(f);
    assert_int_equal(symlink(f->slave, path), 0);
    assert_wakes_and_reopens(f);
}

static void rejects_config_without_port(void **state)
{
    (void)state;
    struct port_sys_config cfg = {.path = NULL, .usb = NULL, .baud = 115200};
    const struct dfota_port_ops *ops = NULL;
    void *ctx = NULL;
    char msg[128] = "";
    assert_int_equal(port_sys_new(&cfg, &ops, &ctx, msg, sizeof msg), DFOTA_ERR_INVALID);
    assert_true(strlen(msg) > 0);
    cfg.usb = "2c7c";
    assert_int_equal(port_sys_new(&cfg, &ops, &ctx, msg, sizeof msg), DFOTA_ERR_INVALID);
    assert_null(ctx);
}

#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FIXTURE_TEST(opens_link_to_pty_with_termios),
        FIXTURE_TEST(exchanges_bytes_both_ways),
        FIXTURE_TEST(wait_times_out_without_input),
        FIXTURE_TEST(reports_hangup_when_master_closes),
        FIXTURE_TEST(absent_path_is_absent),
        FIXTURE_TEST(closed_wait_wakes_when_link_returns),
        FIXTURE_TEST(closed_wait_follows_a_directory_that_appears),
        cmocka_unit_test(rejects_config_without_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
