package dev.jkvm.devices.virtio;

import dev.jkvm.devices.virtio.queue.DeviceQueue;

import java.util.List;
import java.util.OptionalInt;

/**
 * A virtio device type (block, net, …) as the transport drives it (virtio 1.2 §2 and §5). It never sees PCI:
 * the transport negotiates features, owns the rings and interrupts, and calls in here.
 */
public interface VirtioDevice {
    /** Virtio device ID (§5): 1 net, 2 block. */
    int deviceType();

    /** Device-type feature bits this device offers (bits 0..23 and its own); the transport adds its own bits. */
    long offeredFeatures();

    /** How many virtqueues and the largest size each accepts (a power of two, at most 32768). */
    int queueCount();

    int maxQueueSize(int queue);

    /** Size of the device-specific configuration structure in bytes. */
    int configSize();

    /** Little-endian read of the device configuration; offset + size within {@link #configSize}. */
    long readConfig(int offset, int size);

    void writeConfig(int offset, int size, long value);

    /**
     * The driver set DRIVER_OK: start serving {@code queues} (in queue order; a queue the driver left disabled is
     * absent from the list's slot as null) with the {@code negotiated} feature bits.
     */
    void activate(long negotiated, List<DeviceQueue> queues, VirtioContext context);

    /** The driver made buffers available on {@code queue}; called on an I/O thread, never a vCPU thread. */
    void queueNotified(int queue);

    /**
     * An eventfd the device's own I/O thread waits on, which the VMM may have the guest's notifications of
     * {@code queue} signal directly (KVM ioeventfd) instead of calling {@link #queueNotified}: one thread hop less
     * per kick. A signal there must do what {@link #queueNotified} would, whenever it comes (before DRIVER_OK and
     * after a reset too). Empty by default: the transport calls {@link #queueNotified}. The descriptor must stay
     * open as long as the device does.
     */
    default OptionalInt queueSignalFd(int queue) {
        return OptionalInt.empty();
    }

    /**
     * The driver reset the device (or the VMM is shutting down): stop popping, wait for requests in flight to
     * complete, and forget the queues. On return the device touches no guest memory until the next activate.
     */
    void reset();
}
