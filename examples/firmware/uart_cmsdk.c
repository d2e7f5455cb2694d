/* The CMSDK APB UART (Arm Cortex-M System Design Kit), as on the MPS2 boards. */
#include "uart_cmsdk.h"

#include "board.h"

#define UART_CMSDK_DATA 0x00u
#define UART_CMSDK_STATE 0x04u
#define UART_CMSDK_CTRL 0x08u
#define UART_CMSDK_INTCLEAR 0x0Cu
#define UART_CMSDK_BAUDDIV 0x10u

#define UART_CMSDK_STATE_TXFULL 0x1u
#define UART_CMSDK_STATE_RXFULL 0x2u
#define UART_CMSDK_CTRL_TXEN 0x1u
#define UART_CMSDK_CTRL_RXEN 0x2u
#define UART_CMSDK_CTRL_RXINT 0x8u
#define UART_CMSDK_INT_RX 0x2u

/* The one UART the vector table's handler serves. */
static struct uart_cmsdk *uart_cmsdk_irq_owner;

static volatile uint32_t *uart_cmsdk_reg(const struct uart_cmsdk *u, uint32_t offset)
{
    return (volatile uint32_t *)(u->base + offset);
}

void uart_cmsdk_init(struct uart_cmsdk *u)
{
    u->head = u->tail = u->overruns = 0;
    uart_cmsdk_irq_owner = u;
}

void uart_cmsdk_rx_isr(void)
{
    struct uart_cmsdk *u = uart_cmsdk_irq_owner;

    *uart_cmsdk_reg(u, UART_CMSDK_INTCLEAR) = UART_CMSDK_INT_RX;
    while (*uart_cmsdk_reg(u, UART_CMSDK_STATE) & UART_CMSDK_STATE_RXFULL) {
        uint8_t byte = (uint8_t)*uart_cmsdk_reg(u, UART_CMSDK_DATA);
        uint32_t head = u->head;

        if (head - u->tail == UART_CMSDK_RING_SIZE) {
            u->overruns++; /* the reader fell behind: the byte is lost, as on the wire */
            continue;
        }
        u->ring[head % UART_CMSDK_RING_SIZE] = byte;
        u->head = head + 1;
    }
}

int uart_cmsdk_idle(void *ctx)
{
    const struct uart_cmsdk *u = ctx;

    return u->head == u->tail;
}

static int uart_cmsdk_open(void *ctx)
{
    struct uart_cmsdk *u = ctx;

    *uart_cmsdk_reg(u, UART_CMSDK_CTRL) = 0;
    *uart_cmsdk_reg(u, UART_CMSDK_BAUDDIV) = u->clock_hz / u->baud;
    u->head = u->tail = 0;
    *uart_cmsdk_reg(u, UART_CMSDK_INTCLEAR) = UART_CMSDK_INT_RX;
    *uart_cmsdk_reg(u, UART_CMSDK_CTRL) =
        UART_CMSDK_CTRL_TXEN | UART_CMSDK_CTRL_RXEN | UART_CMSDK_CTRL_RXINT;
    BOARD_NVIC_ISER0 = 1u << u->irq;
    return DFOTA_PORT_OK;
}

static void uart_cmsdk_close(void *ctx)
{
    struct uart_cmsdk *u = ctx;

    BOARD_NVIC_ICER0 = 1u << u->irq;
    *uart_cmsdk_reg(u, UART_CMSDK_CTRL) = 0;
}

static int uart_cmsdk_read(void *ctx, uint8_t *buf, size_t len)
{
    struct uart_cmsdk *u = ctx;
    uint32_t tail = u->tail;
    size_t n = 0;

    while (n < len && tail != u->head)
        buf[n++] = u->ring[tail++ % UART_CMSDK_RING_SIZE];
    u->tail = tail;
    return (int)n;
}

static int uart_cmsdk_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    struct uart_cmsdk *u = ctx;
    uint64_t deadline = board_clock_ms() + timeout_ms;
    size_t i;

    for (i = 0; i < len; i++) {
        while (*uart_cmsdk_reg(u, UART_CMSDK_STATE) & UART_CMSDK_STATE_TXFULL) {
            if (board_clock_ms() >= deadline)
                return DFOTA_PORT_TIMEOUT;
        }
        *uart_cmsdk_reg(u, UART_CMSDK_DATA) = buf[i];
    }
    return DFOTA_PORT_OK;
}

/* Used by dfota_run(); the firmware's own loop sleeps in board_sleep_until() instead. */
static int uart_cmsdk_wait(void *ctx, uint32_t timeout_ms)
{
    board_sleep_until(board_clock_ms() + timeout_ms, uart_cmsdk_idle, ctx);
    return uart_cmsdk_idle(ctx) ? DFOTA_PORT_TIMEOUT : DFOTA_PORT_READY;
}

const struct dfota_port_ops uart_cmsdk_ops = {
    uart_cmsdk_open, uart_cmsdk_close, uart_cmsdk_read, uart_cmsdk_write, uart_cmsdk_wait, NULL,
};
