package dev.jkvm.headers.kvm;

/**
 * Values from {@code <linux/kvm.h>} and {@code <asm/kvm.h>} (x86-64), named as there. The layout probe test
 * compares every one with the installed headers.
 */
public final class KvmConstants {

    /** The only KVM API version there is; KVM_GET_API_VERSION must return it. */
    public static final int KVM_API_VERSION = 12;

    // Exit reasons (kvm_run.exit_reason)
    /** No specific reason; see hw.hardware_exit_reason. */
    public static final int KVM_EXIT_UNKNOWN = 0;
    /** A guest exception (see ex). */
    public static final int KVM_EXIT_EXCEPTION = 1;
    /** Port I/O (see io). */
    public static final int KVM_EXIT_IO = 2;
    /** A guest hypercall. */
    public static final int KVM_EXIT_HYPERCALL = 3;
    /** A debug event (see debug). */
    public static final int KVM_EXIT_DEBUG = 4;
    /** The guest halted with no in-kernel irqchip. */
    public static final int KVM_EXIT_HLT = 5;
    /** An access to unbacked guest-physical memory (see mmio). */
    public static final int KVM_EXIT_MMIO = 6;
    /** The guest can take an interrupt (request_interrupt_window). */
    public static final int KVM_EXIT_IRQ_WINDOW_OPEN = 7;
    /** Triple fault or other shutdown. */
    public static final int KVM_EXIT_SHUTDOWN = 8;
    /** VM entry failed (see fail_entry). */
    public static final int KVM_EXIT_FAIL_ENTRY = 9;
    /** A signal interrupted KVM_RUN. */
    public static final int KVM_EXIT_INTR = 10;
    /** TPR write (unused on x86). */
    public static final int KVM_EXIT_SET_TPR = 11;
    /** TPR access reporting. */
    public static final int KVM_EXIT_TPR_ACCESS = 12;
    /** S390 intercept. */
    public static final int KVM_EXIT_S390_SIEIC = 13;
    /** S390 reset. */
    public static final int KVM_EXIT_S390_RESET = 14;
    /** PowerPC DCR access (deprecated). */
    public static final int KVM_EXIT_DCR = 15;
    /** NMI exit. */
    public static final int KVM_EXIT_NMI = 16;
    /** KVM could not handle the exit (see internal). */
    public static final int KVM_EXIT_INTERNAL_ERROR = 17;
    /** PowerPC OSI hypercall. */
    public static final int KVM_EXIT_OSI = 18;
    /** PowerPC PAPR hypercall. */
    public static final int KVM_EXIT_PAPR_HCALL = 19;
    /** S390 user-controlled VM fault. */
    public static final int KVM_EXIT_S390_UCONTROL = 20;
    /** PowerPC watchdog. */
    public static final int KVM_EXIT_WATCHDOG = 21;
    /** S390 TSCH intercept. */
    public static final int KVM_EXIT_S390_TSCH = 22;
    /** PowerPC EPR. */
    public static final int KVM_EXIT_EPR = 23;
    /** Guest asked for shutdown, reset or crash (see system_event). */
    public static final int KVM_EXIT_SYSTEM_EVENT = 24;
    /** S390 STSI intercept. */
    public static final int KVM_EXIT_S390_STSI = 25;
    /** EOI for a level interrupt with a split irqchip (see eoi). */
    public static final int KVM_EXIT_IOAPIC_EOI = 26;
    /** Hyper-V event. */
    public static final int KVM_EXIT_HYPERV = 27;
    /** ARM data abort without syndrome. */
    public static final int KVM_EXIT_ARM_NISV = 28;
    /** RDMSR routed to user space (see msr). */
    public static final int KVM_EXIT_X86_RDMSR = 29;
    /** WRMSR routed to user space (see msr). */
    public static final int KVM_EXIT_X86_WRMSR = 30;
    /** The dirty-page ring is full. */
    public static final int KVM_EXIT_DIRTY_RING_FULL = 31;
    /** SEV-ES AP reset hold. */
    public static final int KVM_EXIT_AP_RESET_HOLD = 32;
    /** A guest bus lock was detected. */
    public static final int KVM_EXIT_X86_BUS_LOCK = 33;
    /** Xen hypercall or event. */
    public static final int KVM_EXIT_XEN = 34;
    /** RISC-V SBI call. */
    public static final int KVM_EXIT_RISCV_SBI = 35;
    /** RISC-V CSR access. */
    public static final int KVM_EXIT_RISCV_CSR = 36;
    /** The guest was stuck in a non-exiting window. */
    public static final int KVM_EXIT_NOTIFY = 37;
    /** LoongArch IOCSR access (Linux 6.7). */
    public static final int KVM_EXIT_LOONGARCH_IOCSR = 38;
    /** A guest memory access KVM could not resolve (Linux 6.8). */
    public static final int KVM_EXIT_MEMORY_FAULT = 39;
    /** TDX guest call (Linux 6.16). */
    public static final int KVM_EXIT_TDX = 40;

    // kvm_run.io.direction
    /** Port input: the VMM stores the data for the guest. */
    public static final int KVM_EXIT_IO_IN = 0;
    /** Port output: the data is the guest's. */
    public static final int KVM_EXIT_IO_OUT = 1;

    // kvm_run.internal.suberror
    /** The instruction emulator failed (emulation_failure holds the instruction bytes). */
    public static final int KVM_INTERNAL_ERROR_EMULATION = 1;
    /** Simultaneous exceptions KVM could not resolve. */
    public static final int KVM_INTERNAL_ERROR_SIMUL_EX = 2;
    /** A VM exit during event delivery that KVM cannot handle. */
    public static final int KVM_INTERNAL_ERROR_DELIVERY_EV = 3;
    /** A hardware exit reason KVM does not know. */
    public static final int KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON = 4;
    /** emulation_failure.flags: insn_size and insn_bytes are valid. */
    public static final long KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES = 1L;

    // kvm_run.system_event.type
    /** The guest powered off. */
    public static final int KVM_SYSTEM_EVENT_SHUTDOWN = 1;
    /** The guest asked for a reset. */
    public static final int KVM_SYSTEM_EVENT_RESET = 2;
    /** The guest reported a crash. */
    public static final int KVM_SYSTEM_EVENT_CRASH = 3;
    /** A vCPU woke from a suspended state. */
    public static final int KVM_SYSTEM_EVENT_WAKEUP = 4;
    /** The guest asked for system suspend. */
    public static final int KVM_SYSTEM_EVENT_SUSPEND = 5;
    /** An SEV guest asked to be terminated. */
    public static final int KVM_SYSTEM_EVENT_SEV_TERM = 6;

    // kvm_run.flags and kvm_run.kvm_valid_regs / kvm_dirty_regs
    /** kvm_run.flags: the vCPU is in system management mode. */
    public static final int KVM_RUN_X86_SMM = 1;
    /** kvm_run.flags: the exit followed a guest bus lock. */
    public static final int KVM_RUN_X86_BUS_LOCK = 2;
    /** Sync-regs set: kvm_regs. */
    public static final int KVM_SYNC_X86_REGS = 1;
    /** Sync-regs set: kvm_sregs. */
    public static final int KVM_SYNC_X86_SREGS = 2;
    /** Sync-regs set: kvm_vcpu_events. */
    public static final int KVM_SYNC_X86_EVENTS = 4;
    /** kvm_run.msr.reason: the MSR access would raise #GP. */
    public static final int KVM_MSR_EXIT_REASON_INVAL = 1;
    /** kvm_run.msr.reason: KVM does not know the MSR. */
    public static final int KVM_MSR_EXIT_REASON_UNKNOWN = 2;
    /** kvm_run.msr.reason: the MSR filter denied the access. */
    public static final int KVM_MSR_EXIT_REASON_FILTER = 4;
    /** kvm_run.notify.flags: the VM context is corrupted and cannot continue. */
    public static final int KVM_NOTIFY_CONTEXT_INVALID = 1;
    /** Page offset of the PIO data page in the vCPU mapping. */
    public static final int KVM_PIO_PAGE_OFFSET = 1;
    /** Page offset of the coalesced MMIO ring in the vCPU mapping. */
    public static final int KVM_COALESCED_MMIO_PAGE_OFFSET = 2;

    // Capabilities (KVM_CHECK_EXTENSION, KVM_ENABLE_CAP)
    /** In-kernel PIC, IOAPIC and LAPIC (KVM_CREATE_IRQCHIP). */
    public static final int KVM_CAP_IRQCHIP = 0;
    /** HLT is handled in the kernel. */
    public static final int KVM_CAP_HLT = 1;
    /** KVM_SET_USER_MEMORY_REGION. */
    public static final int KVM_CAP_USER_MEMORY = 3;
    /** KVM_SET_TSS_ADDR. */
    public static final int KVM_CAP_SET_TSS_ADDR = 4;
    /** KVM_SET_CPUID2 / KVM_GET_SUPPORTED_CPUID. */
    public static final int KVM_CAP_EXT_CPUID = 7;
    /** The kvmclock paravirtual clock source. */
    public static final int KVM_CAP_CLOCKSOURCE = 8;
    /** Returns the recommended maximum number of vCPUs. */
    public static final int KVM_CAP_NR_VCPUS = 9;
    /** Returns the maximum number of memory slots. */
    public static final int KVM_CAP_NR_MEMSLOTS = 10;
    /** In-kernel PIT (KVM_CREATE_PIT). */
    public static final int KVM_CAP_PIT = 11;
    /** KVM_GET_MP_STATE / KVM_SET_MP_STATE. */
    public static final int KVM_CAP_MP_STATE = 14;
    /** Coalesced MMIO; returns the ring's page offset. */
    public static final int KVM_CAP_COALESCED_MMIO = 15;
    /** Changes to the host mapping of guest memory are seen by the guest. */
    public static final int KVM_CAP_SYNC_MMU = 16;
    /** Device assignment through an IOMMU (legacy). */
    public static final int KVM_CAP_IOMMU = 18;
    /** KVM_NMI. */
    public static final int KVM_CAP_USER_NMI = 22;
    /** KVM_SET_GUEST_DEBUG. */
    public static final int KVM_CAP_SET_GUEST_DEBUG = 23;
    /** KVM_SET_GSI_ROUTING; returns the number of routes. */
    public static final int KVM_CAP_IRQ_ROUTING = 25;
    /** KVM_IRQ_LINE_STATUS. */
    public static final int KVM_CAP_IRQ_INJECT_STATUS = 26;
    /** KVM_IRQFD. */
    public static final int KVM_CAP_IRQFD = 32;
    /** KVM_CREATE_PIT2. */
    public static final int KVM_CAP_PIT2 = 33;
    /** KVM_SET_BOOT_CPU_ID. */
    public static final int KVM_CAP_SET_BOOT_CPU_ID = 34;
    /** KVM_GET_PIT2 / KVM_SET_PIT2. */
    public static final int KVM_CAP_PIT_STATE2 = 35;
    /** KVM_IOEVENTFD. */
    public static final int KVM_CAP_IOEVENTFD = 36;
    /** KVM_SET_IDENTITY_MAP_ADDR. */
    public static final int KVM_CAP_SET_IDENTITY_MAP_ADDR = 37;
    /** KVM_GET_CLOCK / KVM_SET_CLOCK; returns the KVM_CLOCK_* flags supported. */
    public static final int KVM_CAP_ADJUST_CLOCK = 39;
    /** kvm_run.internal.ndata and data are filled. */
    public static final int KVM_CAP_INTERNAL_ERROR_DATA = 40;
    /** KVM_GET_VCPU_EVENTS / KVM_SET_VCPU_EVENTS. */
    public static final int KVM_CAP_VCPU_EVENTS = 41;
    /** KVM_GET_DEBUGREGS / KVM_SET_DEBUGREGS. */
    public static final int KVM_CAP_DEBUGREGS = 50;
    /** KVM_ENABLE_CAP on vCPUs. */
    public static final int KVM_CAP_ENABLE_CAP = 54;
    /** KVM_GET_XSAVE / KVM_SET_XSAVE. */
    public static final int KVM_CAP_XSAVE = 55;
    /** KVM_GET_XCRS / KVM_SET_XCRS. */
    public static final int KVM_CAP_XCRS = 56;
    /** KVM_SET_TSC_KHZ on vCPUs. */
    public static final int KVM_CAP_TSC_CONTROL = 60;
    /** KVM_GET_TSC_KHZ. */
    public static final int KVM_CAP_GET_TSC_KHZ = 61;
    /** Returns the maximum number of vCPUs. */
    public static final int KVM_CAP_MAX_VCPUS = 66;
    /** The TSC-deadline LAPIC timer mode is emulated. */
    public static final int KVM_CAP_TSC_DEADLINE_TIMER = 72;
    /** Registers synced through kvm_run.s (kvm_valid_regs / kvm_dirty_regs). */
    public static final int KVM_CAP_SYNC_REGS = 74;
    /** KVM_KVMCLOCK_CTRL. */
    public static final int KVM_CAP_KVMCLOCK_CTRL = 76;
    /** KVM_SIGNAL_MSI. */
    public static final int KVM_CAP_SIGNAL_MSI = 77;
    /** KVM_MEM_READONLY memory slots. */
    public static final int KVM_CAP_READONLY_MEM = 81;
    /** KVM_IRQFD_FLAG_RESAMPLE. */
    public static final int KVM_CAP_IRQFD_RESAMPLE = 82;
    /** KVM_ENABLE_CAP on VMs. */
    public static final int KVM_CAP_ENABLE_CAP_VM = 98;
    /** KVM_CHECK_EXTENSION on a VM fd. */
    public static final int KVM_CAP_CHECK_EXTENSION_VM = 105;
    /** System management mode (KVM_SMI). */
    public static final int KVM_CAP_X86_SMM = 117;
    /** Split irqchip: LAPIC in the kernel, PIC and IOAPIC in user space. */
    public static final int KVM_CAP_SPLIT_IRQCHIP = 121;
    /** Returns the largest vCPU id plus one. */
    public static final int KVM_CAP_MAX_VCPU_ID = 128;
    /** 32-bit x2APIC ids in routes and MSIs (KVM_X2APIC_API_* flags). */
    public static final int KVM_CAP_X2APIC_API = 129;
    /** KVM_MSI_VALID_DEVID. */
    public static final int KVM_CAP_MSI_DEVID = 131;
    /** kvm_run.immediate_exit. */
    public static final int KVM_CAP_IMMEDIATE_EXIT = 136;
    /** KVM_X86_DISABLE_EXITS_* may be enabled. */
    public static final int KVM_CAP_X86_DISABLE_EXITS = 143;
    /** Coalesced port I/O. */
    public static final int KVM_CAP_COALESCED_PIO = 162;
    /** Exception payloads in kvm_vcpu_events. */
    public static final int KVM_CAP_EXCEPTION_PAYLOAD = 164;
    /** KVM_CLEAR_DIRTY_LOG with manual protection. */
    public static final int KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 = 168;
    /** MSR accesses may exit to user space (KVM_EXIT_X86_RDMSR / WRMSR). */
    public static final int KVM_CAP_X86_USER_SPACE_MSR = 188;
    /** KVM_X86_SET_MSR_FILTER. */
    public static final int KVM_CAP_X86_MSR_FILTER = 189;
    /** The dirty-page ring; returns its maximum size in bytes. */
    public static final int KVM_CAP_DIRTY_LOG_RING = 192;
    /** KVM_GET_XSAVE2; returns the XSAVE buffer size. */
    public static final int KVM_CAP_XSAVE2 = 208;
    /** kvm_run.system_event.ndata and data are filled. */
    public static final int KVM_CAP_SYSTEM_EVENT_DATA = 215;

    // Memory slots (kvm_userspace_memory_region.flags)
    /** Track writes to the slot for KVM_GET_DIRTY_LOG. */
    public static final int KVM_MEM_LOG_DIRTY_PAGES = 1;
    /** Guest writes to the slot exit as MMIO. */
    public static final int KVM_MEM_READONLY = 2;

    // irqfd, ioeventfd, MSI
    /** kvm_irqfd.flags: remove the binding. */
    public static final int KVM_IRQFD_FLAG_DEASSIGN = 1;
    /** kvm_irqfd.flags: level-triggered, resamplefd is signalled on EOI. */
    public static final int KVM_IRQFD_FLAG_RESAMPLE = 2;
    /** kvm_ioeventfd.flags: only writes of datamatch signal. */
    public static final int KVM_IOEVENTFD_FLAG_DATAMATCH = 1;
    /** kvm_ioeventfd.flags: addr is a port, not an MMIO address. */
    public static final int KVM_IOEVENTFD_FLAG_PIO = 2;
    /** kvm_ioeventfd.flags: remove the binding. */
    public static final int KVM_IOEVENTFD_FLAG_DEASSIGN = 4;
    /** kvm_msi.flags and MSI route flags: devid is valid. */
    public static final int KVM_MSI_VALID_DEVID = 1;

    // GSI routing and irqchips
    /** Route type: an irqchip pin. */
    public static final int KVM_IRQ_ROUTING_IRQCHIP = 1;
    /** Route type: an MSI message. */
    public static final int KVM_IRQ_ROUTING_MSI = 2;
    /** The master 8259 PIC. */
    public static final int KVM_IRQCHIP_PIC_MASTER = 0;
    /** The slave 8259 PIC. */
    public static final int KVM_IRQCHIP_PIC_SLAVE = 1;
    /** The IOAPIC. */
    public static final int KVM_IRQCHIP_IOAPIC = 2;
    /** Number of in-kernel irqchips. */
    public static final int KVM_NR_IRQCHIPS = 3;
    /** Pins of the in-kernel IOAPIC. */
    public static final int KVM_IOAPIC_NUM_PINS = 24;
    /** Interrupt vectors on x86. */
    public static final int KVM_NR_INTERRUPTS = 256;
    /** Size of the LAPIC register page in kvm_lapic_state. */
    public static final int KVM_APIC_REG_SIZE = 0x400;
    /** kvm_pit_config.flags: emulate the PC speaker port as a dummy. */
    public static final int KVM_PIT_SPEAKER_DUMMY = 1;
    /** KVM_ENABLE_CAP(KVM_CAP_X2APIC_API) arg: 32-bit APIC ids. */
    public static final long KVM_X2APIC_API_USE_32BIT_IDS = 1L;
    /** KVM_ENABLE_CAP(KVM_CAP_X2APIC_API) arg: 0xff is not an x2APIC broadcast. */
    public static final long KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK = 2L;

    // vCPU state
    /** Running or ready to run. */
    public static final int KVM_MP_STATE_RUNNABLE = 0;
    /** An AP waiting for INIT. */
    public static final int KVM_MP_STATE_UNINITIALIZED = 1;
    /** An AP that received INIT and waits for SIPI. */
    public static final int KVM_MP_STATE_INIT_RECEIVED = 2;
    /** Halted (HLT) until an interrupt. */
    public static final int KVM_MP_STATE_HALTED = 3;
    /** An AP that received SIPI. */
    public static final int KVM_MP_STATE_SIPI_RECEIVED = 4;
    /** Stopped (s390). */
    public static final int KVM_MP_STATE_STOPPED = 5;
    /** Check-stopped (s390). */
    public static final int KVM_MP_STATE_CHECK_STOP = 6;
    /** Operating (s390). */
    public static final int KVM_MP_STATE_OPERATING = 7;
    /** Loading (s390). */
    public static final int KVM_MP_STATE_LOAD = 8;
    /** SEV-ES AP reset hold. */
    public static final int KVM_MP_STATE_AP_RESET_HOLD = 9;
    /** Suspended until a wakeup event. */
    public static final int KVM_MP_STATE_SUSPENDED = 10;
    /** kvm_vcpu_events.flags: nmi.pending is valid. */
    public static final int KVM_VCPUEVENT_VALID_NMI_PENDING = 0x1;
    /** kvm_vcpu_events.flags: sipi_vector is valid. */
    public static final int KVM_VCPUEVENT_VALID_SIPI_VECTOR = 0x2;
    /** kvm_vcpu_events.flags: interrupt.shadow is valid. */
    public static final int KVM_VCPUEVENT_VALID_SHADOW = 0x4;
    /** kvm_vcpu_events.flags: smi is valid. */
    public static final int KVM_VCPUEVENT_VALID_SMM = 0x8;
    /** kvm_vcpu_events.flags: the exception payload fields are valid. */
    public static final int KVM_VCPUEVENT_VALID_PAYLOAD = 0x10;
    /** kvm_vcpu_events.flags: triple_fault is valid. */
    public static final int KVM_VCPUEVENT_VALID_TRIPLE_FAULT = 0x20;
    /** Interrupt shadow after MOV SS. */
    public static final int KVM_X86_SHADOW_INT_MOV_SS = 0x1;
    /** Interrupt shadow after STI. */
    public static final int KVM_X86_SHADOW_INT_STI = 0x2;
    /** KVM_ENABLE_CAP(KVM_CAP_X86_DISABLE_EXITS) arg: MWAIT does not exit. */
    public static final int KVM_X86_DISABLE_EXITS_MWAIT = 1;
    /** KVM_ENABLE_CAP(KVM_CAP_X86_DISABLE_EXITS) arg: HLT does not exit. */
    public static final int KVM_X86_DISABLE_EXITS_HLT = 2;
    /** KVM_ENABLE_CAP(KVM_CAP_X86_DISABLE_EXITS) arg: PAUSE does not exit. */
    public static final int KVM_X86_DISABLE_EXITS_PAUSE = 4;
    /** KVM_ENABLE_CAP(KVM_CAP_X86_DISABLE_EXITS) arg: C-states do not exit. */
    public static final int KVM_X86_DISABLE_EXITS_CSTATE = 8;

    // CPUID, XCRs, clock
    /** kvm_cpuid_entry2.flags: the index (subleaf) matters (the header's spelling). */
    public static final int KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1;
    /** kvm_cpuid_entry2.flags: the leaf is stateful (legacy). */
    public static final int KVM_CPUID_FLAG_STATEFUL_FUNC = 2;
    /** kvm_cpuid_entry2.flags: the next stateful read (legacy). */
    public static final int KVM_CPUID_FLAG_STATE_READ_NEXT = 4;
    /** Entries in kvm_xcrs.xcrs. */
    public static final int KVM_MAX_XCRS = 16;
    /** kvm_clock_data.flags: the clock is the same on every host CPU. */
    public static final int KVM_CLOCK_TSC_STABLE = 2;
    /** kvm_clock_data.flags: realtime is valid. */
    public static final int KVM_CLOCK_REALTIME = 4;
    /** kvm_clock_data.flags: host_tsc is valid. */
    public static final int KVM_CLOCK_HOST_TSC = 8;
    /**
     * Room jkvm allocates for CPUID entries: QEMU's choice, not a header value (KVM itself accepts up to
     * 256); KVM_GET_SUPPORTED_CPUID fails with E2BIG if the host has more.
     */
    public static final int KVM_MAX_CPUID_ENTRIES = 80;

    // Guest debug (kvm_guest_debug.control)
    /** Debugging is enabled. */
    public static final int KVM_GUESTDBG_ENABLE = 0x1;
    /** Single-step the guest. */
    public static final int KVM_GUESTDBG_SINGLESTEP = 0x2;
    /** Software breakpoints (INT3) exit to user space. */
    public static final int KVM_GUESTDBG_USE_SW_BP = 0x10000;
    /** Hardware breakpoints from arch.debugreg. */
    public static final int KVM_GUESTDBG_USE_HW_BP = 0x20000;
    /** Inject #DB into the guest. */
    public static final int KVM_GUESTDBG_INJECT_DB = 0x40000;
    /** Inject #BP into the guest. */
    public static final int KVM_GUESTDBG_INJECT_BP = 0x80000;
    /** Block interrupts while single-stepping. */
    public static final int KVM_GUESTDBG_BLOCKIRQ = 0x100000;

    private KvmConstants() {
    }

    /** The name of an exit reason, e.g. {@code "KVM_EXIT_IO"}; {@code "KVM_EXIT_?(99)"} for an unknown one. */
    public static String exitName(int exitReason) {
        return switch (exitReason) {
            case KVM_EXIT_UNKNOWN -> "KVM_EXIT_UNKNOWN";
            case KVM_EXIT_EXCEPTION -> "KVM_EXIT_EXCEPTION";
            case KVM_EXIT_IO -> "KVM_EXIT_IO";
            case KVM_EXIT_HYPERCALL -> "KVM_EXIT_HYPERCALL";
            case KVM_EXIT_DEBUG -> "KVM_EXIT_DEBUG";
            case KVM_EXIT_HLT -> "KVM_EXIT_HLT";
            case KVM_EXIT_MMIO -> "KVM_EXIT_MMIO";
            case KVM_EXIT_IRQ_WINDOW_OPEN -> "KVM_EXIT_IRQ_WINDOW_OPEN";
            case KVM_EXIT_SHUTDOWN -> "KVM_EXIT_SHUTDOWN";
            case KVM_EXIT_FAIL_ENTRY -> "KVM_EXIT_FAIL_ENTRY";
            case KVM_EXIT_INTR -> "KVM_EXIT_INTR";
            case KVM_EXIT_SET_TPR -> "KVM_EXIT_SET_TPR";
            case KVM_EXIT_TPR_ACCESS -> "KVM_EXIT_TPR_ACCESS";
            case KVM_EXIT_S390_SIEIC -> "KVM_EXIT_S390_SIEIC";
            case KVM_EXIT_S390_RESET -> "KVM_EXIT_S390_RESET";
            case KVM_EXIT_DCR -> "KVM_EXIT_DCR";
            case KVM_EXIT_NMI -> "KVM_EXIT_NMI";
            case KVM_EXIT_INTERNAL_ERROR -> "KVM_EXIT_INTERNAL_ERROR";
            case KVM_EXIT_OSI -> "KVM_EXIT_OSI";
            case KVM_EXIT_PAPR_HCALL -> "KVM_EXIT_PAPR_HCALL";
            case KVM_EXIT_S390_UCONTROL -> "KVM_EXIT_S390_UCONTROL";
            case KVM_EXIT_WATCHDOG -> "KVM_EXIT_WATCHDOG";
            case KVM_EXIT_S390_TSCH -> "KVM_EXIT_S390_TSCH";
            case KVM_EXIT_EPR -> "KVM_EXIT_EPR";
            case KVM_EXIT_SYSTEM_EVENT -> "KVM_EXIT_SYSTEM_EVENT";
            case KVM_EXIT_S390_STSI -> "KVM_EXIT_S390_STSI";
            case KVM_EXIT_IOAPIC_EOI -> "KVM_EXIT_IOAPIC_EOI";
            case KVM_EXIT_HYPERV -> "KVM_EXIT_HYPERV";
            case KVM_EXIT_ARM_NISV -> "KVM_EXIT_ARM_NISV";
            case KVM_EXIT_X86_RDMSR -> "KVM_EXIT_X86_RDMSR";
            case KVM_EXIT_X86_WRMSR -> "KVM_EXIT_X86_WRMSR";
            case KVM_EXIT_DIRTY_RING_FULL -> "KVM_EXIT_DIRTY_RING_FULL";
            case KVM_EXIT_AP_RESET_HOLD -> "KVM_EXIT_AP_RESET_HOLD";
            case KVM_EXIT_X86_BUS_LOCK -> "KVM_EXIT_X86_BUS_LOCK";
            case KVM_EXIT_XEN -> "KVM_EXIT_XEN";
            case KVM_EXIT_RISCV_SBI -> "KVM_EXIT_RISCV_SBI";
            case KVM_EXIT_RISCV_CSR -> "KVM_EXIT_RISCV_CSR";
            case KVM_EXIT_NOTIFY -> "KVM_EXIT_NOTIFY";
            case KVM_EXIT_LOONGARCH_IOCSR -> "KVM_EXIT_LOONGARCH_IOCSR";
            case KVM_EXIT_MEMORY_FAULT -> "KVM_EXIT_MEMORY_FAULT";
            case KVM_EXIT_TDX -> "KVM_EXIT_TDX";
            default -> "KVM_EXIT_?(" + exitReason + ")";
        };
    }
}
