package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code struct kvm_xsave}: the XSAVE area, for KVM_GET_XSAVE / KVM_SET_XSAVE (4096 bytes; KVM_GET_XSAVE2 may use
 * more).
 */
public final class KvmXsave {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT =
            struct("kvm_xsave", array("region", 1024, JAVA_INT), array("extra", 0, JAVA_INT));

    /** Offset of {@code __u32[1024] region}. */
    public static final long OFFSET_REGION = Layouts.offset(LAYOUT, "region");
    /** Offset of {@code __u32[] extra}. */
    public static final long OFFSET_EXTRA = Layouts.offset(LAYOUT, "extra");

    private KvmXsave() {
    }
}
