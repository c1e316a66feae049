/*
 * Handlers of the counting vectors: count the interrupt, EOI the local APIC, return. They touch only %rax and
 * %rcx (saved), so they need no C call frame.
 */
#include "irq.h"
#include "lapic.h"

    .altmacro
    .text

.macro IRQ_STUB vec
    .balign 16
irq_stub_\vec:
    pushq %rax
    movl $(\vec - IRQ_VECTOR_FIRST), %eax
    jmp irq_common
.endm

.macro IRQ_STUB_ADDRESS vec
    .quad irq_stub_\vec
.endm

    .set vec, IRQ_VECTOR_FIRST
    .rept IRQ_VECTORS
    IRQ_STUB %vec
    .set vec, vec + 1
    .endr

irq_common:
    pushq %rcx
    leaq irq_counts(%rip), %rcx
    lock incq (%rcx, %rax, 8)
    movl $(LAPIC_DEFAULT_BASE + LAPIC_REG_EOI), %ecx
    movl $0, (%rcx)
    popq %rcx
    popq %rax
    iretq

/* The spurious vector needs no EOI (Intel SDM vol. 3, "Spurious Interrupt"). */
    .global irq_spurious
irq_spurious:
    iretq

    .section .rodata
    .balign 8
    .global irq_stubs
irq_stubs:
    .set vec, IRQ_VECTOR_FIRST
    .rept IRQ_VECTORS
    IRQ_STUB_ADDRESS %vec
    .set vec, vec + 1
    .endr

    .section .note.GNU-stack, "", @progbits
