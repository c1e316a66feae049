package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Guest RAM for unit tests on the Java heap at guest-physical [0, size). */
final class TestGuestRam implements GuestRam {
    private final MemorySegment memory;

    /** {@code size} bytes, a multiple of 8: backed by a long[] so ring fields allow aligned atomic access. */
    TestGuestRam(int size) {
        this.memory = MemorySegment.ofArray(new long[size / Long.BYTES]);
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
        MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, gpa, bytes.length);
    }

    byte[] read(long gpa, int length) {
        return slice(gpa, length).toArray(ValueLayout.JAVA_BYTE);
    }
}
