package dev.jkvm.core.memory;

import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;
import dev.jkvm.core.VmmException;
import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest RAM: one private anonymous mapping (as QEMU's, so the kernel can back it with transparent huge pages;
 * shared anonymous memory is shmem, which THP usually does not cover) split into regions around the x86 PCI hole. Every access goes through
 * {@link #slice}, which refuses guest-physical ranges outside RAM; the mapping is owned by a shared arena, so a
 * slice used after {@link #close} fails with an exception rather than touching unmapped host memory.
 */
public final class GuestMemory implements GuestRam, AutoCloseable {
    /** Start of the 32-bit PCI/MMIO hole: RAM below 4 GiB stops here (QEMU's i440fx choice for large guests). */
    public static final long PCI_HOLE_START = 0xC000_0000L;
    /** Where RAM above the PCI hole resumes. */
    public static final long HIGH_MEMORY_START = 0x1_0000_0000L;

    private final Arena arena;
    private final long size;
    private final List<MemoryRegion> regions;

    private GuestMemory(Arena arena, long size, List<MemoryRegion> regions) {
        this.arena = arena;
        this.size = size;
        this.regions = List.copyOf(regions);
    }

    /**
     * Maps {@code bytes} of guest RAM, placing up to {@link #PCI_HOLE_START} below 4 GiB and the rest above it.
     * {@code transparentHugePages} asks the kernel to back it with 2 MiB pages where it can.
     */
    public static GuestMemory allocateX86(long bytes, boolean transparentHugePages) {
        if (bytes <= 0) {
            throw new VmmException("guest RAM size must be positive, got " + bytes + " bytes");
        }
        MemorySegment raw;
        try {
            raw = Libc.mmap(0, bytes, Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        } catch (NativeException e) {
            throw new VmmException("cannot map " + describeSize(bytes) + " of guest RAM: " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        long address = raw.address();
        MemorySegment ram = raw.reinterpret(bytes, arena,
                unused -> Libc.munmap(MemorySegment.ofAddress(address).reinterpret(bytes)));
        try {
            if (transparentHugePages) {
                Libc.madvise(ram, Libc.MADV_HUGEPAGE);
            }
            List<MemoryRegion> regions = new ArrayList<>();
            long low = Math.min(bytes, PCI_HOLE_START);
            regions.add(new MemoryRegion(0, 0, ram.asSlice(0, low)));
            if (bytes > low) {
                regions.add(new MemoryRegion(1, HIGH_MEMORY_START, ram.asSlice(low, bytes - low)));
            }
            return new GuestMemory(arena, bytes, regions);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** {@code bytes} in the largest binary unit that divides it evenly, e.g. "512 MiB", "1000 TiB". */
    public static String describeSize(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int unit = 0;
        while (unit < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            unit++;
        }
        return bytes + " " + units[unit];
    }

    @Override
    public long size() {
        return size;
    }

    public List<MemoryRegion> regions() {
        return regions;
    }

    /** The host view of guest-physical [{@code gpa}, {@code gpa + length}), which must lie inside one region. */
    @Override
    public MemorySegment slice(long gpa, long length) {
        for (MemoryRegion region : regions) {
            if (region.contains(gpa, length)) {
                return region.host().asSlice(gpa - region.guestAddress(), length);
            }
        }
        throw new GuestMemoryException(String.format(
                "guest-physical range 0x%x+0x%x is outside guest RAM (%s)", gpa, length, describeSize(size)));
    }

    @Override
    public boolean isRam(long gpa, long length) {
        for (MemoryRegion region : regions) {
            if (region.contains(gpa, length)) {
                return true;
            }
        }
        return false;
    }

    public void write(long gpa, byte[] data) {
        MemorySegment.copy(MemorySegment.ofArray(data), 0, slice(gpa, data.length), 0, data.length);
    }

    public void write(long gpa, byte[] data, int offset, int length) {
        MemorySegment.copy(MemorySegment.ofArray(data), offset, slice(gpa, length), 0, length);
    }

    public byte[] read(long gpa, int length) {
        return slice(gpa, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Unmaps guest RAM; afterwards every slice handed out fails on access. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
