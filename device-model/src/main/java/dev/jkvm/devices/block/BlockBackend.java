package dev.jkvm.devices.block;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A disk image as a block device model sees it: a fixed number of bytes addressed by byte offset. Every call may
 * come from several I/O threads at once; failures are {@link BlockDeviceException}s naming the image and the call.
 */
public interface BlockBackend extends AutoCloseable {
    /** What log lines and errors call the image (its file name). */
    String name();

    /** Size in bytes; requests must lie within [0, size). */
    long size();

    boolean readOnly();

    /** The smallest unit the image does I/O in without read-modify-write (512, or the O_DIRECT alignment). */
    int logicalBlockSize();

    /** Fills {@code destination} (e.g. a slice of guest RAM) from the image at byte {@code offset}. */
    void read(long offset, MemorySegment destination);

    /** Writes {@code source} to the image at byte {@code offset}. */
    void write(long offset, MemorySegment source);

    /**
     * Fills {@code destinations} in order from the image at byte {@code offset}, as if they were one buffer: a
     * request's scattered guest segments. A backend that can should do this in as few system calls as possible.
     */
    default void readv(long offset, List<MemorySegment> destinations) {
        long position = offset;
        for (MemorySegment destination : destinations) {
            read(position, destination);
            position += destination.byteSize();
        }
    }

    /** Writes {@code sources} in order to the image at byte {@code offset}, as if they were one buffer. */
    default void writev(long offset, List<MemorySegment> sources) {
        long position = offset;
        for (MemorySegment source : sources) {
            write(position, source);
            position += source.byteSize();
        }
    }

    /** Makes every completed write durable (the guest's FLUSH). */
    void flush();

    /** Whether {@link #discard} may free space (a read-only image never does). */
    boolean supportsDiscard();

    /** Hints that [offset, offset + length) is unused; afterwards it reads as zeroes or as before. */
    void discard(long offset, long length);

    /** Makes [offset, offset + length) read as zeroes, deallocating it if {@code mayUnmap}. */
    void writeZeroes(long offset, long length, boolean mayUnmap);

    @Override
    void close();
}
