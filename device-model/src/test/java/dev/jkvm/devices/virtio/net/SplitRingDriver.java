package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.memory.TestRam;
import dev.jkvm.devices.virtio.queue.SplitQueueConfig;

import java.lang.invoke.VarHandle;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The driver's side of one split virtqueue (virtio 1.2 §2.7), written straight into test guest memory: descriptors
 * handed out from a free list, available-ring publication, used-ring reads. Single-threaded, like one driver CPU.
 */
final class SplitRingDriver {
    /** One buffer of a chain to make available. */
    record Buffer(long address, int length, boolean deviceWritable) {
    }

    /** One used-ring element. */
    record Used(int id, int len) {
    }

    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** virtq_desc flag: the chain continues at next. */
    private static final int VIRTQ_DESC_F_NEXT = 1;
    /** virtq_desc flag: device-writable buffer. */
    private static final int VIRTQ_DESC_F_WRITE = 2;
    /** used ring flag: the device asks not to be kicked. */
    private static final int VIRTQ_USED_F_NO_NOTIFY = 1;

    private final SplitQueueConfig config;
    private final MemorySegment desc;
    private final MemorySegment avail;
    private final MemorySegment used;
    private int nextDescriptor;
    private int availIdx;
    private int lastUsed;

    SplitRingDriver(TestRam ram, SplitQueueConfig config) {
        this.config = config;
        this.desc = ram.slice(config.descTable(), config.descTableBytes());
        this.avail = ram.slice(config.availRing(), config.availRingBytes());
        this.used = ram.slice(config.usedRing(), config.usedRingBytes());
    }

    /** Lays the chain out in consecutive descriptors (wrapping round the table) and publishes its head. */
    int add(List<Buffer> buffers) {
        int head = nextDescriptor;
        for (int i = 0; i < buffers.size(); i++) {
            int index = (nextDescriptor + i) % config.size();
            Buffer b = buffers.get(i);
            long at = (long) SplitQueueConfig.DESCRIPTOR_SIZE * index;
            boolean last = i == buffers.size() - 1;
            desc.set(LE64, at, b.address());
            desc.set(LE32, at + 8, b.length());
            desc.set(LE16, at + 12, (short) ((last ? 0 : VIRTQ_DESC_F_NEXT) | (b.deviceWritable() ? VIRTQ_DESC_F_WRITE : 0)));
            desc.set(LE16, at + 14, (short) ((index + 1) % config.size()));
        }
        nextDescriptor = (nextDescriptor + buffers.size()) % config.size();
        avail.set(LE16, 4 + 2L * (availIdx % config.size()), (short) head);
        availIdx = (availIdx + 1) & 0xFFFF;
        VarHandle.releaseFence();
        avail.set(LE16, 2, (short) availIdx);
        VarHandle.fullFence();
        return head;
    }

    /** Whether the device wants a kick (no event index in these tests: the NO_NOTIFY flag decides). */
    boolean deviceWantsKick() {
        return (used.get(LE16, 0) & VIRTQ_USED_F_NO_NOTIFY) == 0;
    }

    /** The next used element, or null when the device has not published one. */
    Used nextUsed() {
        int usedIdx = Short.toUnsignedInt(used.get(LE16, 2));
        VarHandle.acquireFence();
        if (usedIdx == lastUsed) {
            return null;
        }
        long at = 4 + 8L * (lastUsed % config.size());
        lastUsed = (lastUsed + 1) & 0xFFFF;
        return new Used(used.get(LE32, at), used.get(LE32, at + 4));
    }
}
