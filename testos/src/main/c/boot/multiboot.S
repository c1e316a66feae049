/*
 * Multiboot v1 entry (Multiboot Specification 0.6.96). The header sits at the
 * start of the text segment, inside the first 8 KiB of the file, where
 * loaders search. The image is ELF64, which Multiboot loaders refuse to load
 * by its ELF headers, so the header uses the a.out kludge (flag bit 16): load
 * the file from the header's position onwards to load_addr, zero up to
 * bss_end_addr, enter at entry_addr. The linker script keeps the file
 * contiguous from the header to the end of .data for exactly that reason.
 * Only testos-multiboot.elf links this file, and it has no PVH note.
 */
#include "bootproto.h"
#include "multiboot.h"

    .section .multiboot, "a", @progbits
    .balign 4
multiboot_header:
    .long MULTIBOOT_HEADER_MAGIC
    .long MULTIBOOT_HEADER_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)
    .long multiboot_header          /* header_addr */
    .long __image_start             /* load_addr */
    .long __load_end                /* load_end_addr: end of the file-backed part (.data) */
    .long __image_end               /* bss_end_addr: .bss and the stacks in .noinit, zeroed by the loader */
    .long multiboot_start32         /* entry_addr */

    .section .text.boot, "ax", @progbits
    .code32
/* In: %eax = MULTIBOOT_BOOTLOADER_MAGIC, %ebx = multiboot info, flat segments, paging and interrupts off. */
    .global multiboot_start32
multiboot_start32:
    movl %eax, %ebp
    movl %ebx, %esi
    movl $BOOT_PROTOCOL_MULTIBOOT, %ebx
    jmp boot32

    .section .note.GNU-stack, "", @progbits
