package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;

/**
 * {@code struct kvm_msr_entry}: one MSR index and value, an element of kvm_msrs.
 */
public final class KvmMsrEntry {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_msr_entry", u32("index"), u32("reserved"), u64("data"));

    /** Offset of {@code __u32 index}. */
    public static final long OFFSET_INDEX = Layouts.offset(LAYOUT, "index");
    /** Offset of {@code __u32 reserved}. */
    public static final long OFFSET_RESERVED = Layouts.offset(LAYOUT, "reserved");
    /** Offset of {@code __u64 data}. */
    public static final long OFFSET_DATA = Layouts.offset(LAYOUT, "data");

    /** {@code __u32 index}: the MSR number. */
    public static final VarHandle INDEX = Layouts.varHandle(LAYOUT, "index");
    /** {@code __u32 reserved}: unused. */
    public static final VarHandle RESERVED = Layouts.varHandle(LAYOUT, "reserved");
    /** {@code __u64 data}: the MSR value. */
    public static final VarHandle DATA = Layouts.varHandle(LAYOUT, "data");

    private KvmMsrEntry() {
    }
}
