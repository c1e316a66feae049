/*
 * Memory devices read and write (virtqueues, request headers, data buffers): a bump allocator over a fixed
 * guest-physical range, identity mapped and user-accessible like all RAM here, so ring 3 can drive the queues.
 */
#ifndef TESTOS_DMA_H
#define TESTOS_DMA_H

#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"

/* Start of the DMA arena: 16 MiB, above the image and the loaders' structures. */
#define DMA_ARENA_START 0x1000000ull
/* Bytes of the DMA arena (so the device tests need at least 32 MiB of RAM). */
#define DMA_ARENA_SIZE (16 * MIB)

/* Checks the arena is RAM in the memory map and empties it; returns NULL or what was wrong. */
const char *dma_init(const struct boot_info *info);
/* `size` bytes aligned to `align` (a power of two), zeroed; NULL when the arena is exhausted. */
void *dma_alloc(size_t size, size_t align);

#endif
