/*
 * Ring-3 I/O on one virtio-blk drive: requests split into data segments, queued while the ring has room, reaped
 * by polling the used ring with a TSC time-out. Nothing here prints or halts: a failure is written to
 * job->error and reported by the caller once back in ring 0.
 */
#ifndef TESTOS_BLK_IO_H
#define TESTOS_BLK_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio_blk.h"

/* Longest error description a job keeps. */
#define BLK_JOB_ERROR_MAX 200
/* How long a poll waits for one completion before calling the device stuck (ms of an assumed 3 GHz TSC). */
#define BLK_COMPLETION_TIMEOUT_MS 30000

struct blk_job {
    struct blk_device *dev;
    unsigned drive;
    unsigned in_flight;
    uint64_t completed;
    char error[BLK_JOB_ERROR_MAX];
};

/*
 * Queues one request over the `sectors` sectors at `buffer`, split into segments of at most `segment_bytes`
 * (further limited by size_max; seg_max must allow the count), through an indirect table when `indirect`.
 * Reaps completions first while the ring is full. Returns false with job->error set on failure.
 */
bool blk_io_queue(struct blk_job *job, uint32_t type, uint64_t sector, uint32_t sectors, void *buffer,
                  uint32_t segment_bytes, bool indirect);
/* Queues a DISCARD or WRITE_ZEROES of `sectors` sectors from `sector`. */
bool blk_io_queue_range(struct blk_job *job, uint32_t type, uint64_t sector, uint32_t sectors);
/* Notifies the device of everything queued. */
void blk_io_kick(struct blk_job *job);
/* Reaps completions until at most `in_flight` requests remain; every status must be OK. */
bool blk_io_wait(struct blk_job *job, unsigned in_flight);

#endif
