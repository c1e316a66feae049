/*
 * Exception entry. Every stub leaves the same frame (error code or 0, then
 * the vector) so trap_dispatch sees one layout, struct trap_frame.
 */
#include "traps.h"

    .altmacro
    .text

/*
 * One stub per exception vector. The CPU pushes an error code itself only for
 * vectors 8, 10-14, 17, 21, 29 and 30; the other stubs push a 0 in its place.
 */
.macro TRAP_STUB vec
    .balign 16
trap_stub_\vec:
    .if !((\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30))
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm

.macro TRAP_STUB_ADDRESS vec
    .quad trap_stub_\vec
.endm

    .set vec, 0
    .rept NR_EXCEPTIONS
    TRAP_STUB %vec
    .set vec, vec + 1
    .endr

trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    /* 15 registers + vector + error + the 5-word hardware frame keep %rsp 16-byte aligned for the call. */
    movq %rsp, %rdi
    call trap_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    iretq

    .section .rodata
    .balign 8
    .global trap_stubs
trap_stubs:
    .set vec, 0
    .rept NR_EXCEPTIONS
    TRAP_STUB_ADDRESS %vec
    .set vec, vec + 1
    .endr

    .section .note.GNU-stack, "", @progbits
