/*
 * PCI configuration space (PCI Local Bus 3.0, chapter 6; PCI Express Base 4.0, 7.2.2 "ECAM"): access through
 * configuration mechanism #1 (ports 0xCF8/0xCFC) or, when the ACPI MCFG table describes one, the memory-mapped
 * ECAM window; enumeration of bus 0, capability lists and BARs.
 */
#ifndef TESTOS_PCI_H
#define TESTOS_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"

/* Mechanism #1 address register (dword only). */
#define PCI_CONFIG_ADDRESS_PORT 0xcf8
/* Mechanism #1 data window, 4 bytes. */
#define PCI_CONFIG_DATA_PORT 0xcfc
/* Mechanism #1 address register bit 31: the access is a configuration cycle. */
#define PCI_CONFIG_ENABLE 0x80000000u
/* Slots (devices) on one bus. */
#define PCI_SLOTS 32
/* Functions of one device. */
#define PCI_FUNCTIONS 8
/* Bytes of the configuration space mechanism #1 reaches. */
#define PCI_CONFIG_SIZE 256

/* Vendor ID (16 bits). */
#define PCI_VENDOR_ID 0x00
/* Device ID (16 bits). */
#define PCI_DEVICE_ID 0x02
/* Command register (16 bits). */
#define PCI_COMMAND 0x04
/* Status register (16 bits). */
#define PCI_STATUS 0x06
/* Revision ID (bits 7:0) and class code (bits 31:8). */
#define PCI_REVISION_CLASS 0x08
/* Header type (8 bits; bit 7: multi-function). */
#define PCI_HEADER_TYPE 0x0e
/* First base address register. */
#define PCI_BAR0 0x10
/* Subsystem vendor ID (16 bits). */
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
/* Subsystem ID (16 bits). */
#define PCI_SUBSYSTEM_ID 0x2e
/* Capabilities pointer (8 bits). */
#define PCI_CAPABILITY_LIST 0x34
/* Interrupt line (8 bits). */
#define PCI_INTERRUPT_LINE 0x3c

/* Vendor ID read from a slot with no function behind it. */
#define PCI_VENDOR_NONE 0xffff
/* Header type bit 7: the device has more than one function. */
#define PCI_HEADER_MULTIFUNCTION 0x80
/* Header type bits 6:0 of an ordinary (type 0) device. */
#define PCI_HEADER_TYPE_NORMAL 0x00
/* Command: respond to I/O space accesses. */
#define PCI_COMMAND_IO 0x0001
/* Command: respond to memory space accesses. */
#define PCI_COMMAND_MEMORY 0x0002
/* Command: the function may master the bus (DMA, MSI writes). */
#define PCI_COMMAND_BUS_MASTER 0x0004
/* Command: INTx emulation disabled. */
#define PCI_COMMAND_INTX_DISABLE 0x0400
/* Status: the function has a capability list at PCI_CAPABILITY_LIST. */
#define PCI_STATUS_CAPABILITIES 0x0010
/* Capability ID of MSI-X. */
#define PCI_CAP_ID_MSIX 0x11
/* Capability ID of a vendor-specific capability (virtio uses these). */
#define PCI_CAP_ID_VENDOR 0x09
/* More capabilities than this on one function means the list loops. */
#define PCI_CAP_MAX 48

/* BAR bit 0: an I/O BAR. */
#define PCI_BAR_IO 0x1u
/* BAR bits 2:1 of a memory BAR: its type. */
#define PCI_BAR_MEM_TYPE_MASK 0x6u
/* Memory BAR type: 64-bit, the next BAR holds the upper half. */
#define PCI_BAR_MEM_TYPE_64 0x4u
/* Memory BAR bit 3: prefetchable. */
#define PCI_BAR_MEM_PREFETCHABLE 0x8u
/* Address bits of a memory BAR. */
#define PCI_BAR_MEM_MASK 0xfffffff0u
/* Address bits of an I/O BAR. */
#define PCI_BAR_IO_MASK 0xfffffffcu
/* BARs of a type-0 header. */
#define PCI_BARS 6

/* Functions the enumerator records (bus 0 of a small VM has a handful). */
#define PCI_MAX_FUNCTIONS 32

/* A decoded BAR; size 0 means the BAR is not implemented (or is the upper half of a 64-bit one). */
struct pci_bar {
    uint64_t address;
    uint64_t size;
    bool io;
    bool is64;
    bool prefetchable;
};

struct pci_function {
    uint8_t bus, slot, function;
    uint16_t vendor, device;
    uint32_t class_code; /* base class, subclass, prog-if: bits 23:0 of the revision/class dword */
    uint8_t revision;
    uint8_t header_type; /* bits 6:0 */
    uint16_t subsystem_vendor, subsystem;
    struct pci_bar bars[PCI_BARS];
};

/* The ECAM window from MCFG, if any (segment 0, the range covering bus 0). */
struct pci_ecam {
    uint64_t base; /* address of bus 0 (the MCFG entry's base is that of its bus 0 too) */
    uint8_t start_bus, end_bus;
    bool present;
};

/*
 * Finds MCFG through the RSDP and root table acpi.c validates (every listed table's checksum is checked there).
 * Returns NULL (out->present says whether there is an ECAM for bus 0) or what was wrong.
 */
const char *pci_find_ecam(const struct boot_info *info, struct pci_ecam *out);
/* Routes every later configuration access through ECAM (when ecam->present) instead of mechanism #1. */
void pci_use_ecam(const struct pci_ecam *ecam);

/* Mechanism #1 accesses, whatever pci_use_ecam chose. */
uint32_t pci_cf8_read32(uint8_t bus, uint8_t slot, uint8_t function, uint16_t reg);
/* ECAM accesses: ecam must be present. */
uint32_t pci_ecam_read32(const struct pci_ecam *ecam, uint8_t bus, uint8_t slot, uint8_t function, uint16_t reg);

/* Configuration accesses through the chosen mechanism; reg is naturally aligned for the size. */
uint8_t pci_read8(const struct pci_function *f, uint16_t reg);
uint16_t pci_read16(const struct pci_function *f, uint16_t reg);
uint32_t pci_read32(const struct pci_function *f, uint16_t reg);
void pci_write16(const struct pci_function *f, uint16_t reg, uint16_t value);
void pci_write32(const struct pci_function *f, uint16_t reg, uint32_t value);

/*
 * Enumerates bus 0 (every slot, every function of multi-function devices), sizing each BAR with decoding turned
 * off for the moment. Returns the number of functions written to out (at most max).
 */
unsigned pci_enumerate_bus0(struct pci_function *out, unsigned max);

/* Offset of the capability after `after` (0: the first), or 0 at the end of the list. */
uint8_t pci_next_capability(const struct pci_function *f, uint8_t after);
/*
 * Offset of the first capability with ID `id` after `after` (0: from the start of the list), or 0 if none.
 * A list that loops or points into the header ends the walk.
 */
uint8_t pci_find_capability(const struct pci_function *f, uint8_t id, uint8_t after);

/* The BAR's CPU address as a pointer (the identity map covers the 4 GiB below which BARs lie here). */
volatile void *pci_bar_pointer(const struct pci_bar *bar, uint64_t offset);

#endif
