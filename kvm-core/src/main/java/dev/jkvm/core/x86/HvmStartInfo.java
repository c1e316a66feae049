package dev.jkvm.core.x86;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/** Xen's struct hvm_start_info (arch/x86/include/public/start_info.h), what a PVH kernel finds in %ebx. */
public record HvmStartInfo(int nrModules, long modlistPaddr, long cmdlinePaddr, long rsdpPaddr,
                           long memmapPaddr, int memmapEntries) {
    /** "xEn3" with the top bit set: identifies a valid start_info. */
    public static final int MAGIC = 0x336EC578;
    /** Version 1 adds the memory map fields. */
    public static final int VERSION = 1;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("magic"),
            ValueLayout.JAVA_INT.withName("version"),
            ValueLayout.JAVA_INT.withName("flags"),
            ValueLayout.JAVA_INT.withName("nr_modules"),
            ValueLayout.JAVA_LONG.withName("modlist_paddr"),
            ValueLayout.JAVA_LONG.withName("cmdline_paddr"),
            ValueLayout.JAVA_LONG.withName("rsdp_paddr"),
            ValueLayout.JAVA_LONG.withName("memmap_paddr"),
            ValueLayout.JAVA_INT.withName("memmap_entries"),
            ValueLayout.JAVA_INT.withName("reserved"));

    /** struct hvm_memmap_table_entry: {u64 addr, u64 size, u32 type, u32 reserved}. */
    public static final StructLayout MEMMAP_ENTRY = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("addr"),
            ValueLayout.JAVA_LONG.withName("size"),
            ValueLayout.JAVA_INT.withName("type"),
            ValueLayout.JAVA_INT.withName("reserved"));

    public void writeTo(MemorySegment s) {
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_INT, offset("magic"), MAGIC);
        s.set(ValueLayout.JAVA_INT, offset("version"), VERSION);
        s.set(ValueLayout.JAVA_INT, offset("nr_modules"), nrModules);
        s.set(ValueLayout.JAVA_LONG, offset("modlist_paddr"), modlistPaddr);
        s.set(ValueLayout.JAVA_LONG, offset("cmdline_paddr"), cmdlinePaddr);
        s.set(ValueLayout.JAVA_LONG, offset("rsdp_paddr"), rsdpPaddr);
        s.set(ValueLayout.JAVA_LONG, offset("memmap_paddr"), memmapPaddr);
        s.set(ValueLayout.JAVA_INT, offset("memmap_entries"), memmapEntries);
    }

    /** Writes {@code map} as an hvm_memmap_table_entry array. */
    public static void writeMemmap(MemorySegment s, List<E820Entry> map) {
        for (int i = 0; i < map.size(); i++) {
            E820Entry e = map.get(i);
            MemorySegment entry = s.asSlice(i * MEMMAP_ENTRY.byteSize(), MEMMAP_ENTRY);
            entry.set(ValueLayout.JAVA_LONG, 0, e.address());
            entry.set(ValueLayout.JAVA_LONG, 8, e.size());
            entry.set(ValueLayout.JAVA_INT, 16, e.type());
            entry.set(ValueLayout.JAVA_INT, 20, 0);
        }
    }

    private static long offset(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }
}
