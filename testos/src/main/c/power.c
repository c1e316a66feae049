/* Ways a run ends. After any of them the CPU parks in cli; hlt. */
#include <stdarg.h>

#include "console.h"
#include "io.h"
#include "power.h"
#include "x86.h"

void halt_forever(void) {
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}

void exit_pass(void) {
    outl(DEBUG_EXIT_PORT, DEBUG_EXIT_PASS);
    halt_forever();
}

void exit_fail(void) {
    outl(DEBUG_EXIT_PORT, DEBUG_EXIT_FAIL);
    halt_forever();
}

void power_off(void) {
    outw(ACPI_PM1A_CNT_PORT, ACPI_PM1_CNT_S5);
    /*
     * QEMU acts on the request asynchronously, in its main loop, while this
     * vCPU keeps running: give it time before deciding power-off failed, or
     * the fallback debug-exit would race it and turn a clean 0 into a 3.
     */
    uint64_t start = rdtsc();
    while (rdtsc() - start < POWER_OFF_GRACE_TSC) {
        cpu_relax();
    }
    fail("power-off: writing 0x%x to ACPI PM1a_CNT (port 0x%x) did not power off", ACPI_PM1_CNT_S5,
         ACPI_PM1A_CNT_PORT);
}

void fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    console_lock();
    console_write("FAIL ");
    kvprintf(fmt, ap);
    console_write("\n");
    console_unlock();
    va_end(ap);
    exit_fail();
}
