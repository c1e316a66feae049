package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.block.BlockBackend;
import dev.jkvm.devices.block.BlockDeviceException;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A disk in a byte array that records every call; {@link #gate} (if set) runs inside each read and write, so a
 * test can hold requests in flight.
 */
class MemoryBackend implements BlockBackend {

    /** A recorded discard or write-zeroes call. */
    record Range(String call, long offset, long length, boolean mayUnmap) {
    }

    final byte[] disk;
    private final boolean readOnly;
    final List<Range> ranges = new CopyOnWriteArrayList<>();
    final List<String> ioThreadNames = new CopyOnWriteArrayList<>();
    final AtomicInteger flushes = new AtomicInteger();
    final AtomicInteger inProgress = new AtomicInteger();
    final AtomicInteger maxInProgress = new AtomicInteger();
    volatile boolean closed;
    volatile Runnable gate = () -> { };

    MemoryBackend(int size, boolean readOnly) {
        this.disk = new byte[size];
        this.readOnly = readOnly;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public long size() {
        return disk.length;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public int logicalBlockSize() {
        return 512;
    }

    @Override
    public void read(long offset, MemorySegment destination) {
        io(() -> MemorySegment.copy(MemorySegment.ofArray(disk), offset, destination, 0, destination.byteSize()));
    }

    @Override
    public void write(long offset, MemorySegment source) {
        if (readOnly) {
            throw new BlockDeviceException("memory: write to a read-only backend reached the backend");
        }
        io(() -> MemorySegment.copy(source, 0, MemorySegment.ofArray(disk), offset, source.byteSize()));
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
    }

    @Override
    public boolean supportsDiscard() {
        return !readOnly;
    }

    @Override
    public void discard(long offset, long length) {
        ranges.add(new Range("discard", offset, length, false));
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayUnmap) {
        ranges.add(new Range("writeZeroes", offset, length, mayUnmap));
        MemorySegment.ofArray(disk).asSlice(offset, length).fill((byte) 0);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void io(Runnable copy) {
        ioThreadNames.add(Thread.currentThread().getName());
        int now = inProgress.incrementAndGet();
        maxInProgress.accumulateAndGet(now, Math::max);
        try {
            gate.run();
            copy.run();
        } finally {
            inProgress.decrementAndGet();
        }
    }
}
