package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.anonymousStruct;
import static dev.jkvm.headers.Layouts.anonymousUnion;
import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.member;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u16;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;
import static dev.jkvm.headers.Layouts.u8;
import static dev.jkvm.headers.Layouts.union;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct kvm_run}: the page shared with KVM_RUN, mapped from the vCPU fd at offset 0.
 *
 * <p>The exit data is an anonymous union in C; its members (io, mmio, internal, ...) are reached directly and
 * flattened here as MEMBER_FIELD ({@code IO_PORT}, {@code MMIO_PHYS_ADDR}). Only the x86 members jkvm reads are
 * described; the union keeps its full 256 bytes through {@code padding}.
 */
public final class KvmRun {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_run",
            u8("request_interrupt_window"),
            u8("immediate_exit"),
            array("padding1", 6, JAVA_BYTE),
            u32("exit_reason"),
            u8("ready_for_interrupt_injection"),
            u8("if_flag"),
            u16("flags"),
            u64("cr8"),
            u64("apic_base"),
            anonymousUnion(
                    struct("hw", u64("hardware_exit_reason")),
                    struct("fail_entry", u64("hardware_entry_failure_reason"), u32("cpu")),
                    struct("ex", u32("exception"), u32("error_code")),
                    struct("io", u8("direction"), u8("size"), u16("port"), u32("count"), u64("data_offset")),
                    struct("debug",
                            struct("arch", u32("exception"), u32("pad"), u64("pc"), u64("dr6"), u64("dr7"))),
                    struct("mmio", u64("phys_addr"), array("data", 8, JAVA_BYTE), u32("len"), u8("is_write")),
                    struct("internal", u32("suberror"), u32("ndata"), array("data", 16, JAVA_LONG)),
                    struct("emulation_failure", u32("suberror"), u32("ndata"), u64("flags"),
                            anonymousUnion(anonymousStruct(u8("insn_size"), array("insn_bytes", 15, JAVA_BYTE)))),
                    struct("system_event", u32("type"), u32("ndata"),
                            anonymousUnion(u64("flags"), array("data", 16, JAVA_LONG))),
                    struct("eoi", u8("vector")),
                    struct("msr", u8("error"), array("pad", 7, JAVA_BYTE), u32("reason"), u32("index"), u64("data")),
                    struct("notify", u32("flags")),
                    array("padding", 256, JAVA_BYTE)),
            u64("kvm_valid_regs"),
            u64("kvm_dirty_regs"),
            union("s",
                    struct("regs",
                            member("regs", KvmRegs.LAYOUT),
                            member("sregs", KvmSregs.LAYOUT),
                            member("events", KvmVcpuEvents.LAYOUT)),
                    array("padding", 2048, JAVA_BYTE)));

    /** Offset of {@code __u8 request_interrupt_window}. */
    public static final long OFFSET_REQUEST_INTERRUPT_WINDOW = Layouts.offset(LAYOUT, "request_interrupt_window");
    /** Offset of {@code __u8 immediate_exit}. */
    public static final long OFFSET_IMMEDIATE_EXIT = Layouts.offset(LAYOUT, "immediate_exit");
    /** Offset of {@code __u8[6] padding1}. */
    public static final long OFFSET_PADDING1 = Layouts.offset(LAYOUT, "padding1");
    /** Offset of {@code __u32 exit_reason}. */
    public static final long OFFSET_EXIT_REASON = Layouts.offset(LAYOUT, "exit_reason");
    /** Offset of {@code __u8 ready_for_interrupt_injection}. */
    public static final long OFFSET_READY_FOR_INTERRUPT_INJECTION =
            Layouts.offset(LAYOUT, "ready_for_interrupt_injection");
    /** Offset of {@code __u8 if_flag}. */
    public static final long OFFSET_IF_FLAG = Layouts.offset(LAYOUT, "if_flag");
    /** Offset of {@code __u16 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u64 cr8}. */
    public static final long OFFSET_CR8 = Layouts.offset(LAYOUT, "cr8");
    /** Offset of {@code __u64 apic_base}. */
    public static final long OFFSET_APIC_BASE = Layouts.offset(LAYOUT, "apic_base");
    /** Offset of {@code struct hw}. */
    public static final long OFFSET_HW = Layouts.offset(LAYOUT, "hw");
    /** Offset of {@code __u64 hw.hardware_exit_reason}. */
    public static final long OFFSET_HW_HARDWARE_EXIT_REASON = Layouts.offset(LAYOUT, "hw", "hardware_exit_reason");
    /** Offset of {@code struct fail_entry}. */
    public static final long OFFSET_FAIL_ENTRY = Layouts.offset(LAYOUT, "fail_entry");
    /** Offset of {@code __u64 fail_entry.hardware_entry_failure_reason}. */
    public static final long OFFSET_FAIL_ENTRY_HARDWARE_ENTRY_FAILURE_REASON =
            Layouts.offset(LAYOUT, "fail_entry", "hardware_entry_failure_reason");
    /** Offset of {@code __u32 fail_entry.cpu}. */
    public static final long OFFSET_FAIL_ENTRY_CPU = Layouts.offset(LAYOUT, "fail_entry", "cpu");
    /** Offset of {@code struct ex}. */
    public static final long OFFSET_EX = Layouts.offset(LAYOUT, "ex");
    /** Offset of {@code __u32 ex.exception}. */
    public static final long OFFSET_EX_EXCEPTION = Layouts.offset(LAYOUT, "ex", "exception");
    /** Offset of {@code __u32 ex.error_code}. */
    public static final long OFFSET_EX_ERROR_CODE = Layouts.offset(LAYOUT, "ex", "error_code");
    /** Offset of {@code struct io}. */
    public static final long OFFSET_IO = Layouts.offset(LAYOUT, "io");
    /** Offset of {@code __u8 io.direction}. */
    public static final long OFFSET_IO_DIRECTION = Layouts.offset(LAYOUT, "io", "direction");
    /** Offset of {@code __u8 io.size}. */
    public static final long OFFSET_IO_SIZE = Layouts.offset(LAYOUT, "io", "size");
    /** Offset of {@code __u16 io.port}. */
    public static final long OFFSET_IO_PORT = Layouts.offset(LAYOUT, "io", "port");
    /** Offset of {@code __u32 io.count}. */
    public static final long OFFSET_IO_COUNT = Layouts.offset(LAYOUT, "io", "count");
    /** Offset of {@code __u64 io.data_offset}. */
    public static final long OFFSET_IO_DATA_OFFSET = Layouts.offset(LAYOUT, "io", "data_offset");
    /** Offset of {@code struct debug}. */
    public static final long OFFSET_DEBUG = Layouts.offset(LAYOUT, "debug");
    /** Offset of {@code struct kvm_debug_exit_arch debug.arch}. */
    public static final long OFFSET_DEBUG_ARCH = Layouts.offset(LAYOUT, "debug", "arch");
    /** Offset of {@code __u32 debug.arch.exception}. */
    public static final long OFFSET_DEBUG_ARCH_EXCEPTION = Layouts.offset(LAYOUT, "debug", "arch", "exception");
    /** Offset of {@code __u32 debug.arch.pad}. */
    public static final long OFFSET_DEBUG_ARCH_PAD = Layouts.offset(LAYOUT, "debug", "arch", "pad");
    /** Offset of {@code __u64 debug.arch.pc}. */
    public static final long OFFSET_DEBUG_ARCH_PC = Layouts.offset(LAYOUT, "debug", "arch", "pc");
    /** Offset of {@code __u64 debug.arch.dr6}. */
    public static final long OFFSET_DEBUG_ARCH_DR6 = Layouts.offset(LAYOUT, "debug", "arch", "dr6");
    /** Offset of {@code __u64 debug.arch.dr7}. */
    public static final long OFFSET_DEBUG_ARCH_DR7 = Layouts.offset(LAYOUT, "debug", "arch", "dr7");
    /** Offset of {@code struct mmio}. */
    public static final long OFFSET_MMIO = Layouts.offset(LAYOUT, "mmio");
    /** Offset of {@code __u64 mmio.phys_addr}. */
    public static final long OFFSET_MMIO_PHYS_ADDR = Layouts.offset(LAYOUT, "mmio", "phys_addr");
    /** Offset of {@code __u8[8] mmio.data}. */
    public static final long OFFSET_MMIO_DATA = Layouts.offset(LAYOUT, "mmio", "data");
    /** Offset of {@code __u32 mmio.len}. */
    public static final long OFFSET_MMIO_LEN = Layouts.offset(LAYOUT, "mmio", "len");
    /** Offset of {@code __u8 mmio.is_write}. */
    public static final long OFFSET_MMIO_IS_WRITE = Layouts.offset(LAYOUT, "mmio", "is_write");
    /** Offset of {@code struct internal}. */
    public static final long OFFSET_INTERNAL = Layouts.offset(LAYOUT, "internal");
    /** Offset of {@code __u32 internal.suberror}. */
    public static final long OFFSET_INTERNAL_SUBERROR = Layouts.offset(LAYOUT, "internal", "suberror");
    /** Offset of {@code __u32 internal.ndata}. */
    public static final long OFFSET_INTERNAL_NDATA = Layouts.offset(LAYOUT, "internal", "ndata");
    /** Offset of {@code __u64[16] internal.data}. */
    public static final long OFFSET_INTERNAL_DATA = Layouts.offset(LAYOUT, "internal", "data");
    /** Offset of {@code struct emulation_failure}. */
    public static final long OFFSET_EMULATION_FAILURE = Layouts.offset(LAYOUT, "emulation_failure");
    /** Offset of {@code __u32 emulation_failure.suberror}. */
    public static final long OFFSET_EMULATION_FAILURE_SUBERROR =
            Layouts.offset(LAYOUT, "emulation_failure", "suberror");
    /** Offset of {@code __u32 emulation_failure.ndata}. */
    public static final long OFFSET_EMULATION_FAILURE_NDATA = Layouts.offset(LAYOUT, "emulation_failure", "ndata");
    /** Offset of {@code __u64 emulation_failure.flags}. */
    public static final long OFFSET_EMULATION_FAILURE_FLAGS = Layouts.offset(LAYOUT, "emulation_failure", "flags");
    /** Offset of {@code __u8 emulation_failure.insn_size}. */
    public static final long OFFSET_EMULATION_FAILURE_INSN_SIZE =
            Layouts.offset(LAYOUT, "emulation_failure", "insn_size");
    /** Offset of {@code __u8[15] emulation_failure.insn_bytes}. */
    public static final long OFFSET_EMULATION_FAILURE_INSN_BYTES =
            Layouts.offset(LAYOUT, "emulation_failure", "insn_bytes");
    /** Offset of {@code struct system_event}. */
    public static final long OFFSET_SYSTEM_EVENT = Layouts.offset(LAYOUT, "system_event");
    /** Offset of {@code __u32 system_event.type}. */
    public static final long OFFSET_SYSTEM_EVENT_TYPE = Layouts.offset(LAYOUT, "system_event", "type");
    /** Offset of {@code __u32 system_event.ndata}. */
    public static final long OFFSET_SYSTEM_EVENT_NDATA = Layouts.offset(LAYOUT, "system_event", "ndata");
    /** Offset of {@code __u64 system_event.flags}. */
    public static final long OFFSET_SYSTEM_EVENT_FLAGS = Layouts.offset(LAYOUT, "system_event", "flags");
    /** Offset of {@code __u64[16] system_event.data}. */
    public static final long OFFSET_SYSTEM_EVENT_DATA = Layouts.offset(LAYOUT, "system_event", "data");
    /** Offset of {@code struct eoi}. */
    public static final long OFFSET_EOI = Layouts.offset(LAYOUT, "eoi");
    /** Offset of {@code __u8 eoi.vector}. */
    public static final long OFFSET_EOI_VECTOR = Layouts.offset(LAYOUT, "eoi", "vector");
    /** Offset of {@code struct msr}. */
    public static final long OFFSET_MSR = Layouts.offset(LAYOUT, "msr");
    /** Offset of {@code __u8 msr.error}. */
    public static final long OFFSET_MSR_ERROR = Layouts.offset(LAYOUT, "msr", "error");
    /** Offset of {@code __u8[7] msr.pad}. */
    public static final long OFFSET_MSR_PAD = Layouts.offset(LAYOUT, "msr", "pad");
    /** Offset of {@code __u32 msr.reason}. */
    public static final long OFFSET_MSR_REASON = Layouts.offset(LAYOUT, "msr", "reason");
    /** Offset of {@code __u32 msr.index}. */
    public static final long OFFSET_MSR_INDEX = Layouts.offset(LAYOUT, "msr", "index");
    /** Offset of {@code __u64 msr.data}. */
    public static final long OFFSET_MSR_DATA = Layouts.offset(LAYOUT, "msr", "data");
    /** Offset of {@code struct notify}. */
    public static final long OFFSET_NOTIFY = Layouts.offset(LAYOUT, "notify");
    /** Offset of {@code __u32 notify.flags}. */
    public static final long OFFSET_NOTIFY_FLAGS = Layouts.offset(LAYOUT, "notify", "flags");
    /** Offset of {@code char[256] padding}. */
    public static final long OFFSET_PADDING = Layouts.offset(LAYOUT, "padding");
    /** Offset of {@code __u64 kvm_valid_regs}. */
    public static final long OFFSET_KVM_VALID_REGS = Layouts.offset(LAYOUT, "kvm_valid_regs");
    /** Offset of {@code __u64 kvm_dirty_regs}. */
    public static final long OFFSET_KVM_DIRTY_REGS = Layouts.offset(LAYOUT, "kvm_dirty_regs");
    /** Offset of {@code union s}. */
    public static final long OFFSET_S = Layouts.offset(LAYOUT, "s");
    /** Offset of {@code struct kvm_sync_regs s.regs}. */
    public static final long OFFSET_S_REGS = Layouts.offset(LAYOUT, "s", "regs");
    /** Offset of {@code struct kvm_regs s.regs.regs}. */
    public static final long OFFSET_S_REGS_REGS = Layouts.offset(LAYOUT, "s", "regs", "regs");
    /** Offset of {@code struct kvm_sregs s.regs.sregs}. */
    public static final long OFFSET_S_REGS_SREGS = Layouts.offset(LAYOUT, "s", "regs", "sregs");
    /** Offset of {@code struct kvm_vcpu_events s.regs.events}. */
    public static final long OFFSET_S_REGS_EVENTS = Layouts.offset(LAYOUT, "s", "regs", "events");
    /** Offset of {@code char[2048] s.padding}. */
    public static final long OFFSET_S_PADDING = Layouts.offset(LAYOUT, "s", "padding");

    /** {@code __u8 request_interrupt_window}: in: exit as soon as the guest can take an interrupt. */
    public static final VarHandle REQUEST_INTERRUPT_WINDOW = Layouts.varHandle(LAYOUT, "request_interrupt_window");
    /** {@code __u8 immediate_exit}: in: return from KVM_RUN at once with EINTR. */
    public static final VarHandle IMMEDIATE_EXIT = Layouts.varHandle(LAYOUT, "immediate_exit");
    /** {@code __u32 exit_reason}: out: a KVM_EXIT_* value. */
    public static final VarHandle EXIT_REASON = Layouts.varHandle(LAYOUT, "exit_reason");
    /** {@code __u8 ready_for_interrupt_injection}: out: an interrupt can be injected now. */
    public static final VarHandle READY_FOR_INTERRUPT_INJECTION =
            Layouts.varHandle(LAYOUT, "ready_for_interrupt_injection");
    /** {@code __u8 if_flag}: out: the guest's RFLAGS.IF. */
    public static final VarHandle IF_FLAG = Layouts.varHandle(LAYOUT, "if_flag");
    /** {@code __u16 flags}: out: KVM_RUN_X86_* flags. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");
    /** {@code __u64 cr8}: in/out: CR8. */
    public static final VarHandle CR8 = Layouts.varHandle(LAYOUT, "cr8");
    /** {@code __u64 apic_base}: in/out: the APIC base MSR. */
    public static final VarHandle APIC_BASE = Layouts.varHandle(LAYOUT, "apic_base");
    /** {@code __u64 hw.hardware_exit_reason}: KVM_EXIT_UNKNOWN: the hardware exit reason. */
    public static final VarHandle HW_HARDWARE_EXIT_REASON = Layouts.varHandle(LAYOUT, "hw", "hardware_exit_reason");
    /** {@code __u64 fail_entry.hardware_entry_failure_reason}: KVM_EXIT_FAIL_ENTRY: the hardware reason. */
    public static final VarHandle FAIL_ENTRY_HARDWARE_ENTRY_FAILURE_REASON =
            Layouts.varHandle(LAYOUT, "fail_entry", "hardware_entry_failure_reason");
    /** {@code __u32 fail_entry.cpu}: KVM_EXIT_FAIL_ENTRY: the host CPU. */
    public static final VarHandle FAIL_ENTRY_CPU = Layouts.varHandle(LAYOUT, "fail_entry", "cpu");
    /** {@code __u32 ex.exception}: KVM_EXIT_EXCEPTION: the vector. */
    public static final VarHandle EX_EXCEPTION = Layouts.varHandle(LAYOUT, "ex", "exception");
    /** {@code __u32 ex.error_code}: KVM_EXIT_EXCEPTION: the error code. */
    public static final VarHandle EX_ERROR_CODE = Layouts.varHandle(LAYOUT, "ex", "error_code");
    /** {@code __u8 io.direction}: KVM_EXIT_IO: KVM_EXIT_IO_IN or KVM_EXIT_IO_OUT. */
    public static final VarHandle IO_DIRECTION = Layouts.varHandle(LAYOUT, "io", "direction");
    /** {@code __u8 io.size}: KVM_EXIT_IO: bytes per access (1, 2 or 4). */
    public static final VarHandle IO_SIZE = Layouts.varHandle(LAYOUT, "io", "size");
    /** {@code __u16 io.port}: KVM_EXIT_IO: the port. */
    public static final VarHandle IO_PORT = Layouts.varHandle(LAYOUT, "io", "port");
    /** {@code __u32 io.count}: KVM_EXIT_IO: number of accesses (string I/O). */
    public static final VarHandle IO_COUNT = Layouts.varHandle(LAYOUT, "io", "count");
    /** {@code __u64 io.data_offset}: KVM_EXIT_IO: offset of the data from the start of kvm_run. */
    public static final VarHandle IO_DATA_OFFSET = Layouts.varHandle(LAYOUT, "io", "data_offset");
    /** {@code __u32 debug.arch.exception}: KVM_EXIT_DEBUG: the vector (1 or 3). */
    public static final VarHandle DEBUG_ARCH_EXCEPTION = Layouts.varHandle(LAYOUT, "debug", "arch", "exception");
    /** {@code __u32 debug.arch.pad}: unused. */
    public static final VarHandle DEBUG_ARCH_PAD = Layouts.varHandle(LAYOUT, "debug", "arch", "pad");
    /** {@code __u64 debug.arch.pc}: KVM_EXIT_DEBUG: the guest RIP. */
    public static final VarHandle DEBUG_ARCH_PC = Layouts.varHandle(LAYOUT, "debug", "arch", "pc");
    /** {@code __u64 debug.arch.dr6}: KVM_EXIT_DEBUG: DR6. */
    public static final VarHandle DEBUG_ARCH_DR6 = Layouts.varHandle(LAYOUT, "debug", "arch", "dr6");
    /** {@code __u64 debug.arch.dr7}: KVM_EXIT_DEBUG: DR7. */
    public static final VarHandle DEBUG_ARCH_DR7 = Layouts.varHandle(LAYOUT, "debug", "arch", "dr7");
    /** {@code __u64 mmio.phys_addr}: KVM_EXIT_MMIO: the guest-physical address. */
    public static final VarHandle MMIO_PHYS_ADDR = Layouts.varHandle(LAYOUT, "mmio", "phys_addr");
    /** {@code __u32 mmio.len}: KVM_EXIT_MMIO: access size in bytes. */
    public static final VarHandle MMIO_LEN = Layouts.varHandle(LAYOUT, "mmio", "len");
    /** {@code __u8 mmio.is_write}: KVM_EXIT_MMIO: 1 for a write. */
    public static final VarHandle MMIO_IS_WRITE = Layouts.varHandle(LAYOUT, "mmio", "is_write");
    /** {@code __u32 internal.suberror}: KVM_EXIT_INTERNAL_ERROR: a KVM_INTERNAL_ERROR_* value. */
    public static final VarHandle INTERNAL_SUBERROR = Layouts.varHandle(LAYOUT, "internal", "suberror");
    /** {@code __u32 internal.ndata}: KVM_EXIT_INTERNAL_ERROR: valid words in data. */
    public static final VarHandle INTERNAL_NDATA = Layouts.varHandle(LAYOUT, "internal", "ndata");
    /** {@code __u32 emulation_failure.suberror}: KVM_INTERNAL_ERROR_EMULATION. */
    public static final VarHandle EMULATION_FAILURE_SUBERROR =
            Layouts.varHandle(LAYOUT, "emulation_failure", "suberror");
    /** {@code __u32 emulation_failure.ndata}: valid words after suberror/ndata. */
    public static final VarHandle EMULATION_FAILURE_NDATA = Layouts.varHandle(LAYOUT, "emulation_failure", "ndata");
    /** {@code __u64 emulation_failure.flags}: KVM_INTERNAL_ERROR_EMULATION_FLAG_* flags. */
    public static final VarHandle EMULATION_FAILURE_FLAGS = Layouts.varHandle(LAYOUT, "emulation_failure", "flags");
    /** {@code __u8 emulation_failure.insn_size}: bytes valid in insn_bytes. */
    public static final VarHandle EMULATION_FAILURE_INSN_SIZE =
            Layouts.varHandle(LAYOUT, "emulation_failure", "insn_size");
    /** {@code __u32 system_event.type}: KVM_EXIT_SYSTEM_EVENT: a KVM_SYSTEM_EVENT_* value. */
    public static final VarHandle SYSTEM_EVENT_TYPE = Layouts.varHandle(LAYOUT, "system_event", "type");
    /** {@code __u32 system_event.ndata}: KVM_EXIT_SYSTEM_EVENT: valid words in data. */
    public static final VarHandle SYSTEM_EVENT_NDATA = Layouts.varHandle(LAYOUT, "system_event", "ndata");
    /** {@code __u64 system_event.flags}: KVM_EXIT_SYSTEM_EVENT: data[0] under its old name. */
    public static final VarHandle SYSTEM_EVENT_FLAGS = Layouts.varHandle(LAYOUT, "system_event", "flags");
    /** {@code __u8 eoi.vector}: KVM_EXIT_IOAPIC_EOI: the vector. */
    public static final VarHandle EOI_VECTOR = Layouts.varHandle(LAYOUT, "eoi", "vector");
    /** {@code __u8 msr.error}: KVM_EXIT_X86_RDMSR/WRMSR: set to 1 to inject #GP. */
    public static final VarHandle MSR_ERROR = Layouts.varHandle(LAYOUT, "msr", "error");
    /** {@code __u32 msr.reason}: KVM_EXIT_X86_RDMSR/WRMSR: KVM_MSR_EXIT_REASON_*. */
    public static final VarHandle MSR_REASON = Layouts.varHandle(LAYOUT, "msr", "reason");
    /** {@code __u32 msr.index}: KVM_EXIT_X86_RDMSR/WRMSR: the MSR. */
    public static final VarHandle MSR_INDEX = Layouts.varHandle(LAYOUT, "msr", "index");
    /** {@code __u64 msr.data}: KVM_EXIT_X86_RDMSR/WRMSR: the value. */
    public static final VarHandle MSR_DATA = Layouts.varHandle(LAYOUT, "msr", "data");
    /** {@code __u32 notify.flags}: KVM_EXIT_NOTIFY: KVM_NOTIFY_CONTEXT_* flags. */
    public static final VarHandle NOTIFY_FLAGS = Layouts.varHandle(LAYOUT, "notify", "flags");
    /** {@code __u64 kvm_valid_regs}: KVM_SYNC_X86_* register sets valid in s.regs. */
    public static final VarHandle KVM_VALID_REGS = Layouts.varHandle(LAYOUT, "kvm_valid_regs");
    /** {@code __u64 kvm_dirty_regs}: KVM_SYNC_X86_* register sets changed by user space. */
    public static final VarHandle KVM_DIRTY_REGS = Layouts.varHandle(LAYOUT, "kvm_dirty_regs");

    private KvmRun() {
    }
}
