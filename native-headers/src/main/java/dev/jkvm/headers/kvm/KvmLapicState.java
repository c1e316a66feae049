package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code struct kvm_lapic_state}: the local APIC register page, for KVM_GET_LAPIC / KVM_SET_LAPIC. Register {@code
 * r} (an APIC MMIO offset) is the 32-bit value at {@code OFFSET_REGS + r}.
 */
public final class KvmLapicState {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT =
            struct("kvm_lapic_state", array("regs", KvmConstants.KVM_APIC_REG_SIZE, JAVA_BYTE));

    /** Offset of {@code char[KVM_APIC_REG_SIZE] regs}. */
    public static final long OFFSET_REGS = Layouts.offset(LAYOUT, "regs");

    private KvmLapicState() {
    }
}
