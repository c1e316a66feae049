package dev.jkvm.devices.net.tap;

import dev.jkvm.devices.memory.TestRam;
import dev.jkvm.devices.virtio.queue.SplitQueueConfig;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The driver's side of one split virtqueue (virtio 1.2 §2.7) in native test RAM, as one driver CPU runs it:
 * chains written at the descriptor the test names, published through avail.idx, used elements read in order.
 * Without event index: the used ring's NO_NOTIFY flag says whether to kick.
 */
final class DriverRing {
    /** One used-ring element. */
    record Used(int id, int len) {
    }

    /** Little-endian u16 of the rings. */
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian u32. */
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian u64. */
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** VIRTQ_DESC_F_NEXT: the chain continues at next. */
    private static final int DESC_F_NEXT = 1;
    /** VIRTQ_DESC_F_WRITE: the buffer is device-writable. */
    private static final int DESC_F_WRITE = 2;
    /** VIRTQ_USED_F_NO_NOTIFY: the device asks not to be kicked. */
    private static final int USED_F_NO_NOTIFY = 1;
    /** Offset of idx in both rings. */
    private static final int IDX = 2;
    /** Offset of the first entry in both rings. */
    private static final int ENTRIES = 4;
    /** Bytes of a used element. */
    private static final int USED_ELEMENT = 8;

    private final SplitQueueConfig config;
    private final MemorySegment desc;
    private final MemorySegment avail;
    private final MemorySegment used;
    private int availIdx;
    private int lastUsed;

    DriverRing(TestRam ram, SplitQueueConfig config) {
        this.config = config;
        this.desc = ram.slice(config.descTable(), config.descTableBytes());
        this.avail = ram.slice(config.availRing(), config.availRingBytes());
        this.used = ram.slice(config.usedRing(), config.usedRingBytes());
    }

    /** Makes a receive buffer of one device-writable descriptor, index {@code head}, available. */
    void addWritable(int head, long address, int length) {
        descriptor(head, address, length, DESC_F_WRITE, 0);
        publish(head);
    }

    /**
     * Makes a transmit chain available: device-readable buffers {@code (address, length)} in descriptors
     * head, head + 1, ... (which must not wrap round the table).
     */
    void addReadable(int head, List<long[]> buffers) {
        for (int i = 0; i < buffers.size(); i++) {
            boolean last = i == buffers.size() - 1;
            descriptor(head + i, buffers.get(i)[0], (int) buffers.get(i)[1], last ? 0 : DESC_F_NEXT, head + i + 1);
        }
        publish(head);
    }

    private void descriptor(int index, long address, int length, int flags, int next) {
        long at = (long) SplitQueueConfig.DESCRIPTOR_SIZE * index;
        desc.set(LE64, at, address);
        desc.set(LE32, at + 8, length);
        desc.set(LE16, at + 12, (short) flags);
        desc.set(LE16, at + 14, (short) (next % config.size()));
    }

    private void publish(int head) {
        avail.set(LE16, ENTRIES + 2L * (availIdx % config.size()), (short) head);
        availIdx = (availIdx + 1) & 0xFFFF;
        // The entry and its descriptors before the index (§2.7.13); the index before reading the device's flags.
        VarHandle.releaseFence();
        avail.set(LE16, IDX, (short) availIdx);
        VarHandle.fullFence();
    }

    /** Whether the device wants a kick for what was just made available. */
    boolean deviceWantsKick() {
        return (Short.toUnsignedInt(used.get(LE16, 0)) & USED_F_NO_NOTIFY) == 0;
    }

    /** The next used element, or null when the device has published none. */
    Used nextUsed() {
        int usedIdx = Short.toUnsignedInt(used.get(LE16, IDX));
        VarHandle.acquireFence();
        if (usedIdx == lastUsed) {
            return null;
        }
        long at = ENTRIES + (long) USED_ELEMENT * (lastUsed % config.size());
        lastUsed = (lastUsed + 1) & 0xFFFF;
        return new Used(used.get(LE32, at), used.get(LE32, at + 4));
    }
}
