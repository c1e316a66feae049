/*
 * From 32-bit protected mode to kmain (boot CPU) or ap_main (APs). The boot
 * protocol entries (boot/pvh.S, boot/multiboot.S) jump to boot32; the AP
 * trampoline (trampoline.S) far-jumps to ap_start32. The identity map is
 * already built at assembly time (pagetables.S), so reaching long mode is a
 * handful of instructions: every instruction here is emulated on this host.
 */
#include "cpu.h"
#include "lapic.h"
#include "segments.h"
#include "x86.h"

/* PAE, the identity map, EFER.LME, then paging on and a far jump into 64-bit code. Clobbers eax, ecx, edx. */
.macro ENTER_LONG_MODE target
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $pml4, %eax
    movl %eax, %cr3
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr
    movl %cr0, %eax
    orl $(CR0_PG | CR0_PE), %eax
    movl %eax, %cr0
    ljmp $KERNEL_CS, $\target
.endm

    .section .text.boot, "ax", @progbits
    .code32
/*
 * In: flat 32-bit code and data segments, paging off, %ebx = BOOT_PROTOCOL_*,
 * %esi = the loader's information structure, %ebp = %eax at the entry. The
 * loader's GDT may be gone already (Multiboot does not promise one), so the
 * boot GDT is loaded before any segment register.
 */
    .global boot32
boot32:
    cli
    cld
    lgdt boot_gdt_ptr
    movl $KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    ENTER_LONG_MODE start64

    .code64
start64:
    movl $KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    /* CPU 0's kernel stack. */
    movq $(kernel_stacks + KERNEL_STACK_SIZE), %rsp

    /* .bss is tiny by design (stacks live in .noinit), so one rep stosq is cheap even emulated. */
    movq $__bss_start, %rdi
    movq $__bss_qwords, %rcx
    xorl %eax, %eax
    rep stosq

    /* kmain(protocol, info, entry eax); the upper register halves are undefined after the mode switch. */
    movl %ebx, %edi
    movl %esi, %esi
    movl %ebp, %edx
    call kmain
1:  cli
    hlt
    jmp 1b

/* In: flat 32-bit segments from the boot GDT, which the trampoline loaded; paging off. */
    .code32
    .global ap_start32
ap_start32:
    movl $KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    ENTER_LONG_MODE ap_start64

    .code64
ap_start64:
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    /* Which AP am I: the xAPIC ID picks the stack the boot CPU set aside for it. */
    movl $(LAPIC_DEFAULT_BASE + LAPIC_REG_ID), %eax
    movl (%rax), %edi
    shrl $LAPIC_ID_SHIFT, %edi
    movq ap_stack_tops(, %rdi, 8), %rsp
    testq %rsp, %rsp
    jz 2f
    call ap_main
2:  cli
    hlt
    jmp 2b

    .section .rodata
    .balign 16
    .global boot_gdt
boot_gdt:
    .quad 0
    .quad GDT_KERNEL_CODE64
    .quad GDT_KERNEL_DATA
    .quad GDT_KERNEL_CODE32
boot_gdt_end:
    .if (boot_gdt_end - boot_gdt) != BOOT_GDT_ENTRIES * 8
    .error "BOOT_GDT_ENTRIES does not match boot_gdt"
    .endif
    .if (KERNEL_CS != 0x08) || (KERNEL_DS != 0x10) || (BOOT_CS32 != 0x18)
    .error "boot_gdt's order does not match the selectors in segments.h"
    .endif
boot_gdt_ptr:
    .word BOOT_GDT_ENTRIES * 8 - 1
    .long boot_gdt

    .section .note.GNU-stack, "", @progbits
