package dev.jkvm.devices.virtio.queue;

import java.util.List;

/**
 * A split virtqueue from the device's side, once the driver has set it up and the device is live. Thread-safe:
 * {@link #pop} may be called from one thread while {@link #complete} and {@link #completeAll} are called from others
 * (I/O completions).
 */
public interface DeviceQueue {
    /** The queue's index in the device. */
    int index();

    /** The next available chain, or null when the driver has made none available. */
    DescriptorChain pop() throws VirtqueueException;

    /**
     * Returns {@code chain} to the driver with {@code bytesWritten} bytes written into its writable buffers, and
     * interrupts the driver unless it suppressed that (event index or NO_INTERRUPT).
     */
    void complete(DescriptorChain chain, int bytesWritten);

    /**
     * Returns {@code chains} to the driver in list order, {@code bytesWritten[i]} bytes written into chain i, as one
     * publication: the driver sees either none of them or all of them (one used.idx update), and gets at most one
     * interrupt, decided over the whole batch. A merged receive frame needs this, or the driver could read the first
     * buffer of a frame whose others are not there yet. An empty list does nothing.
     *
     * @throws IllegalArgumentException when the two lengths differ, or any element is invalid as for
     *         {@link #complete}; then nothing is returned to the driver
     */
    void completeAll(List<DescriptorChain> chains, int[] bytesWritten);

    /**
     * Asks the driver not to notify (event index or NO_NOTIFY) while the device is draining the queue anyway;
     * {@link #enableNotifications} re-arms them and returns true when chains arrived meanwhile, so the device
     * must pop again (the race virtio 1.2 §2.7.10 describes).
     */
    void disableNotifications();

    boolean enableNotifications();
}
