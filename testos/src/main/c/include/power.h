/* Ending a run: pass/fail through QEMU's isa-debug-exit, clean power-off through ACPI. */
#ifndef TESTOS_POWER_H
#define TESTOS_POWER_H

#include "x86.h"

/* Port of the isa-debug-exit device (QEMU: -device isa-debug-exit,iobase=0xf4,iosize=0x04). */
#define DEBUG_EXIT_PORT 0xf4
/* Debug-exit value for pass: QEMU exits with (0 << 1) | 1 = 1. */
#define DEBUG_EXIT_PASS 0
/* Debug-exit value for fail: QEMU exits with (1 << 1) | 1 = 3. */
#define DEBUG_EXIT_FAIL 1
/* ACPI PM1a control register: PIIX4 PM I/O base 0x600 (as SeaBIOS programs it) plus 4. */
#define ACPI_PM1A_CNT_PORT 0x604
/* PM1_CNT.SLP_EN with SLP_TYP = 0, which QEMU's PIIX4 DSDT declares as S5 (soft off). */
#define ACPI_PM1_CNT_S5 0x2000
/* TSC ticks to wait for a power-off to take effect before calling it failed (about a second). */
#define POWER_OFF_GRACE_TSC (1000 * TSC_TICKS_PER_MS)

_Noreturn void exit_pass(void);
_Noreturn void exit_fail(void);
_Noreturn void power_off(void);
_Noreturn void halt_forever(void);
/* Prints "FAIL <what>" and exits with fail. */
_Noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
