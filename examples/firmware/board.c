/* Start-up, clock, sleep, memory figures and semihosting for QEMU's mps2-an385. */
#include <errno.h>
#include <string.h>

#include "board.h"
#include "uart_cmsdk.h"

#define BOARD_STACK_PAINT 0xC0FFEE42u
#define BOARD_STACK_MARGIN 64u /* below the painter's own frame */

/* Semihosting operations (Arm's "Semihosting for AArch32 and AArch64"). */
#define BOARD_SYS_WRITE0 0x04u
#define BOARD_SYS_GET_CMDLINE 0x15u
#define BOARD_SYS_EXIT_EXTENDED 0x20u
#define BOARD_ADP_APPLICATION_EXIT 0x20026u

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint8_t __heap_start[], __heap_end[];
extern uint32_t __stack_limit[], __stack_top[];

int main(void);

static volatile uint64_t board_ms;
static uint8_t *board_heap_top = __heap_start;

/* ---- semihosting ---------------------------------------------------------------------- */

static uint32_t board_semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm("r0") = op;
    register const void *r1 __asm("r1") = arg;

    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void board_print(const char *text)
{
    board_semihost(BOARD_SYS_WRITE0, text);
}

size_t board_cmdline(char *buf, size_t size)
{
    struct {
        char *buf;
        uint32_t len;
    } block = {buf, (uint32_t)size};

    if (size == 0 || board_semihost(BOARD_SYS_GET_CMDLINE, &block) != 0) {
        if (size)
            buf[0] = '\0';
        return 0;
    }
    return block.len;
}

void board_exit(int status)
{
    const uint32_t block[2] = {BOARD_ADP_APPLICATION_EXIT, (uint32_t)status};

    for (;;)
        board_semihost(BOARD_SYS_EXIT_EXTENDED, block);
}

/* ---- faults and start-up -------------------------------------------------------------- */

static void board_fault(void)
{
    board_print("fault\n");
    board_exit(99);
}

static void board_systick(void)
{
    board_ms++;
}

/* Paints the unused stack below the current frame, so the deepest use can be read later. */
static void board_paint_stack(void)
{
    uint32_t *sp;
    uint32_t *p;

    __asm volatile("mov %0, sp" : "=r"(sp));
    for (p = __stack_limit; p < sp - BOARD_STACK_MARGIN / sizeof(*p); p++)
        *p = BOARD_STACK_PAINT;
}

void board_reset(void);

void board_reset(void)
{
    memcpy(__data_start, __data_load, (size_t)((char *)__data_end - (char *)__data_start));
    memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
    board_paint_stack();
    board_exit(main());
}

typedef void (*board_vector)(void);

/* The initial stack pointer, then the handlers from Reset on (exception 1 upwards). */
struct board_vector_table {
    uint32_t *stack_top;
    board_vector handlers[15 + 32];
};

__attribute__((section(".vectors"), used)) static const struct board_vector_table board_vectors = {
    __stack_top,
    {
        [0] = board_reset,
        [1] = board_fault,  /* NMI */
        [2] = board_fault,  /* HardFault */
        [3] = board_fault,  /* MemManage */
        [4] = board_fault,  /* BusFault */
        [5] = board_fault,  /* UsageFault */
        [10] = board_fault, /* SVCall */
        [13] = board_fault, /* PendSV */
        [14] = board_systick,
        [15 + BOARD_UART0_RX_IRQ] = uart_cmsdk_rx_isr,
    },
};

/* ---- clock and sleep ------------------------------------------------------------------ */

void board_clock_start(void)
{
    BOARD_SYST_RVR = BOARD_SYSCLK_HZ / 1000u - 1u;
    BOARD_SYST_CVR = 0;
    BOARD_SYST_CSR = 7u; /* processor clock, interrupt, enable */
}

uint64_t board_clock_ms(void)
{
    uint32_t mask = board_irq_save(); /* a 64-bit read is two loads on this core */
    uint64_t ms = board_ms;

    board_irq_restore(mask);
    return ms;
}

void board_sleep_until(uint64_t deadline_ms, int (*idle)(void *ctx), void *ctx)
{
    for (;;) {
        uint32_t mask = board_irq_save();
        int sleep = idle(ctx) && board_ms < deadline_ms;

        if (sleep)
            __asm volatile("wfi"); /* a pending interrupt wakes it, masked or not */
        board_irq_restore(mask);
        if (!sleep)
            return;
    }
}

/* ---- memory ----------------------------------------------------------------------------- */

size_t board_stack_used(void)
{
    const uint32_t *p = __stack_limit;

    while (p < __stack_top && *p == BOARD_STACK_PAINT)
        p++;
    return (size_t)((const char *)__stack_top - (const char *)p);
}

size_t board_heap_used(void)
{
    return (size_t)(board_heap_top - __heap_start);
}

size_t board_static_ram(void)
{
    return (size_t)((char *)__bss_end - (char *)__data_start);
}

/* newlib's malloc grows its arena through _sbrk; this one stops at the heap's end. */
void *_sbrk(ptrdiff_t increment);

void *_sbrk(ptrdiff_t increment)
{
    uint8_t *old = board_heap_top;

    if (increment > __heap_end - board_heap_top || increment < __heap_start - board_heap_top) {
        errno = ENOMEM;
        return (void *)-1;
    }
    board_heap_top += increment;
    return old;
}
