/*
 * bench=blk-rand (4 KiB random reads) and bench=blk-seq (1 MiB sequential reads) on the first virtio-blk drive.
 * Set-up in ring 0, then a ring-3 submit-and-poll loop keeping several reads in flight: notifications are MMIO
 * stores from ring 3, completions are polled (used-buffer interrupts suppressed), so the VMM's request path is
 * what gets timed. Prints "bench <name> done <N>" like the exit benches and powers off.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blk_io.h"
#include "blk_tests.h"
#include "console.h"
#include "dma.h"
#include "kstring.h"
#include "power.h"
#include "user.h"

/* Bytes of one blk-rand read. */
#define RAND_READ_BYTES 4096
/* blk-rand reads in flight. */
#define RAND_QUEUE_DEPTH 16
/* Bytes of one blk-seq read. */
#define SEQ_READ_BYTES (1024 * 1024)
/* blk-seq reads in flight. */
#define SEQ_QUEUE_DEPTH 4
/* Segment size of blk-seq reads (16 segments per MiB, through an indirect table). */
#define SEQ_SEGMENT_BYTES 65536
/* LCG multiplier (Knuth's MMIX) picking blk-rand's offsets. */
#define LCG_MULTIPLIER 6364136223846793005ull
/* LCG increment. */
#define LCG_INCREMENT 1442695040888963407ull
/* The LCG's low bits are weak; offsets come from the high ones. */
#define LCG_SHIFT 33

struct blk_bench {
    struct blk_job job;
    uint64_t iters; /* 0: forever */
    uint32_t read_bytes;
    unsigned depth;
    bool random;
    uint8_t *buffers; /* depth buffers of read_bytes */
};

static long bench_user(long arg) {
    struct blk_bench *b = (struct blk_bench *)arg;
    struct blk_job *job = &b->job;
    uint32_t sectors = b->read_bytes / BLK_SECTOR_SIZE;
    uint64_t slots = job->dev->capacity / sectors;
    uint64_t lcg = 1;
    uint64_t submitted = 0;
    while (b->iters == 0 || submitted < b->iters) {
        while (job->in_flight < b->depth && (b->iters == 0 || submitted < b->iters)) {
            uint64_t slot;
            if (b->random) {
                lcg = lcg * LCG_MULTIPLIER + LCG_INCREMENT;
                slot = (lcg >> LCG_SHIFT) % slots;
            } else {
                slot = submitted % slots;
            }
            uint8_t *buffer = b->buffers + (submitted % b->depth) * b->read_bytes;
            if (!blk_io_queue(job, VIRTIO_BLK_T_IN, slot * sectors, sectors, buffer,
                              b->random ? b->read_bytes : SEQ_SEGMENT_BYTES, !b->random)) {
                return -1;
            }
            submitted++;
        }
        blk_io_kick(job);
        if (!blk_io_wait(job, job->in_flight - 1)) {
            return -1;
        }
    }
    if (!blk_io_wait(job, 0)) {
        return -1;
    }
    return (long)job->completed;
}

void run_blk_bench(const char *name, uint64_t iters, const struct boot_info *info) {
    static struct blk_bench bench;
    if (strcmp(name, "blk-rand") == 0) {
        bench = (struct blk_bench){.read_bytes = RAND_READ_BYTES, .depth = RAND_QUEUE_DEPTH, .random = true};
    } else if (strcmp(name, "blk-seq") == 0) {
        bench = (struct blk_bench){.read_bytes = SEQ_READ_BYTES, .depth = SEQ_QUEUE_DEPTH, .random = false};
    } else {
        return;
    }
    static struct blk_machine machine;
    blk_bring_up(info, name, &machine);
    if (machine.device_count == 0) {
        fail("bench %s: no virtio-blk function on bus 0", name);
    }
    bench.iters = iters;
    bench.job.dev = &machine.devices[0];
    if (bench.job.dev->capacity < bench.read_bytes / BLK_SECTOR_SIZE) {
        fail("bench %s: drive 0 has %lu sectors, less than one read", name, bench.job.dev->capacity);
    }
    bench.buffers = dma_alloc((uint64_t)bench.depth * bench.read_bytes, VIRTQ_ALIGN);
    if (bench.buffers == NULL) {
        fail("bench %s: DMA arena exhausted by the read buffers", name);
    }
    long done = run_user(bench_user, (long)&bench);
    const struct user_fault *fault = run_user_last_fault();
    if (fault != NULL) {
        fail("bench %s: ring 3 took exception %lu err=%lx rip=%lx cr2=%lx", name, fault->vector, fault->error,
             fault->rip, fault->cr2);
    }
    if (done < 0) {
        fail("bench %s: %s", name, bench.job.error);
    }
    kprintf("bench %s done %lu\n", name, (uint64_t)done);
    power_off();
}
