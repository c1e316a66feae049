/*
 * The virtio PCI transport, modern interface only (virtio 1.2, 4.1): the vendor capabilities that locate the
 * common, notify, ISR and device configuration structures in memory BARs, device initialisation (3.1.1) and
 * virtqueue set-up, with MSI-X vectors for configuration changes and queues.
 */
#ifndef TESTOS_VIRTIO_PCI_H
#define TESTOS_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "msix.h"
#include "pci.h"
#include "virtq.h"

/* PCI vendor ID of virtio devices. */
#define VIRTIO_PCI_VENDOR 0x1af4
/* Modern device IDs are this plus the virtio device type. */
#define VIRTIO_PCI_DEVICE_MODERN_BASE 0x1040
/* Transitional device ID of a block device (QEMU's default on the pc machine). */
#define VIRTIO_PCI_DEVICE_TRANSITIONAL_BLOCK 0x1001
/* Virtio device type of a block device. */
#define VIRTIO_ID_BLOCK 2

/* virtio_pci_cap.cfg_type: common configuration. */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
/* virtio_pci_cap.cfg_type: notifications. */
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
/* virtio_pci_cap.cfg_type: ISR status. */
#define VIRTIO_PCI_CAP_ISR_CFG 3
/* virtio_pci_cap.cfg_type: device-specific configuration. */
#define VIRTIO_PCI_CAP_DEVICE_CFG 4

/* Device status: the guest noticed the device. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
/* Device status: the guest has a driver for it. */
#define VIRTIO_STATUS_DRIVER 2
/* Device status: the driver is ready. */
#define VIRTIO_STATUS_DRIVER_OK 4
/* Device status: feature negotiation is complete. */
#define VIRTIO_STATUS_FEATURES_OK 8
/* Device status: the device hit an error it needs a reset for. */
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
/* Device status: the driver gave up. */
#define VIRTIO_STATUS_FAILED 0x80

/* Feature bit: indirect descriptors. */
#define VIRTIO_F_INDIRECT_DESC 28
/* Feature bit: used_event/avail_event notification suppression. */
#define VIRTIO_F_EVENT_IDX 29
/* Feature bit: a virtio 1.x (modern) device. */
#define VIRTIO_F_VERSION_1 32

/* MSI-X vector value meaning "no vector". */
#define VIRTIO_MSI_NO_VECTOR 0xffff

struct virtio_pci_device {
    const struct pci_function *pci;
    volatile uint8_t *common;
    volatile uint8_t *isr;
    volatile uint8_t *device_cfg;
    uint32_t device_cfg_length;
    volatile uint8_t *notify;
    uint32_t notify_length;
    uint32_t notify_off_multiplier;
    uint64_t device_features;
    uint64_t features; /* negotiated */
    struct msix msix;
};

/*
 * Resets the device, finds its modern structures, enables MSI-X with entry 0 (configuration changes) at
 * `config_vector` and entry 1 at `queue_vector` on the local APIC `apic_id`, sets ACKNOWLEDGE and DRIVER,
 * negotiates (accepted = wanted & offered; VERSION_1 must be offered) and checks FEATURES_OK.
 * Returns NULL or what was wrong.
 */
const char *virtio_pci_init(struct virtio_pci_device *dev, const struct pci_function *pci, uint64_t wanted,
                            uint32_t apic_id, uint8_t config_vector, uint8_t queue_vector);
/*
 * Sets up queue `index` with at most VIRTQ_MAX_SIZE entries in memory from the DMA arena, MSI-X entry 1, and
 * enables it. Returns NULL or what was wrong.
 */
const char *virtio_pci_setup_queue(struct virtio_pci_device *dev, uint16_t index, struct virtq *vq);
/* Sets DRIVER_OK; returns NULL or what was wrong (the device refused). */
const char *virtio_pci_driver_ok(struct virtio_pci_device *dev);
/* The device status register. */
uint8_t virtio_pci_status(const struct virtio_pci_device *dev);
/* Whether feature `bit` was negotiated. */
bool virtio_pci_has(const struct virtio_pci_device *dev, unsigned bit);

#endif
