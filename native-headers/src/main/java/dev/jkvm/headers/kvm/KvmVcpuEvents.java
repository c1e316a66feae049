package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;
import static dev.jkvm.headers.Layouts.u8;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code struct kvm_vcpu_events}: pending and injected exceptions, interrupts, NMIs and SMIs, for
 * KVM_GET_VCPU_EVENTS / KVM_SET_VCPU_EVENTS. Members of the nested structs are named SUBSTRUCT_MEMBER.
 */
public final class KvmVcpuEvents {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_vcpu_events",
            struct("exception", u8("injected"), u8("nr"), u8("has_error_code"), u8("pending"), u32("error_code")),
            struct("interrupt", u8("injected"), u8("nr"), u8("soft"), u8("shadow")),
            struct("nmi", u8("injected"), u8("pending"), u8("masked"), u8("pad")),
            u32("sipi_vector"),
            u32("flags"),
            struct("smi", u8("smm"), u8("pending"), u8("smm_inside_nmi"), u8("latched_init")),
            struct("triple_fault", u8("pending")),
            array("reserved", 26, JAVA_BYTE),
            u8("exception_has_payload"),
            u64("exception_payload"));

    /** Offset of {@code struct exception}. */
    public static final long OFFSET_EXCEPTION = Layouts.offset(LAYOUT, "exception");
    /** Offset of {@code __u8 exception.injected}. */
    public static final long OFFSET_EXCEPTION_INJECTED = Layouts.offset(LAYOUT, "exception", "injected");
    /** Offset of {@code __u8 exception.nr}. */
    public static final long OFFSET_EXCEPTION_NR = Layouts.offset(LAYOUT, "exception", "nr");
    /** Offset of {@code __u8 exception.has_error_code}. */
    public static final long OFFSET_EXCEPTION_HAS_ERROR_CODE = Layouts.offset(LAYOUT, "exception", "has_error_code");
    /** Offset of {@code __u8 exception.pending}. */
    public static final long OFFSET_EXCEPTION_PENDING = Layouts.offset(LAYOUT, "exception", "pending");
    /** Offset of {@code __u32 exception.error_code}. */
    public static final long OFFSET_EXCEPTION_ERROR_CODE = Layouts.offset(LAYOUT, "exception", "error_code");
    /** Offset of {@code struct interrupt}. */
    public static final long OFFSET_INTERRUPT = Layouts.offset(LAYOUT, "interrupt");
    /** Offset of {@code __u8 interrupt.injected}. */
    public static final long OFFSET_INTERRUPT_INJECTED = Layouts.offset(LAYOUT, "interrupt", "injected");
    /** Offset of {@code __u8 interrupt.nr}. */
    public static final long OFFSET_INTERRUPT_NR = Layouts.offset(LAYOUT, "interrupt", "nr");
    /** Offset of {@code __u8 interrupt.soft}. */
    public static final long OFFSET_INTERRUPT_SOFT = Layouts.offset(LAYOUT, "interrupt", "soft");
    /** Offset of {@code __u8 interrupt.shadow}. */
    public static final long OFFSET_INTERRUPT_SHADOW = Layouts.offset(LAYOUT, "interrupt", "shadow");
    /** Offset of {@code struct nmi}. */
    public static final long OFFSET_NMI = Layouts.offset(LAYOUT, "nmi");
    /** Offset of {@code __u8 nmi.injected}. */
    public static final long OFFSET_NMI_INJECTED = Layouts.offset(LAYOUT, "nmi", "injected");
    /** Offset of {@code __u8 nmi.pending}. */
    public static final long OFFSET_NMI_PENDING = Layouts.offset(LAYOUT, "nmi", "pending");
    /** Offset of {@code __u8 nmi.masked}. */
    public static final long OFFSET_NMI_MASKED = Layouts.offset(LAYOUT, "nmi", "masked");
    /** Offset of {@code __u8 nmi.pad}. */
    public static final long OFFSET_NMI_PAD = Layouts.offset(LAYOUT, "nmi", "pad");
    /** Offset of {@code __u32 sipi_vector}. */
    public static final long OFFSET_SIPI_VECTOR = Layouts.offset(LAYOUT, "sipi_vector");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code struct smi}. */
    public static final long OFFSET_SMI = Layouts.offset(LAYOUT, "smi");
    /** Offset of {@code __u8 smi.smm}. */
    public static final long OFFSET_SMI_SMM = Layouts.offset(LAYOUT, "smi", "smm");
    /** Offset of {@code __u8 smi.pending}. */
    public static final long OFFSET_SMI_PENDING = Layouts.offset(LAYOUT, "smi", "pending");
    /** Offset of {@code __u8 smi.smm_inside_nmi}. */
    public static final long OFFSET_SMI_SMM_INSIDE_NMI = Layouts.offset(LAYOUT, "smi", "smm_inside_nmi");
    /** Offset of {@code __u8 smi.latched_init}. */
    public static final long OFFSET_SMI_LATCHED_INIT = Layouts.offset(LAYOUT, "smi", "latched_init");
    /** Offset of {@code struct triple_fault}. */
    public static final long OFFSET_TRIPLE_FAULT = Layouts.offset(LAYOUT, "triple_fault");
    /** Offset of {@code __u8 triple_fault.pending}. */
    public static final long OFFSET_TRIPLE_FAULT_PENDING = Layouts.offset(LAYOUT, "triple_fault", "pending");
    /** Offset of {@code __u8[26] reserved}. */
    public static final long OFFSET_RESERVED = Layouts.offset(LAYOUT, "reserved");
    /** Offset of {@code __u8 exception_has_payload}. */
    public static final long OFFSET_EXCEPTION_HAS_PAYLOAD = Layouts.offset(LAYOUT, "exception_has_payload");
    /** Offset of {@code __u64 exception_payload}. */
    public static final long OFFSET_EXCEPTION_PAYLOAD = Layouts.offset(LAYOUT, "exception_payload");

    /** {@code __u8 exception.injected}: an exception is being injected. */
    public static final VarHandle EXCEPTION_INJECTED = Layouts.varHandle(LAYOUT, "exception", "injected");
    /** {@code __u8 exception.nr}: its vector. */
    public static final VarHandle EXCEPTION_NR = Layouts.varHandle(LAYOUT, "exception", "nr");
    /** {@code __u8 exception.has_error_code}: it pushes an error code. */
    public static final VarHandle EXCEPTION_HAS_ERROR_CODE = Layouts.varHandle(LAYOUT, "exception", "has_error_code");
    /** {@code __u8 exception.pending}: an exception is pending (with KVM_CAP_EXCEPTION_PAYLOAD). */
    public static final VarHandle EXCEPTION_PENDING = Layouts.varHandle(LAYOUT, "exception", "pending");
    /** {@code __u32 exception.error_code}: the error code. */
    public static final VarHandle EXCEPTION_ERROR_CODE = Layouts.varHandle(LAYOUT, "exception", "error_code");
    /** {@code __u8 interrupt.injected}: an external interrupt is being injected. */
    public static final VarHandle INTERRUPT_INJECTED = Layouts.varHandle(LAYOUT, "interrupt", "injected");
    /** {@code __u8 interrupt.nr}: its vector. */
    public static final VarHandle INTERRUPT_NR = Layouts.varHandle(LAYOUT, "interrupt", "nr");
    /** {@code __u8 interrupt.soft}: it is a software interrupt. */
    public static final VarHandle INTERRUPT_SOFT = Layouts.varHandle(LAYOUT, "interrupt", "soft");
    /** {@code __u8 interrupt.shadow}: KVM_X86_SHADOW_INT_* interrupt shadow. */
    public static final VarHandle INTERRUPT_SHADOW = Layouts.varHandle(LAYOUT, "interrupt", "shadow");
    /** {@code __u8 nmi.injected}: an NMI is being injected. */
    public static final VarHandle NMI_INJECTED = Layouts.varHandle(LAYOUT, "nmi", "injected");
    /** {@code __u8 nmi.pending}: an NMI is pending. */
    public static final VarHandle NMI_PENDING = Layouts.varHandle(LAYOUT, "nmi", "pending");
    /** {@code __u8 nmi.masked}: NMIs are blocked. */
    public static final VarHandle NMI_MASKED = Layouts.varHandle(LAYOUT, "nmi", "masked");
    /** {@code __u8 nmi.pad}: unused. */
    public static final VarHandle NMI_PAD = Layouts.varHandle(LAYOUT, "nmi", "pad");
    /** {@code __u32 sipi_vector}: the vector of a received SIPI. */
    public static final VarHandle SIPI_VECTOR = Layouts.varHandle(LAYOUT, "sipi_vector");
    /** {@code __u32 flags}: KVM_VCPUEVENT_VALID_* flags. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");
    /** {@code __u8 smi.smm}: the vCPU is in SMM. */
    public static final VarHandle SMI_SMM = Layouts.varHandle(LAYOUT, "smi", "smm");
    /** {@code __u8 smi.pending}: an SMI is pending. */
    public static final VarHandle SMI_PENDING = Layouts.varHandle(LAYOUT, "smi", "pending");
    /** {@code __u8 smi.smm_inside_nmi}: SMM was entered inside an NMI handler. */
    public static final VarHandle SMI_SMM_INSIDE_NMI = Layouts.varHandle(LAYOUT, "smi", "smm_inside_nmi");
    /** {@code __u8 smi.latched_init}: an INIT arrived in SMM. */
    public static final VarHandle SMI_LATCHED_INIT = Layouts.varHandle(LAYOUT, "smi", "latched_init");
    /** {@code __u8 triple_fault.pending}: a triple fault is pending. */
    public static final VarHandle TRIPLE_FAULT_PENDING = Layouts.varHandle(LAYOUT, "triple_fault", "pending");
    /** {@code __u8 exception_has_payload}: exception_payload is valid. */
    public static final VarHandle EXCEPTION_HAS_PAYLOAD = Layouts.varHandle(LAYOUT, "exception_has_payload");
    /** {@code __u64 exception_payload}: CR2 or DR6 payload of the pending exception. */
    public static final VarHandle EXCEPTION_PAYLOAD = Layouts.varHandle(LAYOUT, "exception_payload");

    private KvmVcpuEvents() {
    }
}
