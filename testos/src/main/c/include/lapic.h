/*
 * The local APIC in xAPIC mode (Intel SDM vol. 3, "Advanced Programmable
 * Interrupt Controller"): memory-mapped registers at the APIC base, which
 * the identity map covers uncached. Only what starting APs needs.
 */
#ifndef TESTOS_LAPIC_H
#define TESTOS_LAPIC_H

/* IA32_APIC_BASE: the APIC's physical base and its enable bits. */
#define MSR_IA32_APIC_BASE 0x1b
/* IA32_APIC_BASE bit 10: x2APIC mode (MSR access instead of MMIO). */
#define APIC_BASE_X2APIC (1 << 10)
/* IA32_APIC_BASE bit 11: the APIC is globally enabled. */
#define APIC_BASE_ENABLE (1 << 11)
/* IA32_APIC_BASE bits 12 and up: the register page's physical address. */
#define APIC_BASE_ADDRESS_MASK 0x000ffffffffff000ull
/* Where every PC (and the MADT of QEMU and jkvm) puts the local APIC; the AP entry code reads its ID here. */
#define LAPIC_DEFAULT_BASE 0xfee00000
/* Local APIC ID register; the xAPIC ID is in bits 31:24. */
#define LAPIC_REG_ID 0x20
/* Spurious interrupt vector register. */
#define LAPIC_REG_SVR 0xf0
/* Error status register. */
#define LAPIC_REG_ESR 0x280
/* Interrupt command register, low half: writing it sends the IPI. */
#define LAPIC_REG_ICR_LOW 0x300
/* Interrupt command register, high half: the destination. */
#define LAPIC_REG_ICR_HIGH 0x310
/* Shift of the xAPIC ID in the ID register and of the destination in ICR high. */
#define LAPIC_ID_SHIFT 24
/* Distinct xAPIC IDs (they are 8 bits wide). */
#define LAPIC_XAPIC_IDS 256
/* SVR bit 8: APIC software enable. */
#define LAPIC_SVR_ENABLE (1 << 8)
/* Spurious vector to program (low nibble all ones, as older APICs require). */
#define LAPIC_SPURIOUS_VECTOR 0xff
/* ICR delivery mode INIT. */
#define ICR_DELIVERY_INIT (5 << 8)
/* ICR delivery mode Start-Up; the vector is the trampoline's page number. */
#define ICR_DELIVERY_STARTUP (6 << 8)
/* ICR delivery status: the IPI has not been accepted yet. */
#define ICR_SEND_PENDING (1 << 12)
/* ICR level: assert. */
#define ICR_LEVEL_ASSERT (1 << 14)
/* ICR trigger mode: level. */
#define ICR_TRIGGER_LEVEL (1 << 15)

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline uint32_t lapic_read(uint64_t base, uint32_t reg) {
    return *(volatile uint32_t *)(base + reg);
}

static inline void lapic_write(uint64_t base, uint32_t reg, uint32_t value) {
    *(volatile uint32_t *)(base + reg) = value;
}
#endif

#endif
