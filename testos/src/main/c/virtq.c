/* The split virtqueue. Runs in ring 0 or ring 3 alike: no privileged instruction, no console. */
#include <stddef.h>

#include "virtq.h"
#include "x86.h"

/* Index of avail->idx (and used->idx) in its ring's u16 view. */
#define RING_IDX 1
/* Index of the first ring entry in the avail ring's u16 view. */
#define AVAIL_RING 2
/* u16 offset of the first used element (after flags and idx). */
#define USED_RING 2
/* How far behind the consumed index a polling driver parks used_event: half the 16-bit index space. */
#define USED_EVENT_NEVER_DISTANCE 0x8000u
/* Bytes of one indirect table. */
#define INDIRECT_TABLE_BYTES (VIRTQ_INDIRECT_MAX * sizeof(struct virtq_desc))

static uint64_t align_up(uint64_t value) {
    return (value + VIRTQ_ALIGN - 1) & ~(uint64_t)(VIRTQ_ALIGN - 1);
}

static uint64_t desc_bytes(uint16_t size) {
    return align_up(16ull * size);
}

static uint64_t avail_bytes(uint16_t size) {
    return align_up(6ull + 2ull * size);
}

static uint64_t used_bytes(uint16_t size) {
    return align_up(6ull + 8ull * size);
}

uint64_t virtq_memory_size(uint16_t size) {
    return desc_bytes(size) + avail_bytes(size) + used_bytes(size) + (uint64_t)size * INDIRECT_TABLE_BYTES;
}

void virtq_init(struct virtq *vq, uint16_t index, uint16_t size, void *memory, bool event_idx, bool indirect) {
    uint8_t *at = memory;
    vq->index = index;
    vq->size = size;
    vq->event_idx = event_idx;
    vq->indirect = indirect;
    vq->desc = (volatile struct virtq_desc *)at;
    at += desc_bytes(size);
    vq->avail = (volatile uint16_t *)at;
    at += avail_bytes(size);
    vq->used = (volatile uint16_t *)at;
    at += used_bytes(size);
    vq->indirect_tables = (volatile struct virtq_desc *)at;
    for (uint16_t i = 0; i + 1 < size; i++) {
        vq->desc[i].next = (uint16_t)(i + 1);
    }
    vq->free_head = 0;
    vq->num_free = size;
    vq->avail_idx = 0;
    vq->kicked_idx = 0;
    vq->last_used = 0;
    virtq_interrupts(vq, false);
}

uint64_t virtq_desc_address(const struct virtq *vq) {
    return (uint64_t)vq->desc;
}

uint64_t virtq_avail_address(const struct virtq *vq) {
    return (uint64_t)vq->avail;
}

uint64_t virtq_used_address(const struct virtq *vq) {
    return (uint64_t)vq->used;
}

int virtq_next_head(const struct virtq *vq) {
    return vq->num_free == 0 ? -1 : vq->free_head;
}

static void fill(volatile struct virtq_desc *d, const struct virtq_buf *buf, uint16_t flags, uint16_t next) {
    d->addr = buf->addr;
    d->len = buf->len;
    d->flags = (uint16_t)(flags | (buf->device_writes ? VIRTQ_DESC_F_WRITE : 0));
    d->next = next;
}

int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned n, bool use_indirect) {
    unsigned needed = use_indirect ? 1 : n;
    if (n == 0 || vq->num_free < needed || (use_indirect && (!vq->indirect || n > VIRTQ_INDIRECT_MAX))) {
        return -1;
    }
    uint16_t head = vq->free_head;
    if (use_indirect) {
        volatile struct virtq_desc *table = vq->indirect_tables + (uint32_t)head * VIRTQ_INDIRECT_MAX;
        for (unsigned i = 0; i < n; i++) {
            fill(&table[i], &bufs[i], i + 1 < n ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
        }
        volatile struct virtq_desc *d = &vq->desc[head];
        vq->free_head = d->next;
        d->addr = (uint64_t)table;
        d->len = (uint32_t)(n * sizeof(struct virtq_desc));
        d->flags = VIRTQ_DESC_F_INDIRECT;
    } else {
        uint16_t at = head;
        for (unsigned i = 0; i < n; i++) {
            uint16_t next = vq->desc[at].next;
            fill(&vq->desc[at], &bufs[i], i + 1 < n ? VIRTQ_DESC_F_NEXT : 0, next);
            if (i + 1 < n) {
                at = next;
            } else {
                vq->free_head = next;
            }
        }
    }
    vq->num_free = (uint16_t)(vq->num_free - needed);
    vq->chain_length[head] = (uint16_t)needed;
    vq->avail[AVAIL_RING + (vq->avail_idx & (vq->size - 1))] = head;
    vq->avail_idx++;
    return head;
}

/* virtio 1.2, 2.7.10: notify when the new index passed the one the device asked to hear about. */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx) {
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

void virtq_kick(struct virtq *vq) {
    uint16_t old = vq->kicked_idx;
    uint16_t now = vq->avail_idx;
    compiler_barrier(); /* descriptors and ring entries before the index (x86 keeps stores in order) */
    vq->avail[RING_IDX] = now;
    vq->kicked_idx = now;
    /* The index store must be visible before the suppression field is read, or a notification can be lost. */
    __asm__ volatile("mfence" ::: "memory");
    bool notify;
    if (vq->event_idx) {
        uint16_t avail_event = vq->used[USED_RING + 4u * vq->size];
        notify = need_event(avail_event, now, old);
    } else {
        notify = !(vq->used[0] & VIRTQ_USED_F_NO_NOTIFY);
    }
    if (notify) {
        *vq->notify = vq->index;
    }
}

/*
 * The used_event to publish: the next completion when interrupts are wanted, else half the index space behind
 * what was consumed, an index no completion crosses (so a polling driver gets no interrupts). One behind would
 * race: a device that publishes, sees the driver consume at once, and only then reads used_event, interrupts.
 */
static uint16_t used_event(const struct virtq *vq) {
    return vq->interrupts ? vq->last_used : (uint16_t)(vq->last_used - USED_EVENT_NEVER_DISTANCE);
}

int virtq_take_used(struct virtq *vq, uint32_t *written) {
    if (vq->used[RING_IDX] == vq->last_used) {
        return -1;
    }
    compiler_barrier(); /* the element after the index that announced it */
    volatile struct virtq_used_elem *ring = (volatile struct virtq_used_elem *)(vq->used + USED_RING);
    volatile struct virtq_used_elem *elem = &ring[vq->last_used & (vq->size - 1)];
    uint32_t id = elem->id;
    *written = elem->len;
    vq->last_used++;
    if (id >= vq->size) {
        return -1;
    }
    uint16_t count = vq->chain_length[id];
    uint16_t last = (uint16_t)id;
    for (uint16_t i = 1; i < count; i++) {
        last = vq->desc[last].next;
    }
    vq->desc[last].next = vq->free_head;
    vq->free_head = (uint16_t)id;
    vq->num_free = (uint16_t)(vq->num_free + count);
    if (vq->event_idx) {
        vq->avail[AVAIL_RING + vq->size] = used_event(vq);
    }
    return (int)id;
}

void virtq_interrupts(struct virtq *vq, bool on) {
    vq->interrupts = on;
    if (vq->event_idx) {
        vq->avail[AVAIL_RING + vq->size] = used_event(vq);
    } else {
        vq->avail[0] = on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
    }
    __asm__ volatile("mfence" ::: "memory");
}
