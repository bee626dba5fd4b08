/* Bare-metal start-up for a Cortex-M4 under QEMU (mps2-an386): the vector table, the reset handler that
 * sets up memory and the FPU, and the semihosting console of newlib's librdimon, then exit(main()). */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t _sidata, _sdata, _edata, __bss_start__, __bss_end__, _estack;
extern int main(void);
extern void initialise_monitor_handles(void);

void Reset_Handler(void);
void Default_Handler(void);

void Default_Handler(void)
{
    for (;;) {
    }
}

/* Initial stack pointer, then the 15 system exception handlers (no device interrupts are used). */
__attribute__((section(".isr_vector"), used)) static const uintptr_t vectors[16] = {
    (uintptr_t)&_estack, (uintptr_t)Reset_Handler, (uintptr_t)Default_Handler, (uintptr_t)Default_Handler,
    (uintptr_t)Default_Handler, (uintptr_t)Default_Handler, (uintptr_t)Default_Handler, 0, 0, 0, 0,
    (uintptr_t)Default_Handler, (uintptr_t)Default_Handler, 0, (uintptr_t)Default_Handler,
    (uintptr_t)Default_Handler,
};

void Reset_Handler(void)
{
    uint32_t *source = &_sidata;
    for (uint32_t *target = &_sdata; target < &_edata;) *target++ = *source++;
    for (uint32_t *target = &__bss_start__; target < &__bss_end__;) *target++ = 0;
#if defined(__ARM_FP)
    /* Full access to the coprocessors CP10 and CP11 (the FPU) in CPACR. */
    *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    initialise_monitor_handles();
    exit(main());
}

/* -nostartfiles drops crti/crtn, whose _init/_fini newlib's __libc_init_array and __libc_fini_array call. */
void _init(void);
void _fini(void);
void _init(void) {}
void _fini(void) {}
