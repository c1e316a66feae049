package dev.jkvm.devices.virtio.pci;

import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.VirtioDevice;
import dev.jkvm.devices.virtio.queue.DeviceQueue;

import java.util.ArrayList;
import java.util.List;

/** A block-typed device that records what the transport asks of it; its config is an 8-byte capacity. */
class FakeVirtioDevice implements VirtioDevice {
    /** A device-type feature bit (VIRTIO_BLK_F_SEG_MAX). */
    static final long DEVICE_FEATURE = 1L << 2;
    /** A bit in the transport range the device claims but the transport does not implement (VIRTIO_F_RING_RESET). */
    static final long UNIMPLEMENTED_TRANSPORT_FEATURE = 1L << 40;
    /** Queues the device has. */
    static final int QUEUES = 2;
    /** Largest size of each queue. */
    static final int MAX_QUEUE_SIZE = 256;
    /** Bytes of device configuration. */
    static final int CONFIG_SIZE = 8;

    record Activation(long features, List<DeviceQueue> queues, VirtioContext context) {
    }

    private final List<Activation> activations = new ArrayList<>();
    private final List<Integer> notified = new ArrayList<>();
    private long capacity = 0x2000;
    private int resets;

    @Override
    public int deviceType() {
        return 2;
    }

    @Override
    public long offeredFeatures() {
        return DEVICE_FEATURE | UNIMPLEMENTED_TRANSPORT_FEATURE;
    }

    @Override
    public int queueCount() {
        return QUEUES;
    }

    @Override
    public int maxQueueSize(int queue) {
        return MAX_QUEUE_SIZE;
    }

    @Override
    public int configSize() {
        return CONFIG_SIZE;
    }

    @Override
    public synchronized long readConfig(int offset, int size) {
        long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
        return (capacity >>> (8 * offset)) & mask;
    }

    @Override
    public synchronized void writeConfig(int offset, int size, long value) {
        // Read-only, as a block device's capacity is.
    }

    @Override
    public synchronized void activate(long negotiated, List<DeviceQueue> queues, VirtioContext context) {
        activations.add(new Activation(negotiated, queues, context));
    }

    @Override
    public synchronized void queueNotified(int queue) {
        notified.add(queue);
    }

    @Override
    public synchronized void reset() {
        resets++;
    }

    synchronized void resize(long sectors) {
        capacity = sectors;
    }

    synchronized List<Activation> activations() {
        return List.copyOf(activations);
    }

    synchronized Activation lastActivation() {
        return activations.getLast();
    }

    synchronized List<Integer> notified() {
        return List.copyOf(notified);
    }

    synchronized int resets() {
        return resets;
    }
}
