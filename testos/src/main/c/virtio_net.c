/* virtio-net: device set-up (ring 0), receive and transmit paths (ring 0 or ring 3 alike: no console, no halt). */
#include <stddef.h>

#include "console.h"
#include "dma.h"
#include "kstring.h"
#include "virtio_net.h"
#include "x86.h"

/* The features this driver accepts when offered. */
#define NET_WANTED_FEATURES                                                                                        \
    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | (1ull << VIRTIO_F_INDIRECT_DESC) |              \
     (1ull << VIRTIO_NET_F_MTU) | (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_MRG_RXBUF) |                  \
     (1ull << VIRTIO_NET_F_STATUS) | (1ull << VIRTIO_NET_F_CTRL_VQ) | (1ull << VIRTIO_NET_F_CTRL_RX) |              \
     (1ull << VIRTIO_NET_F_CTRL_MAC_ADDR))
/* The MTU without VIRTIO_NET_F_MTU: Ethernet's. */
#define NET_DEFAULT_MTU 1500
/* Bytes of the Ethernet header, the part of a frame the MTU does not count. */
#define NET_ETHERNET_HEADER 14
/* How long the driver waits for the rest of a merged frame or for a free transmit slot (ms of the assumed TSC). */
#define NET_WAIT_MS 5000
/* Transmit layouts cycled through, frame by frame: one descriptor, header and frame apart, the same indirect. */
#define NET_TX_LAYOUTS 3
/* The control buffer: class and command at 0, command data from 8 (at most the two empty MAC tables), the ack at 64. */
#define NET_CTRL_DATA 8
#define NET_CTRL_ACK 64
#define NET_CTRL_BUFFER_BYTES 128
/* What the device writes to no ack: anything but VIRTIO_NET_OK shows the device never wrote it. */
#define NET_CTRL_NO_ACK 0xFF

bool net_is_virtio_net(const struct pci_function *f) {
    return f->vendor == VIRTIO_PCI_VENDOR && (f->device == VIRTIO_PCI_DEVICE_MODERN_BASE + VIRTIO_ID_NET ||
                                               f->device == VIRTIO_PCI_DEVICE_TRANSITIONAL_NET);
}

static uint8_t cfg8(const struct net_device *dev, uint32_t offset) {
    return *(volatile uint8_t *)(dev->virtio.device_cfg + offset);
}

static uint16_t cfg16(const struct net_device *dev, uint32_t offset) {
    return *(volatile uint16_t *)(dev->virtio.device_cfg + offset);
}

/* Gives receive buffer `head` (the next free head) to the device. */
static bool post_rx_buffer(struct net_device *dev) {
    int head = virtq_next_head(&dev->rx);
    if (head < 0) {
        return false;
    }
    struct virtq_buf buffer = {.addr = (uint64_t)(dev->rx_buffers + (uint64_t)head * dev->rx_buffer_bytes),
                               .len = dev->rx_buffer_bytes,
                               .device_writes = true};
    return virtq_add(&dev->rx, &buffer, 1, false) == head;
}

/*
 * Sends one control command whose data is `count` pieces (each its own device-readable buffer, as Linux lays out
 * the MAC tables) and waits for its ack. Returns NULL or what was wrong.
 */
static const char *net_control(struct net_device *dev, uint8_t class, uint8_t command, const struct virtq_buf *data,
                               unsigned count) {
    uint8_t *buffer = dev->ctrl_buffer;
    buffer[0] = class;
    buffer[1] = command;
    volatile uint8_t *ack = buffer + NET_CTRL_ACK;
    *ack = NET_CTRL_NO_ACK;
    struct virtq_buf bufs[4] = {{.addr = (uint64_t)buffer, .len = 2, .device_writes = false}};
    for (unsigned i = 0; i < count; i++) {
        bufs[1 + i] = data[i];
    }
    bufs[1 + count] = (struct virtq_buf){.addr = (uint64_t)ack, .len = 1, .device_writes = true};
    if (virtq_add(&dev->ctrl, bufs, count + 2, false) < 0) {
        ksnprintf(dev->error, sizeof(dev->error), "control queue full at class %u command %u", class, command);
        return dev->error;
    }
    virtq_kick(&dev->ctrl);
    uint32_t written;
    uint64_t start = rdtsc();
    while (virtq_take_used(&dev->ctrl, &written) < 0) {
        if (rdtsc() - start > NET_WAIT_MS * TSC_TICKS_PER_MS) {
            ksnprintf(dev->error, sizeof(dev->error), "control class %u command %u: no answer in %u ms", class,
                      command, NET_WAIT_MS);
            return dev->error;
        }
        cpu_relax();
    }
    if (written != 1 || *ack != VIRTIO_NET_OK) {
        ksnprintf(dev->error, sizeof(dev->error), "control class %u command %u: ack %u (%u bytes written)", class,
                  command, *ack, written);
        return dev->error;
    }
    dev->control_commands++;
    return NULL;
}

/* `length` bytes of command data at NET_CTRL_DATA + offset, as a device-readable buffer. */
static struct virtq_buf ctrl_data(struct net_device *dev, uint32_t offset, uint32_t length) {
    return (struct virtq_buf){.addr = (uint64_t)(dev->ctrl_buffer + NET_CTRL_DATA + offset), .len = length,
                              .device_writes = false};
}

/* What Linux's driver does with the control queue when it comes up, each command checked for VIRTIO_NET_OK. */
static const char *net_control_start(struct net_device *dev) {
    uint8_t *data = dev->ctrl_buffer + NET_CTRL_DATA;
    const char *problem = NULL;
    if (virtio_pci_has(&dev->virtio, VIRTIO_NET_F_CTRL_RX)) {
        data[0] = 1;
        struct virtq_buf on = ctrl_data(dev, 0, 1);
        problem = net_control(dev, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, &on, 1);
        if (problem == NULL) {
            /* Two struct virtio_net_ctrl_mac with no entries: le32 0 each, in buffers of their own. */
            memset(data, 0, 8);
            struct virtq_buf tables[2] = {ctrl_data(dev, 0, 4), ctrl_data(dev, 4, 4)};
            problem = net_control(dev, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, tables, 2);
        }
    }
    if (problem == NULL && virtio_pci_has(&dev->virtio, VIRTIO_NET_F_CTRL_MAC_ADDR)) {
        memcpy(data, dev->mac, NET_MAC_BYTES);
        struct virtq_buf address = ctrl_data(dev, 0, NET_MAC_BYTES);
        problem = net_control(dev, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, &address, 1);
    }
    if (problem == NULL && virtio_pci_has(&dev->virtio, VIRTIO_NET_F_CTRL_RX)) {
        data[0] = 0;
        struct virtq_buf off = ctrl_data(dev, 0, 1);
        problem = net_control(dev, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, &off, 1);
    }
    return problem;
}

const char *net_init(struct net_device *dev, const struct pci_function *pci, uint32_t apic_id, uint8_t config_vector,
                     uint8_t queue_vector) {
    memset(dev, 0, sizeof(*dev));
    const char *problem = virtio_pci_init(&dev->virtio, pci, NET_WANTED_FEATURES, apic_id, config_vector,
                                          queue_vector);
    if (problem != NULL) {
        return problem;
    }
    if (!virtio_pci_has(&dev->virtio, VIRTIO_NET_F_MAC)) {
        ksnprintf(dev->error, sizeof(dev->error), "the device offers no MAC address (features %lx)",
                  dev->virtio.device_features);
        return dev->error;
    }
    for (unsigned i = 0; i < NET_MAC_BYTES; i++) {
        dev->mac[i] = cfg8(dev, VIRTIO_NET_CFG_MAC + i);
    }
    dev->mtu = virtio_pci_has(&dev->virtio, VIRTIO_NET_F_MTU) ? cfg16(dev, VIRTIO_NET_CFG_MTU) : NET_DEFAULT_MTU;
    if (dev->mtu + NET_ETHERNET_HEADER > NET_FRAME_MAX) {
        /* A larger MTU only bounds what we may send; this driver sends and takes Ethernet-sized frames. */
        dev->mtu = NET_DEFAULT_MTU;
    }
    dev->mergeable = virtio_pci_has(&dev->virtio, VIRTIO_NET_F_MRG_RXBUF);
    dev->rx_buffer_bytes = dev->mergeable ? NET_RX_BUFFER_MERGEABLE : NET_RX_BUFFER_WHOLE;

    problem = virtio_pci_setup_queue(&dev->virtio, NET_QUEUE_RX, &dev->rx);
    if (problem == NULL) {
        problem = virtio_pci_setup_queue(&dev->virtio, NET_QUEUE_TX, &dev->tx);
    }
    dev->control = virtio_pci_has(&dev->virtio, VIRTIO_NET_F_CTRL_VQ);
    if (problem == NULL && dev->control) {
        problem = virtio_pci_setup_queue(&dev->virtio, NET_QUEUE_CTRL, &dev->ctrl);
        dev->ctrl_buffer = dma_alloc(NET_CTRL_BUFFER_BYTES, VIRTQ_ALIGN);
        if (problem == NULL && dev->ctrl_buffer == NULL) {
            return "DMA arena exhausted by the control buffer";
        }
    }
    if (problem != NULL) {
        return problem;
    }
    dev->rx_buffers = dma_alloc((uint64_t)dev->rx.size * dev->rx_buffer_bytes, VIRTQ_ALIGN);
    dev->tx_slots = dma_alloc((uint64_t)dev->tx.size * sizeof(struct net_tx_slot), VIRTQ_ALIGN);
    if (dev->rx_buffers == NULL || dev->tx_slots == NULL) {
        ksnprintf(dev->error, sizeof(dev->error), "DMA arena exhausted by the buffers of %u/%u-entry queues",
                  dev->rx.size, dev->tx.size);
        return dev->error;
    }
    while (post_rx_buffer(dev)) {
    }
    /* 3.1.1: the receive queue may be filled before DRIVER_OK, but not notified until after it. */
    const char *error = virtio_pci_driver_ok(&dev->virtio);
    if (error == NULL) {
        virtq_kick(&dev->rx);
    }
    if (error == NULL && dev->control) {
        /* Completions are polled for; an interrupt would only wake a later wait for frames early. */
        virtq_interrupts(&dev->ctrl, false);
        error = net_control_start(dev);
    }
    return error;
}

bool net_link_up(const struct net_device *dev) {
    return !virtio_pci_has(&dev->virtio, VIRTIO_NET_F_STATUS) ||
           (cfg16(dev, VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP);
}

bool net_rx_pending(const struct net_device *dev) {
    return dev->rx.used[1] != dev->rx.last_used;
}

/* Takes one used receive buffer, waiting up to NET_WAIT_MS when `wait` (the rest of a merged frame must come). */
static int take_rx(struct net_device *dev, bool wait, uint32_t *written) {
    uint64_t start = rdtsc();
    for (;;) {
        int head = virtq_take_used(&dev->rx, written);
        if (head >= 0 || !wait) {
            return head;
        }
        if (rdtsc() - start > NET_WAIT_MS * TSC_TICKS_PER_MS) {
            return -1;
        }
        cpu_relax();
    }
}

enum net_receive_result net_receive(struct net_device *dev, uint8_t *frame, uint32_t max, uint32_t *length) {
    uint32_t written;
    int head = take_rx(dev, false, &written);
    if (head < 0) {
        return NET_RX_NONE;
    }
    const uint8_t *buffer = dev->rx_buffers + (uint64_t)head * dev->rx_buffer_bytes;
    if (written < sizeof(struct virtio_net_hdr) || written > dev->rx_buffer_bytes) {
        ksnprintf(dev->error, sizeof(dev->error), "receive buffer %d came back with %u bytes written (buffer: %u)",
                  head, written, dev->rx_buffer_bytes);
        return NET_RX_BROKEN;
    }
    const struct virtio_net_hdr *hdr = (const struct virtio_net_hdr *)buffer;
    uint16_t buffers = dev->mergeable ? hdr->num_buffers : 1;
    if (buffers == 0 || buffers > dev->rx.size) {
        ksnprintf(dev->error, sizeof(dev->error), "received frame claims num_buffers %u (queue of %u)", buffers,
                  dev->rx.size);
        return NET_RX_BROKEN;
    }
    bool fits = true;
    uint32_t total = 0;
    uint32_t offset = sizeof(struct virtio_net_hdr);
    for (uint16_t i = 0;;) {
        uint32_t bytes = written - offset;
        if (total + bytes > max) {
            fits = false;
        } else {
            memcpy(frame + total, buffer + offset, bytes);
        }
        total += bytes;
        post_rx_buffer(dev);
        if (++i == buffers) {
            break;
        }
        head = take_rx(dev, true, &written);
        if (head < 0) {
            ksnprintf(dev->error, sizeof(dev->error), "merged frame announced %u buffers, only %u arrived", buffers,
                      i);
            return NET_RX_BROKEN;
        }
        if (written > dev->rx_buffer_bytes) {
            ksnprintf(dev->error, sizeof(dev->error), "receive buffer %d came back with %u bytes written (buffer: %u)",
                      head, written, dev->rx_buffer_bytes);
            return NET_RX_BROKEN;
        }
        buffer = dev->rx_buffers + (uint64_t)head * dev->rx_buffer_bytes;
        offset = 0;
    }
    *length = total;
    return fits ? NET_RX_FRAME : NET_RX_DROPPED;
}

void net_rx_kick(struct net_device *dev) {
    if (dev->rx.avail_idx != dev->rx.kicked_idx) {
        virtq_kick(&dev->rx);
    }
}

static void reap_tx(struct net_device *dev) {
    uint32_t written;
    while (virtq_take_used(&dev->tx, &written) >= 0) {
        dev->tx_in_flight--;
    }
}

uint8_t *net_tx_begin(struct net_device *dev) {
    reap_tx(dev);
    uint64_t start = rdtsc();
    /* Two free descriptors cover every layout (an indirect chain needs one). */
    while (dev->tx.num_free < 2) {
        /* Whatever is queued but unpublished has to reach the device before it can free anything. */
        net_tx_kick(dev);
        if (rdtsc() - start > NET_WAIT_MS * TSC_TICKS_PER_MS) {
            ksnprintf(dev->error, sizeof(dev->error),
                      "transmit ring full for %u ms (%u frames in flight, used idx %u, device status %x)",
                      NET_WAIT_MS, dev->tx_in_flight, dev->tx.used[1], virtio_pci_status(&dev->virtio));
            return NULL;
        }
        cpu_relax();
        reap_tx(dev);
    }
    return dev->tx_slots[virtq_next_head(&dev->tx)].frame;
}

void net_tx_commit(struct net_device *dev, uint32_t length) {
    int head = virtq_next_head(&dev->tx);
    struct net_tx_slot *slot = &dev->tx_slots[head];
    slot->hdr = (struct virtio_net_hdr){.gso_type = VIRTIO_NET_HDR_GSO_NONE};
    unsigned layout = (unsigned)(dev->tx_frames++ % NET_TX_LAYOUTS);
    struct virtq_buf bufs[2] = {
        {.addr = (uint64_t)&slot->hdr, .len = sizeof(slot->hdr), .device_writes = false},
        {.addr = (uint64_t)slot->frame, .len = length, .device_writes = false},
    };
    if (layout == 0) {
        bufs[0].len = (uint32_t)sizeof(slot->hdr) + length;
        virtq_add(&dev->tx, bufs, 1, false);
    } else {
        virtq_add(&dev->tx, bufs, 2, layout == 2 && dev->tx.indirect);
    }
    dev->tx_in_flight++;
}

void net_tx_kick(struct net_device *dev) {
    if (dev->tx.avail_idx != dev->tx.kicked_idx) {
        virtq_kick(&dev->tx);
    }
}

bool net_tx_drain(struct net_device *dev) {
    net_tx_kick(dev);
    uint64_t start = rdtsc();
    for (reap_tx(dev); dev->tx_in_flight != 0; reap_tx(dev)) {
        if (rdtsc() - start > NET_WAIT_MS * TSC_TICKS_PER_MS) {
            ksnprintf(dev->error, sizeof(dev->error), "%u frames still unsent after %u ms (used idx %u)",
                      dev->tx_in_flight, NET_WAIT_MS, dev->tx.used[1]);
            return false;
        }
        cpu_relax();
    }
    return true;
}
