/*
 * test=pci, test=blk, test=blk-crash and bench=blk-rand/blk-seq: PCI enumeration, MSI-X and the virtio-blk
 * driver end to end. The data pattern and the sector ranges are documented in testos/README.md and mirrored by
 * the host's dev.jkvm.testos.BlkPattern, which checks the image files afterwards.
 */
#ifndef TESTOS_BLK_TESTS_H
#define TESTOS_BLK_TESTS_H

#include <stdint.h>

#include "bootinfo.h"
#include "virtio_blk.h"

/* virtio-blk functions the tests drive at most. */
#define BLK_MAX_DEVICES 8
/* Sectors of the pattern at the start of every drive: the first MiB. */
#define BLK_HEAD_SECTORS 2048
/* Sectors of each scattered extent (at capacity/4, capacity/2 + 3 and capacity - 8). */
#define BLK_EXTENT_SECTORS 8
/* Offset added to capacity/2 for the middle extent, so one extent is not 4 KiB aligned. */
#define BLK_EXTENT_MIDDLE_SKEW 3
/* First sector test=blk discards. */
#define BLK_DISCARD_SECTOR 256
/* Sectors test=blk discards. */
#define BLK_DISCARD_SECTORS 256
/* First sector test=blk writes zeroes to. */
#define BLK_ZEROES_SECTOR 1024
/* Sectors test=blk writes zeroes to. */
#define BLK_ZEROES_SECTORS 128
/* Smallest drive test=blk accepts: the extents must lie beyond the head. */
#define BLK_MIN_CAPACITY 8192
/* Pattern multiplier of the word index (the 64-bit golden ratio). */
#define BLK_PATTERN_INDEX_MULTIPLIER 0x9e3779b97f4a7c15ull
/* Pattern multiplier of drive index + 1. */
#define BLK_PATTERN_DRIVE_MULTIPLIER 0xd1b54a32d192ed03ull

/* The drives found and set up by blk_bring_up. */
struct blk_machine {
    struct pci_function functions[PCI_MAX_FUNCTIONS];
    unsigned function_count;
    struct blk_device devices[BLK_MAX_DEVICES];
    unsigned device_count;
};

/*
 * Everything up to DRIVER_OK for every virtio-blk function on bus 0: DMA arena, ECAM if MCFG has one,
 * enumeration, interrupt vectors, MSI-X, transport and queue. FAILs (naming `what`) on any error.
 */
void blk_bring_up(const struct boot_info *info, const char *what, struct blk_machine *machine);

/* 64-bit word `word` (0..63) of sector `sector` of drive `drive` in the pattern. */
static inline uint64_t blk_pattern_word(unsigned drive, uint64_t sector, unsigned word) {
    return (sector * (BLK_SECTOR_SIZE / 8) + word) * BLK_PATTERN_INDEX_MULTIPLIER ^
           (drive + 1ull) * BLK_PATTERN_DRIVE_MULTIPLIER;
}

_Noreturn void test_pci(const struct boot_info *info);
_Noreturn void test_blk(const struct boot_info *info);
_Noreturn void test_blk_crash(const struct boot_info *info);
/* bench=blk-rand / bench=blk-seq; returns if `name` is neither. */
void run_blk_bench(const char *name, uint64_t iters, const struct boot_info *info);

#endif
