/* MSI-X (PCI Local Bus 3.0, 6.8.2): the capability, the table behind a BAR, messages aimed at the local APIC. */
#ifndef TESTOS_MSIX_H
#define TESTOS_MSIX_H

#include <stdint.h>

#include "pci.h"

/* Capability offset of Message Control. */
#define MSIX_MESSAGE_CONTROL 2
/* Capability offset of the Table Offset/BIR dword. */
#define MSIX_TABLE_OFFSET 4
/* Capability offset of the PBA Offset/BIR dword. */
#define MSIX_PBA_OFFSET 8
/* Message Control bits 10:0: table size minus one. */
#define MSIX_CONTROL_TABLE_SIZE_MASK 0x07ff
/* Message Control bit 14: all vectors masked. */
#define MSIX_CONTROL_FUNCTION_MASK 0x4000
/* Message Control bit 15: MSI-X enabled. */
#define MSIX_CONTROL_ENABLE 0x8000
/* Table/PBA dword bits 2:0: which BAR. */
#define MSIX_BIR_MASK 0x7u
/* Bytes of one table entry. */
#define MSIX_ENTRY_SIZE 16
/* Entry offset of Message Address (low dword). */
#define MSIX_ENTRY_ADDRESS_LOW 0
/* Entry offset of Message Upper Address. */
#define MSIX_ENTRY_ADDRESS_HIGH 4
/* Entry offset of Message Data. */
#define MSIX_ENTRY_DATA 8
/* Entry offset of Vector Control. */
#define MSIX_ENTRY_VECTOR_CONTROL 12
/* Vector Control bit 0: this vector is masked. */
#define MSIX_VECTOR_MASKED 1u
/* Message address of the local APIC (Intel SDM vol. 3, "Message Address Register Format"). */
#define MSI_ADDRESS_LAPIC 0xfee00000u
/* Message address bits 19:12: the destination APIC ID. */
#define MSI_ADDRESS_DEST_SHIFT 12

struct msix {
    uint8_t capability; /* configuration-space offset of the capability */
    uint16_t table_size;
    volatile uint8_t *table;
    uint8_t table_bar;
    uint32_t table_offset;
    uint8_t pba_bar;
    uint32_t pba_offset;
};

/* Finds the capability and maps the table through its BIR; returns NULL or what was wrong. */
const char *msix_find(const struct pci_function *f, struct msix *out);
/*
 * Points table entry `entry` at the local APIC with ID apic_id (fixed delivery, edge) with IDT vector `vector`,
 * unmasked.
 */
void msix_set_vector(const struct msix *msix, uint16_t entry, uint32_t apic_id, uint8_t vector);
/* Sets MSI-X Enable (and clears Function Mask) in the capability. */
void msix_enable(const struct pci_function *f, const struct msix *msix);

#endif
