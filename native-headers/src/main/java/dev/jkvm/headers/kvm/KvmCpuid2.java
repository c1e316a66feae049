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
 * {@code struct kvm_cpuid2}: a CPUID table, for KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2 and KVM_GET_CPUID2. The
 * entries ({@link KvmCpuidEntry2}) are a flexible array after the 8-byte header.
 */
public final class KvmCpuid2 {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT =
            struct("kvm_cpuid2", u32("nent"), u32("padding"), array("entries", 0, KvmCpuidEntry2.LAYOUT));

    /** Offset of {@code __u32 nent}. */
    public static final long OFFSET_NENT = Layouts.offset(LAYOUT, "nent");
    /** Offset of {@code __u32 padding}. */
    public static final long OFFSET_PADDING = Layouts.offset(LAYOUT, "padding");
    /** Offset of {@code struct kvm_cpuid_entry2[] entries}. */
    public static final long OFFSET_ENTRIES = Layouts.offset(LAYOUT, "entries");

    /** {@code __u32 nent}: number of entries (in: room, out: filled). */
    public static final VarHandle NENT = Layouts.varHandle(LAYOUT, "nent");
    /** {@code __u32 padding}: unused. */
    public static final VarHandle PADDING = Layouts.varHandle(LAYOUT, "padding");

    private KvmCpuid2() {
    }

    /**
     * Allocates the struct with room for {@code n} {@code struct kvm_cpuid_entry2} elements in {@code entries},
     * zeroed, with {@code nent} set to n.
     */
    public static MemorySegment allocate(Arena arena, int n) {
        MemorySegment s = Layouts.allocateWithArray(arena, LAYOUT, KvmCpuidEntry2.LAYOUT, n);
        NENT.set(s, 0L, n);
        return s;
    }

    /** The {@code i}-th element of {@code entries}, as a slice of {@code s}. */
    public static MemorySegment entry(MemorySegment s, int i) {
        return Layouts.arrayElement(s, OFFSET_ENTRIES, KvmCpuidEntry2.LAYOUT, i);
    }
}
