/*
 * QEMU's firmware configuration device (QEMU docs/specs/fw_cfg.rst), the x86
 * I/O port flavour: a selector, a data port, and the DMA address registers.
 */
#ifndef TESTOS_FWCFG_H
#define TESTOS_FWCFG_H

#include <stdint.h>

/* Item: the signature "QEMU". */
#define FW_CFG_SIGNATURE 0x0000
/* Item: u32 feature bitmap (FW_CFG_ID_*). */
#define FW_CFG_ID 0x0001
/* Item: u64 guest RAM size in bytes. */
#define FW_CFG_RAM_SIZE 0x0003
/* Item: u16 number of boot CPUs. */
#define FW_CFG_NB_CPUS 0x0005
/* Item: the file directory, a big-endian u32 count then struct fw_cfg_file entries. */
#define FW_CFG_FILE_DIR 0x0019
/* FW_CFG_ID bit 1: the DMA interface exists. */
#define FW_CFG_ID_DMA (1u << 1)
/* Bytes of a file name in a directory entry, NUL included. */
#define FW_CFG_FILE_NAME_SIZE 56

/* A file directory entry, all fields big-endian. */
struct fw_cfg_file {
    uint32_t size;
    uint16_t select;
    uint16_t reserved;
    char name[FW_CFG_FILE_NAME_SIZE];
};
_Static_assert(sizeof(struct fw_cfg_file) == 64, "fw_cfg directory entries are 64 bytes");

/* Selects item `key` and reads `length` bytes of it through the data port, one byte per read. */
void fw_cfg_read_port(uint16_t key, void *buf, uint32_t length);
/* Selects item `key` and reads `length` bytes of it into `buf` by DMA. Returns NULL, or what went wrong. */
const char *fw_cfg_read_dma(uint16_t key, void *buf, uint32_t length);

#endif
