/*
 * Multiboot v1 as this OS uses it, from the Multiboot Specification 0.6.96:
 * the header a loader searches for in the image's first 8 KiB (with the
 * a.out kludge, because loaders only take 32-bit ELF otherwise), and the
 * information structure whose address arrives in %ebx.
 */
#ifndef TESTOS_MULTIBOOT_H
#define TESTOS_MULTIBOOT_H

/* multiboot_header.magic: what a loader looks for. */
#define MULTIBOOT_HEADER_MAGIC 0x1badb002
/* Header flag bit 1: the loader must pass mem_lower/mem_upper (and the mmap when it has one). */
#define MULTIBOOT_HEADER_MEMORY_INFO (1 << 1)
/* Header flag bit 16: header_addr..entry_addr are valid; load by them, not by the ELF headers. */
#define MULTIBOOT_HEADER_AOUT_KLUDGE (1 << 16)
/* The header flags of this OS. */
#define MULTIBOOT_HEADER_FLAGS (MULTIBOOT_HEADER_MEMORY_INFO | MULTIBOOT_HEADER_AOUT_KLUDGE)
/* %eax at the entry when a Multiboot loader started us. */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002

#ifndef __ASSEMBLER__
#include <stdint.h>

/* multiboot_info.flags: mem_lower and mem_upper are valid. */
#define MULTIBOOT_INFO_MEMORY (1u << 0)
/* multiboot_info.flags: cmdline is valid. */
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
/* multiboot_info.flags: mmap_length and mmap_addr are valid. */
#define MULTIBOOT_INFO_MMAP (1u << 6)
/* multiboot_mmap_entry.type: available RAM (the other values follow the e820 numbering). */
#define MULTIBOOT_MEMORY_AVAILABLE 1u
/* KiB in the mem_lower/mem_upper unit conversion. */
#define MULTIBOOT_KIB 1024ull
/* Where mem_upper counts from: 1 MiB. */
#define MULTIBOOT_UPPER_MEMORY_START 0x100000ull

/* The part of the multiboot information structure this OS reads (the spec's offsets 0..51). */
struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB from 0 */
    uint32_t mem_upper; /* KiB from 1 MiB to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
};

/* One memory map entry; `size` counts the bytes after itself, so the next entry is at +size+4. */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr;
    uint64_t len;
    uint32_t type;
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct multiboot_info, cmdline) == 16, "cmdline at 16");
_Static_assert(__builtin_offsetof(struct multiboot_info, mmap_length) == 44, "mmap_length at 44");
_Static_assert(__builtin_offsetof(struct multiboot_info, mmap_addr) == 48, "mmap_addr at 48");
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "a multiboot mmap entry with its size field is 24 bytes");
#endif

#endif
