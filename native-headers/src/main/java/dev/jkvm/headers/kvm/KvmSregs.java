package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.member;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u64;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct kvm_sregs}: segment, descriptor-table and control registers, for KVM_GET_SREGS / KVM_SET_SREGS.
 * The segments are {@link KvmSegment}s and the tables {@link KvmDtable}s at their OFFSET_ constants.
 */
public final class KvmSregs {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_sregs",
            member("cs", KvmSegment.LAYOUT), member("ds", KvmSegment.LAYOUT),
            member("es", KvmSegment.LAYOUT), member("fs", KvmSegment.LAYOUT),
            member("gs", KvmSegment.LAYOUT), member("ss", KvmSegment.LAYOUT),
            member("tr", KvmSegment.LAYOUT), member("ldt", KvmSegment.LAYOUT),
            member("gdt", KvmDtable.LAYOUT), member("idt", KvmDtable.LAYOUT),
            u64("cr0"), u64("cr2"), u64("cr3"), u64("cr4"), u64("cr8"),
            u64("efer"), u64("apic_base"),
            array("interrupt_bitmap", (KvmConstants.KVM_NR_INTERRUPTS + 63) / 64, JAVA_LONG));

    /** Offset of {@code struct kvm_segment cs}. */
    public static final long OFFSET_CS = Layouts.offset(LAYOUT, "cs");
    /** Offset of {@code struct kvm_segment ds}. */
    public static final long OFFSET_DS = Layouts.offset(LAYOUT, "ds");
    /** Offset of {@code struct kvm_segment es}. */
    public static final long OFFSET_ES = Layouts.offset(LAYOUT, "es");
    /** Offset of {@code struct kvm_segment fs}. */
    public static final long OFFSET_FS = Layouts.offset(LAYOUT, "fs");
    /** Offset of {@code struct kvm_segment gs}. */
    public static final long OFFSET_GS = Layouts.offset(LAYOUT, "gs");
    /** Offset of {@code struct kvm_segment ss}. */
    public static final long OFFSET_SS = Layouts.offset(LAYOUT, "ss");
    /** Offset of {@code struct kvm_segment tr}. */
    public static final long OFFSET_TR = Layouts.offset(LAYOUT, "tr");
    /** Offset of {@code struct kvm_segment ldt}. */
    public static final long OFFSET_LDT = Layouts.offset(LAYOUT, "ldt");
    /** Offset of {@code struct kvm_dtable gdt}. */
    public static final long OFFSET_GDT = Layouts.offset(LAYOUT, "gdt");
    /** Offset of {@code struct kvm_dtable idt}. */
    public static final long OFFSET_IDT = Layouts.offset(LAYOUT, "idt");
    /** Offset of {@code __u64 cr0}. */
    public static final long OFFSET_CR0 = Layouts.offset(LAYOUT, "cr0");
    /** Offset of {@code __u64 cr2}. */
    public static final long OFFSET_CR2 = Layouts.offset(LAYOUT, "cr2");
    /** Offset of {@code __u64 cr3}. */
    public static final long OFFSET_CR3 = Layouts.offset(LAYOUT, "cr3");
    /** Offset of {@code __u64 cr4}. */
    public static final long OFFSET_CR4 = Layouts.offset(LAYOUT, "cr4");
    /** Offset of {@code __u64 cr8}. */
    public static final long OFFSET_CR8 = Layouts.offset(LAYOUT, "cr8");
    /** Offset of {@code __u64 efer}. */
    public static final long OFFSET_EFER = Layouts.offset(LAYOUT, "efer");
    /** Offset of {@code __u64 apic_base}. */
    public static final long OFFSET_APIC_BASE = Layouts.offset(LAYOUT, "apic_base");
    /** Offset of {@code __u64[(KVM_NR_INTERRUPTS + 63) / 64] interrupt_bitmap}. */
    public static final long OFFSET_INTERRUPT_BITMAP = Layouts.offset(LAYOUT, "interrupt_bitmap");

    /** {@code __u64 cr0}: CR0. */
    public static final VarHandle CR0 = Layouts.varHandle(LAYOUT, "cr0");
    /** {@code __u64 cr2}: CR2 (page-fault address). */
    public static final VarHandle CR2 = Layouts.varHandle(LAYOUT, "cr2");
    /** {@code __u64 cr3}: CR3 (page-table base). */
    public static final VarHandle CR3 = Layouts.varHandle(LAYOUT, "cr3");
    /** {@code __u64 cr4}: CR4. */
    public static final VarHandle CR4 = Layouts.varHandle(LAYOUT, "cr4");
    /** {@code __u64 cr8}: CR8 (task priority). */
    public static final VarHandle CR8 = Layouts.varHandle(LAYOUT, "cr8");
    /** {@code __u64 efer}: the EFER MSR. */
    public static final VarHandle EFER = Layouts.varHandle(LAYOUT, "efer");
    /** {@code __u64 apic_base}: the APIC base MSR. */
    public static final VarHandle APIC_BASE = Layouts.varHandle(LAYOUT, "apic_base");

    private KvmSregs() {
    }
}
