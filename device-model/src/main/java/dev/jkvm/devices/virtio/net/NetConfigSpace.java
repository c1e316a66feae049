package dev.jkvm.devices.virtio.net;

/**
 * struct virtio_net_config (virtio 1.2 §5.1.4) up to mtu: mac, status, max_virtqueue_pairs, mtu. Read by vCPU
 * threads while the control queue may change the MAC, so the fields are volatile and a read sees one or the other
 * address, byte for byte.
 */
final class NetConfigSpace {
    /** Byte offset of mac[6]. */
    static final int MAC = 0;
    /** Byte offset of le16 status. */
    static final int STATUS = 6;
    /** Byte offset of le16 max_virtqueue_pairs. */
    static final int MAX_VIRTQUEUE_PAIRS = 8;
    /** Byte offset of le16 mtu. */
    static final int MTU = 10;
    /** Size of the structure up to and including mtu (speed, duplex and RSS are not offered). */
    static final int SIZE = 12;
    /** status bit VIRTIO_NET_S_LINK_UP. */
    static final int S_LINK_UP = 1;
    /** Queue pairs reported: one receiveq/transmitq pair until multiqueue exists. */
    static final int QUEUE_PAIRS = 1;

    private final int mtu;
    private volatile EthernetAddress mac;
    private volatile boolean linkUp = true;

    NetConfigSpace(EthernetAddress mac, int mtu) {
        this.mac = mac;
        this.mtu = mtu;
    }

    EthernetAddress mac() {
        return mac;
    }

    void setMac(EthernetAddress address) {
        mac = address;
    }

    boolean linkUp() {
        return linkUp;
    }

    void setLinkUp(boolean up) {
        linkUp = up;
    }

    /** Little-endian read of {@code size} bytes at {@code offset}; the caller checked the range. */
    long read(int offset, int size) {
        byte[] image = image();
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = value << 8 | Byte.toUnsignedLong(image[offset + i]);
        }
        return value;
    }

    private byte[] image() {
        byte[] image = new byte[SIZE];
        System.arraycopy(mac.bytes(), 0, image, MAC, EthernetAddress.LENGTH);
        putLe16(image, STATUS, linkUp ? S_LINK_UP : 0);
        putLe16(image, MAX_VIRTQUEUE_PAIRS, QUEUE_PAIRS);
        putLe16(image, MTU, mtu);
        return image;
    }

    private static void putLe16(byte[] image, int offset, int value) {
        image[offset] = (byte) value;
        image[offset + 1] = (byte) (value >>> 8);
    }
}
