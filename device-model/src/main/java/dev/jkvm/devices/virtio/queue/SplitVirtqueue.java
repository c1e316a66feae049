package dev.jkvm.devices.virtio.queue;

import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * The device side of a split virtqueue (virtio 1.2 §2.7): pops available chains, returns used ones, and applies
 * notification suppression both ways (flags, or event index when negotiated).
 *
 * <p>The driver writes the rings concurrently from vCPUs, so the fields another party publishes are read with
 * acquire semantics and the fields this side publishes are written with release semantics; the two
 * suppression decisions put a full fence between "publish my index" and "read the other side's event or
 * flags", the store-load ordering §2.7.10 depends on. The 16-bit index fields are accessed as aligned 16-bit
 * values (the ring alignment this class checks guarantees they are aligned in guest memory), which needs a
 * {@link GuestRam} whose segments allow aligned access (native memory does).
 *
 * <p>Any protocol violation found while popping throws {@link VirtqueueException} and leaves the queue failed:
 * every later {@link #pop} throws again until the transport replaces the queue after a device reset.
 */
public final class SplitVirtqueue implements DeviceQueue {
    /** Largest Queue Size a split virtqueue may have (§2.7). */
    public static final int MAX_SIZE = 32768;
    /** Required alignment of the Descriptor Table (§2.7, table "Virtqueue Part Alignment"). */
    public static final int DESC_TABLE_ALIGNMENT = 16;
    /** Required alignment of the Available Ring. */
    public static final int AVAIL_RING_ALIGNMENT = 2;
    /** Required alignment of the Used Ring. */
    public static final int USED_RING_ALIGNMENT = 4;

    /** VIRTQ_AVAIL_F_NO_INTERRUPT: the driver asks not to be interrupted (without event index). */
    static final int AVAIL_F_NO_INTERRUPT = 1;
    /** VIRTQ_USED_F_NO_NOTIFY: the device asks not to be notified (without event index). */
    static final int USED_F_NO_NOTIFY = 1;

    /** Offset of le16 flags in both rings. */
    static final int RING_FLAGS_OFFSET = 0;
    /** Offset of le16 idx in both rings. */
    static final int RING_IDX_OFFSET = 2;
    /** Offset of the first entry in both rings. */
    static final int RING_ENTRIES_OFFSET = 4;
    /** Offset of le32 id inside a used element. */
    static final int USED_ELEM_ID_OFFSET = 0;
    /** Offset of le32 len inside a used element. */
    static final int USED_ELEM_LEN_OFFSET = 4;
    /** Ring indices are free-running 16-bit counters. */
    private static final int INDEX_MASK = 0xFFFF;

    /** Aligned little-endian u16 with the access modes (acquire/release) the index fields need. */
    private static final VarHandle LE16_ORDERED =
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** Aligned little-endian u16 for plain accesses. */
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Aligned little-endian u32 of a used element. */
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final SplitQueueConfig config;
    private final Runnable interrupt;
    private final MemorySegment avail;
    private final MemorySegment used;
    private final DescriptorChainReader reader;
    /** Byte offset of used_event (the last avail ring entry slot). */
    private final long usedEventOffset;
    /** Byte offset of avail_event (after the used ring entries). */
    private final long availEventOffset;

    /** Guards the driver-to-device side: lastAvail, notificationsEnabled, failure. */
    private final Object availLock = new Object();
    /** Guards the device-to-driver side: usedIdx, signalledUsed. */
    private final Object usedLock = new Object();

    /** Next avail ring index to pop (free-running, masked to 16 bits). */
    private int lastAvail;
    /** Whether the device currently wants notifications (so pop keeps avail_event current). */
    private boolean notificationsEnabled = true;
    /** The violation that failed this queue, or null while it is healthy. */
    private String failure;

    /** Next used ring index to fill, i.e. the used.idx last published. */
    private int usedIdx;
    /** used.idx at the last interrupt decision: the "old" of vring_need_event, so one decision spans a batch. */
    private int signalledUsed;

    /**
     * Takes over the rings the driver set up. Checks the size and the rings' alignment and placement; throws
     * {@link VirtqueueException} naming the bad value otherwise.
     *
     * @param interrupt raises this queue's interrupt (MSI-X vector or INTx + ISR); called from completing threads
     */
    public SplitVirtqueue(SplitQueueConfig config, GuestRam memory, Runnable interrupt) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(memory, "memory");
        this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
        int size = config.size();
        if (size < 1 || size > MAX_SIZE || Integer.bitCount(size) != 1) {
            throw new VirtqueueException("queue %d: size %d is not a power of two in 1..%d"
                    .formatted(config.index(), size, MAX_SIZE));
        }
        checkRing("descriptor table", config.descTable(), config.descTableBytes(), DESC_TABLE_ALIGNMENT, memory);
        checkRing("available ring", config.availRing(), config.availRingBytes(), AVAIL_RING_ALIGNMENT, memory);
        checkRing("used ring", config.usedRing(), config.usedRingBytes(), USED_RING_ALIGNMENT, memory);
        this.avail = memory.slice(config.availRing(), config.availRingBytes());
        this.used = memory.slice(config.usedRing(), config.usedRingBytes());
        this.reader = new DescriptorChainReader(memory.slice(config.descTable(), config.descTableBytes()), size,
                config.indirectDescriptors(), memory);
        this.usedEventOffset = RING_ENTRIES_OFFSET + (long) SplitQueueConfig.AVAIL_ENTRY_SIZE * size;
        this.availEventOffset = RING_ENTRIES_OFFSET + (long) SplitQueueConfig.USED_ENTRY_SIZE * size;
        // The device owns the used ring: start it from a known state whatever the driver left in that memory.
        used.set(LE16, RING_FLAGS_OFFSET, (short) 0);
        used.set(LE16, availEventOffset, (short) 0);
        LE16_ORDERED.setRelease(used, (long) RING_IDX_OFFSET, (short) 0);
    }

    private void checkRing(String name, long address, long bytes, int alignment, GuestRam memory) {
        if (address % alignment != 0) {
            throw new VirtqueueException("queue %d: %s at 0x%x is not %d-byte aligned"
                    .formatted(config.index(), name, address, alignment));
        }
        if (!memory.isRam(address, bytes)) {
            throw new VirtqueueException("queue %d: %s 0x%x+0x%x is not wholly in guest RAM"
                    .formatted(config.index(), name, address, bytes));
        }
    }

    @Override
    public int index() {
        return config.index();
    }

    /** Queue Size: entries in each ring. */
    public int size() {
        return config.size();
    }

    @Override
    public DescriptorChain pop() {
        synchronized (availLock) {
            if (failure != null) {
                throw new VirtqueueException("queue %d already failed: %s".formatted(config.index(), failure));
            }
            // Acquire: the ring entry and descriptors the driver wrote before publishing idx must be seen (§2.7.13).
            int availIdx = Short.toUnsignedInt((short) LE16_ORDERED.getAcquire(avail, (long) RING_IDX_OFFSET));
            int pending = (availIdx - lastAvail) & INDEX_MASK;
            if (pending == 0) {
                return null;
            }
            if (pending > config.size()) {
                throw fail("avail.idx %d is %d entries ahead of the %d consumed, more than the queue size %d"
                        .formatted(availIdx, pending, lastAvail, config.size()), null);
            }
            long entry = RING_ENTRIES_OFFSET + (long) SplitQueueConfig.AVAIL_ENTRY_SIZE * (lastAvail % config.size());
            int head = Short.toUnsignedInt(avail.get(LE16, entry));
            DescriptorChain chain;
            try {
                chain = reader.read(head);
            } catch (VirtqueueException e) {
                throw fail(e.getMessage(), e);
            }
            lastAvail = (lastAvail + 1) & INDEX_MASK;
            if (config.eventIdx() && notificationsEnabled) {
                publishAvailEvent();
            }
            return chain;
        }
    }

    private VirtqueueException fail(String why, Throwable cause) {
        failure = why;
        return new VirtqueueException("queue %d: %s".formatted(config.index(), why), cause);
    }

    /**
     * avail_event = last_avail asks for a kick once the driver makes the next chain available (§2.7.10); the fence
     * orders that store before the next read of avail.idx, so a chain added meanwhile is either seen or kicked.
     */
    private void publishAvailEvent() {
        LE16_ORDERED.setRelease(used, availEventOffset, (short) lastAvail);
        VarHandle.fullFence();
    }

    @Override
    public void complete(DescriptorChain chain, int bytesWritten) {
        completeAll(List.of(Objects.requireNonNull(chain, "chain")), new int[]{bytesWritten});
    }

    @Override
    public void completeAll(List<DescriptorChain> chains, int[] bytesWritten) {
        Objects.requireNonNull(chains, "chains");
        Objects.requireNonNull(bytesWritten, "bytesWritten");
        if (chains.size() != bytesWritten.length) {
            throw new IllegalArgumentException("queue %d: %d chains completed with %d byte counts"
                    .formatted(config.index(), chains.size(), bytesWritten.length));
        }
        if (chains.size() > config.size()) {
            // More than the ring holds would overwrite used elements of this same batch before the driver saw them.
            throw new IllegalArgumentException("queue %d: a batch of %d chains is more than the queue size %d"
                    .formatted(config.index(), chains.size(), config.size()));
        }
        // Everything is checked before the first store, so a bad element leaves the used ring untouched.
        for (int i = 0; i < chains.size(); i++) {
            checkCompletion(Objects.requireNonNull(chains.get(i), "chain"), bytesWritten[i]);
        }
        if (chains.isEmpty()) {
            return;
        }
        boolean raise;
        synchronized (usedLock) {
            for (int i = 0; i < chains.size(); i++) {
                long element = RING_ENTRIES_OFFSET
                        + (long) SplitQueueConfig.USED_ENTRY_SIZE * ((usedIdx + i) % config.size());
                used.set(LE32, element + USED_ELEM_ID_OFFSET, chains.get(i).head());
                used.set(LE32, element + USED_ELEM_LEN_OFFSET, bytesWritten[i]);
            }
            usedIdx = (usedIdx + chains.size()) & INDEX_MASK;
            // Release: every element must be visible before the one index store that hands the batch over.
            LE16_ORDERED.setRelease(used, (long) RING_IDX_OFFSET, (short) usedIdx);
            // Store-load: used.idx published before reading used_event / flags, else an interrupt can be lost.
            VarHandle.fullFence();
            raise = shouldInterrupt();
        }
        if (raise) {
            interrupt.run();
        }
    }

    private void checkCompletion(DescriptorChain chain, int bytesWritten) {
        if (chain.head() < 0 || chain.head() >= config.size()) {
            throw new IllegalArgumentException("queue %d: head %d of the completed chain is not below the queue size %d"
                    .formatted(config.index(), chain.head(), config.size()));
        }
        if (bytesWritten < 0 || bytesWritten > chain.writableLength()) {
            throw new IllegalArgumentException("queue %d: %d bytes written does not fit the %d writable bytes of head %d"
                    .formatted(config.index(), bytesWritten, chain.writableLength(), chain.head()));
        }
    }

    /** Caller holds usedLock and has published used.idx. */
    private boolean shouldInterrupt() {
        if (config.eventIdx()) {
            int usedEvent = Short.toUnsignedInt((short) LE16_ORDERED.getAcquire(avail, usedEventOffset));
            int old = signalledUsed;
            signalledUsed = usedIdx;
            return needEvent(usedEvent, usedIdx, old);
        }
        int flags = Short.toUnsignedInt((short) LE16_ORDERED.getAcquire(avail, (long) RING_FLAGS_OFFSET));
        return (flags & AVAIL_F_NO_INTERRUPT) == 0;
    }

    /**
     * vring_need_event (§2.7.10): whether moving an index from {@code old} to {@code newIdx} crossed
     * {@code event}, i.e. event lies in [old, newIdx) modulo 2^16.
     */
    static boolean needEvent(int event, int newIdx, int old) {
        return ((newIdx - event - 1) & INDEX_MASK) < ((newIdx - old) & INDEX_MASK);
    }

    @Override
    public void disableNotifications() {
        synchronized (availLock) {
            notificationsEnabled = false;
            if (config.eventIdx()) {
                // Frozen at the current position: the driver, already past it while we drain, stops kicking.
                LE16_ORDERED.setRelease(used, availEventOffset, (short) lastAvail);
            } else {
                int flags = Short.toUnsignedInt(used.get(LE16, RING_FLAGS_OFFSET));
                LE16_ORDERED.setRelease(used, (long) RING_FLAGS_OFFSET, (short) (flags | USED_F_NO_NOTIFY));
            }
        }
    }

    @Override
    public boolean enableNotifications() {
        synchronized (availLock) {
            notificationsEnabled = true;
            if (config.eventIdx()) {
                LE16_ORDERED.setRelease(used, availEventOffset, (short) lastAvail);
            } else {
                int flags = Short.toUnsignedInt(used.get(LE16, RING_FLAGS_OFFSET));
                LE16_ORDERED.setRelease(used, (long) RING_FLAGS_OFFSET, (short) (flags & ~USED_F_NO_NOTIFY));
            }
            // Store-load: re-arming must precede the re-check, or a chain made available in between goes unseen.
            VarHandle.fullFence();
            int availIdx = Short.toUnsignedInt((short) LE16_ORDERED.getAcquire(avail, (long) RING_IDX_OFFSET));
            return availIdx != lastAvail;
        }
    }

    @Override
    public String toString() {
        return "SplitVirtqueue[index=%d, size=%d]".formatted(config.index(), config.size());
    }
}
