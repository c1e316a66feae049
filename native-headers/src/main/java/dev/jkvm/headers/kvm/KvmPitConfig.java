package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code struct kvm_pit_config}: options for KVM_CREATE_PIT2.
 */
public final class KvmPitConfig {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_pit_config", u32("flags"), array("pad", 15, JAVA_INT));

    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u32[15] pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");

    /** {@code __u32 flags}: KVM_PIT_SPEAKER_DUMMY or 0. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");

    private KvmPitConfig() {
    }
}
