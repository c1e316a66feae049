package dev.jkvm.devices.virtio.queue;

import java.util.List;

/**
 * A request the driver made available: the head index to return in the used ring, then the device-readable
 * buffers followed by the device-writable ones, in chain order (indirect tables already flattened). The queue has
 * validated the chain's shape (no loop, within the queue size, readable before writable, total length within
 * 4 GiB); buffer addresses are checked when the device touches them through guest memory.
 */
public record DescriptorChain(int head, List<GuestBuffer> readable, List<GuestBuffer> writable) {
    public DescriptorChain {
        readable = List.copyOf(readable);
        writable = List.copyOf(writable);
    }

    public long readableLength() {
        return readable.stream().mapToLong(GuestBuffer::length).sum();
    }

    public long writableLength() {
        return writable.stream().mapToLong(GuestBuffer::length).sum();
    }
}
