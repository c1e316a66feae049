package dev.jkvm.devices.virtio.pci;

/** One virtqueue's setup registers as the driver programs them through the common configuration. */
final class QueueRegisters {
    final int maxSize;
    int size;
    boolean enabled;
    long desc;
    long driver;
    long device;

    QueueRegisters(int maxSize) {
        this.maxSize = maxSize;
        reset();
    }

    /** Reset values: the largest size, disabled, no rings. */
    void reset() {
        size = maxSize;
        enabled = false;
        desc = 0;
        driver = 0;
        device = 0;
    }

    /** queue_size accepts a power of two no larger than the device's maximum; anything else is ignored. */
    void requestSize(int requested) {
        if (requested >= 1 && requested <= maxSize && Integer.bitCount(requested) == 1) {
            size = requested;
        }
    }
}
