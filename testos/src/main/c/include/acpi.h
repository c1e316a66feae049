/*
 * Finding the CPUs and the I/O APIC in the ACPI tables (ACPI 6.5, section 5.2):
 * RSDP -> XSDT (or RSDT) -> MADT, every checksum verified on the way.
 */
#ifndef TESTOS_ACPI_H
#define TESTOS_ACPI_H

#include <stdint.h>

/* APIC IDs recorded from the MADT: every possible xAPIC ID. */
#define MADT_MAX_CPUS 256

/* What the MADT says about the machine. */
struct madt_info {
    uint64_t rsdp_address;
    uint64_t madt_address;
    uint64_t local_apic_address;  /* the MADT's, or its Local APIC Address Override's */
    uint32_t cpu_count;           /* enabled Processor Local (x2)APIC entries */
    uint32_t apic_ids[MADT_MAX_CPUS]; /* of the enabled processors, ascending */
    uint32_t ioapic_count;
    uint32_t ioapic_address;      /* of the first I/O APIC entry */
    uint32_t ioapic_gsi_base;
};

/*
 * Finds and parses the MADT. rsdp_hint is the loader's RSDP address (PVH
 * start_info.rsdp_paddr), or 0 to search the EBDA and 0xE0000-0xFFFFF.
 * Returns NULL, or what was wrong (missing table, bad checksum, ...).
 */
const char *acpi_read_madt(uint64_t rsdp_hint, struct madt_info *out);

#endif
