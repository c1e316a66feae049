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
        return totalLength(readable);
    }

    public long writableLength() {
        return totalLength(writable);
    }

    // A plain loop: these run several times per packet, where a stream pipeline's setup costs more than the sum.
    private static long totalLength(List<GuestBuffer> buffers) {
        long total = 0;
        for (int i = 0; i < buffers.size(); i++) {
            total += buffers.get(i).length();
        }
        return total;
    }
}
