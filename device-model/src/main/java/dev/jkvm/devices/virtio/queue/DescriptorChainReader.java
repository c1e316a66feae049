package dev.jkvm.devices.virtio.queue;

import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows one descriptor chain from its head (virtio 1.2 §2.7.5) and checks its shape, refusing everything a
 * driver MUST NOT do (§2.7.5.2, §2.7.5.3.1) with a {@link VirtqueueException}. Every walk is bounded by a table
 * length, so no guest-built loop can keep it running. Buffer addresses are not checked: the device meets them
 * through {@link GuestRam}, which fails just that request.
 *
 * <p>Not thread-safe: its queue calls it under its lock. It keeps one {@link ChainBuilder} for every chain it reads,
 * so a read allocates only the chain itself.
 */
final class DescriptorChainReader {
    /** §2.7.4: a chain may hold at most 2^32 bytes in total. */
    static final long MAX_CHAIN_BYTES = 1L << 32;
    /**
     * Most descriptors an indirect table may hold: the largest queue size, as no driver builds a longer request and
     * an unbounded table (up to 2^28 entries) would let a guest make the device allocate without limit.
     */
    static final int MAX_INDIRECT_DESCRIPTORS = 32768;
    /**
     * Largest piece of one descriptor's buffer in a {@link GuestBuffer}, whose length is an int: a descriptor of up
     * to 4 GiB - 1 becomes consecutive pieces.
     */
    static final int MAX_BUFFER_PIECE = 1 << 30;

    private final MemorySegment descTable;
    private final int queueSize;
    private final boolean indirectAllowed;
    private final GuestRam memory;
    private final ChainBuilder chain = new ChainBuilder();

    DescriptorChainReader(MemorySegment descTable, int queueSize, boolean indirectAllowed, GuestRam memory) {
        this.descTable = descTable;
        this.queueSize = queueSize;
        this.indirectAllowed = indirectAllowed;
        this.memory = memory;
    }

    /** The chain starting at descriptor {@code head}, flattened and checked. */
    DescriptorChain read(int head) {
        if (head >= queueSize) {
            throw new VirtqueueException("avail ring head index %d is not below the queue size %d"
                    .formatted(head, queueSize));
        }
        chain.start(head);
        int index = head;
        for (int visited = 1; ; visited++) {
            if (visited > queueSize) {
                throw new VirtqueueException("chain from head %d has more than %d descriptors (a loop)"
                        .formatted(head, queueSize));
            }
            VirtqDesc desc = VirtqDesc.read(descTable, (long) index * SplitQueueConfig.DESCRIPTOR_SIZE);
            if (desc.indirect()) {
                // NEXT is forbidden with INDIRECT, so an indirect descriptor always ends the direct part (§2.7.5.3.2).
                readIndirect(index, desc);
                return chain.build();
            }
            chain.add(index, desc);
            if (!desc.hasNext()) {
                return chain.build();
            }
            if (desc.next() >= queueSize) {
                throw new VirtqueueException("descriptor %d: next index %d is not below the queue size %d"
                        .formatted(index, desc.next(), queueSize));
            }
            index = desc.next();
        }
    }

    private void readIndirect(int index, VirtqDesc desc) {
        if (!indirectAllowed) {
            throw new VirtqueueException(
                    "descriptor %d is indirect but VIRTIO_F_INDIRECT_DESC was not negotiated".formatted(index));
        }
        if (desc.hasNext()) {
            throw new VirtqueueException("descriptor %d sets both INDIRECT and NEXT".formatted(index));
        }
        long length = desc.length();
        if (length == 0 || length % SplitQueueConfig.DESCRIPTOR_SIZE != 0) {
            throw new VirtqueueException("descriptor %d: indirect table length %d is not a non-zero multiple of %d"
                    .formatted(index, length, SplitQueueConfig.DESCRIPTOR_SIZE));
        }
        long entries = length / SplitQueueConfig.DESCRIPTOR_SIZE;
        if (entries > MAX_INDIRECT_DESCRIPTORS) {
            throw new VirtqueueException("descriptor %d: indirect table of %d descriptors exceeds %d"
                    .formatted(index, entries, MAX_INDIRECT_DESCRIPTORS));
        }
        if (!memory.isRam(desc.address(), length)) {
            throw new VirtqueueException("descriptor %d: indirect table 0x%x+0x%x is not in guest RAM"
                    .formatted(index, desc.address(), length));
        }
        MemorySegment table = memory.slice(desc.address(), length);
        int entry = 0;
        for (int visited = 1; ; visited++) {
            if (visited > entries) {
                throw new VirtqueueException("indirect table of descriptor %d: chain has more than %d descriptors (a loop)"
                        .formatted(index, entries));
            }
            VirtqDesc inner = VirtqDesc.read(table, (long) entry * SplitQueueConfig.DESCRIPTOR_SIZE);
            if (inner.indirect()) {
                throw new VirtqueueException("indirect table of descriptor %d: entry %d is itself indirect"
                        .formatted(index, entry));
            }
            chain.add(entry, inner);
            if (!inner.hasNext()) {
                return;
            }
            if (inner.next() >= entries) {
                throw new VirtqueueException("indirect table of descriptor %d: entry %d has next index %d beyond its %d entries"
                        .formatted(index, entry, inner.next(), entries));
            }
            entry = inner.next();
        }
    }

    /** Collects a chain's buffers and enforces the rules that span descriptors; reused from chain to chain. */
    private static final class ChainBuilder {
        private final List<GuestBuffer> readable = new ArrayList<>();
        private final List<GuestBuffer> writable = new ArrayList<>();
        private int head;
        private long totalBytes;

        void start(int chainHead) {
            head = chainHead;
            readable.clear();
            writable.clear();
            totalBytes = 0;
        }

        void add(int index, VirtqDesc desc) {
            if (!desc.writable() && !writable.isEmpty()) {
                throw new VirtqueueException("chain from head %d: descriptor %d is device-readable after a writable one"
                        .formatted(head, index));
            }
            totalBytes += desc.length();
            if (totalBytes > MAX_CHAIN_BYTES) {
                throw new VirtqueueException("chain from head %d: total length %d exceeds 2^32 bytes"
                        .formatted(head, totalBytes));
            }
            List<GuestBuffer> target = desc.writable() ? writable : readable;
            if (desc.length() == 0) {
                // The ring allows empty buffers; whether one is acceptable is the device's call.
                target.add(new GuestBuffer(desc.address(), 0));
                return;
            }
            for (long done = 0; done < desc.length(); done += MAX_BUFFER_PIECE) {
                target.add(new GuestBuffer(desc.address() + done, (int) Math.min(MAX_BUFFER_PIECE, desc.length() - done)));
            }
        }

        /** The chain so far, with immutable copies of the lists (the builder's own are reused). */
        DescriptorChain build() {
            return new DescriptorChain(head, List.copyOf(readable), List.copyOf(writable));
        }
    }
}
