/*
 * PCI configuration access and bus-0 enumeration. Every access is a VM exit here (a port or MMIO exit), and the
 * code around it runs emulated at ring 0, so the enumerator reads each register it needs once.
 */
#include <stddef.h>

#include "acpi.h"
#include "io.h"
#include "kstring.h"
#include "pci.h"
#include "x86.h"

/* Bytes of an ACPI table header. */
#define ACPI_HEADER_LENGTH 36
/* Offset of the ACPI header's length field. */
#define ACPI_LENGTH_OFFSET 4
/* Bytes of MCFG before its first allocation structure (header + 8 reserved). */
#define MCFG_ENTRIES_OFFSET 44
/* Bytes of one MCFG configuration space base address allocation structure. */
#define MCFG_ENTRY_LENGTH 16
/* Bytes of one RSDT entry. */
#define RSDT_ENTRY_SIZE 4
/* Bytes of one XSDT entry. */
#define XSDT_ENTRY_SIZE 8
/* RSDP offset of the RSDT address. */
#define RSDP_RSDT_OFFSET 16
/* RSDP offset of the revision. */
#define RSDP_REVISION_OFFSET 15
/* RSDP offset of the XSDT address. */
#define RSDP_XSDT_OFFSET 24
/* First RSDP revision with an XSDT. */
#define RSDP_REVISION_XSDT 2
/* ECAM address bits of the bus number. */
#define ECAM_BUS_SHIFT 20
/* ECAM address bits of the device number. */
#define ECAM_SLOT_SHIFT 15
/* ECAM address bits of the function number. */
#define ECAM_FUNCTION_SHIFT 12
/* Mechanism #1 address bits of the bus number. */
#define CF8_BUS_SHIFT 16
/* Mechanism #1 address bits of the device number. */
#define CF8_SLOT_SHIFT 11
/* Mechanism #1 address bits of the function number. */
#define CF8_FUNCTION_SHIFT 8
/* Mechanism #1 register bits (dword aligned). */
#define CF8_REGISTER_MASK 0xfc
/* Capability pointers are dword aligned; the low two bits are reserved. */
#define CAP_POINTER_MASK 0xfc
/* The first capability may not lie inside the 64-byte standard header. */
#define CAP_FIRST_OFFSET 0x40

/* The ECAM chosen by pci_use_ecam, or none (mechanism #1). */
static struct pci_ecam chosen_ecam;
/* The validated ACPI tables, for the RSDP address. */
static struct madt_info madt;

static uint32_t read_u32(uint64_t address) {
    return *(const volatile uint32_t *)phys_to_virt(address);
}

static uint64_t read_u64(uint64_t address) {
    return *(const volatile uint64_t *)phys_to_virt(address);
}

const char *pci_find_ecam(const struct boot_info *info, struct pci_ecam *out) {
    memset(out, 0, sizeof(*out));
    /* acpi_read_madt finds and validates the RSDP, the root table and every table it lists. */
    const char *error = acpi_read_madt(info->rsdp_paddr, &madt);
    if (error != NULL) {
        return error;
    }
    uint64_t rsdp = madt.rsdp_address;
    uint8_t revision = *(const volatile uint8_t *)phys_to_virt(rsdp + RSDP_REVISION_OFFSET);
    uint64_t root = read_u32(rsdp + RSDP_RSDT_OFFSET);
    uint32_t entry_size = RSDT_ENTRY_SIZE;
    if (revision >= RSDP_REVISION_XSDT && read_u64(rsdp + RSDP_XSDT_OFFSET) != 0) {
        root = read_u64(rsdp + RSDP_XSDT_OFFSET);
        entry_size = XSDT_ENTRY_SIZE;
    }
    uint32_t entries = (read_u32(root + ACPI_LENGTH_OFFSET) - ACPI_HEADER_LENGTH) / entry_size;
    for (uint32_t i = 0; i < entries; i++) {
        uint64_t slot = root + ACPI_HEADER_LENGTH + (uint64_t)i * entry_size;
        uint64_t table = entry_size == XSDT_ENTRY_SIZE ? read_u64(slot) : read_u32(slot);
        if (memcmp(phys_to_virt(table), "MCFG", 4) != 0) {
            continue;
        }
        uint32_t length = read_u32(table + ACPI_LENGTH_OFFSET);
        for (uint64_t at = table + MCFG_ENTRIES_OFFSET; at + MCFG_ENTRY_LENGTH <= table + length;
             at += MCFG_ENTRY_LENGTH) {
            uint64_t base = read_u64(at);
            uint16_t segment = *(const volatile uint16_t *)phys_to_virt(at + 8);
            uint8_t start_bus = *(const volatile uint8_t *)phys_to_virt(at + 10);
            uint8_t end_bus = *(const volatile uint8_t *)phys_to_virt(at + 11);
            if (segment == 0 && start_bus == 0) {
                *out = (struct pci_ecam){.base = base, .start_bus = start_bus, .end_bus = end_bus, .present = true};
                return NULL;
            }
        }
    }
    return NULL;
}

void pci_use_ecam(const struct pci_ecam *ecam) {
    chosen_ecam = *ecam;
}

static uint32_t cf8_address(uint8_t bus, uint8_t slot, uint8_t function, uint16_t reg) {
    return PCI_CONFIG_ENABLE | (uint32_t)bus << CF8_BUS_SHIFT | (uint32_t)slot << CF8_SLOT_SHIFT |
           (uint32_t)function << CF8_FUNCTION_SHIFT | (reg & CF8_REGISTER_MASK);
}

uint32_t pci_cf8_read32(uint8_t bus, uint8_t slot, uint8_t function, uint16_t reg) {
    outl(PCI_CONFIG_ADDRESS_PORT, cf8_address(bus, slot, function, reg));
    return inl(PCI_CONFIG_DATA_PORT);
}

static volatile void *ecam_pointer(const struct pci_ecam *ecam, uint8_t bus, uint8_t slot, uint8_t function,
                                   uint16_t reg) {
    return phys_to_virt(ecam->base + ((uint64_t)bus << ECAM_BUS_SHIFT | (uint64_t)slot << ECAM_SLOT_SHIFT |
                                      (uint64_t)function << ECAM_FUNCTION_SHIFT | reg));
}

uint32_t pci_ecam_read32(const struct pci_ecam *ecam, uint8_t bus, uint8_t slot, uint8_t function, uint16_t reg) {
    return *(volatile uint32_t *)ecam_pointer(ecam, bus, slot, function, reg);
}

static uint32_t read32(uint8_t bus, uint8_t slot, uint8_t function, uint16_t reg) {
    if (chosen_ecam.present) {
        return pci_ecam_read32(&chosen_ecam, bus, slot, function, reg);
    }
    return pci_cf8_read32(bus, slot, function, reg);
}

uint32_t pci_read32(const struct pci_function *f, uint16_t reg) {
    return read32(f->bus, f->slot, f->function, reg);
}

uint16_t pci_read16(const struct pci_function *f, uint16_t reg) {
    if (chosen_ecam.present) {
        return *(volatile uint16_t *)ecam_pointer(&chosen_ecam, f->bus, f->slot, f->function, reg);
    }
    outl(PCI_CONFIG_ADDRESS_PORT, cf8_address(f->bus, f->slot, f->function, reg));
    return inw(PCI_CONFIG_DATA_PORT + (reg & 2));
}

uint8_t pci_read8(const struct pci_function *f, uint16_t reg) {
    if (chosen_ecam.present) {
        return *(volatile uint8_t *)ecam_pointer(&chosen_ecam, f->bus, f->slot, f->function, reg);
    }
    outl(PCI_CONFIG_ADDRESS_PORT, cf8_address(f->bus, f->slot, f->function, reg));
    return inb(PCI_CONFIG_DATA_PORT + (reg & 3));
}

void pci_write16(const struct pci_function *f, uint16_t reg, uint16_t value) {
    if (chosen_ecam.present) {
        *(volatile uint16_t *)ecam_pointer(&chosen_ecam, f->bus, f->slot, f->function, reg) = value;
        return;
    }
    outl(PCI_CONFIG_ADDRESS_PORT, cf8_address(f->bus, f->slot, f->function, reg));
    outw(PCI_CONFIG_DATA_PORT + (reg & 2), value);
}

void pci_write32(const struct pci_function *f, uint16_t reg, uint32_t value) {
    if (chosen_ecam.present) {
        *(volatile uint32_t *)ecam_pointer(&chosen_ecam, f->bus, f->slot, f->function, reg) = value;
        return;
    }
    outl(PCI_CONFIG_ADDRESS_PORT, cf8_address(f->bus, f->slot, f->function, reg));
    outl(PCI_CONFIG_DATA_PORT, value);
}

/* Sizes BAR `index` by writing all ones and reading back (decoding must be off); returns the next BAR index. */
static unsigned size_bar(struct pci_function *f, unsigned index) {
    uint16_t reg = (uint16_t)(PCI_BAR0 + index * 4);
    uint32_t original = pci_read32(f, reg);
    pci_write32(f, reg, 0xffffffffu);
    uint32_t mask = pci_read32(f, reg);
    pci_write32(f, reg, original);
    struct pci_bar *bar = &f->bars[index];
    if (mask == 0) {
        return index + 1;
    }
    if (original & PCI_BAR_IO) {
        bar->io = true;
        bar->address = original & PCI_BAR_IO_MASK;
        /* I/O BARs decode 16 address bits; the upper half of the mask may read as zero. */
        bar->size = (uint16_t)(~(mask & PCI_BAR_IO_MASK) + 1);
        return index + 1;
    }
    bar->prefetchable = (original & PCI_BAR_MEM_PREFETCHABLE) != 0;
    uint64_t address = original & PCI_BAR_MEM_MASK;
    uint64_t size_mask = mask & PCI_BAR_MEM_MASK;
    if ((original & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64 && index + 1 < PCI_BARS) {
        uint16_t upper = (uint16_t)(reg + 4);
        uint32_t original_high = pci_read32(f, upper);
        pci_write32(f, upper, 0xffffffffu);
        uint32_t mask_high = pci_read32(f, upper);
        pci_write32(f, upper, original_high);
        bar->is64 = true;
        address |= (uint64_t)original_high << 32;
        size_mask |= (uint64_t)mask_high << 32;
        bar->address = address;
        bar->size = ~size_mask + 1;
        return index + 2;
    }
    size_mask |= 0xffffffff00000000ull;
    bar->address = address;
    bar->size = ~size_mask + 1;
    return index + 1;
}

static void read_function(struct pci_function *f) {
    uint32_t ids = pci_read32(f, PCI_VENDOR_ID);
    f->vendor = (uint16_t)ids;
    f->device = (uint16_t)(ids >> 16);
    uint32_t revision_class = pci_read32(f, PCI_REVISION_CLASS);
    f->revision = (uint8_t)revision_class;
    f->class_code = revision_class >> 8;
    f->header_type = pci_read8(f, PCI_HEADER_TYPE) & ~PCI_HEADER_MULTIFUNCTION;
    if (f->header_type != PCI_HEADER_TYPE_NORMAL) {
        return;
    }
    uint32_t subsystem = pci_read32(f, PCI_SUBSYSTEM_VENDOR_ID);
    f->subsystem_vendor = (uint16_t)subsystem;
    f->subsystem = (uint16_t)(subsystem >> 16);
    uint16_t command = pci_read16(f, PCI_COMMAND);
    pci_write16(f, PCI_COMMAND, command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned index = 0; index < PCI_BARS;) {
        index = size_bar(f, index);
    }
    pci_write16(f, PCI_COMMAND, command);
}

unsigned pci_enumerate_bus0(struct pci_function *out, unsigned max) {
    unsigned count = 0;
    for (uint8_t slot = 0; slot < PCI_SLOTS; slot++) {
        for (uint8_t function = 0; function < PCI_FUNCTIONS && count < max; function++) {
            uint32_t ids = read32(0, slot, function, PCI_VENDOR_ID);
            if ((uint16_t)ids == PCI_VENDOR_NONE) {
                if (function == 0) {
                    break;
                }
                continue;
            }
            struct pci_function *f = &out[count++];
            memset(f, 0, sizeof(*f));
            f->slot = slot;
            f->function = function;
            read_function(f);
            if (function == 0 && !(pci_read8(f, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFUNCTION)) {
                break;
            }
        }
    }
    return count;
}

uint8_t pci_next_capability(const struct pci_function *f, uint8_t after) {
    if (after == 0) {
        if (!(pci_read16(f, PCI_STATUS) & PCI_STATUS_CAPABILITIES)) {
            return 0;
        }
        uint8_t first = pci_read8(f, PCI_CAPABILITY_LIST) & CAP_POINTER_MASK;
        return first >= CAP_FIRST_OFFSET ? first : 0;
    }
    uint8_t next = pci_read8(f, (uint16_t)(after + 1)) & CAP_POINTER_MASK;
    return next >= CAP_FIRST_OFFSET ? next : 0;
}

uint8_t pci_find_capability(const struct pci_function *f, uint8_t id, uint8_t after) {
    uint8_t at = pci_next_capability(f, after);
    for (unsigned n = 0; n < PCI_CAP_MAX && at != 0; n++) {
        if (pci_read8(f, at) == id) {
            return at;
        }
        at = pci_next_capability(f, at);
    }
    return 0;
}

volatile void *pci_bar_pointer(const struct pci_bar *bar, uint64_t offset) {
    return phys_to_virt(bar->address + offset);
}
