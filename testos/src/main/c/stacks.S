/*
 * Per-CPU stacks. They live in .noinit, outside .bss, so boot does not spend
 * emulated instructions zeroing hundreds of KiB nobody reads before writing.
 */
#include "cpu.h"

    .section .noinit, "aw", @nobits
    .balign 4096
    .global kernel_stacks, trap_stacks, ist_stacks, user_stacks
kernel_stacks:
    .skip KERNEL_STACK_SIZE * MAX_CPUS
trap_stacks:
    .skip TRAP_STACK_SIZE * MAX_CPUS
ist_stacks:
    .skip IST_STACK_SIZE * MAX_CPUS
user_stacks:
    .skip USER_STACK_SIZE * MAX_CPUS

    .section .note.GNU-stack, "", @progbits
