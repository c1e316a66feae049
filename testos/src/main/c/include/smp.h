/* Starting the application processors the MADT lists, through INIT and SIPI IPIs. */
#ifndef TESTOS_SMP_H
#define TESTOS_SMP_H

#include "lapic.h"

/* Physical address the real-mode AP trampoline is copied to: a page of conventional RAM below the EBDA. */
#define AP_TRAMPOLINE_ADDR 0x8000
/* The SIPI vector that starts an AP at AP_TRAMPOLINE_ADDR (CS = vector << 8, IP = 0). */
#define AP_TRAMPOLINE_VECTOR (AP_TRAMPOLINE_ADDR >> 12)

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "acpi.h"
#include "bootinfo.h"

/*
 * Starts every AP in `madt` and waits until each has printed "AP <id> up", in
 * APIC-ID order. `info` tells whether the trampoline's page is RAM. Returns
 * NULL, or what went wrong (an AP missed the time limit, the APIC is not where
 * the AP code expects it, ...).
 */
const char *smp_start_aps(const struct madt_info *madt, const struct boot_info *info);

/* AP kernel stack tops by APIC ID, read by the AP entry code in start.S; 0 = not to be started. */
extern uint64_t ap_stack_tops[LAPIC_XAPIC_IDS];

/* The 16-bit code that is copied to AP_TRAMPOLINE_ADDR (trampoline.S). */
extern const char ap_trampoline_start[], ap_trampoline_end[];
#endif

#endif
