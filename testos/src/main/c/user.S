/*
 * Ring-3 calls. run_user_enter saves the callee-saved registers and the
 * kernel %rsp, then irets into the trampoline at CPL 3. The trampoline calls
 * the function and executes the ud2 at run_user_return; trap_dispatch sees
 * that #UD from ring 3 at exactly that address and calls run_user_resume,
 * which drops the ring-0 trap frame by switching back to the saved %rsp and
 * returns from run_user_enter with the result. A fault anywhere else in
 * ring 3 takes the same way back, with a fault recorded instead.
 *
 * Why a #UD and not int $0x80 through a DPL-3 gate or syscall: this host's
 * KVM (kvm-pvm) turns every int $n from ring 3 into #UD, and its SYSCALL
 * enters a PVM supervisor mode that still runs at CPL 3 (in/out and segment
 * loads fault there). An exception from ring 3 is the one transition that
 * reaches the IDT handler at ring 0 identically on kvm-pvm, KVM and TCG.
 */
#include "segments.h"
#include "traps.h"
#include "x86.h"

    .text
/* long run_user_enter(uint64_t *kernel_rsp_slot, long (*fn)(long), long arg, uint64_t user_rsp) */
    .global run_user_enter
run_user_enter:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)

    pushq $(USER_DS | RPL_USER)
    pushq %rcx
    pushq $(RFLAGS_FIXED | RFLAGS_IOPL3)
    pushq $(USER_CS | RPL_USER)
    leaq run_user_trampoline(%rip), %rax
    pushq %rax

    movq %rdx, %rdi
    /* %rsi keeps fn; clear the rest so no kernel value is visible to ring 3. */
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    iretq

run_user_trampoline:
    call *%rsi
    .global run_user_return
run_user_return:
    ud2

/* void run_user_resume(uint64_t kernel_rsp, long result) */
    .global run_user_resume
run_user_resume:
    movq %rdi, %rsp
    movq %rsi, %rax
    /* The ring change loaded a null %ss and iret nulled %ds/%es: restore the kernel's. */
    movl $KERNEL_DS, %ecx
    movl %ecx, %ss
    movl %ecx, %ds
    movl %ecx, %es
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret

    .section .note.GNU-stack, "", @progbits
