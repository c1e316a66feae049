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
 * <p>A request's buffers go to the kernel as one preadv/pwritev straight from and into guest memory, so a request of
 * many segments costs one system call, and with O_DIRECT one disk I/O rather than one per segment. With
 * {@link CacheMode#WRITEBACK} any native memory qualifies. With {@link CacheMode#NONE} the descriptor has O_DIRECT,
 * whose offsets, lengths and addresses must be multiples of the file system's block size (probed at open, as QEMU's
 * raw_probe_alignment does): guest RAM is page-aligned, so aligned guest buffers still go straight in; a buffer
 * that is not aligned goes through aligned bounce buffers on its own, and a write that covers part of a block
 * reads the block, patches it and writes it back under a lock so two such writes into one block cannot undo each
 * other.
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
    private final IoVectorPool vectors = new IoVectorPool();
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
        readv(offset, List.of(destination));
    }

    @Override
    public void write(long offset, MemorySegment source) {
        writev(offset, List.of(source));
    }

    @Override
    public void readv(long offset, List<MemorySegment> destinations) {
        checkRange("read", offset, totalBytes("read", offset, destinations));
        transfer(Direction.READ, offset, destinations);
    }

    @Override
    public void writev(long offset, List<MemorySegment> sources) {
        checkWritable("write");
        checkRange("write", offset, totalBytes("write", offset, sources));
        transfer(Direction.WRITE, offset, sources);
    }

    /** Which way {@link #transfer} moves bytes. */
    private enum Direction {
        /** Image to memory. */
        READ("preadv"),
        /** Memory to image. */
        WRITE("pwritev");

        /** The vectored system call, for messages. */
        final String call;

        Direction(String call) {
            this.call = call;
        }
    }

    /**
     * Moves the buffers' bytes, in order from {@code offset}, in as few system calls as the descriptor allows: each
     * run of buffers it takes as they are goes in one preadv/pwritev (several, past {@link IoVectorPool#CAPACITY}
     * buffers or after a short transfer); a buffer it does not take goes through the bounce buffers on its own.
     * Past the end of the file a read gives zeroes, as a hole would.
     */
    private void transfer(Direction direction, long offset, List<MemorySegment> buffers) {
        int count = buffers.size();
        int index = 0;
        long skip = 0; // bytes of buffers[index] already moved, after a short transfer
        long position = offset;
        IoVectorPool.IoVector vector = null;
        try {
            while (index < count) {
                MemorySegment first = buffers.get(index).asSlice(skip);
                if (first.byteSize() == 0) {
                    index++;
                    skip = 0;
                    continue;
                }
                if (!directlyUsable(first, position)) {
                    if (direction == Direction.READ) {
                        bouncedRead(position, first);
                    } else {
                        bouncedWrite(position, first);
                    }
                    position += first.byteSize();
                    index++;
                    skip = 0;
                    continue;
                }
                if (vector == null) {
                    vector = vectors.borrow();
                }
                int entries = 0;
                long bytes = 0;
                for (int i = index; i < count && entries < IoVectorPool.CAPACITY; i++) {
                    MemorySegment piece = i == index ? first : buffers.get(i);
                    if (!directlyUsable(piece, position + bytes)) {
                        break;
                    }
                    vector.set(entries++, piece);
                    bytes += piece.byteSize();
                }
                long done = vectored(direction, vector, entries, position, bytes);
                if (done == 0) {
                    if (direction == Direction.WRITE) {
                        throw new BlockDeviceException(file + ": " + direction.call + "(fd " + fd + ", " + entries
                                + " iovecs, " + bytes + " bytes, offset " + position + ") wrote nothing");
                    }
                    first.fill((byte) 0);
                    for (int i = index + 1; i < count; i++) {
                        buffers.get(i).fill((byte) 0);
                    }
                    return;
                }
                position += done;
                long consumed = skip + done;
                while (index < count && consumed >= buffers.get(index).byteSize()) {
                    consumed -= buffers.get(index).byteSize();
                    index++;
                }
                skip = consumed;
            }
        } finally {
            if (vector != null) {
                vectors.giveBack(vector);
            }
        }
    }

    /** One preadv or pwritev of the first {@code entries} of {@code vector}; returns the bytes moved. */
    private long vectored(Direction direction, IoVectorPool.IoVector vector, int entries, long position,
            long bytes) {
        MemorySegment iovecs = vector.iovecs();
        MemorySegment callState = vector.callState();
        long done = call(file, () -> direction == Direction.READ
                ? Libc.preadv(fd, iovecs, entries, position, callState)
                : Libc.pwritev(fd, iovecs, entries, position, callState));
        if (done > bytes) {
            throw new BlockDeviceException(file + ": " + direction.call + "(fd " + fd + ", " + entries + " iovecs, "
                    + bytes + " bytes, offset " + position + ") reported " + done + " bytes");
        }
        return done;
    }

    /** Sum of the buffers' sizes; a sum past Long.MAX_VALUE is refused like any request beyond the image. */
    private long totalBytes(String operation, long offset, List<MemorySegment> buffers) {
        long total = 0;
        for (MemorySegment buffer : buffers) {
            total += buffer.byteSize();
            if (total < 0) {
                throw new BlockDeviceException(file + ": " + operation + " of more than " + Long.MAX_VALUE
                        + " bytes at offset " + offset + " is outside the image (" + size + " bytes)");
            }
        }
        return total;
    }

    /** A read O_DIRECT cannot take as it is, through aligned bounce buffers (also for heap memory). */
    private void bouncedRead(long offset, MemorySegment destination) {
        long length = destination.byteSize();
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

    /**
     * A write O_DIRECT cannot take as it is, through aligned bounce buffers; partial blocks are read, patched and
     * written back.
     */
    private void bouncedWrite(long offset, MemorySegment source) {
        long length = source.byteSize();
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
        try (bounce; vectors) {
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
