package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code struct kvm_msr_list}: MSR indices, for KVM_GET_MSR_INDEX_LIST. The indices are a flexible {@code __u32}
 * array.
 */
public final class KvmMsrList {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_msr_list", u32("nmsrs"), array("indices", 0, JAVA_INT));

    /** Offset of {@code __u32 nmsrs}. */
    public static final long OFFSET_NMSRS = Layouts.offset(LAYOUT, "nmsrs");
    /** Offset of {@code __u32[] indices}. */
    public static final long OFFSET_INDICES = Layouts.offset(LAYOUT, "indices");

    /** {@code __u32 nmsrs}: number of indices (in: room, out: count; E2BIG if too small). */
    public static final VarHandle NMSRS = Layouts.varHandle(LAYOUT, "nmsrs");

    private KvmMsrList() {
    }

    /**
     * Allocates the struct with room for {@code n} {@code __u32} elements in {@code indices},
     * zeroed, with {@code nmsrs} set to n.
     */
    public static MemorySegment allocate(Arena arena, int n) {
        MemorySegment s = Layouts.allocateWithArray(arena, LAYOUT, JAVA_INT, n);
        NMSRS.set(s, 0L, n);
        return s;
    }

    /** The {@code i}-th element of {@code indices}, as a slice of {@code s}. */
    public static MemorySegment entry(MemorySegment s, int i) {
        return Layouts.arrayElement(s, OFFSET_INDICES, JAVA_INT, i);
    }
}
