package dev.jkvm.core.x86;

import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.memory.MemoryRegion;

import java.util.ArrayList;
import java.util.List;

/** One entry of the BIOS e820 memory map, the x86 way of telling a guest where its RAM is. */
public record E820Entry(long address, long size, int type) {
    /** Usable RAM. */
    public static final int RAM = 1;
    /** Reserved: not to be used by the OS. */
    public static final int RESERVED = 2;
    /** ACPI tables, reclaimable after they are read. */
    public static final int ACPI = 3;

    /** End of conventional memory below the EBDA, as PC firmware reports it. */
    public static final long LOW_RAM_END = 0x9FC00;
    /** End of the legacy low memory area (VGA window starts here). */
    public static final long LEGACY_AREA_END = 0xA0000;
    /** The BIOS ROM window that stays reserved below 1 MiB. */
    public static final long BIOS_ROM_START = 0xF0000;
    /** Start of extended memory. */
    public static final long ONE_MIB = 0x100000;

    /** The PC memory map of {@code memory}: low RAM, EBDA and BIOS holes, then every RAM region from 1 MiB up. */
    public static List<E820Entry> pcMap(GuestMemory memory) {
        List<E820Entry> map = new ArrayList<>();
        map.add(new E820Entry(0, LOW_RAM_END, RAM));
        map.add(new E820Entry(LOW_RAM_END, LEGACY_AREA_END - LOW_RAM_END, RESERVED));
        map.add(new E820Entry(BIOS_ROM_START, ONE_MIB - BIOS_ROM_START, RESERVED));
        for (MemoryRegion region : memory.regions()) {
            long start = Math.max(region.guestAddress(), ONE_MIB);
            if (region.end() > start) {
                map.add(new E820Entry(start, region.end() - start, RAM));
            }
        }
        return List.copyOf(map);
    }
}
