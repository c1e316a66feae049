package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code struct kvm_msi}: one message-signalled interrupt, for KVM_SIGNAL_MSI.
 */
public final class KvmMsi {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_msi",
            u32("address_lo"), u32("address_hi"), u32("data"), u32("flags"), u32("devid"), array("pad", 12, JAVA_BYTE));

    /** Offset of {@code __u32 address_lo}. */
    public static final long OFFSET_ADDRESS_LO = Layouts.offset(LAYOUT, "address_lo");
    /** Offset of {@code __u32 address_hi}. */
    public static final long OFFSET_ADDRESS_HI = Layouts.offset(LAYOUT, "address_hi");
    /** Offset of {@code __u32 data}. */
    public static final long OFFSET_DATA = Layouts.offset(LAYOUT, "data");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u32 devid}. */
    public static final long OFFSET_DEVID = Layouts.offset(LAYOUT, "devid");
    /** Offset of {@code __u8[12] pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");

    /** {@code __u32 address_lo}: low 32 bits of the MSI address. */
    public static final VarHandle ADDRESS_LO = Layouts.varHandle(LAYOUT, "address_lo");
    /** {@code __u32 address_hi}: high 32 bits of the MSI address. */
    public static final VarHandle ADDRESS_HI = Layouts.varHandle(LAYOUT, "address_hi");
    /** {@code __u32 data}: MSI data. */
    public static final VarHandle DATA = Layouts.varHandle(LAYOUT, "data");
    /** {@code __u32 flags}: KVM_MSI_VALID_DEVID or 0. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");
    /** {@code __u32 devid}: requester id, with KVM_MSI_VALID_DEVID. */
    public static final VarHandle DEVID = Layouts.varHandle(LAYOUT, "devid");

    private KvmMsi() {
    }
}
