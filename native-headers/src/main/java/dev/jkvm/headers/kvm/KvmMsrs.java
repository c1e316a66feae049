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
 * {@code struct kvm_msrs}: MSRs to read or write, for KVM_GET_MSRS / KVM_SET_MSRS. The entries ({@link
 * KvmMsrEntry}) are a flexible array after the 8-byte header.
 */
public final class KvmMsrs {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT =
            struct("kvm_msrs", u32("nmsrs"), u32("pad"), array("entries", 0, KvmMsrEntry.LAYOUT));

    /** Offset of {@code __u32 nmsrs}. */
    public static final long OFFSET_NMSRS = Layouts.offset(LAYOUT, "nmsrs");
    /** Offset of {@code __u32 pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");
    /** Offset of {@code struct kvm_msr_entry[] entries}. */
    public static final long OFFSET_ENTRIES = Layouts.offset(LAYOUT, "entries");

    /** {@code __u32 nmsrs}: number of entries. */
    public static final VarHandle NMSRS = Layouts.varHandle(LAYOUT, "nmsrs");
    /** {@code __u32 pad}: unused. */
    public static final VarHandle PAD = Layouts.varHandle(LAYOUT, "pad");

    private KvmMsrs() {
    }

    /**
     * Allocates the struct with room for {@code n} {@code struct kvm_msr_entry} elements in {@code entries},
     * zeroed, with {@code nmsrs} set to n.
     */
    public static MemorySegment allocate(Arena arena, int n) {
        MemorySegment s = Layouts.allocateWithArray(arena, LAYOUT, KvmMsrEntry.LAYOUT, n);
        NMSRS.set(s, 0L, n);
        return s;
    }

    /** The {@code i}-th element of {@code entries}, as a slice of {@code s}. */
    public static MemorySegment entry(MemorySegment s, int i) {
        return Layouts.arrayElement(s, OFFSET_ENTRIES, KvmMsrEntry.LAYOUT, i);
    }
}
