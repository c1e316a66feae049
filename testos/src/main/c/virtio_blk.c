/* virtio-blk: device set-up and request chains. blk_submit/blk_take run in ring 3 too. */
#include <stddef.h>

#include "console.h"
#include "dma.h"
#include "kstring.h"
#include "virtio_blk.h"

/* Bytes of the request header (type, reserved, sector). */
#define BLK_HEADER_BYTES 16
/* Bytes of one discard/write-zeroes range. */
#define BLK_RANGE_BYTES 16

/* The features this driver accepts when offered. */
#define BLK_WANTED_FEATURES                                                                                        \
    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | (1ull << VIRTIO_F_INDIRECT_DESC) |              \
     (1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |           \
     (1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_BLK_F_DISCARD) | (1ull << VIRTIO_BLK_F_WRITE_ZEROES) |          \
     (1ull << VIRTIO_BLK_F_RO))

/* The error message of the last failure. */
static char error[160];

bool blk_is_virtio_blk(const struct pci_function *f) {
    return f->vendor == VIRTIO_PCI_VENDOR && (f->device == VIRTIO_PCI_DEVICE_MODERN_BASE + VIRTIO_ID_BLOCK ||
                                               f->device == VIRTIO_PCI_DEVICE_TRANSITIONAL_BLOCK);
}

static uint32_t cfg32(const struct blk_device *dev, uint32_t offset) {
    return *(volatile uint32_t *)(dev->virtio.device_cfg + offset);
}

const char *blk_init(struct blk_device *dev, const struct pci_function *pci, uint32_t apic_id,
                     uint8_t config_vector, uint8_t queue_vector) {
    const char *problem =
        virtio_pci_init(&dev->virtio, pci, BLK_WANTED_FEATURES, apic_id, config_vector, queue_vector);
    if (problem != NULL) {
        return problem;
    }
    /* 64-bit capacity read as two halves: the transport's device area takes 32-bit accesses. */
    dev->capacity = cfg32(dev, VIRTIO_BLK_CFG_CAPACITY) | (uint64_t)cfg32(dev, VIRTIO_BLK_CFG_CAPACITY + 4) << 32;
    bool has_size_max = virtio_pci_has(&dev->virtio, VIRTIO_BLK_F_SIZE_MAX);
    bool has_seg_max = virtio_pci_has(&dev->virtio, VIRTIO_BLK_F_SEG_MAX);
    dev->size_max = has_size_max ? cfg32(dev, VIRTIO_BLK_CFG_SIZE_MAX) : 0;
    dev->seg_max = has_seg_max ? cfg32(dev, VIRTIO_BLK_CFG_SEG_MAX) : BLK_MAX_SEGMENTS;
    dev->blk_size = virtio_pci_has(&dev->virtio, VIRTIO_BLK_F_BLK_SIZE) ? cfg32(dev, VIRTIO_BLK_CFG_BLK_SIZE)
                                                                          : BLK_SECTOR_SIZE;
    dev->max_discard_sectors =
        virtio_pci_has(&dev->virtio, VIRTIO_BLK_F_DISCARD) ? cfg32(dev, VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS) : 0;
    dev->max_write_zeroes_sectors = virtio_pci_has(&dev->virtio, VIRTIO_BLK_F_WRITE_ZEROES)
                                        ? cfg32(dev, VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS)
                                        : 0;
    problem = virtio_pci_setup_queue(&dev->virtio, 0, &dev->vq);
    if (problem != NULL) {
        return problem;
    }
    dev->slots = dma_alloc(sizeof(struct blk_slot) * dev->vq.size, sizeof(struct blk_slot));
    if (dev->slots == NULL) {
        ksnprintf(error, sizeof(error), "DMA arena exhausted by the request slots of a %u-entry queue",
                  dev->vq.size);
        return error;
    }
    return virtio_pci_driver_ok(&dev->virtio);
}

int blk_submit(struct blk_device *dev, uint32_t type, uint64_t sector, const struct virtq_buf *data,
               unsigned segments, uint32_t range_sectors, bool use_indirect) {
    int head = virtq_next_head(&dev->vq);
    bool ranged = type == VIRTIO_BLK_T_DISCARD || type == VIRTIO_BLK_T_WRITE_ZEROES;
    unsigned data_segments = ranged ? 1 : segments;
    if (head < 0 || data_segments > BLK_MAX_SEGMENTS) {
        return -1;
    }
    struct blk_slot *slot = &dev->slots[head];
    slot->type = type;
    slot->reserved = 0;
    slot->sector = ranged ? 0 : sector;
    slot->status = BLK_STATUS_PENDING;
    struct virtq_buf chain[BLK_MAX_SEGMENTS + 2];
    chain[0] = (struct virtq_buf){.addr = (uint64_t)slot, .len = BLK_HEADER_BYTES, .device_writes = false};
    if (ranged) {
        slot->range_sector = sector;
        slot->range_sectors = range_sectors;
        slot->range_flags = 0;
        chain[1] = (struct virtq_buf){.addr = (uint64_t)&slot->range_sector, .len = BLK_RANGE_BYTES};
    } else {
        for (unsigned i = 0; i < segments; i++) {
            chain[1 + i] = data[i];
        }
    }
    chain[1 + data_segments] =
        (struct virtq_buf){.addr = (uint64_t)&slot->status, .len = 1, .device_writes = true};
    return virtq_add(&dev->vq, chain, data_segments + 2, use_indirect);
}

int blk_take(struct blk_device *dev, uint8_t *status) {
    uint32_t written;
    int head = virtq_take_used(&dev->vq, &written);
    if (head >= 0) {
        *status = dev->slots[head].status;
    }
    return head;
}
