/* MSI-X set-up: every entry the driver uses gets a message for the local APIC, then the function is enabled. */
#include <stddef.h>

#include "console.h"
#include "msix.h"

/* The error message of the last failure. */
static char error[160];

const char *msix_find(const struct pci_function *f, struct msix *out) {
    uint8_t cap = pci_find_capability(f, PCI_CAP_ID_MSIX, 0);
    if (cap == 0) {
        ksnprintf(error, sizeof(error), "%02x:%02x.%x has no MSI-X capability", f->bus, f->slot, f->function);
        return error;
    }
    uint16_t control = pci_read16(f, (uint16_t)(cap + MSIX_MESSAGE_CONTROL));
    uint32_t table = pci_read32(f, (uint16_t)(cap + MSIX_TABLE_OFFSET));
    uint32_t pba = pci_read32(f, (uint16_t)(cap + MSIX_PBA_OFFSET));
    *out = (struct msix){
        .capability = cap,
        .table_size = (uint16_t)((control & MSIX_CONTROL_TABLE_SIZE_MASK) + 1),
        .table_bar = (uint8_t)(table & MSIX_BIR_MASK),
        .table_offset = table & ~MSIX_BIR_MASK,
        .pba_bar = (uint8_t)(pba & MSIX_BIR_MASK),
        .pba_offset = pba & ~MSIX_BIR_MASK,
    };
    if (out->table_bar >= PCI_BARS) {
        ksnprintf(error, sizeof(error), "MSI-X table BIR %u is not a BAR", out->table_bar);
        return error;
    }
    const struct pci_bar *bar = &f->bars[out->table_bar];
    if (bar->size == 0 || bar->io || bar->address == 0 ||
        out->table_offset + (uint64_t)out->table_size * MSIX_ENTRY_SIZE > bar->size) {
        ksnprintf(error, sizeof(error),
                  "MSI-X table (BAR %u offset %x, %u entries) does not fit the BAR (address %lx size %lx%s)",
                  out->table_bar, out->table_offset, out->table_size, bar->address, bar->size,
                  bar->io ? ", I/O" : "");
        return error;
    }
    out->table = pci_bar_pointer(bar, out->table_offset);
    return NULL;
}

void msix_set_vector(const struct msix *msix, uint16_t entry, uint32_t apic_id, uint8_t vector) {
    volatile uint8_t *e = msix->table + (uint32_t)entry * MSIX_ENTRY_SIZE;
    *(volatile uint32_t *)(e + MSIX_ENTRY_ADDRESS_LOW) = MSI_ADDRESS_LAPIC | apic_id << MSI_ADDRESS_DEST_SHIFT;
    *(volatile uint32_t *)(e + MSIX_ENTRY_ADDRESS_HIGH) = 0;
    *(volatile uint32_t *)(e + MSIX_ENTRY_DATA) = vector;
    *(volatile uint32_t *)(e + MSIX_ENTRY_VECTOR_CONTROL) = 0;
}

void msix_enable(const struct pci_function *f, const struct msix *msix) {
    uint16_t reg = (uint16_t)(msix->capability + MSIX_MESSAGE_CONTROL);
    uint16_t control = pci_read16(f, reg);
    pci_write16(f, reg, (uint16_t)((control | MSIX_CONTROL_ENABLE) & ~MSIX_CONTROL_FUNCTION_MASK));
}
