/*
 * What the loader told us, whichever boot protocol it used: memory map,
 * command line and RSDP hint, validated and copied into the OS's own memory
 * (so the loader's structures below 1 MiB may be overwritten afterwards, by
 * the AP trampoline for one).
 */
#ifndef TESTOS_BOOTINFO_H
#define TESTOS_BOOTINFO_H

#include <stdint.h>

#include "cmdline.h"
#include "hvm_start_info.h"

/* Bytes in a MiB. */
#define MIB (1024ull * 1024ull)
/* Memory map entries kept (jkvm's PVH room is 128 entries too). */
#define BOOT_MEMMAP_MAX 128
/* Bytes of boot_info.source, NUL included. */
#define BOOT_SOURCE_SIZE 64

struct boot_info {
    uint32_t protocol;                  /* BOOT_PROTOCOL_* */
    char source[BOOT_SOURCE_SIZE];      /* which structure the map came from, for messages */
    uint64_t rsdp_paddr;                /* the loader's RSDP address, 0 if it gave none */
    struct hvm_memmap_table_entry memmap[BOOT_MEMMAP_MAX]; /* in PVH terms, whatever the protocol */
    uint32_t memmap_entries;
    uint64_t ram_bytes; /* sum of the type-1 (RAM) entries */
    struct cmdline cmdline;
};

/*
 * Reads what the loader left: protocol is BOOT_PROTOCOL_*, info_paddr the
 * address from %ebx at the entry, entry_eax the %eax at the entry (the
 * multiboot magic). Returns NULL, or what was wrong.
 */
const char *boot_info_parse(struct boot_info *out, uint32_t protocol, uint64_t info_paddr, uint32_t entry_eax);
/* Sum of the sizes of the type-1 (RAM) entries of a memory map. */
uint64_t memmap_ram_bytes(const struct hvm_memmap_table_entry *map, uint32_t entries);
/* Bytes rounded up to a whole MiB, the figure the demo banner prints. */
uint64_t ram_mib_rounded_up(uint64_t bytes);
/* Whether [addr, addr + size) lies inside one RAM entry of the memory map. */
int boot_info_is_ram(const struct boot_info *info, uint64_t addr, uint64_t size);

#endif
