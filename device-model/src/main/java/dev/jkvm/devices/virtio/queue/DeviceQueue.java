package dev.jkvm.devices.virtio.queue;

/**
 * A split virtqueue from the device's side, once the driver has set it up and the device is live. Thread-safe:
 * {@link #pop} may be called from one thread while {@link #complete} is called from others (I/O completions).
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
     * Asks the driver not to notify (event index or NO_NOTIFY) while the device is draining the queue anyway;
     * {@link #enableNotifications} re-arms them and returns true when chains arrived meanwhile, so the device
     * must pop again (the race virtio 1.2 §2.7.10 describes).
     */
    void disableNotifications();

    boolean enableNotifications();
}
