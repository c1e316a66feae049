package dev.jkvm.devices.virtio.pci;

import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Guest RAM for unit tests at guest-physical [0, size), in native memory: the split virtqueue accesses its index
 * fields with aligned 16-bit atomics, which heap segments cannot give.
 */
final class NativeGuestRam implements GuestRam, AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;

    NativeGuestRam(long size) {
        this.memory = arena.allocate(size, 4096);
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

    @Override
    public void close() {
        arena.close();
    }
}
