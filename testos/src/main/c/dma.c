/* The DMA arena's bump allocator; nothing is ever freed, a test run allocates once. */
#include <stddef.h>

#include "console.h"
#include "dma.h"
#include "kstring.h"
#include "x86.h"

/* Bytes of the arena handed out so far. */
static uint64_t used;
/* The error message of the last failure. */
static char error[120];

const char *dma_init(const struct boot_info *info) {
    if (!boot_info_is_ram(info, DMA_ARENA_START, DMA_ARENA_SIZE)) {
        ksnprintf(error, sizeof(error), "the DMA arena %lx..%lx is not RAM in the memory map (give the guest -m 64)",
                  (uint64_t)DMA_ARENA_START, (uint64_t)(DMA_ARENA_START + DMA_ARENA_SIZE));
        return error;
    }
    used = 0;
    return NULL;
}

void *dma_alloc(size_t size, size_t align) {
    uint64_t start = (used + align - 1) & ~(uint64_t)(align - 1);
    if (start + size > DMA_ARENA_SIZE) {
        return NULL;
    }
    used = start + size;
    void *p = phys_to_virt(DMA_ARENA_START + start);
    memset(p, 0, size);
    return p;
}
