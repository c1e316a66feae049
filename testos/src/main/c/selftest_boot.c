/*
 * Selftest parts that feed synthetic boot structures to the parsers: paths
 * no real loader of this project takes (multiboot without an mmap, an RSDP
 * with an XSDT under QEMU's pc machine, broken checksums) still get run.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acpi.h"
#include "bootinfo.h"
#include "bootproto.h"
#include "kstring.h"
#include "multiboot.h"
#include "tests.h"

/* The synthetic tables: RSDP, XSDT and MADT at these offsets of one buffer. */
#define SYN_RSDP 0
#define SYN_XSDT 48
#define SYN_MADT 96
/* Bytes of the synthetic tables buffer. */
#define SYN_TABLES_SIZE 192
/* Length of the synthetic XSDT: header and one entry. */
#define SYN_XSDT_LENGTH 44
/* Length of the synthetic MADT: header, three Local APIC entries, one I/O APIC entry. */
#define SYN_MADT_LENGTH 80
/* Offset of the checksum byte in an ACPI table header. */
#define SDT_CHECKSUM 9
/* Offsets in the RSDP: checksum, revision, length, XSDT address, extended checksum. */
#define RSDP_CHECKSUM 8
#define RSDP_REVISION 15
#define RSDP_LENGTH 20
#define RSDP_XSDT 24
#define RSDP_EXTENDED_CHECKSUM 32
/* Bytes the RSDP's first checksum covers, and its whole length in revision 2. */
#define RSDP_V1_SIZE 20
#define RSDP_V2_SIZE 36
/* Where the synthetic MADT puts the local and I/O APIC. */
#define SYN_LAPIC 0xfee00000u
#define SYN_IOAPIC 0xfec00000u
/* Bytes of a multiboot mmap entry after its size field, and a larger size the walker must honour. */
#define MB_ENTRY_SIZE 20
#define MB_ENTRY_SIZE_PADDED 28

static uint8_t tables[SYN_TABLES_SIZE] __attribute__((aligned(16)));
static struct madt_info madt;
static struct boot_info scratch;

static bool contains(const char *text, const char *part) {
    size_t n = strlen(part);
    for (; *text != '\0'; text++) {
        if (strncmp(text, part, n) == 0) {
            return true;
        }
    }
    return false;
}

static void put8(uint32_t at, uint8_t v) {
    tables[at] = v;
}

static void put32(uint32_t at, uint32_t v) {
    memcpy(&tables[at], &v, sizeof(v));
}

static void put64(uint32_t at, uint64_t v) {
    memcpy(&tables[at], &v, sizeof(v));
}

/* Sets the byte at checksum_at so that [start, start + length) sums to 0. */
static void seal(uint32_t start, uint32_t length, uint32_t checksum_at) {
    tables[checksum_at] = 0;
    uint8_t sum = 0;
    for (uint32_t i = 0; i < length; i++) {
        sum = (uint8_t)(sum + tables[start + i]);
    }
    tables[checksum_at] = (uint8_t)-sum;
}

static void sdt_header(uint32_t at, const char *signature, uint32_t length) {
    memcpy(&tables[at], signature, 4);
    put32(at + 4, length);
    put8(at + 8, 1);
    memcpy(&tables[at + 10], "JKVMTS", 6);
}

static void local_apic(uint32_t at, uint8_t uid, uint8_t apic_id, uint32_t flags) {
    put8(at, 0);
    put8(at + 1, 8);
    put8(at + 2, uid);
    put8(at + 3, apic_id);
    put32(at + 4, flags);
}

/* RSDP revision 2 -> XSDT -> MADT with CPUs 4 and 0 enabled, 2 disabled, and one I/O APIC. */
static void build_tables(void) {
    memset(tables, 0, sizeof(tables));
    uint64_t base = (uint64_t)tables;

    uint32_t m = SYN_MADT;
    sdt_header(m, "APIC", SYN_MADT_LENGTH);
    put32(m + 36, SYN_LAPIC);
    put32(m + 40, 1);
    local_apic(m + 44, 0, 4, 1);
    local_apic(m + 52, 1, 0, 1);
    local_apic(m + 60, 2, 2, 0);
    put8(m + 68, 1);
    put8(m + 69, 12);
    put32(m + 72, SYN_IOAPIC);
    put32(m + 76, 0);
    seal(m, SYN_MADT_LENGTH, m + SDT_CHECKSUM);

    sdt_header(SYN_XSDT, "XSDT", SYN_XSDT_LENGTH);
    put64(SYN_XSDT + 36, base + SYN_MADT);
    seal(SYN_XSDT, SYN_XSDT_LENGTH, SYN_XSDT + SDT_CHECKSUM);

    memcpy(&tables[SYN_RSDP], "RSD PTR ", 8);
    memcpy(&tables[SYN_RSDP + 9], "JKVMTS", 6);
    put8(SYN_RSDP + RSDP_REVISION, 2);
    put32(SYN_RSDP + RSDP_LENGTH, RSDP_V2_SIZE);
    put64(SYN_RSDP + RSDP_XSDT, base + SYN_XSDT);
    seal(SYN_RSDP, RSDP_V1_SIZE, SYN_RSDP + RSDP_CHECKSUM);
    seal(SYN_RSDP, RSDP_V2_SIZE, SYN_RSDP + RSDP_EXTENDED_CHECKSUM);
}

/* Flips a byte at `at` and expects the parser to name `problem`; then restores it. */
static void expect_rejected(uint32_t at, const char *problem) {
    tables[at] ^= 0x5a;
    const char *error = acpi_read_madt((uint64_t)tables, &madt);
    SELFTEST_CHECK(error != NULL && contains(error, problem),
                   "ACPI parser, byte %u of the synthetic tables changed: expected '%s', got '%s'", at, problem,
                   error);
    tables[at] ^= 0x5a;
}

void selftest_acpi_parser(void) {
    build_tables();
    const char *error = acpi_read_madt((uint64_t)tables, &madt);
    SELFTEST_CHECK(error == NULL, "ACPI parser rejected the synthetic tables: %s", error);
    SELFTEST_CHECK(madt.cpu_count == 2 && madt.apic_ids[0] == 0 && madt.apic_ids[1] == 4,
                   "ACPI parser found %u CPUs (first IDs %u %u) in a MADT with enabled APIC IDs 4 and 0",
                   madt.cpu_count, madt.apic_ids[0], madt.apic_ids[1]);
    SELFTEST_CHECK(madt.local_apic_address == SYN_LAPIC && madt.ioapic_count == 1 &&
                       madt.ioapic_address == SYN_IOAPIC && madt.madt_address == (uint64_t)tables + SYN_MADT,
                   "ACPI parser read local APIC %lx, %u I/O APICs at %x, MADT at %lx", madt.local_apic_address,
                   madt.ioapic_count, madt.ioapic_address, madt.madt_address);
    expect_rejected(SYN_MADT + 10, "checksum");
    expect_rejected(SYN_XSDT + 12, "checksum");
    expect_rejected(SYN_RSDP + 33, "extended checksum");
    expect_rejected(SYN_RSDP + 10, "first 20 bytes");
    expect_rejected(SYN_RSDP, "signature");
}

void selftest_multiboot_info(void) {
    static uint8_t mmap[3 * sizeof(struct multiboot_mmap_entry) + MB_ENTRY_SIZE_PADDED - MB_ENTRY_SIZE];
    static const struct {
        uint32_t size;
        uint64_t addr, len;
        uint32_t type;
    } entries[] = {
        {MB_ENTRY_SIZE, 0, 0x9fc00, 1},
        {MB_ENTRY_SIZE_PADDED, 0x9fc00, 0x400, 2},
        {MB_ENTRY_SIZE, MIB, 127 * MIB, 1},
    };
    uint32_t at = 0;
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        memset(&mmap[at], 0, entries[i].size + sizeof(uint32_t));
        memcpy(&mmap[at], &entries[i].size, 4);
        memcpy(&mmap[at + 4], &entries[i].addr, 8);
        memcpy(&mmap[at + 12], &entries[i].len, 8);
        memcpy(&mmap[at + 20], &entries[i].type, 4);
        at += entries[i].size + sizeof(uint32_t);
    }
    static const char cmdline[] = "/boot/testos-multiboot.elf test=mb";
    static struct multiboot_info mbi;
    mbi = (struct multiboot_info){
        .flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MMAP,
        .mem_lower = 639,
        .mem_upper = 127 * 1024,
        .cmdline = (uint32_t)(uint64_t)cmdline,
        .mmap_length = at,
        .mmap_addr = (uint32_t)(uint64_t)mmap,
    };
    const char *error = boot_info_parse(&scratch, BOOT_PROTOCOL_MULTIBOOT, (uint64_t)&mbi, MULTIBOOT_BOOTLOADER_MAGIC);
    SELFTEST_CHECK(error == NULL, "multiboot info with an mmap rejected: %s", error);
    SELFTEST_CHECK(scratch.memmap_entries == 3 && scratch.memmap[1].addr == 0x9fc00 && scratch.memmap[1].type == 2 &&
                       scratch.memmap[2].addr == MIB && ram_mib_rounded_up(scratch.ram_bytes) == 128,
                   "multiboot mmap (one entry with size %u) gave %u entries, %lu bytes of RAM", MB_ENTRY_SIZE_PADDED,
                   scratch.memmap_entries, scratch.ram_bytes);
    SELFTEST_CHECK(scratch.cmdline.test != NULL && strcmp(scratch.cmdline.test, "mb") == 0 && scratch.rsdp_paddr == 0,
                   "multiboot command line '%s' was not parsed to test=mb", cmdline);

    mbi.flags = MULTIBOOT_INFO_MEMORY;
    error = boot_info_parse(&scratch, BOOT_PROTOCOL_MULTIBOOT, (uint64_t)&mbi, MULTIBOOT_BOOTLOADER_MAGIC);
    SELFTEST_CHECK(error == NULL && scratch.memmap_entries == 2 && scratch.memmap[1].addr == MIB &&
                       scratch.memmap[1].size == 127 * MIB && ram_mib_rounded_up(scratch.ram_bytes) == 128 &&
                       scratch.cmdline.test == NULL,
                   "multiboot info with only mem_lower/mem_upper gave %u entries, %lu bytes of RAM (%s)",
                   scratch.memmap_entries, scratch.ram_bytes, error);

    error = boot_info_parse(&scratch, BOOT_PROTOCOL_MULTIBOOT, (uint64_t)&mbi, 0x1badb002);
    SELFTEST_CHECK(error != NULL && contains(error, "EAX=0x1badb002"), "multiboot entry with the header magic in EAX "
                   "was accepted (%s)", error);
}
