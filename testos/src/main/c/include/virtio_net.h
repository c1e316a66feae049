/*
 * The virtio network driver (virtio 1.2, 5.1): receiveq1 (queue 0) kept full of device-writable buffers,
 * transmitq1 (queue 1) fed from per-head slots, the MAC, link status and MTU from the device configuration, and
 * mergeable receive buffers (5.1.6.3.2) when the device offers them. Everything after net_init is plain memory
 * access plus notify stores, so ring 3 runs the data path.
 */
#ifndef TESTOS_VIRTIO_NET_H
#define TESTOS_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio_pci.h"
#include "virtq.h"

/* Transitional device ID of a network device (QEMU's default on the pc machine). */
#define VIRTIO_PCI_DEVICE_TRANSITIONAL_NET 0x1000
/* Virtio device type of a network device. */
#define VIRTIO_ID_NET 1

/* Feature bit: the device reports its maximum MTU in mtu. */
#define VIRTIO_NET_F_MTU 3
/* Feature bit: the device has a MAC address in mac. */
#define VIRTIO_NET_F_MAC 5
/* Feature bit: the driver can merge receive buffers (num_buffers in the header). */
#define VIRTIO_NET_F_MRG_RXBUF 15
/* Feature bit: status holds the link state. */
#define VIRTIO_NET_F_STATUS 16
/* Feature bit: the device has a control queue (queue 2 with one queue pair). */
#define VIRTIO_NET_F_CTRL_VQ 17
/* Feature bit: the control queue takes receive-mode commands (VIRTIO_NET_CTRL_RX) and MAC filter tables. */
#define VIRTIO_NET_F_CTRL_RX 18
/* Feature bit: the control queue takes VIRTIO_NET_CTRL_MAC_ADDR_SET. */
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23
/* status bit: the link is up. */
#define VIRTIO_NET_S_LINK_UP 1

/* virtio_net_config.mac (6 bytes). */
#define VIRTIO_NET_CFG_MAC 0
/* virtio_net_config.status (le16). */
#define VIRTIO_NET_CFG_STATUS 6
/* virtio_net_config.mtu (le16). */
#define VIRTIO_NET_CFG_MTU 10

/* Queue index of receiveq1. */
#define NET_QUEUE_RX 0
/* Queue index of transmitq1. */
#define NET_QUEUE_TX 1
/* Queue index of the control queue (one queue pair). */
#define NET_QUEUE_CTRL 2
/* Control classes and commands (virtio 1.2, 5.1.6.5): receive mode, promiscuous on/off. */
#define VIRTIO_NET_CTRL_RX 0
#define VIRTIO_NET_CTRL_RX_PROMISC 0
/* MAC filtering class: set the unicast and multicast tables, set the address. */
#define VIRTIO_NET_CTRL_MAC 1
#define VIRTIO_NET_CTRL_MAC_TABLE_SET 0
#define VIRTIO_NET_CTRL_MAC_ADDR_SET 1
/* The ack a device writes for a command it carried out. */
#define VIRTIO_NET_OK 0
/* Bytes of a MAC address. */
#define NET_MAC_BYTES 6
/* Largest Ethernet frame (without FCS) this driver sends or takes: 1500-byte payload, header, one VLAN tag. */
#define NET_FRAME_MAX 1518
/* Bytes of each receive buffer with mergeable buffers: small, so full-size frames span two buffers. */
#define NET_RX_BUFFER_MERGEABLE 1024
/* Bytes of each receive buffer without them: header plus the largest frame, rounded up. */
#define NET_RX_BUFFER_WHOLE 2048
/* Bytes of one transmit slot (header plus the largest frame, rounded up). */
#define NET_TX_SLOT_BYTES 2048
/* gso_type: not a GSO frame. */
#define VIRTIO_NET_HDR_GSO_NONE 0

/* struct virtio_net_hdr as a VERSION_1 device uses it (num_buffers always present). */
struct virtio_net_hdr {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
    uint16_t num_buffers;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "the VERSION_1 virtio-net header is 12 bytes");

/* One transmit buffer, keyed by the head of the chain that carries it. */
struct net_tx_slot {
    struct virtio_net_hdr hdr;
    uint8_t frame[NET_TX_SLOT_BYTES - sizeof(struct virtio_net_hdr)];
};

/* Receive results that are not a frame. */
enum net_receive_result {
    NET_RX_NONE = 0,      /* no frame waiting */
    NET_RX_FRAME = 1,     /* a frame was copied out */
    NET_RX_DROPPED = 2,   /* a frame arrived but was larger than the caller's buffer: dropped */
    NET_RX_BROKEN = -1,   /* the device broke the protocol: dev->error says how */
};

struct net_device {
    struct virtio_pci_device virtio;
    struct virtq rx, tx;
    struct virtq ctrl;     /* set up when VIRTIO_NET_F_CTRL_VQ is negotiated */
    bool control;          /* VIRTIO_NET_F_CTRL_VQ negotiated */
    uint8_t *ctrl_buffer;  /* one command at a time: class, command, data, ack */
    unsigned control_commands; /* commands the device acknowledged with VIRTIO_NET_OK during net_init */
    uint8_t mac[NET_MAC_BYTES];
    uint16_t mtu;          /* from the configuration if VIRTIO_NET_F_MTU, else 1500 */
    bool mergeable;        /* VIRTIO_NET_F_MRG_RXBUF negotiated */
    uint32_t rx_buffer_bytes;
    uint8_t *rx_buffers;   /* rx.size buffers; buffer i belongs to the chain with head i */
    struct net_tx_slot *tx_slots;
    uint64_t tx_frames;    /* frames queued so far; picks each frame's descriptor layout */
    unsigned tx_in_flight;
    char error[160];
};

/* Whether f is a virtio network device (modern 0x1041 or transitional 0x1000). */
bool net_is_virtio_net(const struct pci_function *f);
/*
 * Brings the device up (ring 0): transport, features, MAC/status/MTU, both queues (receiveq filled), DRIVER_OK.
 * MSI-X entry 1 (every queue) goes to `queue_vector`. With a control queue it then sends what Linux's driver sends
 * at start (receive mode, MAC tables, the address) and wants VIRTIO_NET_OK for each: promiscuous on, empty
 * unicast and multicast tables, the MAC address it read, promiscuous off (the commands of each negotiated class).
 * Returns NULL or what was wrong.
 */
const char *net_init(struct net_device *dev, const struct pci_function *pci, uint32_t apic_id, uint8_t config_vector,
                     uint8_t queue_vector);
/* The link state: up unless VIRTIO_NET_F_STATUS was negotiated and the bit is clear. */
bool net_link_up(const struct net_device *dev);

/*
 * Takes the next received frame (gathering its buffers when they were merged) into frame[0..max), stores its
 * length, and gives the buffers back to the device (visible at the next net_rx_kick).
 */
enum net_receive_result net_receive(struct net_device *dev, uint8_t *frame, uint32_t max, uint32_t *length);
/* Whether a received frame is waiting. */
bool net_rx_pending(const struct net_device *dev);
/* Publishes the receive buffers given back, notifying the device if it asked for it. */
void net_rx_kick(struct net_device *dev);

/*
 * Where to build the next outgoing frame (at most NET_FRAME_MAX bytes), or NULL when the transmit ring stays full
 * for too long (dev->error says so). Reaps finished transmissions first.
 */
uint8_t *net_tx_begin(struct net_device *dev);
/* Queues the frame built at net_tx_begin's pointer; `length` bytes. */
void net_tx_commit(struct net_device *dev, uint32_t length);
/* Publishes queued frames, notifying the device if it asked for it. */
void net_tx_kick(struct net_device *dev);
/* Kicks and waits until the device has used every queued frame; false (dev->error) on time-out. */
bool net_tx_drain(struct net_device *dev);

#endif
