package dev.jkvm.devices.block;

import dev.jkvm.headers.Errno;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A raw disk image file (or block device) through libc, QEMU-locked for as long as it is open.
 *
 * <p>With {@link CacheMode#WRITEBACK} guest memory goes straight to pread/pwrite. With {@link CacheMode#NONE} the
 * descriptor has O_DIRECT, whose offsets, lengths and addresses must be multiples of the file system's block size
 * (probed at open, as QEMU's raw_probe_alignment does): I/O that is not aligned goes through aligned bounce
 * buffers, and a write that covers part of a block reads the block, patches it and writes it back under a lock so
 * two such writes into one block cannot undo each other.
 */
public final class RawImage implements BlockBackend {

    /** Guests address disks in 512-byte sectors; the logical block size is never smaller. */
    private static final int SECTOR_SIZE = 512;
    /** O_DIRECT alignments tried at open, smallest first. */
    private static final int[] DIRECT_ALIGNMENTS = {512, 1024, 2048, 4096};
    /** Alignment of buffered I/O: any byte. */
    private static final int BUFFERED_ALIGNMENT = 1;

    private final Path file;
    private final int fd;
    private final boolean readOnly;
    private final CacheMode cache;
    private final long size;
    private final int ioAlignment;
    private final ImageLock lock;
    private final BouncePool bounce = new BouncePool();
    private final ReentrantLock partialBlockWrites = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Cleared once the file system answered EOPNOTSUPP, so discards stop costing a system call. */
    private volatile boolean punchHoleWorks = true;
    /** Cleared once the file system answered EOPNOTSUPP to FALLOC_FL_ZERO_RANGE. */
    private volatile boolean zeroRangeWorks = true;

    private RawImage(Path file, int fd, boolean readOnly, CacheMode cache, long size, int ioAlignment,
            ImageLock lock) {
        this.file = file;
        this.fd = fd;
        this.readOnly = readOnly;
        this.cache = cache;
        this.size = size;
        this.ioAlignment = ioAlignment;
        this.lock = lock;
    }

    /**
     * Opens and locks {@code file}. A missing file, a directory, a file the process may not open that way, a file
     * system without O_DIRECT for {@code cache=none}, or another process holding a conflicting lock ends in a
     * {@link BlockDeviceException} naming the file and the failed call.
     */
    public static RawImage open(Path file, boolean readOnly, CacheMode cache) {
        int flags = (readOnly ? Libc.O_RDONLY : Libc.O_RDWR) | Libc.O_CLOEXEC;
        int fd;
        try {
            fd = Libc.open(file.toString(), flags);
        } catch (NativeException e) {
            throw new BlockDeviceException(file, e);
        }
        try {
            rejectDirectory(file, fd);
            ImageLock lock = ImageLock.forDrive(fd, file, readOnly);
            try {
                long size = call(file, () -> Libc.lseek(fd, 0, Libc.SEEK_END));
                int alignment = cache == CacheMode.NONE ? enableDirectIo(file, fd, size) : BUFFERED_ALIGNMENT;
                return new RawImage(file, fd, readOnly, cache, size, alignment, lock);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        } catch (RuntimeException e) {
            try {
                Libc.close(fd);
            } catch (NativeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    public CacheMode cacheMode() {
        return cache;
    }

    /** The lock bytes this image holds (see {@link ImageLock}). */
    public List<Integer> lockedBytes() {
        return lock.lockedBytes();
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public int logicalBlockSize() {
        return Math.max(SECTOR_SIZE, ioAlignment);
    }

    @Override
    public void read(long offset, MemorySegment destination) {
        long length = destination.byteSize();
        checkRange("read", offset, length);
        if (directlyUsable(destination, offset)) {
            preadFully(destination, offset);
            return;
        }
        MemorySegment buffer = bounce.borrow();
        try {
            for (long done = 0; done < length; ) {
                long position = offset + done;
                long start = alignDown(position);
                long count = Math.min(length - done, BouncePool.BUFFER_SIZE - (position - start));
                long end = alignUp(position + count);
                preadFully(buffer.asSlice(0, end - start), start);
                MemorySegment.copy(buffer, position - start, destination, done, count);
                done += count;
            }
        } finally {
            bounce.giveBack(buffer);
        }
    }

    @Override
    public void write(long offset, MemorySegment source) {
        long length = source.byteSize();
        checkWritable("write");
        checkRange("write", offset, length);
        if (directlyUsable(source, offset)) {
            pwriteFully(source, offset);
            return;
        }
        MemorySegment buffer = bounce.borrow();
        try {
            for (long done = 0; done < length; ) {
                long position = offset + done;
                long start = alignDown(position);
                long count = Math.min(length - done, BouncePool.BUFFER_SIZE - (position - start));
                long end = alignUp(position + count);
                boolean partial = start != position || end != position + count;
                if (partial) {
                    partialBlockWrites.lock();
                }
                try {
                    if (start != position) {
                        preadFully(buffer.asSlice(0, ioAlignment), start);
                    }
                    if (end != position + count) {
                        preadFully(buffer.asSlice(end - start - ioAlignment, ioAlignment), end - ioAlignment);
                    }
                    MemorySegment.copy(source, done, buffer, position - start, count);
                    pwriteFully(buffer.asSlice(0, end - start), start);
                } finally {
                    if (partial) {
                        partialBlockWrites.unlock();
                    }
                }
                done += count;
            }
        } finally {
            bounce.giveBack(buffer);
        }
    }

    /** fdatasync: with O_DIRECT too, since the data may sit in the disk's own cache and metadata may be pending. */
    @Override
    public void flush() {
        checkOpen("flush");
        retrying(() -> {
            Libc.fdatasync(fd);
            return 0L;
        });
    }

    @Override
    public boolean supportsDiscard() {
        return !readOnly;
    }

    /** Punches a hole; on a file system that cannot, does nothing (a discard is a hint). */
    @Override
    public void discard(long offset, long length) {
        checkWritable("discard");
        checkRange("discard", offset, length);
        if (punchHoleWorks && !punchHole(offset, length)) {
            punchHoleWorks = false;
        }
    }

    /** FALLOC_FL_ZERO_RANGE; else a punched hole if allowed; else writes of zeroes. */
    @Override
    public void writeZeroes(long offset, long length, boolean mayUnmap) {
        checkWritable("write zeroes");
        checkRange("write zeroes", offset, length);
        if (zeroRangeWorks) {
            if (fallocate(Libc.FALLOC_FL_ZERO_RANGE | Libc.FALLOC_FL_KEEP_SIZE, offset, length)) {
                return;
            }
            zeroRangeWorks = false;
        }
        if (mayUnmap && punchHoleWorks) {
            if (punchHole(offset, length)) {
                return;
            }
            punchHoleWorks = false;
        }
        MemorySegment zeroes = bounce.borrow();
        try {
            zeroes.fill((byte) 0);
            for (long done = 0; done < length; ) {
                long count = Math.min(length - done, BouncePool.BUFFER_SIZE);
                write(offset + done, zeroes.asSlice(0, count));
                done += count;
            }
        } finally {
            bounce.giveBack(zeroes);
        }
    }

    /** Releases the locks and the descriptor; no I/O may be in progress. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // The locks go before the descriptor: unlocking needs it (closing it would drop them anyway).
        try (bounce) {
            try {
                lock.close();
            } finally {
                try {
                    Libc.close(fd);
                } catch (NativeException e) {
                    throw new BlockDeviceException(file, e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RawImage[" + file + (readOnly ? ", read-only" : "") + ", cache=" + cache.qemuName() + ", " + size
                + " bytes]";
    }

    /** A directory opens read-only like a file; reading it is what tells them apart (EISDIR). */
    private static void rejectDirectory(Path file, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment oneByte = arena.allocate(1);
            call(file, () -> Libc.pread(fd, oneByte, 0));
        }
    }

    /**
     * Sets O_DIRECT (a file system without it, such as an old tmpfs, answers EINVAL) and returns the smallest
     * alignment a direct read accepts.
     */
    private static int enableDirectIo(Path file, int fd, long size) {
        try {
            int flags = Libc.fcntl(fd, Libc.F_GETFL, 0);
            Libc.fcntl(fd, Libc.F_SETFL, flags | Libc.O_DIRECT);
        } catch (NativeException e) {
            throw new BlockDeviceException(file + ": cache=none needs O_DIRECT", e);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(BouncePool.ALIGNMENT, BouncePool.ALIGNMENT);
            for (int alignment : DIRECT_ALIGNMENTS) {
                try {
                    retrying(() -> Libc.pread(fd, buffer.asSlice(0, alignment), 0));
                } catch (NativeException e) {
                    if (e.errno() == Errno.EINVAL) {
                        continue;
                    }
                    throw new BlockDeviceException(file, e);
                }
                if (size % alignment != 0) {
                    // A partial last block would have to be written whole, growing the file.
                    throw new BlockDeviceException(file + ": cache=none needs the image size (" + size
                            + " bytes) to be a multiple of the O_DIRECT block size (" + alignment + ")");
                }
                return alignment;
            }
        }
        throw new BlockDeviceException(file + ": cache=none: no O_DIRECT read of up to "
                + DIRECT_ALIGNMENTS[DIRECT_ALIGNMENTS.length - 1] + " aligned bytes works on this file system");
    }

    private boolean directlyUsable(MemorySegment memory, long offset) {
        return memory.isNative()
                && ((memory.address() | offset | memory.byteSize()) & (ioAlignment - 1)) == 0;
    }

    private long alignDown(long value) {
        return value - value % ioAlignment;
    }

    private long alignUp(long value) {
        return alignDown(value + ioAlignment - 1);
    }

    /** Reads the whole buffer; past the end of the file it reads zeroes, as a hole would. */
    private void preadFully(MemorySegment buffer, long offset) {
        for (long done = 0; done < buffer.byteSize(); ) {
            MemorySegment rest = buffer.asSlice(done);
            long position = offset + done;
            long count = call(file, () -> Libc.pread(fd, rest, position));
            if (count == 0) {
                rest.fill((byte) 0);
                return;
            }
            done += count;
        }
    }

    private void pwriteFully(MemorySegment buffer, long offset) {
        for (long done = 0; done < buffer.byteSize(); ) {
            MemorySegment rest = buffer.asSlice(done);
            long position = offset + done;
            long count = call(file, () -> Libc.pwrite(fd, rest, position));
            if (count == 0) {
                throw new BlockDeviceException(file + ": pwrite(fd " + fd + ", " + rest.byteSize() + " bytes, offset "
                        + position + ") wrote nothing");
            }
            done += count;
        }
    }

    private boolean punchHole(long offset, long length) {
        return fallocate(Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length);
    }

    /** fallocate; false when the file system does not do {@code mode}. */
    private boolean fallocate(int mode, long offset, long length) {
        if (length == 0) {
            return true;
        }
        try {
            retrying(() -> {
                Libc.fallocate(fd, mode, offset, length);
                return 0L;
            });
            return true;
        } catch (NativeException e) {
            if (e.errno() == Errno.EOPNOTSUPP || e.errno() == Errno.ENOSYS) {
                return false;
            }
            throw new BlockDeviceException(file, e);
        }
    }

    private void checkOpen(String operation) {
        if (closed.get()) {
            throw new BlockDeviceException(file + ": " + operation + " after the image was closed");
        }
    }

    private void checkWritable(String operation) {
        if (readOnly) {
            throw new BlockDeviceException(file + ": " + operation + " on an image opened read-only");
        }
    }

    private void checkRange(String operation, long offset, long length) {
        checkOpen(operation);
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new BlockDeviceException(file + ": " + operation + " of " + length + " bytes at offset " + offset
                    + " is outside the image (" + size + " bytes)");
        }
    }

    /** A libc call that may be interrupted by a signal. */
    @FunctionalInterface
    private interface Call {
        long run();
    }

    private static long retrying(Call call) {
        while (true) {
            try {
                return call.run();
            } catch (NativeException e) {
                if (e.errno() != Errno.EINTR) {
                    throw e;
                }
            }
        }
    }

    /** {@link #retrying} with failures as BlockDeviceExceptions naming the file. */
    private static long call(Path file, Call call) {
        try {
            return retrying(call);
        } catch (NativeException e) {
            throw new BlockDeviceException(file, e);
        }
    }
}
