/* The parts of QEMU's mps2-an385 board the firmware uses: the Cortex-M3 core
 * peripherals (SysTick, NVIC), the CMSDK APB UARTs and Arm semihosting. */
#ifndef FIRMWARE_BOARD_H
#define FIRMWARE_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define BOARD_SYSCLK_HZ 25000000u /* the FPGA image's system clock */

#define BOARD_REG(addr) (*(volatile uint32_t *)(addr))

/* Cortex-M3 system control space. */
#define BOARD_SYST_CSR BOARD_REG(0xE000E010u)
#define BOARD_SYST_RVR BOARD_REG(0xE000E014u)
#define BOARD_SYST_CVR BOARD_REG(0xE000E018u)
#define BOARD_NVIC_ISER0 BOARD_REG(0xE000E100u)
#define BOARD_NVIC_ICER0 BOARD_REG(0xE000E180u)

/* UART0 (QEMU's first -serial) and its receive interrupt line. */
#define BOARD_UART0_BASE 0x40004000u
#define BOARD_UART0_RX_IRQ 0u

/* Interrupts off, returning the previous mask for board_irq_restore(). */
static inline uint32_t board_irq_save(void)
{
    uint32_t primask;

    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}

static inline void board_irq_restore(uint32_t primask)
{
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

/* The millisecond clock: SysTick at 1 kHz. */
void board_clock_start(void);
uint64_t board_clock_ms(void);

/* Sleeps (wfi) until an interrupt for which idle() returns false, or the clock reaches
 * deadline_ms. The check and the sleep happen with interrupts masked, so an interrupt
 * between them still ends the sleep. */
void board_sleep_until(uint64_t deadline_ms, int (*idle)(void *ctx), void *ctx);

/* Stack and heap use since reset, measured on the painted stack and the heap's top. */
size_t board_stack_used(void);
size_t board_heap_used(void);
size_t board_static_ram(void); /* .data + .bss */

/* Arm semihosting: the host (QEMU) prints for the firmware and ends the run. */
void board_print(const char *text);
size_t board_cmdline(char *buf, size_t size);
void board_exit(int status) __attribute__((noreturn));

#endif
