/*
 * The identity map built at assembly time in pagetables.S: the first 4 GiB in
 * 2 MiB pages, every page user-accessible so ring 3 can reach RAM and MMIO
 * alike, the top GiB (where PCI MMIO lives) uncached.
 */
#ifndef TESTOS_PAGING_H
#define TESTOS_PAGING_H

/* Page-table entry: present. */
#define PTE_P 0x001
/* Page-table entry: writable. */
#define PTE_RW 0x002
/* Page-table entry: user (ring 3) accessible. */
#define PTE_US 0x004
/* Page-table entry: write-through. */
#define PTE_PWT 0x008
/* Page-table entry: cache disabled. */
#define PTE_PCD 0x010
/* Page-directory entry: maps a 2 MiB page instead of pointing to a page table. */
#define PTE_PS 0x080
/* Bytes mapped by one page-directory entry with PTE_PS. */
#define LARGE_PAGE_SIZE 0x200000
/* Entries in every paging structure. */
#define PT_ENTRIES 512
/* Bytes of one paging structure. */
#define PT_SIZE 4096
/* Page directories in the identity map, one per GiB. */
#define IDENTITY_MAP_GIB 4
/* Start of the uncached range: the GiB below 4 GiB holds device memory (PCI hole, LAPIC, IOAPIC). */
#define UNCACHED_START 0xc0000000
/* Flags of a table pointer: present, writable, user. */
#define PTE_TABLE (PTE_P | PTE_RW | PTE_US)
/* Flags of a cached 2 MiB page. */
#define PTE_LARGE (PTE_P | PTE_RW | PTE_US | PTE_PS)
/* Flags of an uncached 2 MiB page. */
#define PTE_LARGE_UC (PTE_LARGE | PTE_PCD | PTE_PWT)

#endif
