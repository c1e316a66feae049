/*
 * ACPI table discovery (ACPI 6.5, 5.2.5 "Root System Description Pointer",
 * 5.2.7 RSDT, 5.2.8 XSDT, 5.2.12 MADT). Every table on the way is checked
 * against its checksum, and every table the root table lists as well, so a
 * VMM that gets one of them wrong is caught here rather than by Linux later.
 */
#include <stdbool.h>
#include <stddef.h>

#include "acpi.h"
#include "console.h"
#include "kstring.h"
#include "x86.h"

/* The RSDP signature, "RSD PTR ", as one little-endian quadword. */
#define RSDP_SIGNATURE 0x2052545020445352ull
/* RSDPs lie on 16-byte boundaries. */
#define RSDP_ALIGN 16
/* Bytes the ACPI 1.0 checksum covers. */
#define RSDP_V1_LENGTH 20
/* First RSDP revision with length, XSDT address and extended checksum (ACPI 2.0). */
#define RSDP_REVISION_XSDT 2
/* Where the BIOS data area keeps the EBDA's real-mode segment. */
#define BDA_EBDA_SEGMENT 0x40e
/* Bytes of the EBDA that are searched. */
#define EBDA_SEARCH_LENGTH 1024
/* Start of the BIOS read-only area that is searched. */
#define BIOS_AREA_START 0xe0000
/* End of the BIOS read-only area (exclusive). */
#define BIOS_AREA_END 0x100000
/* Tables must end below this: the identity map covers 4 GiB. */
#define ADDRESSABLE_LIMIT 0x100000000ull
/* Longest table accepted; anything larger is taken for garbage. */
#define TABLE_LENGTH_MAX 0x100000u
/* Bytes of the MADT before its interrupt controller structures. */
#define MADT_HEADER_LENGTH 44
/* MADT structure: Processor Local APIC. */
#define MADT_LOCAL_APIC 0
/* MADT structure: I/O APIC. */
#define MADT_IO_APIC 1
/* MADT structure: Local APIC Address Override. */
#define MADT_LOCAL_APIC_OVERRIDE 5
/* MADT structure: Processor Local x2APIC. */
#define MADT_LOCAL_X2APIC 9
/* Local (x2)APIC flags bit 0: the processor is enabled. */
#define MADT_CPU_ENABLED 1u

struct rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt_address;
    uint32_t length;
    uint64_t xsdt_address;
    uint8_t extended_checksum;
    uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct rsdp) == 36, "the ACPI 2.0 RSDP is 36 bytes");

struct sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct sdt_header) == 36, "ACPI table headers are 36 bytes");

struct madt_entry_header {
    uint8_t type;
    uint8_t length;
} __attribute__((packed));

struct madt_local_apic {
    struct madt_entry_header header;
    uint8_t processor_uid;
    uint8_t apic_id;
    uint32_t flags;
} __attribute__((packed));

struct madt_io_apic {
    struct madt_entry_header header;
    uint8_t io_apic_id;
    uint8_t reserved;
    uint32_t address;
    uint32_t gsi_base;
} __attribute__((packed));

struct madt_local_apic_override {
    struct madt_entry_header header;
    uint16_t reserved;
    uint64_t address;
} __attribute__((packed));

struct madt_local_x2apic {
    struct madt_entry_header header;
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;
    uint32_t processor_uid;
} __attribute__((packed));

/* The error message of the last failure; the callers print it at once. */
static char error[160];

static uint8_t byte_sum(const void *start, uint32_t length) {
    const uint8_t *p = start;
    uint8_t sum = 0;
    for (uint32_t i = 0; i < length; i++) {
        sum = (uint8_t)(sum + p[i]);
    }
    return sum;
}

/* Returns NULL if the RSDP at `address` is valid, else what is wrong with it. */
static const char *check_rsdp(uint64_t address) {
    const struct rsdp *rsdp = (const struct rsdp *)address;
    if (*(const uint64_t *)rsdp->signature != RSDP_SIGNATURE) {
        ksnprintf(error, sizeof(error), "no \"RSD PTR \" signature at the RSDP address %lx", address);
        return error;
    }
    uint8_t sum = byte_sum(rsdp, RSDP_V1_LENGTH);
    if (sum != 0) {
        ksnprintf(error, sizeof(error), "RSDP at %lx: checksum over its first 20 bytes is 0x%x, not 0", address, sum);
        return error;
    }
    if (rsdp->revision >= RSDP_REVISION_XSDT) {
        if (rsdp->length < sizeof(struct rsdp) || rsdp->length > TABLE_LENGTH_MAX) {
            ksnprintf(error, sizeof(error), "RSDP at %lx (revision %u): length %u", address, rsdp->revision,
                      rsdp->length);
            return error;
        }
        sum = byte_sum(rsdp, rsdp->length);
        if (sum != 0) {
            ksnprintf(error, sizeof(error), "RSDP at %lx: extended checksum over %u bytes is 0x%x, not 0", address,
                      rsdp->length, sum);
            return error;
        }
    }
    return NULL;
}

/*
 * The first RSDP with a valid checksum in [start, end); if there are only
 * broken ones, the first one's problem. Returns the address or 0.
 */
static uint64_t scan_rsdp(uint64_t start, uint64_t end, const char **problem) {
    for (uint64_t at = start; at + sizeof(struct rsdp) <= end; at += RSDP_ALIGN) {
        if (*(const uint64_t *)at != RSDP_SIGNATURE) {
            continue;
        }
        const char *why = check_rsdp(at);
        if (why == NULL) {
            return at;
        }
        if (*problem == NULL) {
            *problem = why;
        }
    }
    return 0;
}

static const char *find_rsdp(uint64_t hint, uint64_t *out) {
    if (hint != 0) {
        *out = hint;
        return check_rsdp(hint);
    }
    const char *problem = NULL;
    uint64_t ebda = (uint64_t)*(const volatile uint16_t *)phys_to_virt(BDA_EBDA_SEGMENT) << 4;
    uint64_t found = 0;
    if (ebda != 0) {
        found = scan_rsdp(ebda, ebda + EBDA_SEARCH_LENGTH, &problem);
    }
    if (found == 0) {
        found = scan_rsdp(BIOS_AREA_START, BIOS_AREA_END, &problem);
    }
    if (found != 0) {
        *out = found;
        return NULL;
    }
    if (problem != NULL) {
        return problem;
    }
    return "no RSDP: the loader passed none and there is no \"RSD PTR \" in the EBDA or at e0000-fffff";
}

/* Checks that the table at `address` is addressable, sensibly long and sums to 0. */
static const char *check_table(uint64_t address, const char *what) {
    if (address == 0) {
        ksnprintf(error, sizeof(error), "%s has address 0", what);
        return error;
    }
    if (address + sizeof(struct sdt_header) > ADDRESSABLE_LIMIT) {
        ksnprintf(error, sizeof(error), "%s at %lx is outside the 4 GiB the OS maps", what, address);
        return error;
    }
    const struct sdt_header *table = (const struct sdt_header *)address;
    if (table->length < sizeof(struct sdt_header) || table->length > TABLE_LENGTH_MAX ||
        address + table->length > ADDRESSABLE_LIMIT) {
        ksnprintf(error, sizeof(error), "%s at %lx has length %u", what, address, table->length);
        return error;
    }
    uint8_t sum = byte_sum(table, table->length);
    if (sum != 0) {
        ksnprintf(error, sizeof(error), "%s (%c%c%c%c) at %lx: checksum over %u bytes is 0x%x, not 0", what,
                  table->signature[0], table->signature[1], table->signature[2], table->signature[3], address,
                  table->length, sum);
        return error;
    }
    return NULL;
}

static bool has_signature(uint64_t address, const char *signature) {
    return memcmp(((const struct sdt_header *)address)->signature, signature, 4) == 0;
}

/* Walks the XSDT (8-byte entries) or RSDT (4-byte entries), checking every table; finds the MADT. */
static const char *find_madt(uint64_t root, uint32_t entry_size, uint64_t *madt) {
    const char *root_name = entry_size == 8 ? "XSDT" : "RSDT";
    const char *problem = check_table(root, root_name);
    if (problem != NULL) {
        return problem;
    }
    if (!has_signature(root, root_name)) {
        ksnprintf(error, sizeof(error), "the RSDP's %s at %lx has another signature", root_name, root);
        return error;
    }
    const struct sdt_header *header = (const struct sdt_header *)root;
    uint32_t entries = (header->length - (uint32_t)sizeof(*header)) / entry_size;
    const uint8_t *first = (const uint8_t *)root + sizeof(*header);
    *madt = 0;
    for (uint32_t i = 0; i < entries; i++) {
        uint64_t table = entry_size == 8 ? *(const uint64_t *)(first + i * 8) : *(const uint32_t *)(first + i * 4);
        problem = check_table(table, "a table the root table lists");
        if (problem != NULL) {
            return problem;
        }
        if (*madt == 0 && has_signature(table, "APIC")) {
            *madt = table;
        }
    }
    if (*madt == 0) {
        ksnprintf(error, sizeof(error), "the %s at %lx lists no MADT (\"APIC\") among its %u tables", root_name, root,
                  entries);
        return error;
    }
    return NULL;
}

static void add_cpu(struct madt_info *out, uint32_t apic_id) {
    if (out->cpu_count == MADT_MAX_CPUS) {
        return;
    }
    /* Insertion keeps the IDs ascending: the output must not depend on the MADT's order. */
    uint32_t i = out->cpu_count++;
    while (i > 0 && out->apic_ids[i - 1] > apic_id) {
        out->apic_ids[i] = out->apic_ids[i - 1];
        i--;
    }
    out->apic_ids[i] = apic_id;
}

static const char *parse_madt(uint64_t madt, struct madt_info *out) {
    const struct sdt_header *header = (const struct sdt_header *)madt;
    if (header->length < MADT_HEADER_LENGTH) {
        ksnprintf(error, sizeof(error), "MADT at %lx is only %u bytes long", madt, header->length);
        return error;
    }
    out->local_apic_address = *(const uint32_t *)(madt + sizeof(*header));
    uint64_t at = madt + MADT_HEADER_LENGTH;
    uint64_t end = madt + header->length;
    while (at + sizeof(struct madt_entry_header) <= end) {
        const struct madt_entry_header *entry = (const struct madt_entry_header *)at;
        if (entry->length < sizeof(*entry) || at + entry->length > end) {
            ksnprintf(error, sizeof(error), "MADT at %lx: structure type %u at offset %lu has length %u", madt,
                      entry->type, at - madt, entry->length);
            return error;
        }
        if (entry->type == MADT_LOCAL_APIC && entry->length >= sizeof(struct madt_local_apic)) {
            const struct madt_local_apic *cpu = (const struct madt_local_apic *)at;
            if (cpu->flags & MADT_CPU_ENABLED) {
                add_cpu(out, cpu->apic_id);
            }
        } else if (entry->type == MADT_LOCAL_X2APIC && entry->length >= sizeof(struct madt_local_x2apic)) {
            const struct madt_local_x2apic *cpu = (const struct madt_local_x2apic *)at;
            if (cpu->flags & MADT_CPU_ENABLED) {
                add_cpu(out, cpu->x2apic_id);
            }
        } else if (entry->type == MADT_IO_APIC && entry->length >= sizeof(struct madt_io_apic)) {
            const struct madt_io_apic *ioapic = (const struct madt_io_apic *)at;
            if (out->ioapic_count++ == 0) {
                out->ioapic_address = ioapic->address;
                out->ioapic_gsi_base = ioapic->gsi_base;
            }
        } else if (entry->type == MADT_LOCAL_APIC_OVERRIDE &&
                   entry->length >= sizeof(struct madt_local_apic_override)) {
            out->local_apic_address = ((const struct madt_local_apic_override *)at)->address;
        }
        at += entry->length;
    }
    if (out->cpu_count == 0) {
        ksnprintf(error, sizeof(error), "MADT at %lx lists no enabled processor", madt);
        return error;
    }
    return NULL;
}

const char *acpi_read_madt(uint64_t rsdp_hint, struct madt_info *out) {
    memset(out, 0, sizeof(*out));
    const char *problem = find_rsdp(rsdp_hint, &out->rsdp_address);
    if (problem != NULL) {
        return problem;
    }
    const struct rsdp *rsdp = (const struct rsdp *)out->rsdp_address;
    if (rsdp->revision >= RSDP_REVISION_XSDT && rsdp->xsdt_address != 0) {
        problem = find_madt(rsdp->xsdt_address, sizeof(uint64_t), &out->madt_address);
    } else {
        problem = find_madt(rsdp->rsdt_address, sizeof(uint32_t), &out->madt_address);
    }
    if (problem != NULL) {
        return problem;
    }
    return parse_madt(out->madt_address, out);
}
