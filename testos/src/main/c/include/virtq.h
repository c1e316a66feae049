/*
 * A split virtqueue, driver side (virtio 1.2, 2.7 "Split Virtqueues"): descriptor table, available and used rings,
 * indirect descriptor tables (2.7.5.3), event-index notification suppression (2.7.7, 2.7.10). Everything here is
 * plain memory access plus one MMIO store, so it runs in ring 3 as well as ring 0.
 */
#ifndef TESTOS_VIRTQ_H
#define TESTOS_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

/* Descriptor flag: the chain continues at `next`. */
#define VIRTQ_DESC_F_NEXT 1
/* Descriptor flag: the device writes this buffer (otherwise it reads it). */
#define VIRTQ_DESC_F_WRITE 2
/* Descriptor flag: the buffer is a table of indirect descriptors. */
#define VIRTQ_DESC_F_INDIRECT 4
/* Available ring flag (without VIRTIO_F_EVENT_IDX): please do not interrupt. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
/* Used ring flag (without VIRTIO_F_EVENT_IDX): please do not notify. */
#define VIRTQ_USED_F_NO_NOTIFY 1
/* Largest queue this driver sets up; a device offering more gets this size. */
#define VIRTQ_MAX_SIZE 256
/* Descriptors in each indirect table (one table per head). */
#define VIRTQ_INDIRECT_MAX 64
/* Alignment of the descriptor table (16 required), rings (4), and indirect tables: a page keeps them apart. */
#define VIRTQ_ALIGN 4096

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq descriptors are 16 bytes");

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

/* One buffer of a request as the caller describes it. */
struct virtq_buf {
    uint64_t addr;
    uint32_t len;
    bool device_writes;
};

struct virtq {
    uint16_t index;  /* queue index on its device */
    uint16_t size;
    bool event_idx;  /* VIRTIO_F_EVENT_IDX negotiated */
    bool indirect;   /* VIRTIO_F_INDIRECT_DESC negotiated */
    bool interrupts; /* whether the driver asked for used-buffer interrupts (virtq_interrupts) */
    volatile struct virtq_desc *desc;
    volatile uint16_t *avail;  /* flags, idx, ring[size], used_event */
    volatile uint16_t *used;   /* flags, idx, then ring[size] of virtq_used_elem, then avail_event */
    volatile struct virtq_desc *indirect_tables; /* size tables of VIRTQ_INDIRECT_MAX */
    volatile uint16_t *notify; /* this queue's notification address */
    uint16_t free_head;
    uint16_t num_free;
    uint16_t avail_idx;   /* next avail->idx to publish */
    uint16_t kicked_idx;  /* avail->idx at the last notification check */
    uint16_t last_used;   /* used->idx consumed so far */
    uint16_t chain_length[VIRTQ_MAX_SIZE]; /* table descriptors each in-flight head owns */
};

/* Bytes of the memory virtq_init needs (rings and indirect tables), all from one VIRTQ_ALIGN-aligned block. */
uint64_t virtq_memory_size(uint16_t size);
/* Lays the queue out in `memory` (zeroed, virtq_memory_size bytes) and links the free list. */
void virtq_init(struct virtq *vq, uint16_t index, uint16_t size, void *memory, bool event_idx, bool indirect);
/* Guest-physical addresses to give the device (queue_desc, queue_driver, queue_device). */
uint64_t virtq_desc_address(const struct virtq *vq);
uint64_t virtq_avail_address(const struct virtq *vq);
uint64_t virtq_used_address(const struct virtq *vq);

/* The head the next virtq_add will use (so a caller can key per-request memory by it), or -1 if full. */
int virtq_next_head(const struct virtq *vq);
/*
 * Adds one chain (device-readable buffers first, as the spec requires), through an indirect table when
 * `use_indirect`; returns its head, or -1 when the ring lacks room (or n is too large). Not visible to the device
 * until virtq_kick.
 */
int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned n, bool use_indirect);
/* Publishes the added chains and notifies the device unless it suppressed notifications. */
void virtq_kick(struct virtq *vq);
/* Takes one used element: returns its head (and the written length) and frees its descriptors, or -1. */
int virtq_take_used(struct virtq *vq, uint32_t *written);
/* Asks for a used-buffer interrupt for the next completion (on) or for none (off; callers poll). */
void virtq_interrupts(struct virtq *vq, bool on);

#endif
