package dev.jkvm.core.x86;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * Xen's struct hvm_modlist_entry (arch/x86/include/public/start_info.h): one module, e.g. the initrd, that a PVH
 * kernel finds through hvm_start_info.modlist_paddr.
 *
 * @param cmdlinePaddr address of the module's NUL-terminated command line, or 0 for none
 */
public record PvhModule(long paddr, long size, long cmdlinePaddr) {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("paddr"),
            ValueLayout.JAVA_LONG.withName("size"),
            ValueLayout.JAVA_LONG.withName("cmdline_paddr"),
            ValueLayout.JAVA_LONG.withName("reserved"));

    public void writeTo(MemorySegment s) {
        s.set(ValueLayout.JAVA_LONG, LAYOUT.byteOffset(groupElement("paddr")), paddr);
        s.set(ValueLayout.JAVA_LONG, LAYOUT.byteOffset(groupElement("size")), size);
        s.set(ValueLayout.JAVA_LONG, LAYOUT.byteOffset(groupElement("cmdline_paddr")), cmdlinePaddr);
        s.set(ValueLayout.JAVA_LONG, LAYOUT.byteOffset(groupElement("reserved")), 0L);
    }
}
