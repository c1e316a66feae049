package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct kvm_guest_debug}: single-step and breakpoint control, for KVM_SET_GUEST_DEBUG.
 */
public final class KvmGuestDebug {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT =
            struct("kvm_guest_debug", u32("control"), u32("pad"), struct("arch", array("debugreg", 8, JAVA_LONG)));

    /** Offset of {@code __u32 control}. */
    public static final long OFFSET_CONTROL = Layouts.offset(LAYOUT, "control");
    /** Offset of {@code __u32 pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");
    /** Offset of {@code struct kvm_guest_debug_arch arch}. */
    public static final long OFFSET_ARCH = Layouts.offset(LAYOUT, "arch");
    /** Offset of {@code __u64[8] arch.debugreg}. */
    public static final long OFFSET_ARCH_DEBUGREG = Layouts.offset(LAYOUT, "arch", "debugreg");

    /** {@code __u32 control}: KVM_GUESTDBG_* flags. */
    public static final VarHandle CONTROL = Layouts.varHandle(LAYOUT, "control");
    /** {@code __u32 pad}: unused. */
    public static final VarHandle PAD = Layouts.varHandle(LAYOUT, "pad");

    private KvmGuestDebug() {
    }
}
