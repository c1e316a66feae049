package dev.jkvm.devices.virtio.queue;

import dev.jkvm.devices.memory.TestRam;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The driver's side of a split virtqueue in test RAM: writes descriptors and the avail ring, reads the used ring. */
final class RingDriver {
    /** Little-endian u16 as the rings hold it. */
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian u32. */
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian u64. */
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final TestRam ram;
    private final SplitQueueConfig config;
    private int availIdx;

    RingDriver(TestRam ram, SplitQueueConfig config) {
        this.ram = ram;
        this.config = config;
    }

    /** Writes descriptor {@code index} of the queue's own table. */
    void descriptor(int index, long address, long length, int flags, int next) {
        descriptorAt(config.descTable(), index, address, length, flags, next);
    }

    /** Writes entry {@code index} of a descriptor table at {@code table} (the queue's or an indirect one). */
    void descriptorAt(long table, int index, long address, long length, int flags, int next) {
        MemorySegment desc = ram.slice(table + 16L * index, 16);
        desc.set(LE64, 0, address);
        desc.set(LE32, 8, (int) length);
        desc.set(LE16, 12, (short) flags);
        desc.set(LE16, 14, (short) next);
    }

    /** Puts {@code head} in the next avail ring slot and publishes it by bumping avail.idx. */
    void makeAvailable(int head) {
        ram.slice(config.availRing() + 4 + 2L * (availIdx % config.size()), 2).set(LE16, 0, (short) head);
        setAvailIdx(availIdx + 1);
    }

    void setAvailIdx(int idx) {
        availIdx = idx & 0xFFFF;
        ram.slice(config.availRing() + 2, 2).set(LE16, 0, (short) availIdx);
    }

    void setAvailFlags(int flags) {
        ram.slice(config.availRing(), 2).set(LE16, 0, (short) flags);
    }

    void setUsedEvent(int event) {
        ram.slice(config.availRing() + 4 + 2L * config.size(), 2).set(LE16, 0, (short) event);
    }

    int usedIdx() {
        return Short.toUnsignedInt(ram.slice(config.usedRing() + 2, 2).get(LE16, 0));
    }

    int usedFlags() {
        return Short.toUnsignedInt(ram.slice(config.usedRing(), 2).get(LE16, 0));
    }

    int availEvent() {
        return Short.toUnsignedInt(ram.slice(config.usedRing() + 4 + 8L * config.size(), 2).get(LE16, 0));
    }

    /** {@code id} of used element {@code slot}. */
    int usedId(int slot) {
        return ram.slice(config.usedRing() + 4 + 8L * slot, 4).get(LE32, 0);
    }

    /** {@code len} of used element {@code slot}. */
    int usedLen(int slot) {
        return ram.slice(config.usedRing() + 8 + 8L * slot, 4).get(LE32, 0);
    }

    /** The driver's kick decision with event index (§2.7.10) for avail.idx moving from {@code old} to {@code now}. */
    boolean wouldKick(int old, int now) {
        return ((now - availEvent() - 1) & 0xFFFF) < ((now - old) & 0xFFFF);
    }
}
