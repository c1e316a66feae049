/*
 * The Xen PVH boot ABI as this OS consumes it: the ELF note that names the
 * 32-bit entry point, and the start-of-day structure whose address arrives in
 * %ebx. Written from the layout described in Xen's public header
 * arch-x86/hvm/start_info.h and xen/include/public/elfnote.h.
 */
#ifndef TESTOS_HVM_START_INFO_H
#define TESTOS_HVM_START_INFO_H

/* ELF note type whose descriptor is the 32-bit physical entry point (XEN_ELFNOTE_PHYS32_ENTRY). */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Value of hvm_start_info.magic: "xEn3" with the 0x80 bit of the "E" set. */
#define HVM_START_MAGIC_VALUE 0x336ec578u
/* First hvm_start_info version that carries memmap_paddr and memmap_entries. */
#define HVM_START_INFO_VERSION_MEMMAP 1u

/* hvm_memmap_table_entry.type: usable RAM. */
#define XEN_HVM_MEMMAP_TYPE_RAM 1u
/* hvm_memmap_table_entry.type: reserved, not to be used. */
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2u
/* hvm_memmap_table_entry.type: ACPI tables, reclaimable. */
#define XEN_HVM_MEMMAP_TYPE_ACPI 3u
/* hvm_memmap_table_entry.type: ACPI non-volatile storage. */
#define XEN_HVM_MEMMAP_TYPE_NVS 4u

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    /* The fields below exist from version 1 on. */
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info is 56 bytes in version 1");
_Static_assert(__builtin_offsetof(struct hvm_start_info, cmdline_paddr) == 24, "cmdline_paddr at 24");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_paddr) == 40, "memmap_paddr at 40");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_entries) == 48, "memmap_entries at 48");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entries are 24 bytes");
#endif

#endif
