/* Validating the PVH start_info and summing the memory map. */
#include "bootinfo.h"
#include "console.h"

const char *boot_info_parse(struct boot_info *out, uint64_t start_info_paddr) {
    static const char no_cmdline[] = "";
    if (start_info_paddr == 0) {
        return "no hvm_start_info: %ebx was 0 at the PVH entry";
    }
    const struct hvm_start_info *si = (const struct hvm_start_info *)start_info_paddr;
    if (si->magic != HVM_START_MAGIC_VALUE) {
        return "hvm_start_info.magic is not 0x336ec578";
    }
    out->start_info = si;
    out->memmap = NULL;
    out->memmap_entries = 0;
    out->ram_bytes = 0;
    if (si->version >= HVM_START_INFO_VERSION_MEMMAP && si->memmap_paddr != 0) {
        out->memmap = (const struct hvm_memmap_table_entry *)si->memmap_paddr;
        out->memmap_entries = si->memmap_entries;
        out->ram_bytes = memmap_ram_bytes(out->memmap, out->memmap_entries);
    }
    const char *cmdline = si->cmdline_paddr != 0 ? (const char *)si->cmdline_paddr : no_cmdline;
    return cmdline_parse(&out->cmdline, cmdline);
}

uint64_t memmap_ram_bytes(const struct hvm_memmap_table_entry *map, uint32_t entries) {
    uint64_t total = 0;
    for (uint32_t i = 0; i < entries; i++) {
        if (map[i].type == XEN_HVM_MEMMAP_TYPE_RAM) {
            total += map[i].size;
        }
    }
    return total;
}

uint64_t ram_mib_rounded_up(uint64_t bytes) {
    /* Round up: a VMM that leaves the legacy holes out of the map still reports its -m figure. */
    return (bytes + MIB - 1) / MIB;
}

int boot_info_is_ram(const struct boot_info *info, uint64_t addr, uint64_t size) {
    for (uint32_t i = 0; i < info->memmap_entries; i++) {
        const struct hvm_memmap_table_entry *e = &info->memmap[i];
        if (e->type == XEN_HVM_MEMMAP_TYPE_RAM && addr >= e->addr && addr + size <= e->addr + e->size) {
            return 1;
        }
    }
    return 0;
}
