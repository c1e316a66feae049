package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u64;

/**
 * {@code struct kvm_regs}: the general-purpose registers, for KVM_GET_REGS / KVM_SET_REGS.
 */
public final class KvmRegs {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_regs",
            u64("rax"), u64("rbx"), u64("rcx"), u64("rdx"),
            u64("rsi"), u64("rdi"), u64("rsp"), u64("rbp"),
            u64("r8"), u64("r9"), u64("r10"), u64("r11"),
            u64("r12"), u64("r13"), u64("r14"), u64("r15"),
            u64("rip"), u64("rflags"));

    /** Offset of {@code __u64 rax}. */
    public static final long OFFSET_RAX = Layouts.offset(LAYOUT, "rax");
    /** Offset of {@code __u64 rbx}. */
    public static final long OFFSET_RBX = Layouts.offset(LAYOUT, "rbx");
    /** Offset of {@code __u64 rcx}. */
    public static final long OFFSET_RCX = Layouts.offset(LAYOUT, "rcx");
    /** Offset of {@code __u64 rdx}. */
    public static final long OFFSET_RDX = Layouts.offset(LAYOUT, "rdx");
    /** Offset of {@code __u64 rsi}. */
    public static final long OFFSET_RSI = Layouts.offset(LAYOUT, "rsi");
    /** Offset of {@code __u64 rdi}. */
    public static final long OFFSET_RDI = Layouts.offset(LAYOUT, "rdi");
    /** Offset of {@code __u64 rsp}. */
    public static final long OFFSET_RSP = Layouts.offset(LAYOUT, "rsp");
    /** Offset of {@code __u64 rbp}. */
    public static final long OFFSET_RBP = Layouts.offset(LAYOUT, "rbp");
    /** Offset of {@code __u64 r8}. */
    public static final long OFFSET_R8 = Layouts.offset(LAYOUT, "r8");
    /** Offset of {@code __u64 r9}. */
    public static final long OFFSET_R9 = Layouts.offset(LAYOUT, "r9");
    /** Offset of {@code __u64 r10}. */
    public static final long OFFSET_R10 = Layouts.offset(LAYOUT, "r10");
    /** Offset of {@code __u64 r11}. */
    public static final long OFFSET_R11 = Layouts.offset(LAYOUT, "r11");
    /** Offset of {@code __u64 r12}. */
    public static final long OFFSET_R12 = Layouts.offset(LAYOUT, "r12");
    /** Offset of {@code __u64 r13}. */
    public static final long OFFSET_R13 = Layouts.offset(LAYOUT, "r13");
    /** Offset of {@code __u64 r14}. */
    public static final long OFFSET_R14 = Layouts.offset(LAYOUT, "r14");
    /** Offset of {@code __u64 r15}. */
    public static final long OFFSET_R15 = Layouts.offset(LAYOUT, "r15");
    /** Offset of {@code __u64 rip}. */
    public static final long OFFSET_RIP = Layouts.offset(LAYOUT, "rip");
    /** Offset of {@code __u64 rflags}. */
    public static final long OFFSET_RFLAGS = Layouts.offset(LAYOUT, "rflags");

    /** {@code __u64 rax}: RAX. */
    public static final VarHandle RAX = Layouts.varHandle(LAYOUT, "rax");
    /** {@code __u64 rbx}: RBX. */
    public static final VarHandle RBX = Layouts.varHandle(LAYOUT, "rbx");
    /** {@code __u64 rcx}: RCX. */
    public static final VarHandle RCX = Layouts.varHandle(LAYOUT, "rcx");
    /** {@code __u64 rdx}: RDX. */
    public static final VarHandle RDX = Layouts.varHandle(LAYOUT, "rdx");
    /** {@code __u64 rsi}: RSI. */
    public static final VarHandle RSI = Layouts.varHandle(LAYOUT, "rsi");
    /** {@code __u64 rdi}: RDI. */
    public static final VarHandle RDI = Layouts.varHandle(LAYOUT, "rdi");
    /** {@code __u64 rsp}: the stack pointer. */
    public static final VarHandle RSP = Layouts.varHandle(LAYOUT, "rsp");
    /** {@code __u64 rbp}: RBP. */
    public static final VarHandle RBP = Layouts.varHandle(LAYOUT, "rbp");
    /** {@code __u64 r8}: R8. */
    public static final VarHandle R8 = Layouts.varHandle(LAYOUT, "r8");
    /** {@code __u64 r9}: R9. */
    public static final VarHandle R9 = Layouts.varHandle(LAYOUT, "r9");
    /** {@code __u64 r10}: R10. */
    public static final VarHandle R10 = Layouts.varHandle(LAYOUT, "r10");
    /** {@code __u64 r11}: R11. */
    public static final VarHandle R11 = Layouts.varHandle(LAYOUT, "r11");
    /** {@code __u64 r12}: R12. */
    public static final VarHandle R12 = Layouts.varHandle(LAYOUT, "r12");
    /** {@code __u64 r13}: R13. */
    public static final VarHandle R13 = Layouts.varHandle(LAYOUT, "r13");
    /** {@code __u64 r14}: R14. */
    public static final VarHandle R14 = Layouts.varHandle(LAYOUT, "r14");
    /** {@code __u64 r15}: R15. */
    public static final VarHandle R15 = Layouts.varHandle(LAYOUT, "r15");
    /** {@code __u64 rip}: the instruction pointer. */
    public static final VarHandle RIP = Layouts.varHandle(LAYOUT, "rip");
    /** {@code __u64 rflags}: RFLAGS (bit 1 is always set). */
    public static final VarHandle RFLAGS = Layouts.varHandle(LAYOUT, "rflags");

    private KvmRegs() {
    }
}
