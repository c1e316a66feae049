package dev.jkvm.devices.virtio.pci;

/** Feature bits the transport and ring layer own (virtio 1.2 §6), and which of them jkvm implements. */
public final class TransportFeatures {
    /** VIRTIO_F_INDIRECT_DESC (bit 28): descriptors may point to indirect tables. */
    public static final long VIRTIO_F_INDIRECT_DESC = 1L << 28;
    /** VIRTIO_F_EVENT_IDX (bit 29): used_event / avail_event suppression. */
    public static final long VIRTIO_F_EVENT_IDX = 1L << 29;
    /** VIRTIO_F_VERSION_1 (bit 32): the virtio 1.x interface; a modern-only device requires it. */
    public static final long VIRTIO_F_VERSION_1 = 1L << 32;
    /** Bits 24..41, reserved for transport and ring features: a device never offers these itself. */
    public static final long RESERVED_RANGE = ((1L << 42) - 1) & ~((1L << 24) - 1);
    /** The transport and ring features jkvm implements and always offers. */
    public static final long IMPLEMENTED = VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX | VIRTIO_F_VERSION_1;

    private TransportFeatures() {
    }

    /** What a transport offers for a device offering {@code deviceFeatures}: its own bits plus ours. */
    public static long offered(long deviceFeatures) {
        return (deviceFeatures & ~RESERVED_RANGE) | IMPLEMENTED;
    }
}
