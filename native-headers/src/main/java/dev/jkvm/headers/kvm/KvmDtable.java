package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u16;
import static dev.jkvm.headers.Layouts.u64;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct kvm_dtable}: a descriptor-table register (GDTR or IDTR) in kvm_sregs.
 */
public final class KvmDtable {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT =
            struct("kvm_dtable", u64("base"), u16("limit"), array("padding", 3, JAVA_SHORT));

    /** Offset of {@code __u64 base}. */
    public static final long OFFSET_BASE = Layouts.offset(LAYOUT, "base");
    /** Offset of {@code __u16 limit}. */
    public static final long OFFSET_LIMIT = Layouts.offset(LAYOUT, "limit");
    /** Offset of {@code __u16[3] padding}. */
    public static final long OFFSET_PADDING = Layouts.offset(LAYOUT, "padding");

    /** {@code __u64 base}: linear base address. */
    public static final VarHandle BASE = Layouts.varHandle(LAYOUT, "base");
    /** {@code __u16 limit}: limit (size - 1). */
    public static final VarHandle LIMIT = Layouts.varHandle(LAYOUT, "limit");

    private KvmDtable() {
    }
}
