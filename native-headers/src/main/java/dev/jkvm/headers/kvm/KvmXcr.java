package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;

/**
 * {@code struct kvm_xcr}: one extended control register, an element of kvm_xcrs.
 */
public final class KvmXcr {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_xcr", u32("xcr"), u32("reserved"), u64("value"));

    /** Offset of {@code __u32 xcr}. */
    public static final long OFFSET_XCR = Layouts.offset(LAYOUT, "xcr");
    /** Offset of {@code __u32 reserved}. */
    public static final long OFFSET_RESERVED = Layouts.offset(LAYOUT, "reserved");
    /** Offset of {@code __u64 value}. */
    public static final long OFFSET_VALUE = Layouts.offset(LAYOUT, "value");

    /** {@code __u32 xcr}: the XCR number (0 for XCR0). */
    public static final VarHandle XCR = Layouts.varHandle(LAYOUT, "xcr");
    /** {@code __u32 reserved}: unused. */
    public static final VarHandle RESERVED = Layouts.varHandle(LAYOUT, "reserved");
    /** {@code __u64 value}: its value. */
    public static final VarHandle VALUE = Layouts.varHandle(LAYOUT, "value");

    private KvmXcr() {
    }
}
