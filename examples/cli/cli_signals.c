/* The signals the tool heeds, through a self-pipe that every wait of the tool polls:
 * SIGINT, SIGTERM and SIGHUP end it (the session is cancelled, a D-Bus call abandoned,
 * nothing more sent); SIGWINCH redraws the live line at the terminal's new width. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int cli_signal_pipe[2] = {-1, -1};
static bool cli_signal_ended;
static bool cli_signal_resized;

static void cli_signal_caught(int signo)
{
    int saved = errno;
    unsigned char byte = (unsigned char)signo;

    (void)!write(cli_signal_pipe[1], &byte, 1);
    errno = saved;
}

bool cli_signals_install(void)
{
    static const int heeded[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
    struct sigaction sa;

    if (pipe2(cli_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = cli_signal_caught;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(heeded) / sizeof(heeded[0]); i++) {
        if (sigaction(heeded[i], &sa, NULL) != 0)
            return false;
    }
    return true;
}

int cli_signals_fd(void)
{
    return cli_signal_pipe[0];
}

/* Takes what the pipe holds. */
static void cli_signals_take(void)
{
    unsigned char bytes[16];
    ssize_t n;

    while (cli_signal_pipe[0] >= 0 && (n = read(cli_signal_pipe[0], bytes, sizeof(bytes))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (bytes[i] == SIGWINCH)
                cli_signal_resized = true;
            else
                cli_signal_ended = true;
        }
    }
}

bool cli_signals_ended(void)
{
    cli_signals_take();
    return cli_signal_ended;
}

bool cli_signals_resized(void)
{
    bool resized;

    cli_signals_take();
    resized = cli_signal_resized;
    cli_signal_resized = false;
    return resized;
}
