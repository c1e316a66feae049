package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code struct kvm_signal_mask}: the signal mask in force during KVM_RUN, for KVM_SET_SIGNAL_MASK. The mask is a
 * flexible byte array of {@code len} bytes (8 for the kernel's 64-signal sigset).
 */
public final class KvmSignalMask {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_signal_mask", u32("len"), array("sigset", 0, JAVA_BYTE));

    /** Offset of {@code __u32 len}. */
    public static final long OFFSET_LEN = Layouts.offset(LAYOUT, "len");
    /** Offset of {@code __u8[] sigset}. */
    public static final long OFFSET_SIGSET = Layouts.offset(LAYOUT, "sigset");

    /** {@code __u32 len}: number of sigset bytes. */
    public static final VarHandle LEN = Layouts.varHandle(LAYOUT, "len");

    private KvmSignalMask() {
    }

    /**
     * Allocates the struct with room for {@code n} {@code __u8} elements in {@code sigset},
     * zeroed, with {@code len} set to n.
     */
    public static MemorySegment allocate(Arena arena, int n) {
        MemorySegment s = Layouts.allocateWithArray(arena, LAYOUT, JAVA_BYTE, n);
        LEN.set(s, 0L, n);
        return s;
    }

    /** The {@code i}-th element of {@code sigset}, as a slice of {@code s}. */
    public static MemorySegment entry(MemorySegment s, int i) {
        return Layouts.arrayElement(s, OFFSET_SIGSET, JAVA_BYTE, i);
    }
}
