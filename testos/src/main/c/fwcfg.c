/*
 * fw_cfg through its x86 I/O ports (QEMU docs/specs/fw_cfg.rst): a 16-bit
 * selector write, then either byte reads of the data port or one DMA
 * request, whose FWCfgDmaAccess structure (big-endian) the device reads from
 * guest memory and completes by clearing its control field.
 */
#include <stddef.h>

#include "console.h"
#include "fwcfg.h"
#include "io.h"
#include "x86.h"

/* Selector register (16-bit write). */
#define FW_CFG_PORT_SELECTOR 0x510
/* Data register (8-bit reads of the selected item, advancing through it). */
#define FW_CFG_PORT_DATA 0x511
/* DMA address register, high 32 bits (big-endian). */
#define FW_CFG_PORT_DMA_HIGH 0x514
/* DMA address register, low 32 bits (big-endian); writing it starts the transfer. */
#define FW_CFG_PORT_DMA_LOW 0x518
/* FWCfgDmaAccess.control: the device reports an error. */
#define FW_CFG_DMA_CTL_ERROR 0x01u
/* FWCfgDmaAccess.control: read from the item into guest memory. */
#define FW_CFG_DMA_CTL_READ 0x02u
/* FWCfgDmaAccess.control: select the item in bits 31:16 first. */
#define FW_CFG_DMA_CTL_SELECT 0x08u
/* Shift of the item selector in FWCfgDmaAccess.control. */
#define FW_CFG_DMA_SELECTOR_SHIFT 16
/* Polls of the control field before a transfer counts as hung (QEMU and jkvm finish during the port write). */
#define FW_CFG_DMA_POLLS_MAX 1000000u

/* FWCfgDmaAccess; all fields big-endian. */
struct fw_cfg_dma_access {
    uint32_t control;
    uint32_t length;
    uint64_t address;
};

/* The one request in flight; only the CPU running the fwcfg test uses it. */
static volatile struct fw_cfg_dma_access dma_access __attribute__((aligned(16)));

void fw_cfg_read_port(uint16_t key, void *buf, uint32_t length) {
    outw(FW_CFG_PORT_SELECTOR, key);
    uint8_t *p = buf;
    for (uint32_t i = 0; i < length; i++) {
        p[i] = inb(FW_CFG_PORT_DATA);
    }
}

const char *fw_cfg_read_dma(uint16_t key, void *buf, uint32_t length) {
    static char error[96];
    dma_access.control = __builtin_bswap32(((uint32_t)key << FW_CFG_DMA_SELECTOR_SHIFT) | FW_CFG_DMA_CTL_SELECT |
                                           FW_CFG_DMA_CTL_READ);
    dma_access.length = __builtin_bswap32(length);
    /* Identity-mapped: the buffer's address is its physical address. */
    dma_access.address = __builtin_bswap64((uint64_t)buf);
    uint64_t request = (uint64_t)&dma_access;
    compiler_barrier();
    outl(FW_CFG_PORT_DMA_HIGH, __builtin_bswap32((uint32_t)(request >> 32)));
    outl(FW_CFG_PORT_DMA_LOW, __builtin_bswap32((uint32_t)request));
    uint32_t control = 0;
    for (uint32_t polls = 0; polls < FW_CFG_DMA_POLLS_MAX; polls++) {
        control = __builtin_bswap32(dma_access.control);
        if ((control & ~FW_CFG_DMA_CTL_ERROR) == 0) {
            break;
        }
        cpu_relax();
    }
    compiler_barrier();
    if (control & FW_CFG_DMA_CTL_ERROR) {
        ksnprintf(error, sizeof(error), "DMA read of item 0x%x (%u bytes) ended with the error bit set", key, length);
        return error;
    }
    if (control != 0) {
        ksnprintf(error, sizeof(error), "DMA read of item 0x%x (%u bytes) still has control 0x%x after %u polls", key,
                  length, control, FW_CFG_DMA_POLLS_MAX);
        return error;
    }
    return NULL;
}
