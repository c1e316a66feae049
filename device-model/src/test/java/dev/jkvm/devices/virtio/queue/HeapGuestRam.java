package dev.jkvm.devices.virtio.queue;

import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.MemorySegment;

/**
 * Guest RAM for unit tests at guest-physical [0, size). Backed by a long[] so that its segments allow the aligned
 * 16/32-bit accesses with memory ordering that the virtqueue uses, as mmap'ed guest RAM does.
 */
final class HeapGuestRam implements GuestRam {
    private final MemorySegment memory;

    HeapGuestRam(int size) {
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
}
