/*
 * Xen PVH entry. The loader (QEMU's pvh.bin option ROM, or jkvm) finds
 * pvh_start32 through the note below and enters it in 32-bit protected mode
 * with paging off, flat CS/DS, and the physical address of struct
 * hvm_start_info in %ebx. Only testos.elf links this file, so no loader can
 * mistake the multiboot image for a PVH one.
 */
#include "bootproto.h"
#include "hvm_start_info.h"

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
    movl %ebx, %esi
    movl $BOOT_PROTOCOL_PVH, %ebx
    xorl %ebp, %ebp
    jmp boot32

    .section .note.GNU-stack, "", @progbits
