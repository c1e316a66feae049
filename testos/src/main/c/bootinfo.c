/*
 * Turning the loader's boot information (PVH hvm_start_info or Multiboot
 * info) into struct boot_info, and summing the memory map.
 */
#include <stddef.h>

#include "bootinfo.h"
#include "bootproto.h"
#include "console.h"
#include "multiboot.h"

/* The command line when the loader gave none. */
static const char no_cmdline[] = "";

static const char *add_entry(struct boot_info *out, uint64_t addr, uint64_t size, uint32_t type) {
    if (out->memmap_entries == BOOT_MEMMAP_MAX) {
        return "memory map has more than 128 entries";
    }
    out->memmap[out->memmap_entries++] = (struct hvm_memmap_table_entry){.addr = addr, .size = size, .type = type};
    return NULL;
}

static const char *parse_pvh(struct boot_info *out, uint64_t start_info_paddr) {
    if (start_info_paddr == 0) {
        return "no hvm_start_info: %ebx was 0 at the PVH entry";
    }
    const struct hvm_start_info *si = (const struct hvm_start_info *)start_info_paddr;
    if (si->magic != HVM_START_MAGIC_VALUE) {
        return "hvm_start_info.magic is not 0x336ec578";
    }
    ksnprintf(out->source, sizeof(out->source), "hvm_start_info version %u", si->version);
    out->rsdp_paddr = si->rsdp_paddr;
    if (si->version >= HVM_START_INFO_VERSION_MEMMAP && si->memmap_paddr != 0) {
        const struct hvm_memmap_table_entry *map = (const struct hvm_memmap_table_entry *)si->memmap_paddr;
        for (uint32_t i = 0; i < si->memmap_entries; i++) {
            const char *error = add_entry(out, map[i].addr, map[i].size, map[i].type);
            if (error != NULL) {
                return error;
            }
        }
    }
    return cmdline_parse(&out->cmdline, si->cmdline_paddr != 0 ? (const char *)si->cmdline_paddr : no_cmdline);
}

/*
 * The mmap when there is one; otherwise the two ranges mem_lower/mem_upper
 * describe. Multiboot types use the e820 numbering, as PVH's do.
 */
static const char *multiboot_memmap(struct boot_info *out, const struct multiboot_info *mbi) {
    if (mbi->flags & MULTIBOOT_INFO_MMAP) {
        uint64_t at = mbi->mmap_addr;
        uint64_t end = at + mbi->mmap_length;
        while (at < end) {
            const struct multiboot_mmap_entry *e = (const struct multiboot_mmap_entry *)at;
            const char *error = add_entry(out, e->addr, e->len, e->type);
            if (error != NULL) {
                return error;
            }
            at += e->size + sizeof(e->size);
        }
        return NULL;
    }
    if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
        const char *error = add_entry(out, 0, mbi->mem_lower * MULTIBOOT_KIB, MULTIBOOT_MEMORY_AVAILABLE);
        if (error == NULL) {
            error = add_entry(out, MULTIBOOT_UPPER_MEMORY_START, mbi->mem_upper * MULTIBOOT_KIB,
                              MULTIBOOT_MEMORY_AVAILABLE);
        }
        return error;
    }
    return NULL;
}

static const char *parse_multiboot(struct boot_info *out, uint64_t info_paddr, uint32_t entry_eax) {
    static char error[96];
    if (entry_eax != MULTIBOOT_BOOTLOADER_MAGIC) {
        ksnprintf(error, sizeof(error), "multiboot entry with EAX=0x%x, not 0x%x", entry_eax,
                  MULTIBOOT_BOOTLOADER_MAGIC);
        return error;
    }
    if (info_paddr == 0) {
        return "no multiboot info: %ebx was 0 at the multiboot entry";
    }
    const struct multiboot_info *mbi = (const struct multiboot_info *)info_paddr;
    ksnprintf(out->source, sizeof(out->source), "multiboot info (flags 0x%x)", mbi->flags);
    /* Multiboot has no RSDP field: the ACPI code searches the BIOS areas. */
    out->rsdp_paddr = 0;
    const char *map_error = multiboot_memmap(out, mbi);
    if (map_error != NULL) {
        return map_error;
    }
    int has_cmdline = (mbi->flags & MULTIBOOT_INFO_CMDLINE) && mbi->cmdline != 0;
    return cmdline_parse(&out->cmdline, has_cmdline ? (const char *)(uint64_t)mbi->cmdline : no_cmdline);
}

const char *boot_info_parse(struct boot_info *out, uint32_t protocol, uint64_t info_paddr, uint32_t entry_eax) {
    out->protocol = protocol;
    out->source[0] = '\0';
    out->rsdp_paddr = 0;
    out->memmap_entries = 0;
    out->ram_bytes = 0;
    const char *error;
    switch (protocol) {
    case BOOT_PROTOCOL_PVH:
        error = parse_pvh(out, info_paddr);
        break;
    case BOOT_PROTOCOL_MULTIBOOT:
        error = parse_multiboot(out, info_paddr, entry_eax);
        break;
    default:
        error = "entered through an unknown boot protocol";
        break;
    }
    out->ram_bytes = memmap_ram_bytes(out->memmap, out->memmap_entries);
    return error;
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
    /*
     * Round up: firmware and VMMs carve less than a MiB out of the -m figure (the EBDA, the VGA/ROM hole,
     * SeaBIOS's tables at the top of low RAM), so the sum falls short of it by under a MiB.
     */
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
