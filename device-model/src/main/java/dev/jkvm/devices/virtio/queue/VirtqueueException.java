package dev.jkvm.devices.virtio.queue;

/**
 * The driver broke the virtqueue protocol (a bad index, a descriptor loop, a ring outside RAM, …). The device
 * stops using the queue and the transport sets DEVICE_NEEDS_RESET.
 */
public class VirtqueueException extends RuntimeException {
    public VirtqueueException(String message) {
        super(message);
    }

    public VirtqueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
