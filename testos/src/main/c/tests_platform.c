/*
 * The tests of the machine around the CPU: test=madt (ACPI tables),
 * test=smp (AP start-up through the local APIC) and test=fwcfg (QEMU's
 * firmware configuration device). Their output holds only what QEMU and a
 * VMM imitating it must agree on, so the two consoles can be compared line
 * by line; table addresses, file lists and the like appear only in FAIL lines.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acpi.h"
#include "bootinfo.h"
#include "console.h"
#include "fwcfg.h"
#include "kstring.h"
#include "power.h"
#include "smp.h"
#include "tests.h"

/* fw_cfg files the test has room for in its copy of the directory. */
#define FW_CFG_FILES_MAX 64
/* Bytes of the directory's count field. */
#define FW_CFG_DIR_COUNT_SIZE 4
/* Bytes of one etc/e820 entry: u64 address, u64 length, u32 type, little-endian and packed. */
#define E820_ENTRY_SIZE 20
/* etc/e820 entries the test has room for. */
#define E820_ENTRIES_MAX 128
/* etc/e820 type of usable RAM. */
#define E820_TYPE_RAM 1
/* The fw_cfg file holding the VMM's e820 map. */
#define E820_FILE_NAME "etc/e820"
/* What FW_CFG_SIGNATURE holds. */
#define FW_CFG_SIGNATURE_TEXT "QEMU"
/* Bytes of the signature. */
#define FW_CFG_SIGNATURE_SIZE 4

static struct madt_info madt;

static void read_madt(const char *test, const struct boot_info *info) {
    const char *error = acpi_read_madt(info->rsdp_paddr, &madt);
    if (error != NULL) {
        fail("%s: %s", test, error);
    }
}

/* --- madt --- */

_Noreturn void test_madt(const struct boot_info *info) {
    read_madt("madt", info);
    if (madt.ioapic_count == 0) {
        fail("madt: the MADT at %lx lists no I/O APIC", madt.madt_address);
    }
    console_lock();
    kprintf("MADT: %u CPUs, APIC IDs", madt.cpu_count);
    for (uint32_t i = 0; i < madt.cpu_count; i++) {
        kprintf(" %u", madt.apic_ids[i]);
    }
    kprintf("\n");
    console_unlock();
    kprintf("MADT: local APIC %lx, I/O APIC %x, GSI base %u\n", madt.local_apic_address, madt.ioapic_address,
            madt.ioapic_gsi_base);
    kprintf("PASS madt\n");
    exit_pass();
}

/* --- smp --- */

_Noreturn void test_smp(const struct boot_info *info) {
    read_madt("smp", info);
    const char *error = smp_start_aps(&madt, info);
    if (error != NULL) {
        fail("smp: %s", error);
    }
    kprintf("SMP: %u CPUs up\n", madt.cpu_count);
    kprintf("PASS smp\n");
    exit_pass();
}

/* --- fwcfg --- */

static struct {
    uint8_t dir[FW_CFG_DIR_COUNT_SIZE + FW_CFG_FILES_MAX * sizeof(struct fw_cfg_file)];
    uint8_t dir_by_dma[FW_CFG_DIR_COUNT_SIZE + FW_CFG_FILES_MAX * sizeof(struct fw_cfg_file)];
    uint8_t e820[E820_ENTRIES_MAX * E820_ENTRY_SIZE];
    uint8_t e820_by_dma[E820_ENTRIES_MAX * E820_ENTRY_SIZE];
} fwcfg;

/*
 * Reads `length` bytes of item `key` through the data port into `buf` and,
 * when the device has DMA, again by DMA into `by_dma`: both must agree.
 */
static void read_item(uint16_t key, void *buf, void *by_dma, uint32_t length, bool dma, const char *what) {
    fw_cfg_read_port(key, buf, length);
    if (!dma) {
        return;
    }
    const char *error = fw_cfg_read_dma(key, by_dma, length);
    if (error != NULL) {
        fail("fwcfg: %s: %s", what, error);
    }
    const uint8_t *port_bytes = buf;
    const uint8_t *dma_bytes = by_dma;
    for (uint32_t i = 0; i < length; i++) {
        if (port_bytes[i] != dma_bytes[i]) {
            fail("fwcfg: %s (item 0x%x): byte %u reads 0x%x through the data port but 0x%x by DMA", what, key, i,
                 port_bytes[i], dma_bytes[i]);
        }
    }
}

struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

static struct e820_entry e820_entry(uint32_t index) {
    struct e820_entry e;
    const uint8_t *p = fwcfg.e820 + index * E820_ENTRY_SIZE;
    memcpy(&e.addr, p, sizeof(e.addr));
    memcpy(&e.size, p + 8, sizeof(e.size));
    memcpy(&e.type, p + 16, sizeof(e.type));
    return e;
}

/* Whether [addr, end) is covered by etc/e820's RAM entries, which may split it at any point. */
static bool e820_covers(uint32_t entries, uint64_t addr, uint64_t end) {
    while (addr < end) {
        bool advanced = false;
        for (uint32_t i = 0; i < entries; i++) {
            struct e820_entry e = e820_entry(i);
            if (e.type == E820_TYPE_RAM && addr >= e.addr && addr < e.addr + e.size) {
                addr = e.addr + e.size;
                advanced = true;
            }
        }
        if (!advanced) {
            return false;
        }
    }
    return true;
}

/*
 * etc/e820 and the boot memory map must agree on RAM: every RAM range the
 * loader reported is RAM in etc/e820 (firmware may carve pieces out of the
 * VMM's RAM, never add to it), and both round to the same MiB figure.
 */
static void check_e820(const struct boot_info *info, uint32_t entries) {
    uint64_t e820_ram = 0;
    for (uint32_t i = 0; i < entries; i++) {
        struct e820_entry e = e820_entry(i);
        if (e.type == E820_TYPE_RAM) {
            e820_ram += e.size;
        }
    }
    for (uint32_t i = 0; i < info->memmap_entries; i++) {
        const struct hvm_memmap_table_entry *m = &info->memmap[i];
        if (m->type == XEN_HVM_MEMMAP_TYPE_RAM && !e820_covers(entries, m->addr, m->addr + m->size)) {
            fail("fwcfg: RAM %lx-%lx of the boot memory map is not RAM in etc/e820", m->addr, m->addr + m->size);
        }
    }
    if (ram_mib_rounded_up(e820_ram) != ram_mib_rounded_up(info->ram_bytes)) {
        fail("fwcfg: etc/e820 has %lu MiB of RAM, the boot memory map %lu MiB", ram_mib_rounded_up(e820_ram),
             ram_mib_rounded_up(info->ram_bytes));
    }
}

/* Finds `name` in the directory read into fwcfg.dir. */
static const struct fw_cfg_file *find_file(uint32_t files, const char *name) {
    for (uint32_t i = 0; i < files; i++) {
        const struct fw_cfg_file *file =
            (const struct fw_cfg_file *)(fwcfg.dir + FW_CFG_DIR_COUNT_SIZE + i * sizeof(struct fw_cfg_file));
        if (strncmp(file->name, name, FW_CFG_FILE_NAME_SIZE) == 0) {
            return file;
        }
    }
    return NULL;
}

_Noreturn void test_fwcfg(const struct boot_info *info) {
    uint8_t signature[FW_CFG_SIGNATURE_SIZE];
    uint8_t scratch[sizeof(uint64_t)];
    fw_cfg_read_port(FW_CFG_SIGNATURE, signature, sizeof(signature));
    if (memcmp(signature, FW_CFG_SIGNATURE_TEXT, FW_CFG_SIGNATURE_SIZE) != 0) {
        fail("fwcfg: item 0x%x reads %x %x %x %x through port 0x510/0x511, not the signature \"QEMU\"",
             FW_CFG_SIGNATURE, signature[0], signature[1], signature[2], signature[3]);
    }
    uint32_t id;
    fw_cfg_read_port(FW_CFG_ID, &id, sizeof(id));
    bool dma = (id & FW_CFG_ID_DMA) != 0;
    read_item(FW_CFG_SIGNATURE, signature, scratch, sizeof(signature), dma, "SIGNATURE");
    read_item(FW_CFG_ID, &id, scratch, sizeof(id), dma, "ID");
    uint16_t cpus;
    read_item(FW_CFG_NB_CPUS, &cpus, scratch, sizeof(cpus), dma, "NB_CPUS");
    uint64_t ram_size;
    read_item(FW_CFG_RAM_SIZE, &ram_size, scratch, sizeof(ram_size), dma, "RAM_SIZE");

    uint32_t files_be;
    read_item(FW_CFG_FILE_DIR, &files_be, scratch, sizeof(files_be), dma, "FILE_DIR count");
    uint32_t files = __builtin_bswap32(files_be);
    if (files > FW_CFG_FILES_MAX) {
        fail("fwcfg: the file directory lists %u files; the test has room for %u", files, FW_CFG_FILES_MAX);
    }
    read_item(FW_CFG_FILE_DIR, fwcfg.dir, fwcfg.dir_by_dma,
              FW_CFG_DIR_COUNT_SIZE + files * (uint32_t)sizeof(struct fw_cfg_file), dma, "FILE_DIR");
    const struct fw_cfg_file *e820_file = find_file(files, E820_FILE_NAME);
    if (e820_file == NULL) {
        fail("fwcfg: the file directory (%u files) has no " E820_FILE_NAME, files);
    }
    uint32_t e820_size = __builtin_bswap32(e820_file->size);
    if (e820_size == 0 || e820_size % E820_ENTRY_SIZE != 0 || e820_size > sizeof(fwcfg.e820)) {
        fail("fwcfg: " E820_FILE_NAME " is %u bytes, not 1 to %u entries of %u bytes", e820_size, E820_ENTRIES_MAX,
             E820_ENTRY_SIZE);
    }
    read_item(__builtin_bswap16(e820_file->select), fwcfg.e820, fwcfg.e820_by_dma, e820_size, dma, E820_FILE_NAME);

    read_madt("fwcfg", info);
    if (cpus != madt.cpu_count) {
        fail("fwcfg: NB_CPUS is %u but the MADT lists %u CPUs", cpus, madt.cpu_count);
    }
    uint64_t ram_mib = ram_mib_rounded_up(info->ram_bytes);
    if (ram_mib_rounded_up(ram_size) != ram_mib) {
        fail("fwcfg: RAM_SIZE is 0x%lx bytes but the boot memory map has %lu MiB of RAM", ram_size, ram_mib);
    }
    check_e820(info, e820_size / E820_ENTRY_SIZE);

    kprintf("fw_cfg: signature %c%c%c%c, dma %s, cpus %u, ram %lu MiB, " E820_FILE_NAME " ok\n", signature[0],
            signature[1], signature[2], signature[3], dma ? "yes" : "no", cpus, ram_mib);
    kprintf("PASS fwcfg\n");
    exit_pass();
}
