package dev.jkvm.devices.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Guest RAM for unit tests at guest-physical [0, size), bounds-checked as the VMM's is. On the Java heap (backed by
 * a long[], so ring fields allow the aligned 16/32-bit accesses with memory ordering a virtqueue uses), in native
 * memory (page-aligned, as mmap'ed guest RAM is, which system calls such as writev and O_DIRECT reads take as it is),
 * or over a segment the test owns.
 */
public final class TestRam implements GuestRam, AutoCloseable {
    /** Alignment of native test RAM: a page, like guest RAM. */
    private static final long PAGE = 4096;

    private final MemorySegment memory;
    /** The arena of native memory this RAM allocated itself, or null. */
    private final Arena arena;

    private TestRam(MemorySegment memory, Arena arena) {
        this.memory = memory;
        this.arena = arena;
    }

    /** {@code size} bytes on the Java heap; a multiple of 8. */
    public static TestRam heap(int size) {
        if (size % Long.BYTES != 0) {
            throw new IllegalArgumentException("test RAM of " + size + " bytes is not a multiple of 8");
        }
        return new TestRam(MemorySegment.ofArray(new long[size / Long.BYTES]), null);
    }

    /** {@code size} bytes of page-aligned native memory, freed by {@link #close}; usable from any thread. */
    public static TestRam nativeMemory(long size) {
        Arena arena = Arena.ofShared();
        return new TestRam(arena.allocate(size, PAGE), arena);
    }

    /** {@code memory} as guest RAM, guest-physical 0 at its first byte; the caller keeps owning it. */
    public static TestRam of(MemorySegment memory) {
        return new TestRam(memory, null);
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

    /** Copies {@code bytes} to guest-physical {@code gpa}. */
    public void write(long gpa, byte[] bytes) {
        MemorySegment.copy(bytes, 0, slice(gpa, bytes.length), ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    /** {@code length} bytes from guest-physical {@code gpa}. */
    public byte[] read(long gpa, int length) {
        return slice(gpa, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Frees native memory this RAM allocated; nothing for the other kinds. */
    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
