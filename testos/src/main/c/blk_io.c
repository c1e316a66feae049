/* Ring-3 request plumbing for the block tests and benches. */
#include <stddef.h>

#include "blk_io.h"
#include "console.h"
#include "x86.h"

/* Most data segments one request takes from this code. */
#define IO_SEGMENTS_MAX BLK_MAX_SEGMENTS

static bool reap_one(struct blk_job *job) {
    uint64_t start = rdtsc();
    uint8_t status;
    int head;
    while ((head = blk_take(job->dev, &status)) < 0) {
        if (rdtsc() - start > BLK_COMPLETION_TIMEOUT_MS * TSC_TICKS_PER_MS) {
            ksnprintf(job->error, sizeof(job->error),
                      "drive %u: no completion within %u ms (%u requests in flight, used idx %u, device status %x)",
                      job->drive, BLK_COMPLETION_TIMEOUT_MS, job->in_flight, job->dev->vq.used[1],
                      virtio_pci_status(&job->dev->virtio));
            return false;
        }
        cpu_relax();
    }
    job->in_flight--;
    job->completed++;
    if (status != VIRTIO_BLK_S_OK) {
        const struct blk_slot *slot = &job->dev->slots[head];
        ksnprintf(job->error, sizeof(job->error), "drive %u: request type %u at sector %lu ended with status %u",
                  job->drive, slot->type, slot->type == VIRTIO_BLK_T_DISCARD ||
                  slot->type == VIRTIO_BLK_T_WRITE_ZEROES ? slot->range_sector : slot->sector, status);
        return false;
    }
    return true;
}

bool blk_io_wait(struct blk_job *job, unsigned in_flight) {
    while (job->in_flight > in_flight) {
        if (!reap_one(job)) {
            return false;
        }
    }
    return true;
}

static bool submit(struct blk_job *job, uint32_t type, uint64_t sector, const struct virtq_buf *segments,
                   unsigned count, uint32_t range_sectors, bool indirect) {
    for (;;) {
        if (blk_submit(job->dev, type, sector, segments, count, range_sectors, indirect) >= 0) {
            job->in_flight++;
            return true;
        }
        if (job->in_flight == 0) {
            ksnprintf(job->error, sizeof(job->error),
                      "drive %u: a %u-segment request (%s) does not fit the empty %u-entry queue", job->drive, count,
                      indirect ? "indirect" : "direct", job->dev->vq.size);
            return false;
        }
        /* Ring full: let the device see what is queued, then make room. */
        blk_io_kick(job);
        if (!reap_one(job)) {
            return false;
        }
    }
}

bool blk_io_queue(struct blk_job *job, uint32_t type, uint64_t sector, uint32_t sectors, void *buffer,
                  uint32_t segment_bytes, bool indirect) {
    const struct blk_device *dev = job->dev;
    if (dev->size_max != 0 && segment_bytes > dev->size_max) {
        segment_bytes = dev->size_max & ~(uint32_t)(BLK_SECTOR_SIZE - 1);
    }
    uint32_t bytes = sectors * BLK_SECTOR_SIZE;
    unsigned count = (bytes + segment_bytes - 1) / segment_bytes;
    if (segment_bytes == 0 || count > IO_SEGMENTS_MAX || count > dev->seg_max) {
        ksnprintf(job->error, sizeof(job->error),
                  "drive %u: %u bytes in %u-byte segments exceed seg_max %u (size_max %u)", job->drive, bytes,
                  segment_bytes, dev->seg_max, dev->size_max);
        return false;
    }
    struct virtq_buf segments[IO_SEGMENTS_MAX];
    bool device_writes = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
    for (unsigned i = 0; i < count; i++) {
        uint32_t offset = i * segment_bytes;
        uint32_t length = bytes - offset < segment_bytes ? bytes - offset : segment_bytes;
        segments[i] = (struct virtq_buf){
            .addr = (uint64_t)buffer + offset, .len = length, .device_writes = device_writes};
    }
    return submit(job, type, sector, segments, count, 0, indirect);
}

bool blk_io_queue_range(struct blk_job *job, uint32_t type, uint64_t sector, uint32_t sectors) {
    return submit(job, type, sector, NULL, 0, sectors, false);
}

void blk_io_kick(struct blk_job *job) {
    virtq_kick(&job->dev->vq);
}
