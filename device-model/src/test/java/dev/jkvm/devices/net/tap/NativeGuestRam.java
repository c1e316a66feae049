package dev.jkvm.devices.net.tap;

import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Guest RAM at guest-physical [0, size) in native memory, as mmap'ed guest RAM is: the tap backend hands guest
 * buffers straight to writev, which needs native addresses. Shared, since the device's receive thread uses it.
 */
final class NativeGuestRam implements GuestRam, AutoCloseable {
    /** Alignment of the allocation: a page, like guest RAM. */
    private static final long PAGE = 4096;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;

    NativeGuestRam(long size) {
        this.memory = arena.allocate(size, PAGE);
    }

    @Override
    public MemorySegment slice(long gpa, long length) {
        if (!isRam(gpa, length)) {
            throw new GuestMemoryException("0x%x+0x%x is outside the test RAM".formatted(gpa, length));
        }
        return memory.asSlice(gpa, length);
    }

    @Override
    public boolean isRam(long gpa, long length) {
        return gpa >= 0 && length >= 0 && gpa <= memory.byteSize() - length;
    }

    @Override
    public long size() {
        return memory.byteSize();
    }

    void write(long gpa, byte[] bytes) {
        MemorySegment.copy(bytes, 0, slice(gpa, bytes.length), ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    byte[] read(long gpa, int length) {
        return slice(gpa, length).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
        arena.close();
    }
}
