package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code struct kvm_clock_data}: the VM's kvmclock, for KVM_GET_CLOCK / KVM_SET_CLOCK.
 */
public final class KvmClockData {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_clock_data",
            u64("clock"), u32("flags"), u32("pad0"), u64("realtime"), u64("host_tsc"), array("pad", 4, JAVA_INT));

    /** Offset of {@code __u64 clock}. */
    public static final long OFFSET_CLOCK = Layouts.offset(LAYOUT, "clock");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u32 pad0}. */
    public static final long OFFSET_PAD0 = Layouts.offset(LAYOUT, "pad0");
    /** Offset of {@code __u64 realtime}. */
    public static final long OFFSET_REALTIME = Layouts.offset(LAYOUT, "realtime");
    /** Offset of {@code __u64 host_tsc}. */
    public static final long OFFSET_HOST_TSC = Layouts.offset(LAYOUT, "host_tsc");
    /** Offset of {@code __u32[4] pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");

    /** {@code __u64 clock}: kvmclock in nanoseconds. */
    public static final VarHandle CLOCK = Layouts.varHandle(LAYOUT, "clock");
    /** {@code __u32 flags}: KVM_CLOCK_* flags. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");
    /** {@code __u32 pad0}: unused. */
    public static final VarHandle PAD0 = Layouts.varHandle(LAYOUT, "pad0");
    /** {@code __u64 realtime}: host CLOCK_REALTIME, with KVM_CLOCK_REALTIME. */
    public static final VarHandle REALTIME = Layouts.varHandle(LAYOUT, "realtime");
    /** {@code __u64 host_tsc}: host TSC, with KVM_CLOCK_HOST_TSC. */
    public static final VarHandle HOST_TSC = Layouts.varHandle(LAYOUT, "host_tsc");

    private KvmClockData() {
    }
}
