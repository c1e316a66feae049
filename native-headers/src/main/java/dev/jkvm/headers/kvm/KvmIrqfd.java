package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code struct kvm_irqfd}: binds an eventfd to a GSI, for KVM_IRQFD.
 */
public final class KvmIrqfd {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT =
            struct("kvm_irqfd", u32("fd"), u32("gsi"), u32("flags"), u32("resamplefd"), array("pad", 16, JAVA_BYTE));

    /** Offset of {@code __u32 fd}. */
    public static final long OFFSET_FD = Layouts.offset(LAYOUT, "fd");
    /** Offset of {@code __u32 gsi}. */
    public static final long OFFSET_GSI = Layouts.offset(LAYOUT, "gsi");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u32 resamplefd}. */
    public static final long OFFSET_RESAMPLEFD = Layouts.offset(LAYOUT, "resamplefd");
    /** Offset of {@code __u8[16] pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");

    /** {@code __u32 fd}: the eventfd that raises the interrupt. */
    public static final VarHandle FD = Layouts.varHandle(LAYOUT, "fd");
    /** {@code __u32 gsi}: the GSI. */
    public static final VarHandle GSI = Layouts.varHandle(LAYOUT, "gsi");
    /** {@code __u32 flags}: KVM_IRQFD_FLAG_* flags. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");
    /** {@code __u32 resamplefd}: eventfd signalled on EOI, with KVM_IRQFD_FLAG_RESAMPLE. */
    public static final VarHandle RESAMPLEFD = Layouts.varHandle(LAYOUT, "resamplefd");

    private KvmIrqfd() {
    }
}
