package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.anonymousUnion;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;

/**
 * {@code struct kvm_irq_routing_msi}: a GSI route to an MSI message. {@code pad} and {@code devid} share an
 * anonymous union.
 */
public final class KvmIrqRoutingMsi {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_irq_routing_msi",
            u32("address_lo"), u32("address_hi"), u32("data"), anonymousUnion(u32("pad"), u32("devid")));

    /** Offset of {@code __u32 address_lo}. */
    public static final long OFFSET_ADDRESS_LO = Layouts.offset(LAYOUT, "address_lo");
    /** Offset of {@code __u32 address_hi}. */
    public static final long OFFSET_ADDRESS_HI = Layouts.offset(LAYOUT, "address_hi");
    /** Offset of {@code __u32 data}. */
    public static final long OFFSET_DATA = Layouts.offset(LAYOUT, "data");
    /** Offset of {@code __u32 pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");
    /** Offset of {@code __u32 devid}. */
    public static final long OFFSET_DEVID = Layouts.offset(LAYOUT, "devid");

    /** {@code __u32 address_lo}: low 32 bits of the MSI address. */
    public static final VarHandle ADDRESS_LO = Layouts.varHandle(LAYOUT, "address_lo");
    /** {@code __u32 address_hi}: high 32 bits of the MSI address. */
    public static final VarHandle ADDRESS_HI = Layouts.varHandle(LAYOUT, "address_hi");
    /** {@code __u32 data}: MSI data. */
    public static final VarHandle DATA = Layouts.varHandle(LAYOUT, "data");
    /** {@code __u32 pad}: unused when no device id is given. */
    public static final VarHandle PAD = Layouts.varHandle(LAYOUT, "pad");
    /** {@code __u32 devid}: requester id, with KVM_MSI_VALID_DEVID in the entry flags. */
    public static final VarHandle DEVID = Layouts.varHandle(LAYOUT, "devid");

    private KvmIrqRoutingMsi() {
    }
}
