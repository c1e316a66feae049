package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.MemorySegment;

/**
 * Guest RAM for tests at guest-physical [0, size): on the Java heap, or native memory as the VMM's mmapped RAM is
 * (which system calls, O_DIRECT among them, can use as it is).
 */
final class TestGuestRam implements GuestRam {
    private final MemorySegment memory;

    /** {@code size} bytes on the Java heap. */
    TestGuestRam(int size) {
        this(MemorySegment.ofArray(new byte[size]));
    }

    /** {@code memory} as guest RAM, guest-physical 0 at its first byte. */
    TestGuestRam(MemorySegment memory) {
        this.memory = memory;
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
}
