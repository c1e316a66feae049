package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;

/**
 * {@code struct kvm_irq_routing}: the whole GSI routing table, for KVM_SET_GSI_ROUTING. The entries ({@link
 * KvmIrqRoutingEntry}) are a flexible array after the 8-byte header.
 */
public final class KvmIrqRouting {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT =
            struct("kvm_irq_routing", u32("nr"), u32("flags"), array("entries", 0, KvmIrqRoutingEntry.LAYOUT));

    /** Offset of {@code __u32 nr}. */
    public static final long OFFSET_NR = Layouts.offset(LAYOUT, "nr");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code struct kvm_irq_routing_entry[] entries}. */
    public static final long OFFSET_ENTRIES = Layouts.offset(LAYOUT, "entries");

    /** {@code __u32 nr}: number of entries. */
    public static final VarHandle NR = Layouts.varHandle(LAYOUT, "nr");
    /** {@code __u32 flags}: must be 0. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");

    private KvmIrqRouting() {
    }

    /**
     * Allocates the struct with room for {@code n} {@code struct kvm_irq_routing_entry} elements in {@code entries},
     * zeroed, with {@code nr} set to n.
     */
    public static MemorySegment allocate(Arena arena, int n) {
        MemorySegment s = Layouts.allocateWithArray(arena, LAYOUT, KvmIrqRoutingEntry.LAYOUT, n);
        NR.set(s, 0L, n);
        return s;
    }

    /** The {@code i}-th element of {@code entries}, as a slice of {@code s}. */
    public static MemorySegment entry(MemorySegment s, int i) {
        return Layouts.arrayElement(s, OFFSET_ENTRIES, KvmIrqRoutingEntry.LAYOUT, i);
    }
}
