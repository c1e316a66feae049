package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.anonymousUnion;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;

/**
 * {@code struct kvm_irq_level}: a GSI and its level, for KVM_IRQ_LINE and KVM_IRQ_LINE_STATUS. {@code irq} and
 * {@code status} share an anonymous union.
 */
public final class KvmIrqLevel {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT =
            struct("kvm_irq_level", anonymousUnion(u32("irq"), u32("status")), u32("level"));

    /** Offset of {@code __u32 irq}. */
    public static final long OFFSET_IRQ = Layouts.offset(LAYOUT, "irq");
    /** Offset of {@code __s32 status}. */
    public static final long OFFSET_STATUS = Layouts.offset(LAYOUT, "status");
    /** Offset of {@code __u32 level}. */
    public static final long OFFSET_LEVEL = Layouts.offset(LAYOUT, "level");

    /** {@code __u32 irq}: the GSI (in). */
    public static final VarHandle IRQ = Layouts.varHandle(LAYOUT, "irq");
    /** {@code __s32 status}: delivery status (out, KVM_IRQ_LINE_STATUS). */
    public static final VarHandle STATUS = Layouts.varHandle(LAYOUT, "status");
    /** {@code __u32 level}: 1 to assert, 0 to deassert. */
    public static final VarHandle LEVEL = Layouts.varHandle(LAYOUT, "level");

    private KvmIrqLevel() {
    }
}
