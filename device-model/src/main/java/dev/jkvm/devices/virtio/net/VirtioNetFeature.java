package dev.jkvm.devices.virtio.net;

/** virtio-net feature bits (virtio 1.2 §5.1.3), by their spec names without the VIRTIO_NET_F_ prefix. */
public enum VirtioNetFeature {
    /** The device takes packets with a partial checksum from the driver. */
    CSUM(0),
    /** The driver takes packets with a partial checksum (and DATA_VALID) from the device. */
    GUEST_CSUM(1),
    /** The driver may change the guest offloads through the control queue. */
    CTRL_GUEST_OFFLOADS(2),
    /** The device reports its maximum MTU in the configuration. */
    MTU(3),
    /** The device has a MAC address in the configuration. */
    MAC(5),
    /** The driver takes TCPv4 segmentation offload frames. */
    GUEST_TSO4(7),
    /** The driver takes TCPv6 segmentation offload frames. */
    GUEST_TSO6(8),
    /** The driver takes segmented TCP frames with ECN. */
    GUEST_ECN(9),
    /** The driver takes UDP fragmentation offload frames. */
    GUEST_UFO(10),
    /** The device takes TCPv4 segmentation offload frames. */
    HOST_TSO4(11),
    /** The device takes TCPv6 segmentation offload frames. */
    HOST_TSO6(12),
    /** The device takes segmented TCP frames with ECN. */
    HOST_ECN(13),
    /** The device takes UDP fragmentation offload frames. */
    HOST_UFO(14),
    /** A received frame may span several receive buffers (num_buffers in the header). */
    MRG_RXBUF(15),
    /** The configuration's status field is valid (link up). */
    STATUS(16),
    /** The control virtqueue exists. */
    CTRL_VQ(17),
    /** Receive mode (promiscuous, all-multicast) and the MAC filter table through the control queue. */
    CTRL_RX(18),
    /** VLAN filtering through the control queue. */
    CTRL_VLAN(19),
    /** The extra receive modes (all-unicast, no-multicast, no-unicast, no-broadcast). */
    CTRL_RX_EXTRA(20),
    /** The driver can send gratuitous packets when asked. */
    GUEST_ANNOUNCE(21),
    /** Several receive/transmit queue pairs. */
    MQ(22),
    /** The driver sets the MAC address through the control queue. */
    CTRL_MAC_ADDR(23);

    private final int bit;

    VirtioNetFeature(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public long mask() {
        return 1L << bit;
    }

    /** Whether this bit is set in {@code features}. */
    public boolean in(long features) {
        return (features & mask()) != 0;
    }

    /** The union of the given bits. */
    public static long maskOf(VirtioNetFeature... features) {
        long mask = 0;
        for (VirtioNetFeature feature : features) {
            mask |= feature.mask();
        }
        return mask;
    }
}
