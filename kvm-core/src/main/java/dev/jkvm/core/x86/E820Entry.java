package dev.jkvm.core.x86;

import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.memory.MemoryRegion;
import dev.jkvm.devices.pci.PciRootBus;

import java.util.ArrayList;
import java.util.Comparator;
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
    /** The BIOS ROM window below 1 MiB, where the RSDP and the MP floating pointer lie. */
    public static final long BIOS_ROM_START = 0xF0000;
    /** Start of the reserved firmware area below 1 MiB: the 0xE0000 segment (ACPI tables) and the BIOS ROM window. */
    public static final long FIRMWARE_AREA_START = 0xE0000;
    /** Start of extended memory. */
    public static final long ONE_MIB = 0x100000;

    /**
     * The PC memory map of {@code memory} in address order: low RAM, the EBDA and firmware-table holes, every RAM
     * region from 1 MiB up, and the PCI ECAM window, reserved so that an OS trusts the MCFG table's window (Linux
     * uses MMCONFIG only where firmware reserved it). The legacy VGA window 0xA0000-0xE0000 is in no entry, as on
     * a PC.
     */
    public static List<E820Entry> pcMap(GuestMemory memory) {
        List<E820Entry> map = new ArrayList<>();
        map.add(new E820Entry(0, LOW_RAM_END, RAM));
        map.add(new E820Entry(LOW_RAM_END, LEGACY_AREA_END - LOW_RAM_END, RESERVED));
        map.add(new E820Entry(FIRMWARE_AREA_START, ONE_MIB - FIRMWARE_AREA_START, RESERVED));
        for (MemoryRegion region : memory.regions()) {
            long start = Math.max(region.guestAddress(), ONE_MIB);
            if (region.end() > start) {
                map.add(new E820Entry(start, region.end() - start, RAM));
            }
        }
        map.add(new E820Entry(PciRootBus.ECAM_BASE, PciRootBus.ECAM_SIZE, RESERVED));
        map.sort(Comparator.comparingLong(E820Entry::address));
        return List.copyOf(map);
    }
}
