package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u16;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;
import static dev.jkvm.headers.Layouts.u8;

/**
 * {@code struct kvm_segment}: a segment register with its hidden descriptor cache, as in kvm_sregs.
 */
public final class KvmSegment {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_segment",
            u64("base"), u32("limit"), u16("selector"), u8("type"),
            u8("present"), u8("dpl"), u8("db"), u8("s"), u8("l"), u8("g"), u8("avl"),
            u8("unusable"), u8("padding"));

    /** Offset of {@code __u64 base}. */
    public static final long OFFSET_BASE = Layouts.offset(LAYOUT, "base");
    /** Offset of {@code __u32 limit}. */
    public static final long OFFSET_LIMIT = Layouts.offset(LAYOUT, "limit");
    /** Offset of {@code __u16 selector}. */
    public static final long OFFSET_SELECTOR = Layouts.offset(LAYOUT, "selector");
    /** Offset of {@code __u8 type}. */
    public static final long OFFSET_TYPE = Layouts.offset(LAYOUT, "type");
    /** Offset of {@code __u8 present}. */
    public static final long OFFSET_PRESENT = Layouts.offset(LAYOUT, "present");
    /** Offset of {@code __u8 dpl}. */
    public static final long OFFSET_DPL = Layouts.offset(LAYOUT, "dpl");
    /** Offset of {@code __u8 db}. */
    public static final long OFFSET_DB = Layouts.offset(LAYOUT, "db");
    /** Offset of {@code __u8 s}. */
    public static final long OFFSET_S = Layouts.offset(LAYOUT, "s");
    /** Offset of {@code __u8 l}. */
    public static final long OFFSET_L = Layouts.offset(LAYOUT, "l");
    /** Offset of {@code __u8 g}. */
    public static final long OFFSET_G = Layouts.offset(LAYOUT, "g");
    /** Offset of {@code __u8 avl}. */
    public static final long OFFSET_AVL = Layouts.offset(LAYOUT, "avl");
    /** Offset of {@code __u8 unusable}. */
    public static final long OFFSET_UNUSABLE = Layouts.offset(LAYOUT, "unusable");
    /** Offset of {@code __u8 padding}. */
    public static final long OFFSET_PADDING = Layouts.offset(LAYOUT, "padding");

    /** {@code __u64 base}: linear base address. */
    public static final VarHandle BASE = Layouts.varHandle(LAYOUT, "base");
    /** {@code __u32 limit}: limit in bytes (already scaled by G). */
    public static final VarHandle LIMIT = Layouts.varHandle(LAYOUT, "limit");
    /** {@code __u16 selector}: the visible selector. */
    public static final VarHandle SELECTOR = Layouts.varHandle(LAYOUT, "selector");
    /** {@code __u8 type}: descriptor type (4 bits). */
    public static final VarHandle TYPE = Layouts.varHandle(LAYOUT, "type");
    /** {@code __u8 present}: P bit. */
    public static final VarHandle PRESENT = Layouts.varHandle(LAYOUT, "present");
    /** {@code __u8 dpl}: descriptor privilege level. */
    public static final VarHandle DPL = Layouts.varHandle(LAYOUT, "dpl");
    /** {@code __u8 db}: D/B bit (32-bit default size). */
    public static final VarHandle DB = Layouts.varHandle(LAYOUT, "db");
    /** {@code __u8 s}: S bit (code/data rather than system). */
    public static final VarHandle S = Layouts.varHandle(LAYOUT, "s");
    /** {@code __u8 l}: L bit (64-bit code). */
    public static final VarHandle L = Layouts.varHandle(LAYOUT, "l");
    /** {@code __u8 g}: G bit (4 KiB granularity). */
    public static final VarHandle G = Layouts.varHandle(LAYOUT, "g");
    /** {@code __u8 avl}: AVL bit. */
    public static final VarHandle AVL = Layouts.varHandle(LAYOUT, "avl");
    /** {@code __u8 unusable}: VMX "segment unusable" bit. */
    public static final VarHandle UNUSABLE = Layouts.varHandle(LAYOUT, "unusable");
    /** {@code __u8 padding}: unused. */
    public static final VarHandle PADDING = Layouts.varHandle(LAYOUT, "padding");

    private KvmSegment() {
    }
}
