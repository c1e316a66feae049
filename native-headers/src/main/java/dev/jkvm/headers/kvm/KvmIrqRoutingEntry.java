package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.member;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;
import static dev.jkvm.headers.Layouts.union;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code struct kvm_irq_routing_entry}: one GSI route, an element of kvm_irq_routing. The route itself is the
 * union {@code u}: for x86, a {@link KvmIrqRoutingIrqchip} or a {@link KvmIrqRoutingMsi} at its OFFSET_ constant.
 * The union also holds the s390 adapter route, whose 64-bit members make the entry 8-byte aligned, so it is
 * described too.
 */
public final class KvmIrqRoutingEntry {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_irq_routing_entry",
            u32("gsi"), u32("type"), u32("flags"), u32("pad"),
            union("u",
                    member("irqchip", KvmIrqRoutingIrqchip.LAYOUT),
                    member("msi", KvmIrqRoutingMsi.LAYOUT),
                    struct("adapter",
                            u64("ind_addr"), u64("summary_addr"), u64("ind_offset"),
                            u32("summary_offset"), u32("adapter_id")),
                    struct("hv_sint", u32("vcpu"), u32("sint")),
                    struct("xen_evtchn", u32("port"), u32("vcpu"), u32("priority")),
                    array("pad", 8, JAVA_INT)));

    /** Offset of {@code __u32 gsi}. */
    public static final long OFFSET_GSI = Layouts.offset(LAYOUT, "gsi");
    /** Offset of {@code __u32 type}. */
    public static final long OFFSET_TYPE = Layouts.offset(LAYOUT, "type");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u32 pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");
    /** Offset of {@code union u}. */
    public static final long OFFSET_U = Layouts.offset(LAYOUT, "u");
    /** Offset of {@code struct kvm_irq_routing_irqchip u.irqchip}. */
    public static final long OFFSET_U_IRQCHIP = Layouts.offset(LAYOUT, "u", "irqchip");
    /** Offset of {@code struct kvm_irq_routing_msi u.msi}. */
    public static final long OFFSET_U_MSI = Layouts.offset(LAYOUT, "u", "msi");
    /** Offset of {@code struct kvm_irq_routing_s390_adapter u.adapter}. */
    public static final long OFFSET_U_ADAPTER = Layouts.offset(LAYOUT, "u", "adapter");
    /** Offset of {@code __u64 u.adapter.ind_addr}. */
    public static final long OFFSET_U_ADAPTER_IND_ADDR = Layouts.offset(LAYOUT, "u", "adapter", "ind_addr");
    /** Offset of {@code __u64 u.adapter.summary_addr}. */
    public static final long OFFSET_U_ADAPTER_SUMMARY_ADDR = Layouts.offset(LAYOUT, "u", "adapter", "summary_addr");
    /** Offset of {@code __u64 u.adapter.ind_offset}. */
    public static final long OFFSET_U_ADAPTER_IND_OFFSET = Layouts.offset(LAYOUT, "u", "adapter", "ind_offset");
    /** Offset of {@code __u32 u.adapter.summary_offset}. */
    public static final long OFFSET_U_ADAPTER_SUMMARY_OFFSET = Layouts.offset(LAYOUT, "u", "adapter", "summary_offset");
    /** Offset of {@code __u32 u.adapter.adapter_id}. */
    public static final long OFFSET_U_ADAPTER_ADAPTER_ID = Layouts.offset(LAYOUT, "u", "adapter", "adapter_id");
    /** Offset of {@code struct kvm_irq_routing_hv_sint u.hv_sint}. */
    public static final long OFFSET_U_HV_SINT = Layouts.offset(LAYOUT, "u", "hv_sint");
    /** Offset of {@code __u32 u.hv_sint.vcpu}. */
    public static final long OFFSET_U_HV_SINT_VCPU = Layouts.offset(LAYOUT, "u", "hv_sint", "vcpu");
    /** Offset of {@code __u32 u.hv_sint.sint}. */
    public static final long OFFSET_U_HV_SINT_SINT = Layouts.offset(LAYOUT, "u", "hv_sint", "sint");
    /** Offset of {@code struct kvm_irq_routing_xen_evtchn u.xen_evtchn}. */
    public static final long OFFSET_U_XEN_EVTCHN = Layouts.offset(LAYOUT, "u", "xen_evtchn");
    /** Offset of {@code __u32 u.xen_evtchn.port}. */
    public static final long OFFSET_U_XEN_EVTCHN_PORT = Layouts.offset(LAYOUT, "u", "xen_evtchn", "port");
    /** Offset of {@code __u32 u.xen_evtchn.vcpu}. */
    public static final long OFFSET_U_XEN_EVTCHN_VCPU = Layouts.offset(LAYOUT, "u", "xen_evtchn", "vcpu");
    /** Offset of {@code __u32 u.xen_evtchn.priority}. */
    public static final long OFFSET_U_XEN_EVTCHN_PRIORITY = Layouts.offset(LAYOUT, "u", "xen_evtchn", "priority");
    /** Offset of {@code __u32[8] u.pad}. */
    public static final long OFFSET_U_PAD = Layouts.offset(LAYOUT, "u", "pad");

    /** {@code __u32 gsi}: the GSI routed. */
    public static final VarHandle GSI = Layouts.varHandle(LAYOUT, "gsi");
    /** {@code __u32 type}: KVM_IRQ_ROUTING_IRQCHIP or _MSI. */
    public static final VarHandle TYPE = Layouts.varHandle(LAYOUT, "type");
    /** {@code __u32 flags}: KVM_MSI_VALID_DEVID for MSI routes. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");
    /** {@code __u32 pad}: unused. */
    public static final VarHandle PAD = Layouts.varHandle(LAYOUT, "pad");
    /** {@code __u64 u.adapter.ind_addr}: s390 adapter route: indicator address. */
    public static final VarHandle U_ADAPTER_IND_ADDR = Layouts.varHandle(LAYOUT, "u", "adapter", "ind_addr");
    /** {@code __u64 u.adapter.summary_addr}: s390 adapter route: summary address. */
    public static final VarHandle U_ADAPTER_SUMMARY_ADDR = Layouts.varHandle(LAYOUT, "u", "adapter", "summary_addr");
    /** {@code __u64 u.adapter.ind_offset}: s390 adapter route: indicator offset. */
    public static final VarHandle U_ADAPTER_IND_OFFSET = Layouts.varHandle(LAYOUT, "u", "adapter", "ind_offset");
    /** {@code __u32 u.adapter.summary_offset}: s390 adapter route: summary offset. */
    public static final VarHandle U_ADAPTER_SUMMARY_OFFSET =
            Layouts.varHandle(LAYOUT, "u", "adapter", "summary_offset");
    /** {@code __u32 u.adapter.adapter_id}: s390 adapter route: adapter id. */
    public static final VarHandle U_ADAPTER_ADAPTER_ID = Layouts.varHandle(LAYOUT, "u", "adapter", "adapter_id");
    /** {@code __u32 u.hv_sint.vcpu}: Hyper-V SINT route: the vCPU. */
    public static final VarHandle U_HV_SINT_VCPU = Layouts.varHandle(LAYOUT, "u", "hv_sint", "vcpu");
    /** {@code __u32 u.hv_sint.sint}: Hyper-V SINT route: the synthetic interrupt. */
    public static final VarHandle U_HV_SINT_SINT = Layouts.varHandle(LAYOUT, "u", "hv_sint", "sint");
    /** {@code __u32 u.xen_evtchn.port}: Xen event channel route: the port. */
    public static final VarHandle U_XEN_EVTCHN_PORT = Layouts.varHandle(LAYOUT, "u", "xen_evtchn", "port");
    /** {@code __u32 u.xen_evtchn.vcpu}: Xen event channel route: the vCPU. */
    public static final VarHandle U_XEN_EVTCHN_VCPU = Layouts.varHandle(LAYOUT, "u", "xen_evtchn", "vcpu");
    /** {@code __u32 u.xen_evtchn.priority}: Xen event channel route: the priority. */
    public static final VarHandle U_XEN_EVTCHN_PRIORITY = Layouts.varHandle(LAYOUT, "u", "xen_evtchn", "priority");

    private KvmIrqRoutingEntry() {
    }
}
