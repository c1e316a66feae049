package dev.jkvm.core.memory;

import java.lang.foreign.MemorySegment;

/** One contiguous range of guest RAM: guest-physical base, size, and the host mapping behind it. */
public record MemoryRegion(int slot, long guestAddress, MemorySegment host) {
    public long size() {
        return host.byteSize();
    }

    public long end() {
        return guestAddress + host.byteSize();
    }

    public boolean contains(long gpa, long length) {
        return gpa >= guestAddress && length >= 0 && gpa - guestAddress <= size() - length;
    }
}
