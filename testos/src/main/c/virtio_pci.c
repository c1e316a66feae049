/* The modern virtio PCI transport: capability discovery, status handshake, feature negotiation, queue set-up. */
#include <stddef.h>

#include "console.h"
#include "dma.h"
#include "virtio_pci.h"
#include "x86.h"

/* virtio_pci_cap.cfg_type. */
#define CAP_CFG_TYPE 3
/* virtio_pci_cap.bar. */
#define CAP_BAR 4
/* virtio_pci_cap.offset (le32). */
#define CAP_OFFSET 8
/* virtio_pci_cap.length (le32). */
#define CAP_LENGTH 12
/* struct virtio_pci_notify_cap: notify_off_multiplier after the common part. */
#define CAP_NOTIFY_OFF_MULTIPLIER 16
/* Bytes of struct virtio_pci_common_cfg up to queue_device's end (what this driver touches). */
#define COMMON_CFG_MIN_LENGTH 0x38

/* common cfg: device_feature_select (le32). */
#define COMMON_DEVICE_FEATURE_SELECT 0x00
/* common cfg: device_feature (le32). */
#define COMMON_DEVICE_FEATURE 0x04
/* common cfg: driver_feature_select (le32). */
#define COMMON_DRIVER_FEATURE_SELECT 0x08
/* common cfg: driver_feature (le32). */
#define COMMON_DRIVER_FEATURE 0x0c
/* common cfg: config_msix_vector (le16). */
#define COMMON_CONFIG_MSIX_VECTOR 0x10
/* common cfg: num_queues (le16). */
#define COMMON_NUM_QUEUES 0x12
/* common cfg: device_status (u8). */
#define COMMON_DEVICE_STATUS 0x14
/* common cfg: queue_select (le16). */
#define COMMON_QUEUE_SELECT 0x16
/* common cfg: queue_size (le16). */
#define COMMON_QUEUE_SIZE 0x18
/* common cfg: queue_msix_vector (le16). */
#define COMMON_QUEUE_MSIX_VECTOR 0x1a
/* common cfg: queue_enable (le16). */
#define COMMON_QUEUE_ENABLE 0x1c
/* common cfg: queue_notify_off (le16). */
#define COMMON_QUEUE_NOTIFY_OFF 0x1e
/* common cfg: queue_desc (le64). */
#define COMMON_QUEUE_DESC 0x20
/* common cfg: queue_driver, the available ring (le64). */
#define COMMON_QUEUE_DRIVER 0x28
/* common cfg: queue_device, the used ring (le64). */
#define COMMON_QUEUE_DEVICE 0x30

/* MSI-X table entry for configuration changes. */
#define MSIX_ENTRY_CONFIG 0
/* MSI-X table entry for queue 0. */
#define MSIX_ENTRY_QUEUE 1
/* Status polls after a reset before giving up (each is an MMIO exit). */
#define RESET_POLLS 1000

/* The error message of the last failure. */
static char error[200];

static void write8(volatile uint8_t *base, uint32_t offset, uint8_t value) {
    *(volatile uint8_t *)(base + offset) = value;
}
static void write16(volatile uint8_t *base, uint32_t offset, uint16_t value) {
    *(volatile uint16_t *)(base + offset) = value;
}
static void write32(volatile uint8_t *base, uint32_t offset, uint32_t value) {
    *(volatile uint32_t *)(base + offset) = value;
}
/* 64-bit fields as two 32-bit halves, low first, which every transport implementation accepts. */
static void write64(volatile uint8_t *base, uint32_t offset, uint64_t value) {
    write32(base, offset, (uint32_t)value);
    write32(base, offset + 4, (uint32_t)(value >> 32));
}
static uint8_t read8(volatile uint8_t *base, uint32_t offset) {
    return *(volatile uint8_t *)(base + offset);
}
static uint16_t read16(volatile uint8_t *base, uint32_t offset) {
    return *(volatile uint16_t *)(base + offset);
}
static uint32_t read32(volatile uint8_t *base, uint32_t offset) {
    return *(volatile uint32_t *)(base + offset);
}

static const char *where(const struct pci_function *f) {
    static char text[16];
    ksnprintf(text, sizeof(text), "%02x:%02x.%x", f->bus, f->slot, f->function);
    return text;
}

/* Maps the first capability of cfg_type; returns NULL or what was wrong. */
static const char *map_capability(const struct pci_function *f, uint8_t cfg_type, volatile uint8_t **out,
                                  uint32_t *length, uint8_t *cap_out) {
    for (uint8_t cap = pci_find_capability(f, PCI_CAP_ID_VENDOR, 0); cap != 0;
         cap = pci_find_capability(f, PCI_CAP_ID_VENDOR, cap)) {
        if (pci_read8(f, (uint16_t)(cap + CAP_CFG_TYPE)) != cfg_type) {
            continue;
        }
        uint8_t bar_index = pci_read8(f, (uint16_t)(cap + CAP_BAR));
        uint32_t offset = pci_read32(f, (uint16_t)(cap + CAP_OFFSET));
        uint32_t size = pci_read32(f, (uint16_t)(cap + CAP_LENGTH));
        if (bar_index >= PCI_BARS) {
            /* 4.1.4: a capability naming a reserved BAR value is to be ignored. */
            continue;
        }
        const struct pci_bar *bar = &f->bars[bar_index];
        if (bar->io || bar->size == 0 || bar->address == 0 || (uint64_t)offset + size > bar->size) {
            ksnprintf(error, sizeof(error),
                      "%s: virtio capability type %u points at BAR %u offset %x length %x, which the BAR (%s, "
                      "address %lx, size %lx) does not hold",
                      where(f), cfg_type, bar_index, offset, size, bar->io ? "I/O" : "memory", bar->address,
                      bar->size);
            return error;
        }
        if (bar->address + bar->size > 0x100000000ull) {
            ksnprintf(error, sizeof(error), "%s: BAR %u at %lx lies above the 4 GiB the test OS maps", where(f),
                      bar_index, bar->address);
            return error;
        }
        *out = pci_bar_pointer(bar, offset);
        *length = size;
        if (cap_out != NULL) {
            *cap_out = cap;
        }
        return NULL;
    }
    ksnprintf(error, sizeof(error), "%s: no virtio capability of type %u", where(f), cfg_type);
    return error;
}

static void set_status(struct virtio_pci_device *dev, uint8_t bits) {
    write8(dev->common, COMMON_DEVICE_STATUS, (uint8_t)(read8(dev->common, COMMON_DEVICE_STATUS) | bits));
}

uint8_t virtio_pci_status(const struct virtio_pci_device *dev) {
    return read8(dev->common, COMMON_DEVICE_STATUS);
}

bool virtio_pci_has(const struct virtio_pci_device *dev, unsigned bit) {
    return (dev->features >> bit) & 1;
}

const char *virtio_pci_init(struct virtio_pci_device *dev, const struct pci_function *pci, uint64_t wanted,
                            uint32_t apic_id, uint8_t config_vector, uint8_t queue_vector) {
    dev->pci = pci;
    uint32_t length;
    const char *problem = map_capability(pci, VIRTIO_PCI_CAP_COMMON_CFG, &dev->common, &length, NULL);
    if (problem != NULL) {
        return problem;
    }
    if (length < COMMON_CFG_MIN_LENGTH) {
        ksnprintf(error, sizeof(error), "%s: common configuration is only %u bytes", where(pci), length);
        return error;
    }
    uint8_t notify_cap;
    problem = map_capability(pci, VIRTIO_PCI_CAP_NOTIFY_CFG, &dev->notify, &dev->notify_length, &notify_cap);
    if (problem == NULL) {
        problem = map_capability(pci, VIRTIO_PCI_CAP_ISR_CFG, &dev->isr, &length, NULL);
    }
    if (problem == NULL) {
        problem = map_capability(pci, VIRTIO_PCI_CAP_DEVICE_CFG, &dev->device_cfg, &dev->device_cfg_length, NULL);
    }
    if (problem != NULL) {
        return problem;
    }
    dev->notify_off_multiplier = pci_read32(pci, (uint16_t)(notify_cap + CAP_NOTIFY_OFF_MULTIPLIER));

    /* Memory decoding for the BARs, bus mastering for the rings and MSI writes; INTx stays quiet. */
    uint16_t command = pci_read16(pci, PCI_COMMAND);
    pci_write16(pci, PCI_COMMAND,
                command | PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER | PCI_COMMAND_INTX_DISABLE);

    write8(dev->common, COMMON_DEVICE_STATUS, 0);
    unsigned polls = 0;
    while (read8(dev->common, COMMON_DEVICE_STATUS) != 0) {
        if (++polls == RESET_POLLS) {
            ksnprintf(error, sizeof(error), "%s: device status still %x after reset", where(pci),
                      read8(dev->common, COMMON_DEVICE_STATUS));
            return error;
        }
    }

    problem = msix_find(pci, &dev->msix);
    if (problem != NULL) {
        return problem;
    }
    if (dev->msix.table_size <= MSIX_ENTRY_QUEUE) {
        ksnprintf(error, sizeof(error), "%s: MSI-X table has only %u entries", where(pci), dev->msix.table_size);
        return error;
    }
    msix_set_vector(&dev->msix, MSIX_ENTRY_CONFIG, apic_id, config_vector);
    msix_set_vector(&dev->msix, MSIX_ENTRY_QUEUE, apic_id, queue_vector);
    msix_enable(pci, &dev->msix);

    set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
    set_status(dev, VIRTIO_STATUS_DRIVER);

    write32(dev->common, COMMON_DEVICE_FEATURE_SELECT, 0);
    uint64_t offered = read32(dev->common, COMMON_DEVICE_FEATURE);
    write32(dev->common, COMMON_DEVICE_FEATURE_SELECT, 1);
    offered |= (uint64_t)read32(dev->common, COMMON_DEVICE_FEATURE) << 32;
    dev->device_features = offered;
    if (!((offered >> VIRTIO_F_VERSION_1) & 1)) {
        set_status(dev, VIRTIO_STATUS_FAILED);
        ksnprintf(error, sizeof(error), "%s: device does not offer VIRTIO_F_VERSION_1 (features %lx)", where(pci),
                  offered);
        return error;
    }
    dev->features = offered & wanted;
    write32(dev->common, COMMON_DRIVER_FEATURE_SELECT, 0);
    write32(dev->common, COMMON_DRIVER_FEATURE, (uint32_t)dev->features);
    write32(dev->common, COMMON_DRIVER_FEATURE_SELECT, 1);
    write32(dev->common, COMMON_DRIVER_FEATURE, (uint32_t)(dev->features >> 32));
    set_status(dev, VIRTIO_STATUS_FEATURES_OK);
    if (!(read8(dev->common, COMMON_DEVICE_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
        set_status(dev, VIRTIO_STATUS_FAILED);
        ksnprintf(error, sizeof(error), "%s: device did not accept features %lx (FEATURES_OK cleared)", where(pci),
                  dev->features);
        return error;
    }

    write16(dev->common, COMMON_CONFIG_MSIX_VECTOR, MSIX_ENTRY_CONFIG);
    if (read16(dev->common, COMMON_CONFIG_MSIX_VECTOR) != MSIX_ENTRY_CONFIG) {
        ksnprintf(error, sizeof(error), "%s: config_msix_vector did not take MSI-X entry %u", where(pci),
                  MSIX_ENTRY_CONFIG);
        return error;
    }
    return NULL;
}

const char *virtio_pci_setup_queue(struct virtio_pci_device *dev, uint16_t index, struct virtq *vq) {
    uint16_t queues = read16(dev->common, COMMON_NUM_QUEUES);
    if (index >= queues) {
        ksnprintf(error, sizeof(error), "%s: queue %u requested, the device has %u", where(dev->pci), index, queues);
        return error;
    }
    write16(dev->common, COMMON_QUEUE_SELECT, index);
    uint16_t size = read16(dev->common, COMMON_QUEUE_SIZE);
    if (size == 0) {
        ksnprintf(error, sizeof(error), "%s: queue %u is not available (size 0)", where(dev->pci), index);
        return error;
    }
    if (size > VIRTQ_MAX_SIZE) {
        size = VIRTQ_MAX_SIZE;
    }
    if (size & (size - 1)) {
        ksnprintf(error, sizeof(error), "%s: queue %u size %u is not a power of two", where(dev->pci), index, size);
        return error;
    }
    void *memory = dma_alloc(virtq_memory_size(size), VIRTQ_ALIGN);
    if (memory == NULL) {
        ksnprintf(error, sizeof(error), "%s: DMA arena exhausted by queue %u", where(dev->pci), index);
        return error;
    }
    virtq_init(vq, index, size, memory, virtio_pci_has(dev, VIRTIO_F_EVENT_IDX),
               virtio_pci_has(dev, VIRTIO_F_INDIRECT_DESC));
    write16(dev->common, COMMON_QUEUE_SIZE, size);
    write16(dev->common, COMMON_QUEUE_MSIX_VECTOR, MSIX_ENTRY_QUEUE);
    if (read16(dev->common, COMMON_QUEUE_MSIX_VECTOR) != MSIX_ENTRY_QUEUE) {
        ksnprintf(error, sizeof(error), "%s: queue_msix_vector did not take MSI-X entry %u", where(dev->pci),
                  MSIX_ENTRY_QUEUE);
        return error;
    }
    write64(dev->common, COMMON_QUEUE_DESC, virtq_desc_address(vq));
    write64(dev->common, COMMON_QUEUE_DRIVER, virtq_avail_address(vq));
    write64(dev->common, COMMON_QUEUE_DEVICE, virtq_used_address(vq));
    uint32_t notify_offset = (uint32_t)read16(dev->common, COMMON_QUEUE_NOTIFY_OFF) * dev->notify_off_multiplier;
    if (notify_offset + sizeof(uint16_t) > dev->notify_length) {
        ksnprintf(error, sizeof(error), "%s: queue %u notifies at offset %x, beyond the %x-byte notify area",
                  where(dev->pci), index, notify_offset, dev->notify_length);
        return error;
    }
    vq->notify = (volatile uint16_t *)(dev->notify + notify_offset);
    write16(dev->common, COMMON_QUEUE_ENABLE, 1);
    return NULL;
}

const char *virtio_pci_driver_ok(struct virtio_pci_device *dev) {
    set_status(dev, VIRTIO_STATUS_DRIVER_OK);
    uint8_t status = read8(dev->common, COMMON_DEVICE_STATUS);
    if (!(status & VIRTIO_STATUS_DRIVER_OK) || (status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
        ksnprintf(error, sizeof(error), "%s: device status %x after DRIVER_OK", where(dev->pci), status);
        return error;
    }
    return NULL;
}
