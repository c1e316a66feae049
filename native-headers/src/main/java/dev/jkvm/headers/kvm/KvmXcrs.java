package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct kvm_xcrs}: the extended control registers, for KVM_GET_XCRS / KVM_SET_XCRS. The {@link KvmXcr}
 * array is fixed at KVM_MAX_XCRS elements.
 */
public final class KvmXcrs {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_xcrs",
            u32("nr_xcrs"), u32("flags"),
            array("xcrs", KvmConstants.KVM_MAX_XCRS, KvmXcr.LAYOUT),
            array("padding", 16, JAVA_LONG));

    /** Offset of {@code __u32 nr_xcrs}. */
    public static final long OFFSET_NR_XCRS = Layouts.offset(LAYOUT, "nr_xcrs");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code struct kvm_xcr[KVM_MAX_XCRS] xcrs}. */
    public static final long OFFSET_XCRS = Layouts.offset(LAYOUT, "xcrs");
    /** Offset of {@code __u64[16] padding}. */
    public static final long OFFSET_PADDING = Layouts.offset(LAYOUT, "padding");

    /** {@code __u32 nr_xcrs}: number of valid xcrs entries. */
    public static final VarHandle NR_XCRS = Layouts.varHandle(LAYOUT, "nr_xcrs");
    /** {@code __u32 flags}: must be 0. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");

    private KvmXcrs() {
    }

    /** The {@code i}-th element of {@code xcrs}. */
    public static MemorySegment xcr(MemorySegment s, int i) {
        if (i >= KvmConstants.KVM_MAX_XCRS) {
            throw new IndexOutOfBoundsException("xcrs[" + i + "]: kvm_xcrs holds " + KvmConstants.KVM_MAX_XCRS);
        }
        return Layouts.arrayElement(s, OFFSET_XCRS, KvmXcr.LAYOUT, i);
    }
}
