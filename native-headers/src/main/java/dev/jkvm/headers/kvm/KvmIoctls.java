package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Ioctl;

import java.lang.foreign.ValueLayout;

import static dev.jkvm.headers.Ioctl.io;
import static dev.jkvm.headers.Ioctl.ior;
import static dev.jkvm.headers.Ioctl.iow;
import static dev.jkvm.headers.Ioctl.iowr;

/**
 * The KVM ioctls, encoded from their direction, number and argument struct as {@code <linux/kvm.h>} declares
 * them. The argument sizes come from the struct layouts, so a layout error shows up in the ioctl numbers too
 * (the layout probe test compares both with the header).
 */
public final class KvmIoctls {

    /** The ioctl type byte of every KVM request. */
    public static final int KVMIO = 0xAE;

    // /dev/kvm
    /** Returns KVM_API_VERSION. */
    public static final Ioctl KVM_GET_API_VERSION = io("KVM_GET_API_VERSION", KVMIO, 0x00);
    /** Creates a VM; the argument is the machine type (0); returns the VM fd. */
    public static final Ioctl KVM_CREATE_VM = io("KVM_CREATE_VM", KVMIO, 0x01);
    /** Lists the MSRs KVM saves and restores. */
    public static final Ioctl KVM_GET_MSR_INDEX_LIST =
            iowr("KVM_GET_MSR_INDEX_LIST", KVMIO, 0x02, KvmMsrList.LAYOUT.byteSize());
    /** Asks whether a KVM_CAP_* is available (on /dev/kvm or a VM fd); returns 0 or a positive value. */
    public static final Ioctl KVM_CHECK_EXTENSION = io("KVM_CHECK_EXTENSION", KVMIO, 0x03);
    /** Returns the size of the vCPU mapping (kvm_run and the pages after it). */
    public static final Ioctl KVM_GET_VCPU_MMAP_SIZE = io("KVM_GET_VCPU_MMAP_SIZE", KVMIO, 0x04);
    /** Fills a kvm_cpuid2 with the CPUID bits KVM can virtualize. */
    public static final Ioctl KVM_GET_SUPPORTED_CPUID =
            iowr("KVM_GET_SUPPORTED_CPUID", KVMIO, 0x05, KvmCpuid2.LAYOUT.byteSize());

    // VM fd
    /** Creates a vCPU; the argument is its APIC id; returns the vCPU fd. */
    public static final Ioctl KVM_CREATE_VCPU = io("KVM_CREATE_VCPU", KVMIO, 0x41);
    /** Copies a slot's dirty-page bitmap (kvm_dirty_log) and clears it. */
    public static final Ioctl KVM_GET_DIRTY_LOG = iow("KVM_GET_DIRTY_LOG", KVMIO, 0x42, KvmDirtyLog.LAYOUT.byteSize());
    /** Creates, changes or deletes a memory slot (kvm_userspace_memory_region). */
    public static final Ioctl KVM_SET_USER_MEMORY_REGION = iow("KVM_SET_USER_MEMORY_REGION", KVMIO, 0x46,
            KvmUserspaceMemoryRegion.LAYOUT.byteSize());
    /** Sets the guest-physical address of the three pages Intel VMX needs for real mode's TSS. */
    public static final Ioctl KVM_SET_TSS_ADDR = io("KVM_SET_TSS_ADDR", KVMIO, 0x47);
    /** Sets the guest-physical address of the identity-map page (a __u64). */
    public static final Ioctl KVM_SET_IDENTITY_MAP_ADDR =
            iow("KVM_SET_IDENTITY_MAP_ADDR", KVMIO, 0x48, ValueLayout.JAVA_LONG.byteSize());
    /** Creates the in-kernel PIC, IOAPIC and LAPICs. */
    public static final Ioctl KVM_CREATE_IRQCHIP = io("KVM_CREATE_IRQCHIP", KVMIO, 0x60);
    /** Sets a GSI's level (kvm_irq_level). */
    public static final Ioctl KVM_IRQ_LINE = iow("KVM_IRQ_LINE", KVMIO, 0x61, KvmIrqLevel.LAYOUT.byteSize());
    /** Sets a GSI's level and reports delivery status (kvm_irq_level). */
    public static final Ioctl KVM_IRQ_LINE_STATUS =
            iowr("KVM_IRQ_LINE_STATUS", KVMIO, 0x67, KvmIrqLevel.LAYOUT.byteSize());
    /** Replaces the GSI routing table (kvm_irq_routing). */
    public static final Ioctl KVM_SET_GSI_ROUTING =
            iow("KVM_SET_GSI_ROUTING", KVMIO, 0x6a, KvmIrqRouting.LAYOUT.byteSize());
    /** Binds or unbinds an eventfd to a GSI (kvm_irqfd). */
    public static final Ioctl KVM_IRQFD = iow("KVM_IRQFD", KVMIO, 0x76, KvmIrqfd.LAYOUT.byteSize());
    /** Creates the in-kernel PIT (kvm_pit_config). */
    public static final Ioctl KVM_CREATE_PIT2 = iow("KVM_CREATE_PIT2", KVMIO, 0x77, KvmPitConfig.LAYOUT.byteSize());
    /** Chooses the bootstrap vCPU by id; before any vCPU is created. */
    public static final Ioctl KVM_SET_BOOT_CPU_ID = io("KVM_SET_BOOT_CPU_ID", KVMIO, 0x78);
    /** Binds or unbinds an eventfd to a guest PIO/MMIO write (kvm_ioeventfd). */
    public static final Ioctl KVM_IOEVENTFD = iow("KVM_IOEVENTFD", KVMIO, 0x79, KvmIoeventfd.LAYOUT.byteSize());
    /** Sets kvmclock (kvm_clock_data). */
    public static final Ioctl KVM_SET_CLOCK = iow("KVM_SET_CLOCK", KVMIO, 0x7b, KvmClockData.LAYOUT.byteSize());
    /** Reads kvmclock (kvm_clock_data). */
    public static final Ioctl KVM_GET_CLOCK = ior("KVM_GET_CLOCK", KVMIO, 0x7c, KvmClockData.LAYOUT.byteSize());
    /** Sets the TSC frequency in kHz (vCPU, or VM default with KVM_CAP_VM_TSC_CONTROL). */
    public static final Ioctl KVM_SET_TSC_KHZ = io("KVM_SET_TSC_KHZ", KVMIO, 0xa2);
    /** Returns the TSC frequency in kHz. */
    public static final Ioctl KVM_GET_TSC_KHZ = io("KVM_GET_TSC_KHZ", KVMIO, 0xa3);
    /** Injects an MSI (kvm_msi); returns 1 if delivered, 0 if blocked. */
    public static final Ioctl KVM_SIGNAL_MSI = iow("KVM_SIGNAL_MSI", KVMIO, 0xa5, KvmMsi.LAYOUT.byteSize());
    /** Enables a capability on a VM or vCPU (kvm_enable_cap). */
    public static final Ioctl KVM_ENABLE_CAP = iow("KVM_ENABLE_CAP", KVMIO, 0xa3, KvmEnableCap.LAYOUT.byteSize());

    // vCPU fd
    /** Runs the vCPU until an exit to user space. */
    public static final Ioctl KVM_RUN = io("KVM_RUN", KVMIO, 0x80);
    /** Reads the general-purpose registers (kvm_regs). */
    public static final Ioctl KVM_GET_REGS = ior("KVM_GET_REGS", KVMIO, 0x81, KvmRegs.LAYOUT.byteSize());
    /** Writes the general-purpose registers (kvm_regs). */
    public static final Ioctl KVM_SET_REGS = iow("KVM_SET_REGS", KVMIO, 0x82, KvmRegs.LAYOUT.byteSize());
    /** Reads the special registers (kvm_sregs). */
    public static final Ioctl KVM_GET_SREGS = ior("KVM_GET_SREGS", KVMIO, 0x83, KvmSregs.LAYOUT.byteSize());
    /** Writes the special registers (kvm_sregs). */
    public static final Ioctl KVM_SET_SREGS = iow("KVM_SET_SREGS", KVMIO, 0x84, KvmSregs.LAYOUT.byteSize());
    /** Reads MSRs (kvm_msrs); returns how many were read. */
    public static final Ioctl KVM_GET_MSRS = iowr("KVM_GET_MSRS", KVMIO, 0x88, KvmMsrs.LAYOUT.byteSize());
    /** Writes MSRs (kvm_msrs); returns how many were written. */
    public static final Ioctl KVM_SET_MSRS = iow("KVM_SET_MSRS", KVMIO, 0x89, KvmMsrs.LAYOUT.byteSize());
    /** Sets the signal mask in force during KVM_RUN (kvm_signal_mask). */
    public static final Ioctl KVM_SET_SIGNAL_MASK =
            iow("KVM_SET_SIGNAL_MASK", KVMIO, 0x8b, KvmSignalMask.LAYOUT.byteSize());
    /** Reads the x87/SSE state (kvm_fpu). */
    public static final Ioctl KVM_GET_FPU = ior("KVM_GET_FPU", KVMIO, 0x8c, KvmFpu.LAYOUT.byteSize());
    /** Writes the x87/SSE state (kvm_fpu). */
    public static final Ioctl KVM_SET_FPU = iow("KVM_SET_FPU", KVMIO, 0x8d, KvmFpu.LAYOUT.byteSize());
    /** Reads the LAPIC registers (kvm_lapic_state). */
    public static final Ioctl KVM_GET_LAPIC = ior("KVM_GET_LAPIC", KVMIO, 0x8e, KvmLapicState.LAYOUT.byteSize());
    /** Writes the LAPIC registers (kvm_lapic_state). */
    public static final Ioctl KVM_SET_LAPIC = iow("KVM_SET_LAPIC", KVMIO, 0x8f, KvmLapicState.LAYOUT.byteSize());
    /** Sets the vCPU's CPUID table (kvm_cpuid2). */
    public static final Ioctl KVM_SET_CPUID2 = iow("KVM_SET_CPUID2", KVMIO, 0x90, KvmCpuid2.LAYOUT.byteSize());
    /** Reads the vCPU's CPUID table (kvm_cpuid2). */
    public static final Ioctl KVM_GET_CPUID2 = iowr("KVM_GET_CPUID2", KVMIO, 0x91, KvmCpuid2.LAYOUT.byteSize());
    /** Reads the multiprocessing state (kvm_mp_state). */
    public static final Ioctl KVM_GET_MP_STATE =
            ior("KVM_GET_MP_STATE", KVMIO, 0x98, KvmMpState.LAYOUT.byteSize());
    /** Writes the multiprocessing state (kvm_mp_state). */
    public static final Ioctl KVM_SET_MP_STATE =
            iow("KVM_SET_MP_STATE", KVMIO, 0x99, KvmMpState.LAYOUT.byteSize());
    /** Sets single-step and breakpoint control (kvm_guest_debug). */
    public static final Ioctl KVM_SET_GUEST_DEBUG =
            iow("KVM_SET_GUEST_DEBUG", KVMIO, 0x9b, KvmGuestDebug.LAYOUT.byteSize());
    /** Reads pending events (kvm_vcpu_events). */
    public static final Ioctl KVM_GET_VCPU_EVENTS =
            ior("KVM_GET_VCPU_EVENTS", KVMIO, 0x9f, KvmVcpuEvents.LAYOUT.byteSize());
    /** Writes pending events (kvm_vcpu_events). */
    public static final Ioctl KVM_SET_VCPU_EVENTS =
            iow("KVM_SET_VCPU_EVENTS", KVMIO, 0xa0, KvmVcpuEvents.LAYOUT.byteSize());
    /** Reads the XSAVE area (kvm_xsave, 4096 bytes). */
    public static final Ioctl KVM_GET_XSAVE = ior("KVM_GET_XSAVE", KVMIO, 0xa4, KvmXsave.LAYOUT.byteSize());
    /** Writes the XSAVE area (kvm_xsave, 4096 bytes). */
    public static final Ioctl KVM_SET_XSAVE = iow("KVM_SET_XSAVE", KVMIO, 0xa5, KvmXsave.LAYOUT.byteSize());
    /** Reads the extended control registers (kvm_xcrs). */
    public static final Ioctl KVM_GET_XCRS = ior("KVM_GET_XCRS", KVMIO, 0xa6, KvmXcrs.LAYOUT.byteSize());
    /** Writes the extended control registers (kvm_xcrs). */
    public static final Ioctl KVM_SET_XCRS = iow("KVM_SET_XCRS", KVMIO, 0xa7, KvmXcrs.LAYOUT.byteSize());

    private KvmIoctls() {
    }
}
