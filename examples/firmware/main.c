/* Bare-metal firmware that upgrades the LTE module on its UART with dfota's portable
 * core: a CMSDK UART driver behind struct dfota_port_ops, SysTick behind now_ms, and the
 * event-loop API with the core asleep (wfi) between events.
 *
 * The host passes the arguments through semihosting (QEMU: -semihosting-config arg=...):
 *   firmware TARGET [first_urc_ms]
 * It prints one line per event, then the result and the memory figures, and exits with
 * 0 on success, else with the negated dfota_result. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dfota.h>

#include "board.h"
#include "uart_cmsdk.h"

/* The longest target the core takes (its DFOTA_URL_MAX, given by the build), and room for
 * the program's name and the window beside it. */
#ifndef FIRMWARE_TARGET_MAX
#define FIRMWARE_TARGET_MAX 255
#endif
#define FIRMWARE_CMDLINE_MAX (FIRMWARE_TARGET_MAX + 48)
#define FIRMWARE_LINE_MAX 192

static const char *const firmware_event_names[] = {
    "version",   "model",     "download_start", "download_progress", "download_end",
    "port_lost", "port_back", "update_start",   "progress",          "update_end",
    "restore",   "phase",     "done",
};

static void firmware_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void firmware_printf(const char *fmt, ...)
{
    char line[FIRMWARE_LINE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    board_print(line);
}

static void firmware_on_event(void *user, const struct dfota_event *ev)
{
    size_t count = sizeof(firmware_event_names) / sizeof(firmware_event_names[0]);
    const char *name = (size_t)ev->type < count ? firmware_event_names[ev->type] : "other";

    (void)user;
    firmware_printf("event %s percent=%d code=%d attempt=%d phase=%d %s\n", name, ev->percent,
                    ev->code, ev->attempt, (int)ev->phase, ev->text);
}

static uint64_t firmware_now_ms(void *user)
{
    (void)user;
    return board_clock_ms();
}

/* Splits the command line in place: the program's name, the target, an optional window. */
static int firmware_args(char *cmdline, char **target, uint32_t *first_urc_ms)
{
    char *words[3] = {NULL, NULL, NULL};
    int n = 0;
    char *p = cmdline;

    while (*p && n < 3) {
        while (*p == ' ')
            *p++ = '\0';
        if (*p)
            words[n++] = p;
        while (*p && *p != ' ')
            p++;
    }
    *p = '\0';
    if (n < 2)
        return -1;
    *target = words[1];
    if (words[2])
        *first_urc_ms = (uint32_t)strtoul(words[2], NULL, 10);
    return 0;
}

static int firmware_upgrade(struct dfota *s, const char *target, struct uart_cmsdk *uart)
{
    int rc = dfota_start(s, target);

    if (rc != DFOTA_OK) {
        firmware_printf("start: %s: %s\n", dfota_strerror(rc), dfota_error_text(s));
        return rc;
    }
    while ((rc = dfota_process(s)) == DFOTA_IN_PROGRESS)
        board_sleep_until(board_clock_ms() + dfota_timeout_ms(s), uart_cmsdk_idle, uart);
    return rc;
}

int main(void)
{
    static struct uart_cmsdk uart = {
        BOARD_UART0_BASE, BOARD_UART0_RX_IRQ, 115200, BOARD_SYSCLK_HZ, 0, 0, 0, {0}};
    static char cmdline[FIRMWARE_CMDLINE_MAX];
    struct dfota_config cfg;
    struct dfota *s;
    char *target = NULL;
    size_t heap_open;
    int rc;

    dfota_config_init(&cfg);
    if (board_cmdline(cmdline, sizeof(cmdline)) == 0 ||
        firmware_args(cmdline, &target, &cfg.first_urc_timeout_ms) != 0) {
        board_print("usage: firmware TARGET [first_urc_ms]\n");
        return -DFOTA_ERR_INVALID;
    }
    board_clock_start();
    uart_cmsdk_init(&uart);
    cfg.port_ops = &uart_cmsdk_ops;
    cfg.port_ctx = &uart;
    cfg.now_ms = firmware_now_ms;
    cfg.on_event = firmware_on_event;
    if ((rc = dfota_open(&s, &cfg)) != DFOTA_OK) {
        firmware_printf("open: %s\n", dfota_strerror(rc));
        return -rc;
    }
    heap_open = board_heap_used();
    rc = firmware_upgrade(s, target, &uart);
    firmware_printf("result %d %s code=%d: %s\n", rc, dfota_strerror(rc), dfota_module_code(s),
                    dfota_error_text(s));
    dfota_close(s);
    firmware_printf("memory static=%u heap=%u heap_after_open=%u stack=%u overruns=%u\n",
                    (unsigned)board_static_ram(), (unsigned)board_heap_used(), (unsigned)heap_open,
                    (unsigned)board_stack_used(), (unsigned)uart.overruns);
    return -rc;
}
