/*
 * Which boot protocol brought the OS up. The entry stubs (boot/pvh.S,
 * boot/multiboot.S) pass one of these to kmain, so everything after the
 * entry works from one struct boot_info whichever loader ran.
 */
#ifndef TESTOS_BOOTPROTO_H
#define TESTOS_BOOTPROTO_H

/* Entered through the Xen PVH note: %ebx held the hvm_start_info address. */
#define BOOT_PROTOCOL_PVH 1
/* Entered through the Multiboot v1 header: %eax held the loader magic, %ebx the multiboot info address. */
#define BOOT_PROTOCOL_MULTIBOOT 2

#endif
