/*
 * External interrupts for the device tests: vectors IRQ_VECTOR_FIRST..IRQ_VECTOR_LAST get handlers that count
 * their interrupts and EOI the local APIC; the 8259 PICs and LINT0 are masked so no legacy interrupt (the BIOS's
 * PIT tick, at a vector that overlaps the exceptions) arrives once interrupts are on; the local APIC timer gives
 * waits a time-out.
 */
#ifndef TESTOS_IRQ_H
#define TESTOS_IRQ_H

/* First vector with a counting handler. */
#define IRQ_VECTOR_FIRST 0x40
/* Vectors with counting handlers. */
#define IRQ_VECTORS 16
/* The local APIC timer's vector, the last counting one. */
#define IRQ_VECTOR_TIMEOUT (IRQ_VECTOR_FIRST + IRQ_VECTORS - 1)
/* The local APIC's spurious-interrupt vector, as lapic.h programs it; its handler does nothing (no EOI). */
#define IRQ_VECTOR_SPURIOUS 0xff

/* Local APIC register: end of interrupt. */
#define LAPIC_REG_EOI 0xb0
/* Local APIC register: task priority. */
#define LAPIC_REG_TPR 0x80
/* Local APIC register: LVT timer. */
#define LAPIC_REG_LVT_TIMER 0x320
/* Local APIC register: LVT LINT0 (ExtINT from the 8259 on a PC). */
#define LAPIC_REG_LVT_LINT0 0x350
/* Local APIC register: timer initial count (writing it starts the timer). */
#define LAPIC_REG_TIMER_INITIAL 0x380
/* Local APIC register: timer divide configuration. */
#define LAPIC_REG_TIMER_DIVIDE 0x3e0
/* LVT bit 16: masked. */
#define LAPIC_LVT_MASKED (1u << 16)
/* Divide configuration value for "divide by 1". */
#define LAPIC_TIMER_DIVIDE_1 0xb

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Interrupts seen per counting vector, index vector - IRQ_VECTOR_FIRST (written by the handlers in irq.S). */
extern volatile uint64_t irq_counts[IRQ_VECTORS];

/*
 * Installs the handlers in the IDT, masks the 8259s and LINT0, software-enables the local APIC. Call once, with
 * interrupts off.
 */
void irq_init(void);
/* The boot CPU's xAPIC ID (the MSI destination). */
uint32_t irq_apic_id(void);
/* Interrupts counted so far on `vector`. */
uint64_t irq_count(unsigned vector);
/*
 * Enables interrupts and halts until vector `vector` has counted more than `seen` interrupts or the local APIC
 * timer, started for `timer_ticks` ticks of its clock, expires; then disables interrupts. Returns whether the
 * vector fired.
 */
int irq_wait(unsigned vector, uint64_t seen, uint32_t timer_ticks);
#endif

#endif
