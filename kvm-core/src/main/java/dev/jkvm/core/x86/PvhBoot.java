package dev.jkvm.core.x86;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.VmmException;
import dev.jkvm.core.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Enters a kernel the way the PVH boot ABI (Xen's docs/misc/pvh.pandoc) says: 32-bit protected mode without
 * paging, flat 4 GiB code and data segments, a 32-bit TSS, %ebx pointing at hvm_start_info.
 */
public final class PvhBoot {
    /** Boot GDT code selector, Linux's __BOOT_CS. */
    public static final int CODE_SELECTOR = 0x10;
    /** Boot GDT data selector, Linux's __BOOT_DS. */
    public static final int DATA_SELECTOR = 0x18;
    /** Boot GDT TSS selector. */
    public static final int TSS_SELECTOR = 0x20;

    private PvhBoot() {
    }

    /**
     * Writes start_info (listing {@code nrModules} hvm_modlist_entry records at {@code modlist} and the ACPI RSDP,
     * 0 for none), the memory map and the command line into guest RAM, and puts the BSP at {@code entry32}.
     */
    public static void prepare(GuestMemory memory, Vcpu bsp, long entry32, String cmdline, List<E820Entry> map,
                               int nrModules, long modlist, long rsdp) {
        byte[] cmd = cmdline.getBytes(StandardCharsets.US_ASCII);
        if (cmd.length > BootLayout.CMDLINE_MAX) {
            throw new VmmException("kernel command line is " + cmd.length + " bytes; at most "
                    + BootLayout.CMDLINE_MAX + " fit");
        }
        if (map.size() > BootLayout.PVH_MEMMAP_MAX_ENTRIES) {
            throw new VmmException("memory map has " + map.size() + " entries, more than PVH boot room for "
                    + BootLayout.PVH_MEMMAP_MAX_ENTRIES);
        }
        MemorySegment cmdSlot = memory.slice(BootLayout.CMDLINE, cmd.length + 1);
        MemorySegment.copy(cmd, 0, cmdSlot, ValueLayout.JAVA_BYTE, 0, cmd.length);
        cmdSlot.set(ValueLayout.JAVA_BYTE, cmd.length, (byte) 0);
        HvmStartInfo.writeMemmap(memory.slice(BootLayout.PVH_MEMMAP, map.size() * HvmStartInfo.MEMMAP_ENTRY.byteSize()), map);
        new HvmStartInfo(nrModules, modlist, BootLayout.CMDLINE, rsdp, BootLayout.PVH_MEMMAP, map.size())
                .writeTo(memory.slice(BootLayout.PVH_START_INFO, HvmStartInfo.LAYOUT.byteSize()));
        ProtectedModeBoot.enter(memory, bsp, entry32, 0, BootLayout.PVH_START_INFO);
    }
}
