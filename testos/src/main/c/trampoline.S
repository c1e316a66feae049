/*
 * The AP trampoline. smp.c copies these bytes to AP_TRAMPOLINE_ADDR, and a
 * SIPI starts an AP here in real mode with CS = AP_TRAMPOLINE_VECTOR << 8,
 * IP = 0. It only loads the boot GDT and enters 32-bit protected mode; the
 * rest of the way to long mode is ap_start32 in start.S, inside the image.
 * Real mode is emulated instruction by instruction here, so it stays short.
 */
#include "segments.h"
#include "x86.h"

    .section .rodata.ap_trampoline, "a", @progbits
    .code16
    .global ap_trampoline_start, ap_trampoline_end
ap_trampoline_start:
    cli
    /* CS-relative: DS is whatever INIT left, CS is the trampoline's own segment. */
    lgdtl %cs:(ap_trampoline_gdtr - ap_trampoline_start)
    movl %cr0, %eax
    /* INIT leaves caching disabled (CD and NW set); the OS runs with it on. */
    andl $~(CR0_CD | CR0_NW), %eax
    orl $CR0_PE, %eax
    movl %eax, %cr0
    ljmpl $BOOT_CS32, $ap_start32

    .balign 4
ap_trampoline_gdtr:
    .word BOOT_GDT_ENTRIES * 8 - 1
    .long boot_gdt
ap_trampoline_end:

    .section .note.GNU-stack, "", @progbits
