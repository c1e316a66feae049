/*
 * PVH entry. The loader (QEMU's pvh.bin option ROM, or jkvm) enters
 * pvh_start32 in 32-bit protected mode with paging off, flat CS/DS, and the
 * physical address of struct hvm_start_info in %ebx. The identity map is
 * already built at assembly time (pagetables.S), so reaching long mode is a
 * handful of instructions: every instruction here is emulated on this host.
 */
#include "hvm_start_info.h"
#include "segments.h"
#include "x86.h"

/* Bytes of the boot CPU's kernel stack. */
#define BOOT_STACK_SIZE 16384

    .section .note.Xen, "a", @note
    .balign 4
    .long 4                         /* namesz: "Xen" and its NUL */
    .long 8                         /* descsz: a 64-bit address, as loaders read it for ELF64 */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .quad pvh_start32
    .balign 4

    .section .text.boot, "ax", @progbits
    .code32
    .global pvh_start32
pvh_start32:
    cli
    cld
    /* %esi carries the start_info address into kmain; nothing below touches it. */
    movl %ebx, %esi
    lgdt boot_gdt_ptr
    movl $KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss

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
    ljmp $KERNEL_CS, $start64

    .code64
start64:
    movl $KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    movq $boot_stack_top, %rsp

    /* .bss is tiny by design (stacks live in .noinit), so one rep stosq is cheap even emulated. */
    movq $__bss_start, %rdi
    movq $__bss_qwords, %rcx
    xorl %eax, %eax
    rep stosq

    movl %esi, %edi
    call kmain
1:  cli
    hlt
    jmp 1b

    .section .rodata
    .balign 16
boot_gdt:
    .quad 0
    .quad GDT_KERNEL_CODE64
    .quad GDT_KERNEL_DATA
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .noinit, "aw", @nobits
    .balign 16
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
