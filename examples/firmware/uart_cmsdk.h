/* An Arm CMSDK APB UART behind struct dfota_port_ops: receive by interrupt into a ring
 * buffer, transmit by polling the TX-full flag against the millisecond clock. */
#ifndef FIRMWARE_UART_CMSDK_H
#define FIRMWARE_UART_CMSDK_H

#include <stdint.h>

#include <dfota.h>

#define UART_CMSDK_RING_SIZE 256u /* a power of two */

struct uart_cmsdk {
    uintptr_t base;
    uint32_t irq;
    uint32_t baud;
    uint32_t clock_hz;
    volatile uint32_t head; /* written by the interrupt */
    volatile uint32_t tail; /* written by the reader */
    volatile uint32_t overruns;
    uint8_t ring[UART_CMSDK_RING_SIZE];
};

extern const struct dfota_port_ops uart_cmsdk_ops;

/* Binds u (with base, irq, baud and clock_hz filled) to the receive interrupt. */
void uart_cmsdk_init(struct uart_cmsdk *u);

/* True when no received byte waits in the ring (the main loop may sleep). */
int uart_cmsdk_idle(void *ctx);

/* The UART's receive interrupt handler, for the vector table. */
void uart_cmsdk_rx_isr(void);

#endif
