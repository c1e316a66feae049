/* Device interrupts: IDT gates for the counting vectors, the legacy controllers masked, the local APIC timer. */
#include <stdint.h>

#include "io.h"
#include "irq.h"
#include "lapic.h"
#include "segments.h"
#include "x86.h"

/* 8259 master data port (its interrupt mask register). */
#define PIC_MASTER_DATA 0x21
/* 8259 slave data port. */
#define PIC_SLAVE_DATA 0xa1
/* Mask value that masks all eight inputs. */
#define PIC_MASK_ALL 0xff
/* IDT gate type/attributes: present, DPL 0, 64-bit interrupt gate. */
#define GATE_INTERRUPT 0x8e

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gates are 16 bytes");

volatile uint64_t irq_counts[IRQ_VECTORS];

extern const uint64_t irq_stubs[IRQ_VECTORS];
void irq_spurious(void);

/* cpu.c owns the IDT; the gates for external vectors are filled in through the IDTR it loaded. */
static void set_gate(unsigned vector, uint64_t handler) {
    struct table_pointer idtr;
    __asm__ volatile("sidt %0" : "=m"(idtr));
    struct idt_gate *idt = (struct idt_gate *)idtr.base;
    idt[vector] = (struct idt_gate){
        .offset_low = (uint16_t)handler,
        .selector = KERNEL_CS,
        .type_attr = GATE_INTERRUPT,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

void irq_init(void) {
    for (unsigned i = 0; i < IRQ_VECTORS; i++) {
        set_gate(IRQ_VECTOR_FIRST + i, irq_stubs[i]);
        irq_counts[i] = 0;
    }
    set_gate(IRQ_VECTOR_SPURIOUS, (uint64_t)irq_spurious);
    outb(PIC_MASTER_DATA, PIC_MASK_ALL);
    outb(PIC_SLAVE_DATA, PIC_MASK_ALL);
    lapic_write(LAPIC_DEFAULT_BASE, LAPIC_REG_LVT_LINT0,
                lapic_read(LAPIC_DEFAULT_BASE, LAPIC_REG_LVT_LINT0) | LAPIC_LVT_MASKED);
    lapic_write(LAPIC_DEFAULT_BASE, LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED | IRQ_VECTOR_TIMEOUT);
    lapic_write(LAPIC_DEFAULT_BASE, LAPIC_REG_TPR, 0);
    lapic_write(LAPIC_DEFAULT_BASE, LAPIC_REG_SVR, LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
}

uint32_t irq_apic_id(void) {
    return lapic_read(LAPIC_DEFAULT_BASE, LAPIC_REG_ID) >> LAPIC_ID_SHIFT;
}

uint64_t irq_count(unsigned vector) {
    return irq_counts[vector - IRQ_VECTOR_FIRST];
}

int irq_wait(unsigned vector, uint64_t seen, uint32_t timer_ticks) {
    uint64_t timeouts = irq_count(IRQ_VECTOR_TIMEOUT);
    lapic_write(LAPIC_DEFAULT_BASE, LAPIC_REG_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_1);
    lapic_write(LAPIC_DEFAULT_BASE, LAPIC_REG_LVT_TIMER, IRQ_VECTOR_TIMEOUT);
    lapic_write(LAPIC_DEFAULT_BASE, LAPIC_REG_TIMER_INITIAL, timer_ticks);
    while (irq_count(vector) <= seen && irq_count(IRQ_VECTOR_TIMEOUT) == timeouts) {
        /* sti's one-instruction shadow makes "sti; hlt" atomic: an interrupt cannot slip in between. */
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    lapic_write(LAPIC_DEFAULT_BASE, LAPIC_REG_TIMER_INITIAL, 0);
    lapic_write(LAPIC_DEFAULT_BASE, LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED | IRQ_VECTOR_TIMEOUT);
    return irq_count(vector) > seen;
}
