package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct kvm_enable_cap}: enables a capability on a VM or vCPU, for KVM_ENABLE_CAP.
 */
public final class KvmEnableCap {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_enable_cap",
            u32("cap"), u32("flags"), array("args", 4, JAVA_LONG), array("pad", 64, JAVA_BYTE));

    /** Offset of {@code __u32 cap}. */
    public static final long OFFSET_CAP = Layouts.offset(LAYOUT, "cap");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u64[4] args}. */
    public static final long OFFSET_ARGS = Layouts.offset(LAYOUT, "args");
    /** Offset of {@code __u8[64] pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");

    /** {@code __u32 cap}: the KVM_CAP_* number. */
    public static final VarHandle CAP = Layouts.varHandle(LAYOUT, "cap");
    /** {@code __u32 flags}: must be 0. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");

    private KvmEnableCap() {
    }
}
