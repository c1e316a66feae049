package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u16;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;
import static dev.jkvm.headers.Layouts.u8;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code struct kvm_fpu}: x87 and SSE state in FXSAVE form, for KVM_GET_FPU / KVM_SET_FPU.
 */
public final class KvmFpu {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_fpu",
            array("fpr", 8, MemoryLayout.sequenceLayout(16, JAVA_BYTE)),
            u16("fcw"), u16("fsw"), u8("ftwx"), u8("pad1"), u16("last_opcode"),
            u64("last_ip"), u64("last_dp"),
            array("xmm", 16, MemoryLayout.sequenceLayout(16, JAVA_BYTE)),
            u32("mxcsr"), u32("pad2"));

    /** Offset of {@code __u8[8][16] fpr}. */
    public static final long OFFSET_FPR = Layouts.offset(LAYOUT, "fpr");
    /** Offset of {@code __u16 fcw}. */
    public static final long OFFSET_FCW = Layouts.offset(LAYOUT, "fcw");
    /** Offset of {@code __u16 fsw}. */
    public static final long OFFSET_FSW = Layouts.offset(LAYOUT, "fsw");
    /** Offset of {@code __u8 ftwx}. */
    public static final long OFFSET_FTWX = Layouts.offset(LAYOUT, "ftwx");
    /** Offset of {@code __u8 pad1}. */
    public static final long OFFSET_PAD1 = Layouts.offset(LAYOUT, "pad1");
    /** Offset of {@code __u16 last_opcode}. */
    public static final long OFFSET_LAST_OPCODE = Layouts.offset(LAYOUT, "last_opcode");
    /** Offset of {@code __u64 last_ip}. */
    public static final long OFFSET_LAST_IP = Layouts.offset(LAYOUT, "last_ip");
    /** Offset of {@code __u64 last_dp}. */
    public static final long OFFSET_LAST_DP = Layouts.offset(LAYOUT, "last_dp");
    /** Offset of {@code __u8[16][16] xmm}. */
    public static final long OFFSET_XMM = Layouts.offset(LAYOUT, "xmm");
    /** Offset of {@code __u32 mxcsr}. */
    public static final long OFFSET_MXCSR = Layouts.offset(LAYOUT, "mxcsr");
    /** Offset of {@code __u32 pad2}. */
    public static final long OFFSET_PAD2 = Layouts.offset(LAYOUT, "pad2");

    /** {@code __u16 fcw}: x87 control word. */
    public static final VarHandle FCW = Layouts.varHandle(LAYOUT, "fcw");
    /** {@code __u16 fsw}: x87 status word. */
    public static final VarHandle FSW = Layouts.varHandle(LAYOUT, "fsw");
    /** {@code __u8 ftwx}: abridged x87 tag word (FXSAVE form). */
    public static final VarHandle FTWX = Layouts.varHandle(LAYOUT, "ftwx");
    /** {@code __u8 pad1}: unused. */
    public static final VarHandle PAD1 = Layouts.varHandle(LAYOUT, "pad1");
    /** {@code __u16 last_opcode}: last x87 opcode. */
    public static final VarHandle LAST_OPCODE = Layouts.varHandle(LAYOUT, "last_opcode");
    /** {@code __u64 last_ip}: last x87 instruction pointer. */
    public static final VarHandle LAST_IP = Layouts.varHandle(LAYOUT, "last_ip");
    /** {@code __u64 last_dp}: last x87 data pointer. */
    public static final VarHandle LAST_DP = Layouts.varHandle(LAYOUT, "last_dp");
    /** {@code __u32 mxcsr}: SSE control and status. */
    public static final VarHandle MXCSR = Layouts.varHandle(LAYOUT, "mxcsr");
    /** {@code __u32 pad2}: unused. */
    public static final VarHandle PAD2 = Layouts.varHandle(LAYOUT, "pad2");

    private KvmFpu() {
    }
}
