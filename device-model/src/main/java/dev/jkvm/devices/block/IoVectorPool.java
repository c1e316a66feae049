package dev.jkvm.devices.block;

import dev.jkvm.headers.Libc;
import dev.jkvm.headers.net.Iovec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Native {@code struct iovec} arrays, each with its errno capture segment, for preadv/pwritev: a request's guest
 * buffers go to the kernel as one vector rather than one system call (and, with O_DIRECT, one disk I/O) per
 * segment. Like {@link BouncePool}, a vector is borrowed per call and given back, so the pool grows to the number
 * of threads doing I/O at once and a request allocates no native memory.
 */
final class IoVectorPool implements AutoCloseable {

    /** Entries per vector: Linux's UIO_MAXIOV, the most one preadv takes; longer lists take several calls. */
    static final int CAPACITY = 1024;

    /** One borrower's iovec array and errno capture segment. */
    record IoVector(MemorySegment iovecs, MemorySegment callState) {
        /** Points entry {@code index} at {@code buffer}. */
        void set(int index, MemorySegment buffer) {
            // The var handles at an element offset: no slice object per entry on the request path.
            long element = index * Iovec.LAYOUT.byteSize();
            Iovec.IOV_BASE.set(iovecs, element, buffer);
            Iovec.IOV_LEN.set(iovecs, element, buffer.byteSize());
        }
    }

    private final Arena arena = Arena.ofShared();
    private final ConcurrentLinkedQueue<IoVector> free = new ConcurrentLinkedQueue<>();

    /** A vector of {@link #CAPACITY} entries; its contents are whatever the last borrower left. */
    IoVector borrow() {
        IoVector vector = free.poll();
        return vector != null ? vector
                : new IoVector(arena.allocate(Iovec.LAYOUT, CAPACITY), Libc.allocateCallState(arena));
    }

    void giveBack(IoVector vector) {
        free.offer(vector);
    }

    /** Frees every vector; no borrower may still hold one. */
    @Override
    public void close() {
        free.clear();
        arena.close();
    }
}
