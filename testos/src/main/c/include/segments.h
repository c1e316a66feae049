/*
 * GDT layout, shared by the boot GDT in start.S and the per-CPU GDTs built by
 * cpu.c. The order (kernel code, kernel data, user code32, user data, user
 * code64) is the one SYSCALL/SYSRET expects, so a later syscall path can use
 * it unchanged. The boot GDT only needs the kernel segments, plus a 32-bit
 * code segment the AP trampoline passes through on its way to long mode.
 */
#ifndef TESTOS_SEGMENTS_H
#define TESTOS_SEGMENTS_H

/* Selector of the 64-bit ring-0 code segment. */
#define KERNEL_CS 0x08
/* Selector of the flat ring-0 data segment. */
#define KERNEL_DS 0x10
/* Selector of a 32-bit ring-3 code segment (unused; keeps the SYSRET layout). */
#define USER_CS32 0x18
/* Selector of the flat ring-3 data segment, without its RPL. */
#define USER_DS 0x20
/* Selector of the 64-bit ring-3 code segment, without its RPL. */
#define USER_CS 0x28
/* Selector of the 16-byte TSS descriptor. */
#define TSS_SEL 0x30
/* Number of 8-byte GDT slots: null, five segments, and the two halves of the TSS descriptor. */
#define GDT_ENTRIES 8
/* Selector of the boot GDT's 32-bit ring-0 code segment (the per-CPU GDTs hold USER_CS32 there). */
#define BOOT_CS32 0x18
/* Number of 8-byte slots in the boot GDT: null, code64, data, code32. */
#define BOOT_GDT_ENTRIES 4
/* Requested privilege level bits for a ring-3 selector. */
#define RPL_USER 3

/* Descriptor: 64-bit code, DPL 0, present, readable. */
#define GDT_KERNEL_CODE64 0x00af9a000000ffff
/* Descriptor: flat 4 GiB 32-bit code, DPL 0, present, readable. */
#define GDT_KERNEL_CODE32 0x00cf9a000000ffff
/* Descriptor: flat 4 GiB data, DPL 0, present, writable. */
#define GDT_KERNEL_DATA 0x00cf92000000ffff
/* Descriptor: flat 4 GiB 32-bit code, DPL 3. */
#define GDT_USER_CODE32 0x00cffa000000ffff
/* Descriptor: flat 4 GiB data, DPL 3, writable. */
#define GDT_USER_DATA 0x00cff2000000ffff
/* Descriptor: 64-bit code, DPL 3. */
#define GDT_USER_CODE64 0x00affa000000ffff

#endif
