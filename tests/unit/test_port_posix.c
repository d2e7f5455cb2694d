/* The system transport over real pseudo-terminals: the termios fallback, I/O both ways,
 * hang-up, absence, the wake-up when the device (a symlink to a new pty) returns, the
 * port held for one session alone, a port replaced under an open session, and the baud
 * rates it accepts. */
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
#include <errno.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build_config.h"
#include "os/port_clock.h"
#include "os/port_sys.h"

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

/* ---- baud rates ------------------------------------------------------------------------ */

static void refuses_baud_rates_the_system_lacks(void **state)
{
    (void)state;
    static const uint32_t bad[] = {50, 300, 14400, 115201, 0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct port_sys_config cfg = {.path = "/dev/ttyUSB2", .baud = bad[i]};
        const struct dfota_port_ops *ops = NULL;
        void *ctx = NULL;
        char msg[256] = "", rate[64];
        assert_int_equal(port_sys_new(&cfg, &ops, &ctx, msg, sizeof msg), DFOTA_ERR_INVALID);
        assert_null(ctx);
        snprintf(rate, sizeof rate, "baud rate %lu is not supported", (unsigned long)bad[i]);
        assert_non_null(strstr(msg, rate));
        assert_non_null(strstr(msg, "supported rates: 1200, 2400, "));
        assert_non_null(strstr(msg, ", 115200, 230400"));
    }
    static const uint32_t good[] = {1200, 9600, 115200, 230400};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct port_sys_config cfg = {.path = "/dev/ttyUSB2", .baud = good[i]};
        const struct dfota_port_ops *ops = NULL;
        void *ctx = NULL;
        assert_int_equal(port_sys_new(&cfg, &ops, &ctx, NULL, 0), DFOTA_OK);
        port_sys_free(ctx);
    }
}

static void session_open_refuses_an_unsupported_baud_rate(void **state)
{
    struct fixture *f = *state;
    new_pty(f);
    struct dfota_config cfg;
    struct dfota *s = (struct dfota *)&cfg; /* must come back NULL */
    dfota_config_init(&cfg);
    cfg.port = f->slave;
    cfg.baud = 14400;
    cfg.on_log = capture_log;
    cfg.user = f;
    char msg[256];
    assert_int_equal(dfota_open_msg(&s, &cfg, msg, sizeof msg), DFOTA_ERR_INVALID);
    assert_null(s);
    assert_non_null(strstr(msg, "baud rate 14400 is not supported; supported rates: 1200"));
    if (DFOTA_WITH_TEXTS) /* and in the log, in a build with log lines */
        assert_non_null(strstr(f->log, "baud rate 14400 is not supported; supported rates: 1200"));
}

/* ---- exclusive access ------------------------------------------------------------------- */

/* A port made on the same link as f's, as a second program would. */
struct other {
    const struct dfota_port_ops *ops;
    void *ctx;
    char log[1024];
};

static void other_log(void *user, enum dfota_log_level level, const char *text)
{
    struct other *o = user;
    (void)level;
    size_t used = strlen(o->log);
    snprintf(o->log + used, sizeof o->log - used, "%s\n", text);
}

static void other_make(struct other *o, const char *path)
{
    struct port_sys_config cfg = {.path = path, .baud = 115200, .log = other_log, .log_user = o};
    memset(o, 0, sizeof *o);
    assert_int_equal(port_sys_new(&cfg, &o->ops, &o->ctx, NULL, 0), DFOTA_OK);
}

/* Another descriptor on the node cannot take the lock, and (but for root) cannot even
 * open it; root's open is let through by TIOCEXCL, so the flag itself is checked. */
/* TIOCGEXCL; false only where the kernel interface is emulated without it (qemu-user
 * answers ENOSYS for ioctls it does not translate: the armhf and arm64 test runs). */
static bool tty_exclusive_known(int fd, int *exclusive)
{
    if (ioctl(fd, TIOCGEXCL, exclusive) == 0)
        return true;
    assert_int_equal(errno, ENOSYS);
    print_message("TIOCGEXCL is not emulated here: the claim's flock is checked alone\n");
    return false;
}

static void assert_held_exclusively(const char *node)
{
    int fd = open(node, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        assert_int_equal(errno, EBUSY);
        return;
    }
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
    assert_int_equal(errno, EWOULDBLOCK);
    int exclusive = 0;
    if (!tty_exclusive_known(fd, &exclusive)) {
        close(fd);
        return;
    }
    assert_int_equal(exclusive, 1);
    close(fd);
}

/* "NAME (pid N)" of this process, as /proc tells it (under valgrind NAME is its own). */
static void this_process(char *text, size_t size)
{
    char comm[64] = "";
    FILE *f = fopen("/proc/self/comm", "r");
    assert_non_null(f);
    assert_non_null(fgets(comm, sizeof comm, f));
    fclose(f);
    comm[strcspn(comm, "\n")] = '\0';
    snprintf(text, size, "%s (pid %ld)", comm, (long)getpid());
}

static void a_held_port_is_refused_and_the_holder_named(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    assert_held_exclusively(f->slave);
    struct other o;
    other_make(&o, f->link);
    uint64_t start = port_clock_now_ms();
    assert_int_equal(o.ops->open(o.ctx), DFOTA_PORT_ERROR);
    assert_true(port_clock_now_ms() - start < 1000); /* at once, no waiting for it */
    char want[256], me[96];
    this_process(me, sizeof me);
    snprintf(want, sizeof want, "%s is in use by %s", f->slave, me);
    assert_string_equal(port_sys_error_text(o.ctx), want);
    /* A first open's failure is the caller's to report (dfota_open does); the retries
     * that follow (a session waiting for its port) say it once. */
    assert_null(strstr(o.log, "in use"));
    assert_int_equal(o.ops->open(o.ctx), DFOTA_PORT_ERROR);
    assert_int_equal(o.ops->open(o.ctx), DFOTA_PORT_ERROR);
    const char *said = strstr(o.log, want);
    assert_non_null(said);
    assert_null(strstr(said + strlen(want), "in use"));
    /* The holder is not disturbed. */
    const uint8_t at[] = "AT\r";
    assert_int_equal(f->ops->write(f->ctx, at, 3, 1000), DFOTA_PORT_OK);
    master_expect(f, "AT\r");
    master_send(f, "OK\r\n");
    port_expect(f, "OK\r\n");
    /* Released with the port: the other may have it now. */
    f->ops->close(f->ctx);
    assert_int_equal(o.ops->open(o.ctx), DFOTA_PORT_OK);
    assert_string_equal(port_sys_error_text(o.ctx), "");
    port_sys_free(o.ctx);
}

/* A holder as ModemManager holds its ports: TIOCEXCL and no flock, in a process of its
 * own, whose name (any process may give itself one) holds an escape sequence and a bell.
 * Root's open() passes TIOCEXCL; the flag itself refuses the port, naming the holder
 * sanitised. */
static void a_port_held_with_tiocexcl_alone_is_refused(void **state)
{
    struct fixture *f = *state;
    int ready[2], done[2];
    char byte = 0, want[256];

    link_to_pty(f);
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(done), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        /* Only the parent writes "done": its end closed here, the child ends with it. */
        close(done[1]);
        close(ready[0]);
        int fd = open(f->slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
        int held =
            fd >= 0 && ioctl(fd, TIOCEXCL) == 0 && prctl(PR_SET_NAME, "\x1b[31mMM\a", 0, 0, 0) == 0;
        (void)!write(ready[1], held ? "y" : "n", 1);
        (void)!read(done[0], &byte, 1); /* holds the port until the parent is done */
        /* A real tty loses the flag at its last close; a pty's stays with its master. */
        (void)ioctl(fd, TIOCNXCL);
        _exit(0);
    }
    close(done[0]);
    close(ready[1]);
    assert_int_equal(read(ready[0], &byte, 1), 1);
    assert_int_equal(byte, 'y');
    make_port(f, f->link);
    int exclusive = 0;
    int probe = open(f->slave, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    bool known = probe >= 0 && tty_exclusive_known(probe, &exclusive);
    if (probe >= 0)
        close(probe);
    if (probe < 0 || known) { /* EBUSY for others than root; the flag for root */
        assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_ERROR);
        snprintf(want, sizeof want, "%s is in use by ?[31mMM? (pid %ld)", f->slave, (long)child);
        assert_string_equal(port_sys_error_text(f->ctx), want);
    }
    assert_int_equal(write(done[1], "x", 1), 1);
    assert_int_equal(waitpid(child, NULL, 0), child);
    /* The holder gone, the port is ours. */
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_OK);
    close(ready[0]);
    close(done[1]);
}

/* Someone takes the port while the module reboots: the reopen says who, once. */
static void a_port_taken_during_a_reboot_is_reported_once(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    f->ops->close(f->ctx); /* as at a reboot */
    struct other o;
    other_make(&o, f->link);
    assert_int_equal(o.ops->open(o.ctx), DFOTA_PORT_OK);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_ERROR);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_ERROR);
    char want[256], me[96];
    this_process(me, sizeof me);
    snprintf(want, sizeof want, "%s is in use by %s", f->slave, me);
    const char *said = strstr(f->log, want);
    assert_non_null(said);
    assert_null(strstr(said + strlen(want), "in use"));
    port_sys_free(o.ctx);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_OK);
}

/* Another descriptor on the tty (a simulator's, a passive reader's) keeps it open after
 * the port closes: the exclusive flag must not stay behind on it. */
static void the_claim_ends_with_the_port(void **state)
{
    struct fixture *f = *state;
    link_to_pty(f);
    int keeper = open(f->slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(keeper >= 0);
    make_port(f, f->link);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_OK);
    int exclusive = 0;
    if (tty_exclusive_known(keeper, &exclusive))
        assert_int_equal(exclusive, 1);
    f->ops->close(f->ctx);
    if (tty_exclusive_known(keeper, &exclusive))
        assert_int_equal(exclusive, 0);
    assert_int_equal(flock(keeper, LOCK_EX | LOCK_NB), 0);
    close(keeper);
}

static void the_claim_is_kept_across_a_reopen(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    close(f->master); /* the module reboots: a new node behind the same link */
    f->master = -1;
    assert_int_equal(f->ops->wait(f->ctx, 1000), DFOTA_PORT_HANGUP);
    f->ops->close(f->ctx);
    assert_int_equal(unlink(f->link), 0);
    link_to_pty(f);
    assert_wakes_and_reopens(f);
    assert_held_exclusively(f->slave);
}

static void session_open_of_a_held_port_fails_at_once(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    struct dfota_config cfg;
    struct dfota *s = NULL;
    dfota_config_init(&cfg);
    cfg.port = f->link;
    cfg.on_log = capture_log;
    cfg.user = f;
    char msg[256];
    assert_int_equal(dfota_open_msg(&s, &cfg, msg, sizeof msg), DFOTA_ERR_PORT);
    assert_null(s);
    char want[160], me[96];
    this_process(me, sizeof me);
    snprintf(want, sizeof want, "is in use by %s", me);
    assert_non_null(strstr(msg, want));
    if (DFOTA_WITH_TEXTS) /* and in the log, in a build with log lines */
        assert_non_null(strstr(f->log, want));
}

/* ---- a port replaced under an open session ------------------------------------------ */

/* The link now names another node, as udev leaves it when a new device takes the name
 * while the old one never hung up. */
static void turn_link_to_a_new_pty(struct fixture *f, int *old_master)
{
    char tmp[160];
    *old_master = f->master; /* kept open: the old device never hangs up */
    new_pty(f);
    snprintf(tmp, sizeof tmp, "%s.new", f->link);
    assert_int_equal(symlink(f->slave, tmp), 0);
    assert_int_equal(rename(tmp, f->link), 0);
}

static void a_link_turned_to_a_new_node_is_a_lost_port(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    int old_master;
    uint64_t start = port_clock_now_ms();
    turn_link_to_a_new_pty(f, &old_master);
    assert_int_equal(f->ops->wait(f->ctx, 5000), DFOTA_PORT_HANGUP);
    assert_true(port_clock_now_ms() - start < 1000);
    assert_non_null(strstr(f->log, "no longer names the open device"));
    /* The session closes and reopens: it gets the new node. */
    f->ops->close(f->ctx);
    assert_int_equal(f->ops->open(f->ctx), DFOTA_PORT_OK);
    master_send(f, "RDY\r\n");
    port_expect(f, "RDY\r\n");
    close(old_master);
}

struct session_seen {
    int lost;
    int back;
};

static void count_port_events(void *user, const struct dfota_event *ev)
{
    struct session_seen *seen = user;
    seen->lost += ev->type == DFOTA_EVENT_PORT_LOST;
    seen->back += ev->type == DFOTA_EVENT_PORT_BACK;
}

/* Through the session and an event loop on dfota_fd(): the replacement is a port lost
 * and back within a second, not a dead port until the stall timeout. */
static void a_session_follows_its_port_to_the_new_node(void **state)
{
    struct fixture *f = *state;
    link_to_pty(f);
    struct session_seen seen = {0, 0};
    struct dfota_config cfg;
    struct dfota *s = NULL;
    dfota_config_init(&cfg);
    cfg.port = f->link;
    cfg.on_event = count_port_events;
    cfg.user = &seen;
    assert_int_equal(dfota_open(&s, &cfg), DFOTA_OK);
    assert_int_equal(dfota_watch(s), DFOTA_OK);
    assert_int_equal(dfota_process(s), DFOTA_IN_PROGRESS);
    int old_master;
    turn_link_to_a_new_pty(f, &old_master);
    uint64_t start = port_clock_now_ms();
    while (seen.back == 0 && port_clock_now_ms() - start < 2000) {
        struct pollfd p = {.fd = dfota_fd(s), .events = POLLIN, .revents = 0};
        uint32_t wait = dfota_timeout_ms(s);
        assert_true(poll(&p, 1, wait < 2000 ? (int)wait : 2000) >= 0);
        assert_int_equal(dfota_process(s), DFOTA_IN_PROGRESS);
    }
    assert_int_equal(seen.lost, 1);
    assert_int_equal(seen.back, 1);
    assert_true(port_clock_now_ms() - start < 1000);
    dfota_close(s);
    close(old_master);
}

static void a_replacement_wakes_an_event_loop_and_read_reports_it(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    int old_master;
    turn_link_to_a_new_pty(f, &old_master);
    struct pollfd p = {.fd = f->ops->fd(f->ctx), .events = POLLIN, .revents = 0};
    assert_int_equal(poll(&p, 1, 1000), 1);
    uint8_t buf[8];
    assert_int_equal(f->ops->read(f->ctx, buf, sizeof buf), DFOTA_PORT_HANGUP);
    close(old_master);
}

static void a_path_made_anew_for_another_node_is_a_lost_port(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    /* Gone for a moment (as udev makes a link anew): nothing else has the name yet. */
    assert_int_equal(unlink(f->link), 0);
    assert_int_equal(f->ops->wait(f->ctx, 50), DFOTA_PORT_TIMEOUT);
    master_send(f, "OK\r\n");
    port_expect(f, "OK\r\n");
    /* Back, naming the same device: still ours. */
    assert_int_equal(symlink(f->slave, f->link), 0);
    assert_int_equal(f->ops->wait(f->ctx, 50), DFOTA_PORT_TIMEOUT);
    /* Made anew for another node, without a hang-up of the old one: lost. */
    int old_master = f->master;
    assert_int_equal(unlink(f->link), 0);
    link_to_pty(f);
    uint64_t start = port_clock_now_ms();
    assert_int_equal(f->ops->wait(f->ctx, 5000), DFOTA_PORT_HANGUP);
    assert_true(port_clock_now_ms() - start < 1000);
    close(old_master);
}

static void other_changes_beside_the_port_change_nothing(void **state)
{
    struct fixture *f = *state;
    open_linked_pty(f);
    char other[160];
    snprintf(other, sizeof other, "%s/ttyUSB3", f->dir);
    assert_int_equal(symlink("/dev/null", other), 0);
    assert_int_equal(f->ops->wait(f->ctx, 50), DFOTA_PORT_TIMEOUT);
    assert_int_equal(unlink(other), 0);
    assert_int_equal(f->ops->wait(f->ctx, 50), DFOTA_PORT_TIMEOUT);
    master_send(f, "OK\r\n");
    port_expect(f, "OK\r\n");
    assert_null(strstr(f->log, "no longer names"));
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
        cmocka_unit_test(refuses_baud_rates_the_system_lacks),
        FIXTURE_TEST(session_open_refuses_an_unsupported_baud_rate),
        FIXTURE_TEST(a_held_port_is_refused_and_the_holder_named),
        FIXTURE_TEST(a_port_held_with_tiocexcl_alone_is_refused),
        FIXTURE_TEST(a_port_taken_during_a_reboot_is_reported_once),
        FIXTURE_TEST(the_claim_is_kept_across_a_reopen),
        FIXTURE_TEST(the_claim_ends_with_the_port),
        FIXTURE_TEST(session_open_of_a_held_port_fails_at_once),
        FIXTURE_TEST(a_link_turned_to_a_new_node_is_a_lost_port),
        FIXTURE_TEST(a_replacement_wakes_an_event_loop_and_read_reports_it),
        FIXTURE_TEST(a_session_follows_its_port_to_the_new_node),
        FIXTURE_TEST(a_path_made_anew_for_another_node_is_a_lost_port),
        FIXTURE_TEST(other_changes_beside_the_port_change_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
