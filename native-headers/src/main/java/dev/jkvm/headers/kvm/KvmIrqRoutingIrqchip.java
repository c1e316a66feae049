package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;

/**
 * {@code struct kvm_irq_routing_irqchip}: a GSI route to an in-kernel irqchip pin.
 */
public final class KvmIrqRoutingIrqchip {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_irq_routing_irqchip", u32("irqchip"), u32("pin"));

    /** Offset of {@code __u32 irqchip}. */
    public static final long OFFSET_IRQCHIP = Layouts.offset(LAYOUT, "irqchip");
    /** Offset of {@code __u32 pin}. */
    public static final long OFFSET_PIN = Layouts.offset(LAYOUT, "pin");

    /** {@code __u32 irqchip}: KVM_IRQCHIP_PIC_MASTER, _PIC_SLAVE or _IOAPIC. */
    public static final VarHandle IRQCHIP = Layouts.varHandle(LAYOUT, "irqchip");
    /** {@code __u32 pin}: the pin on that chip. */
    public static final VarHandle PIN = Layouts.varHandle(LAYOUT, "pin");

    private KvmIrqRoutingIrqchip() {
    }
}
