/*
 * test=pci, test=blk, test=blk-crash. Set-up runs in ring 0 (short: a few hundred config and MMIO accesses);
 * the data path (pattern fill, requests, compare) runs in ring 3, where this host executes natively. One GET_ID
 * per drive runs from ring 0 and waits with sti; hlt for its MSI-X interrupt.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blk_io.h"
#include "blk_tests.h"
#include "console.h"
#include "dma.h"
#include "irq.h"
#include "kstring.h"
#include "pci.h"
#include "power.h"
#include "user.h"
#include "x86.h"

/* Requests the first MiB is written and read in (64 KiB each), all queued before the first is reaped. */
#define HEAD_REQUESTS 16
/* Sectors of one head request. */
#define HEAD_REQUEST_SECTORS (BLK_HEAD_SECTORS / HEAD_REQUESTS)
/* Segment size of direct head requests: 8 segments of 8 KiB. */
#define DIRECT_SEGMENT_BYTES 8192
/* Segment size of indirect head requests: 16 segments of 4 KiB. */
#define INDIRECT_SEGMENT_BYTES 4096
/* Segment size of the extents' requests: 2 segments of 2 KiB. */
#define EXTENT_SEGMENT_BYTES 2048
/* Scattered extents per drive. */
#define EXTENTS 3
/* Byte the read buffer is filled with first, so a read that writes nothing cannot pass. */
#define READ_POISON 0xcc
/* Local APIC timer ticks to wait for the MSI-X interrupt (about 2 s at KVM's 1 GHz APIC timer clock). */
#define MSIX_WAIT_TICKS 2000000000u
/* Registers compared through mechanism #1 and ECAM: IDs, class, the six BARs, subsystem IDs, capability pointer. */
static const uint16_t ecam_checked_registers[] = {0x00, 0x08, 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x2c, 0x34};

static struct blk_machine machine;
static struct pci_ecam ecam;

/* --- bring-up --- */

void blk_bring_up(const struct boot_info *info, const char *what, struct blk_machine *m) {
    const char *error = dma_init(info);
    if (error == NULL) {
        error = pci_find_ecam(info, &ecam);
    }
    if (error != NULL) {
        fail("%s: %s", what, error);
    }
    pci_use_ecam(&ecam);
    m->function_count = pci_enumerate_bus0(m->functions, PCI_MAX_FUNCTIONS);
    irq_init();
    uint32_t apic_id = irq_apic_id();
    m->device_count = 0;
    for (unsigned i = 0; i < m->function_count; i++) {
        const struct pci_function *f = &m->functions[i];
        if (!blk_is_virtio_blk(f)) {
            continue;
        }
        if (m->device_count == BLK_MAX_DEVICES) {
            fail("%s: more than %u virtio-blk functions", what, BLK_MAX_DEVICES);
        }
        unsigned index = m->device_count++;
        error = blk_init(&m->devices[index], f, apic_id, IRQ_VECTOR_FIRST, (uint8_t)(IRQ_VECTOR_FIRST + 1 + index));
        if (error != NULL) {
            fail("%s: drive %u: %s", what, index, error);
        }
    }
}

/* --- test=pci --- */

static const char *bar_kind(const struct pci_bar *bar) {
    return bar->io ? "io" : bar->is64 ? "mem64" : "mem32";
}

_Noreturn void test_pci(const struct boot_info *info) {
    const char *error = pci_find_ecam(info, &ecam);
    if (error != NULL) {
        fail("pci: %s", error);
    }
    pci_use_ecam(&ecam);
    machine.function_count = pci_enumerate_bus0(machine.functions, PCI_MAX_FUNCTIONS);
    if (machine.function_count == 0) {
        fail("pci: no function on bus 0");
    }
    for (unsigned i = 0; i < machine.function_count; i++) {
        const struct pci_function *f = &machine.functions[i];
        kprintf("pci %02x:%02x.%x %04x:%04x class %06x\n", f->bus, f->slot, f->function, f->vendor, f->device,
                f->class_code);
        for (unsigned b = 0; b < PCI_BARS; b++) {
            const struct pci_bar *bar = &f->bars[b];
            if (bar->size != 0) {
                kprintf("pci %02x:%02x.%x bar %u %s%s %lx size %lx\n", f->bus, f->slot, f->function, b,
                        bar_kind(bar), bar->prefetchable ? " prefetchable" : "", bar->address, bar->size);
            }
        }
        uint8_t cap = pci_next_capability(f, 0);
        if (cap != 0) {
            console_lock();
            kprintf("pci %02x:%02x.%x capabilities", f->bus, f->slot, f->function);
            for (unsigned n = 0; cap != 0 && n < PCI_CAP_MAX; n++, cap = pci_next_capability(f, cap)) {
                kprintf(" %02x", pci_read8(f, cap));
            }
            kprintf("\n");
            console_unlock();
        }
    }
    if (ecam.present) {
        for (unsigned i = 0; i < machine.function_count; i++) {
            const struct pci_function *f = &machine.functions[i];
            for (size_t r = 0; r < sizeof(ecam_checked_registers) / sizeof(ecam_checked_registers[0]); r++) {
                uint16_t reg = ecam_checked_registers[r];
                uint32_t by_port = pci_cf8_read32(f->bus, f->slot, f->function, reg);
                uint32_t by_ecam = pci_ecam_read32(&ecam, f->bus, f->slot, f->function, reg);
                if (by_port != by_ecam) {
                    fail("pci: %02x:%02x.%x register %x reads %x through 0xcf8/0xcfc but %x through ECAM at %lx",
                         f->bus, f->slot, f->function, reg, by_port, by_ecam, ecam.base);
                }
            }
        }
        kprintf("pci: ECAM at %lx (buses %u-%u) agrees with 0xcf8/0xcfc on %u functions\n", ecam.base,
                ecam.start_bus, ecam.end_bus, machine.function_count);
    } else {
        kprintf("pci: no MCFG, configuration mechanism #1 only\n");
    }
    kprintf("PASS pci\n");
    exit_pass();
}

/* --- the ring-3 data path --- */

/* What one drive's ring-3 run needs; the job carries the error back. */
struct blk_exercise {
    struct blk_job job;
    uint8_t *write_buffer; /* BLK_HEAD_SECTORS sectors */
    uint8_t *read_buffer;  /* BLK_HEAD_SECTORS sectors */
    uint64_t extents[EXTENTS];
    bool crash_mode; /* write the head and flush, nothing else */
};

static void fill_pattern(uint8_t *buffer, unsigned drive, uint64_t sector, uint32_t sectors) {
    uint64_t *words = (uint64_t *)buffer;
    uint64_t drive_term = (drive + 1ull) * BLK_PATTERN_DRIVE_MULTIPLIER;
    uint64_t index_term = sector * (BLK_SECTOR_SIZE / 8) * BLK_PATTERN_INDEX_MULTIPLIER;
    for (uint64_t i = 0; i < (uint64_t)sectors * (BLK_SECTOR_SIZE / 8); i++) {
        words[i] = index_term ^ drive_term;
        index_term += BLK_PATTERN_INDEX_MULTIPLIER;
    }
}

static void fill_bytes(uint8_t *buffer, uint8_t value, uint64_t bytes) {
    for (uint64_t i = 0; i < bytes; i++) {
        buffer[i] = value;
    }
}

/* Compares a read-back buffer with the pattern (zeroes: with zero); false and job->error on a difference. */
static bool check(struct blk_job *job, const uint8_t *buffer, uint64_t sector, uint32_t sectors, bool zeroes) {
    const uint64_t *words = (const uint64_t *)buffer;
    for (uint64_t i = 0; i < (uint64_t)sectors * (BLK_SECTOR_SIZE / 8); i++) {
        uint64_t s = sector + i / (BLK_SECTOR_SIZE / 8);
        unsigned w = (unsigned)(i % (BLK_SECTOR_SIZE / 8));
        uint64_t expected = zeroes ? 0 : blk_pattern_word(job->drive, s, w);
        if (words[i] != expected) {
            ksnprintf(job->error, sizeof(job->error), "drive %u: sector %lu word %u reads %lx, expected %lx",
                      job->drive, s, w, words[i], expected);
            return false;
        }
    }
    return true;
}

/* Reads or writes the head in HEAD_REQUESTS requests, all in flight together, odd ones through indirect tables. */
static bool head_io(struct blk_job *job, uint32_t type, uint8_t *buffer) {
    for (unsigned r = 0; r < HEAD_REQUESTS; r++) {
        bool indirect = r % 2 == 1;
        uint32_t sector = r * HEAD_REQUEST_SECTORS;
        if (!blk_io_queue(job, type, sector, HEAD_REQUEST_SECTORS, buffer + sector * BLK_SECTOR_SIZE,
                          indirect ? INDIRECT_SEGMENT_BYTES : DIRECT_SEGMENT_BYTES, indirect)) {
            return false;
        }
    }
    blk_io_kick(job);
    return blk_io_wait(job, 0);
}

/* Reads or writes the scattered extents, each in two segments, alternately direct and indirect. */
static bool extents_io(struct blk_exercise *x, uint32_t type, uint8_t *buffer) {
    for (unsigned e = 0; e < EXTENTS; e++) {
        if (!blk_io_queue(&x->job, type, x->extents[e], BLK_EXTENT_SECTORS,
                          buffer + e * BLK_EXTENT_SECTORS * BLK_SECTOR_SIZE, EXTENT_SEGMENT_BYTES, e % 2 == 1)) {
            return false;
        }
    }
    blk_io_kick(&x->job);
    return blk_io_wait(&x->job, 0);
}

static bool flush(struct blk_job *job) {
    if (!blk_io_queue(job, VIRTIO_BLK_T_FLUSH, 0, 0, NULL, INDIRECT_SEGMENT_BYTES, false)) {
        return false;
    }
    blk_io_kick(job);
    return blk_io_wait(job, 0);
}

static long exercise_user(long arg) {
    struct blk_exercise *x = (struct blk_exercise *)arg;
    struct blk_job *job = &x->job;
    uint64_t extent_bytes = EXTENTS * BLK_EXTENT_SECTORS * BLK_SECTOR_SIZE;

    fill_pattern(x->write_buffer, job->drive, 0, BLK_HEAD_SECTORS);
    if (!head_io(job, VIRTIO_BLK_T_OUT, x->write_buffer) || !flush(job)) {
        return -1;
    }
    if (x->crash_mode) {
        return 0;
    }
    for (unsigned e = 0; e < EXTENTS; e++) {
        fill_pattern(x->write_buffer + e * BLK_EXTENT_SECTORS * BLK_SECTOR_SIZE, job->drive, x->extents[e],
                     BLK_EXTENT_SECTORS);
    }
    if (!extents_io(x, VIRTIO_BLK_T_OUT, x->write_buffer) || !flush(job)) {
        return -1;
    }

    fill_bytes(x->read_buffer, READ_POISON, BLK_HEAD_SECTORS * BLK_SECTOR_SIZE);
    if (!head_io(job, VIRTIO_BLK_T_IN, x->read_buffer) || !check(job, x->read_buffer, 0, BLK_HEAD_SECTORS, false)) {
        return -1;
    }
    fill_bytes(x->read_buffer, READ_POISON, extent_bytes);
    if (!extents_io(x, VIRTIO_BLK_T_IN, x->read_buffer)) {
        return -1;
    }
    for (unsigned e = 0; e < EXTENTS; e++) {
        if (!check(job, x->read_buffer + e * BLK_EXTENT_SECTORS * BLK_SECTOR_SIZE, x->extents[e],
                   BLK_EXTENT_SECTORS, false)) {
            return -1;
        }
    }

    if (!blk_io_queue_range(job, VIRTIO_BLK_T_DISCARD, BLK_DISCARD_SECTOR, BLK_DISCARD_SECTORS) ||
        !blk_io_queue_range(job, VIRTIO_BLK_T_WRITE_ZEROES, BLK_ZEROES_SECTOR, BLK_ZEROES_SECTORS)) {
        return -1;
    }
    blk_io_kick(job);
    if (!blk_io_wait(job, 0) || !flush(job)) {
        return -1;
    }
    fill_bytes(x->read_buffer, READ_POISON, BLK_ZEROES_SECTORS * BLK_SECTOR_SIZE);
    if (!blk_io_queue(job, VIRTIO_BLK_T_IN, BLK_ZEROES_SECTOR, BLK_ZEROES_SECTORS, x->read_buffer,
                      DIRECT_SEGMENT_BYTES, true)) {
        return -1;
    }
    blk_io_kick(job);
    if (!blk_io_wait(job, 0) || !check(job, x->read_buffer, BLK_ZEROES_SECTOR, BLK_ZEROES_SECTORS, true)) {
        return -1;
    }
    return 0;
}

static void run_exercise(const char *what, struct blk_exercise *x) {
    long result = run_user(exercise_user, (long)x);
    const struct user_fault *fault = run_user_last_fault();
    if (fault != NULL) {
        fail("%s: drive %u: ring 3 took exception %lu err=%lx rip=%lx cr2=%lx", what, x->job.drive, fault->vector,
             fault->error, fault->rip, fault->cr2);
    }
    if (result != 0) {
        fail("%s: %s", what, x->job.error);
    }
}

static void prepare(struct blk_exercise *x, struct blk_device *dev, unsigned drive, const char *what) {
    memset(x, 0, sizeof(*x));
    x->job.dev = dev;
    x->job.drive = drive;
    x->extents[0] = dev->capacity / 4;
    x->extents[1] = dev->capacity / 2 + BLK_EXTENT_MIDDLE_SKEW;
    x->extents[2] = dev->capacity - BLK_EXTENT_SECTORS;
    static uint8_t *write_buffer, *read_buffer;
    if (write_buffer == NULL) {
        write_buffer = dma_alloc(BLK_HEAD_SECTORS * BLK_SECTOR_SIZE, VIRTQ_ALIGN);
        read_buffer = dma_alloc(BLK_HEAD_SECTORS * BLK_SECTOR_SIZE, VIRTQ_ALIGN);
        if (write_buffer == NULL || read_buffer == NULL) {
            fail("%s: DMA arena exhausted by the data buffers", what);
        }
    }
    x->write_buffer = write_buffer;
    x->read_buffer = read_buffer;
}

/* --- test=blk --- */

static void require_feature(const struct blk_device *dev, unsigned drive, unsigned bit, const char *name) {
    if (!virtio_pci_has(&dev->virtio, bit)) {
        fail("blk: drive %u does not offer %s (device features %lx)", drive, name, dev->virtio.device_features);
    }
}

/* GET_ID from ring 0, completed by a used-buffer interrupt through MSI-X entry 1. */
static void get_id_by_interrupt(struct blk_device *dev, unsigned drive, char *serial) {
    uint8_t *id = dma_alloc(VIRTIO_BLK_ID_BYTES, sizeof(uint64_t));
    if (id == NULL) {
        fail("blk: DMA arena exhausted");
    }
    unsigned vector = IRQ_VECTOR_FIRST + 1 + drive;
    uint64_t seen = irq_count(vector);
    virtq_interrupts(&dev->vq, true);
    struct virtq_buf buffer = {.addr = (uint64_t)id, .len = VIRTIO_BLK_ID_BYTES, .device_writes = true};
    if (blk_submit(dev, VIRTIO_BLK_T_GET_ID, 0, &buffer, 1, 0, false) < 0) {
        fail("blk: drive %u: no room for GET_ID in an empty queue", drive);
    }
    virtq_kick(&dev->vq);
    if (!irq_wait(vector, seen, MSIX_WAIT_TICKS)) {
        fail("blk: drive %u: no MSI-X interrupt (vector 0x%x) for GET_ID within %u local APIC timer ticks; used idx "
             "%u, ISR %x",
             drive, vector, MSIX_WAIT_TICKS, dev->vq.used[1], *dev->virtio.isr);
    }
    virtq_interrupts(&dev->vq, false);
    uint8_t status;
    if (blk_take(dev, &status) < 0) {
        fail("blk: drive %u: MSI-X interrupt arrived but the used ring holds no GET_ID", drive);
    }
    if (status != VIRTIO_BLK_S_OK) {
        fail("blk: drive %u: GET_ID ended with status %u", drive, status);
    }
    /* The ID is NUL-padded, or all 20 bytes long. */
    memcpy(serial, id, VIRTIO_BLK_ID_BYTES);
    serial[VIRTIO_BLK_ID_BYTES] = '\0';
}

_Noreturn void test_blk(const struct boot_info *info) {
    if (!info->cmdline.blk_drives_given) {
        fail("blk: the command line must say how many drives to expect (blk-drives=N)");
    }
    blk_bring_up(info, "blk", &machine);
    if (machine.device_count != info->cmdline.blk_drives) {
        fail("blk: found %u virtio-blk functions on bus 0, blk-drives=%lu", machine.device_count,
             info->cmdline.blk_drives);
    }
    static struct blk_exercise exercise;
    for (unsigned d = 0; d < machine.device_count; d++) {
        struct blk_device *dev = &machine.devices[d];
        /* First: QEMU offers DISCARD and WRITE_ZEROES even on a read-only drive, jkvm does not. */
        if (virtio_pci_has(&dev->virtio, VIRTIO_BLK_F_RO)) {
            fail("blk: drive %u is read-only", d);
        }
        require_feature(dev, d, VIRTIO_F_INDIRECT_DESC, "VIRTIO_F_INDIRECT_DESC");
        require_feature(dev, d, VIRTIO_BLK_F_FLUSH, "VIRTIO_BLK_F_FLUSH");
        require_feature(dev, d, VIRTIO_BLK_F_DISCARD, "VIRTIO_BLK_F_DISCARD");
        require_feature(dev, d, VIRTIO_BLK_F_WRITE_ZEROES, "VIRTIO_BLK_F_WRITE_ZEROES");
        if (dev->capacity < BLK_MIN_CAPACITY) {
            fail("blk: drive %u has %lu sectors, the test needs %u", d, dev->capacity, BLK_MIN_CAPACITY);
        }
        if (dev->max_discard_sectors < BLK_DISCARD_SECTORS ||
            dev->max_write_zeroes_sectors < BLK_ZEROES_SECTORS) {
            fail("blk: drive %u: max_discard_sectors %u, max_write_zeroes_sectors %u are below %u and %u", d,
                 dev->max_discard_sectors, dev->max_write_zeroes_sectors, BLK_DISCARD_SECTORS, BLK_ZEROES_SECTORS);
        }
        char serial[VIRTIO_BLK_ID_BYTES + 1];
        get_id_by_interrupt(dev, d, serial);
        kprintf("blk %u: capacity %lu sectors, serial %s\n", d, dev->capacity, serial);
    }
    for (unsigned d = 0; d < machine.device_count; d++) {
        prepare(&exercise, &machine.devices[d], d, "blk");
        run_exercise("blk", &exercise);
        kprintf("blk %u: pattern verified, discard and write-zeroes done\n", d);
    }
    kprintf("PASS blk\n");
    exit_pass();
}

/* --- test=blk-crash --- */

_Noreturn void test_blk_crash(const struct boot_info *info) {
    blk_bring_up(info, "blk-crash", &machine);
    if (machine.device_count == 0) {
        fail("blk-crash: no virtio-blk function on bus 0");
    }
    struct blk_device *dev = &machine.devices[0];
    if (!virtio_pci_has(&dev->virtio, VIRTIO_BLK_F_FLUSH)) {
        fail("blk-crash: drive 0 does not offer VIRTIO_BLK_F_FLUSH (device features %lx)",
             dev->virtio.device_features);
    }
    if (dev->capacity < BLK_HEAD_SECTORS) {
        fail("blk-crash: drive 0 has %lu sectors, the test needs %u", dev->capacity, BLK_HEAD_SECTORS);
    }
    static struct blk_exercise exercise;
    prepare(&exercise, dev, 0, "blk-crash");
    exercise.crash_mode = true;
    run_exercise("blk-crash", &exercise);
    kprintf("FLUSHED %u\n", BLK_HEAD_SECTORS);
    halt_forever();
}
