package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.MemorySegment;

/** Guest RAM for tests: {@code size} bytes on the Java heap at guest-physical [0, size). */
final class TestGuestRam implements GuestRam {
    private final MemorySegment memory;

    TestGuestRam(int size) {
        this.memory = MemorySegment.ofArray(new byte[size]);
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
