package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;

/**
 * {@code struct kvm_mp_state}: a vCPU's multiprocessing state, for KVM_GET_MP_STATE / KVM_SET_MP_STATE.
 */
public final class KvmMpState {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_mp_state", u32("mp_state"));

    /** Offset of {@code __u32 mp_state}. */
    public static final long OFFSET_MP_STATE = Layouts.offset(LAYOUT, "mp_state");

    /** {@code __u32 mp_state}: a KVM_MP_STATE_* value. */
    public static final VarHandle MP_STATE = Layouts.varHandle(LAYOUT, "mp_state");

    private KvmMpState() {
    }
}
