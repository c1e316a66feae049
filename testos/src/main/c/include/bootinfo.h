/* What the PVH loader told us: memory map and command line, validated. */
#ifndef TESTOS_BOOTINFO_H
#define TESTOS_BOOTINFO_H

#include <stdint.h>

#include "cmdline.h"
#include "hvm_start_info.h"

/* Bytes in a MiB. */
#define MIB (1024ull * 1024ull)

struct boot_info {
    const struct hvm_start_info *start_info;
    const struct hvm_memmap_table_entry *memmap;
    uint32_t memmap_entries;
    uint64_t ram_bytes; /* sum of the type-1 (RAM) entries */
    struct cmdline cmdline;
};

/* Reads the start_info at start_info_paddr; returns NULL, or what was wrong with it. */
const char *boot_info_parse(struct boot_info *out, uint64_t start_info_paddr);
/* Sum of the sizes of the type-1 (RAM) entries of a memory map. */
uint64_t memmap_ram_bytes(const struct hvm_memmap_table_entry *map, uint32_t entries);
/* Bytes rounded up to a whole MiB, the figure the demo banner prints. */
uint64_t ram_mib_rounded_up(uint64_t bytes);
/* Whether [addr, addr + size) lies inside one RAM entry of the memory map. */
int boot_info_is_ram(const struct boot_info *info, uint64_t addr, uint64_t size);

#endif
