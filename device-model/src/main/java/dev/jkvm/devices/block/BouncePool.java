package dev.jkvm.devices.block;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Aligned native buffers for I/O that cannot use the caller's memory: O_DIRECT needs aligned addresses, offsets
 * and lengths, and a heap segment cannot be passed to a system call at all. A buffer is borrowed per call and
 * given back, so the pool grows to the number of threads doing I/O at once and no further.
 */
final class BouncePool implements AutoCloseable {

    /** Bytes per buffer: larger requests go through in several chunks. */
    static final int BUFFER_SIZE = 256 * 1024;
    /** Buffer address alignment, enough for O_DIRECT on any logical block size up to a page. */
    static final int ALIGNMENT = 4096;

    private final Arena arena = Arena.ofShared();
    private final ConcurrentLinkedQueue<MemorySegment> free = new ConcurrentLinkedQueue<>();

    /** A buffer of {@link #BUFFER_SIZE} bytes; its contents are whatever the last borrower left. */
    MemorySegment borrow() {
        MemorySegment buffer = free.poll();
        return buffer != null ? buffer : arena.allocate(BUFFER_SIZE, ALIGNMENT);
    }

    void giveBack(MemorySegment buffer) {
        free.offer(buffer);
    }

    /** Frees every buffer; no borrower may still hold one. */
    @Override
    public void close() {
        free.clear();
        arena.close();
    }
}
