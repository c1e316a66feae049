package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code struct kvm_cpuid_entry2}: one CPUID leaf/subleaf, an element of kvm_cpuid2.
 */
public final class KvmCpuidEntry2 {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_cpuid_entry2",
            u32("function"), u32("index"), u32("flags"),
            u32("eax"), u32("ebx"), u32("ecx"), u32("edx"),
            array("padding", 3, JAVA_INT));

    /** Offset of {@code __u32 function}. */
    public static final long OFFSET_FUNCTION = Layouts.offset(LAYOUT, "function");
    /** Offset of {@code __u32 index}. */
    public static final long OFFSET_INDEX = Layouts.offset(LAYOUT, "index");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u32 eax}. */
    public static final long OFFSET_EAX = Layouts.offset(LAYOUT, "eax");
    /** Offset of {@code __u32 ebx}. */
    public static final long OFFSET_EBX = Layouts.offset(LAYOUT, "ebx");
    /** Offset of {@code __u32 ecx}. */
    public static final long OFFSET_ECX = Layouts.offset(LAYOUT, "ecx");
    /** Offset of {@code __u32 edx}. */
    public static final long OFFSET_EDX = Layouts.offset(LAYOUT, "edx");
    /** Offset of {@code __u32[3] padding}. */
    public static final long OFFSET_PADDING = Layouts.offset(LAYOUT, "padding");

    /** {@code __u32 function}: the leaf (EAX input). */
    public static final VarHandle FUNCTION = Layouts.varHandle(LAYOUT, "function");
    /** {@code __u32 index}: the subleaf (ECX input). */
    public static final VarHandle INDEX = Layouts.varHandle(LAYOUT, "index");
    /** {@code __u32 flags}: KVM_CPUID_FLAG_* flags. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");
    /** {@code __u32 eax}: EAX output. */
    public static final VarHandle EAX = Layouts.varHandle(LAYOUT, "eax");
    /** {@code __u32 ebx}: EBX output. */
    public static final VarHandle EBX = Layouts.varHandle(LAYOUT, "ebx");
    /** {@code __u32 ecx}: ECX output. */
    public static final VarHandle ECX = Layouts.varHandle(LAYOUT, "ecx");
    /** {@code __u32 edx}: EDX output. */
    public static final VarHandle EDX = Layouts.varHandle(LAYOUT, "edx");

    private KvmCpuidEntry2() {
    }
}
