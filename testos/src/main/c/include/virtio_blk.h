/*
 * The virtio block driver (virtio 1.2, 5.2): one request queue, requests IN, OUT, FLUSH, GET_ID, DISCARD and
 * WRITE_ZEROES as descriptor chains (direct or through an indirect table). Submission and completion are plain
 * memory accesses plus the notify store, so ring 3 can run them; only blk_init needs ring 0.
 */
#ifndef TESTOS_VIRTIO_BLK_H
#define TESTOS_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio_pci.h"
#include "virtq.h"

/* Feature bit: size_max holds the largest segment. */
#define VIRTIO_BLK_F_SIZE_MAX 1
/* Feature bit: seg_max holds the most segments per request. */
#define VIRTIO_BLK_F_SEG_MAX 2
/* Feature bit: the device is read-only. */
#define VIRTIO_BLK_F_RO 5
/* Feature bit: blk_size holds the optimal block size. */
#define VIRTIO_BLK_F_BLK_SIZE 6
/* Feature bit: FLUSH is supported. */
#define VIRTIO_BLK_F_FLUSH 9
/* Feature bit: DISCARD is supported. */
#define VIRTIO_BLK_F_DISCARD 13
/* Feature bit: WRITE_ZEROES is supported. */
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* Request type: read. */
#define VIRTIO_BLK_T_IN 0
/* Request type: write. */
#define VIRTIO_BLK_T_OUT 1
/* Request type: flush the write cache. */
#define VIRTIO_BLK_T_FLUSH 4
/* Request type: read the device ID string. */
#define VIRTIO_BLK_T_GET_ID 8
/* Request type: discard sectors. */
#define VIRTIO_BLK_T_DISCARD 11
/* Request type: write zeroes. */
#define VIRTIO_BLK_T_WRITE_ZEROES 13

/* Request status: success. */
#define VIRTIO_BLK_S_OK 0
/* Request status: device or driver error. */
#define VIRTIO_BLK_S_IOERR 1
/* Request status: request unsupported. */
#define VIRTIO_BLK_S_UNSUPP 2
/* Status byte value before the device writes one. */
#define BLK_STATUS_PENDING 0xff

/* Bytes of a virtio-blk sector, whatever blk_size says. */
#define BLK_SECTOR_SIZE 512
/* Bytes of the GET_ID answer. */
#define VIRTIO_BLK_ID_BYTES 20
/* Data segments a request may have (the indirect table also holds header and status). */
#define BLK_MAX_SEGMENTS (VIRTQ_INDIRECT_MAX - 2)

/* virtio_blk_config.capacity (le64, in 512-byte sectors). */
#define VIRTIO_BLK_CFG_CAPACITY 0
/* virtio_blk_config.size_max (le32). */
#define VIRTIO_BLK_CFG_SIZE_MAX 8
/* virtio_blk_config.seg_max (le32). */
#define VIRTIO_BLK_CFG_SEG_MAX 12
/* virtio_blk_config.blk_size (le32). */
#define VIRTIO_BLK_CFG_BLK_SIZE 20
/* virtio_blk_config.max_discard_sectors (le32). */
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36
/* virtio_blk_config.max_write_zeroes_sectors (le32). */
#define VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS 48

/* The driver-owned part of one in-flight request, indexed by its chain's head. */
struct blk_slot {
    uint32_t type;     /* struct virtio_blk_req header: type, reserved, sector */
    uint32_t reserved;
    uint64_t sector;
    uint64_t range_sector; /* struct virtio_blk_discard_write_zeroes for DISCARD/WRITE_ZEROES */
    uint32_t range_sectors;
    uint32_t range_flags;
    volatile uint8_t status;
} __attribute__((aligned(64)));

struct blk_device {
    struct virtio_pci_device virtio;
    struct virtq vq;
    struct blk_slot *slots; /* one per queue entry */
    uint64_t capacity;      /* in BLK_SECTOR_SIZE sectors */
    uint32_t blk_size, size_max, seg_max;
    uint32_t max_discard_sectors, max_write_zeroes_sectors;
};

/* Initialises a virtio-blk function with MSI-X vectors (see virtio_pci_init). Returns NULL or what was wrong. */
const char *blk_init(struct blk_device *dev, const struct pci_function *pci, uint32_t apic_id,
                     uint8_t config_vector, uint8_t queue_vector);
/* Whether f is a virtio block device (modern 0x1042 or transitional 0x1001). */
bool blk_is_virtio_blk(const struct pci_function *f);

/*
 * Queues a request (not yet kicked): header, the data segments, status. DISCARD/WRITE_ZEROES take
 * range_sectors sectors from `sector` and no data. Returns the head (key of dev->slots) or -1 without room.
 */
int blk_submit(struct blk_device *dev, uint32_t type, uint64_t sector, const struct virtq_buf *data,
               unsigned segments, uint32_t range_sectors, bool use_indirect);
/* Takes a completion: returns its head and stores its status, or -1 if none is there. */
int blk_take(struct blk_device *dev, uint8_t *status);

#endif
