package dev.jkvm.core.x86.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The MSR values a vCPU starts with, as Firecracker's and QEMU's reset set them: the SYSENTER and SYSCALL MSRs
 * and KERNEL_GS_BASE cleared, IA32_MISC_ENABLE with fast strings on, and the MTRRs enabled with write-back as the
 * default type (no variable or fixed ranges, so all RAM is write-back).
 *
 * <p>IA32_TSC is deliberately not written: KVM starts the TSCs of vCPUs created together in step, and treats a
 * host write of 0 as "synchronise with the other vCPUs" rather than as a value (kvm_synchronize_tsc), so writing
 * it would add nothing; measured here, a written 0 reads back as the running count.
 */
public final class BootMsrs {
    /** IA32_SYSENTER_CS: code segment for SYSENTER. */
    public static final int IA32_SYSENTER_CS = 0x174;
    /** IA32_SYSENTER_ESP: stack pointer for SYSENTER. */
    public static final int IA32_SYSENTER_ESP = 0x175;
    /** IA32_SYSENTER_EIP: entry point for SYSENTER. */
    public static final int IA32_SYSENTER_EIP = 0x176;
    /** IA32_MISC_ENABLE: miscellaneous processor features. */
    public static final int IA32_MISC_ENABLE = 0x1A0;
    /** IA32_MTRR_DEF_TYPE: MTRR enable bits and the default memory type. */
    public static final int IA32_MTRR_DEF_TYPE = 0x2FF;
    /** IA32_STAR: SYSCALL/SYSRET segment selectors. */
    public static final int IA32_STAR = 0xC000_0081;
    /** IA32_LSTAR: 64-bit SYSCALL entry point. */
    public static final int IA32_LSTAR = 0xC000_0082;
    /** IA32_CSTAR: compatibility-mode SYSCALL entry point (AMD). */
    public static final int IA32_CSTAR = 0xC000_0083;
    /** IA32_FMASK (SYSCALL_MASK): RFLAGS bits SYSCALL clears. */
    public static final int IA32_FMASK = 0xC000_0084;
    /** IA32_KERNEL_GS_BASE: the GS base SWAPGS exchanges. */
    public static final int IA32_KERNEL_GS_BASE = 0xC000_0102;

    /** IA32_MISC_ENABLE bit 0: fast-string operation (REP MOVS/STOS) enabled, as firmware leaves it. */
    public static final long MISC_ENABLE_FAST_STRING = 1;
    /** IA32_MTRR_DEF_TYPE bit 11: MTRRs enabled. */
    public static final long MTRR_ENABLE = 1L << 11;
    /** Memory type 6: write-back. */
    public static final long MEMORY_TYPE_WRITE_BACK = 6;

    /** The MSRs cleared at boot. */
    private static final List<Integer> CLEARED = List.of(IA32_SYSENTER_CS, IA32_SYSENTER_ESP, IA32_SYSENTER_EIP,
            IA32_STAR, IA32_LSTAR, IA32_CSTAR, IA32_FMASK, IA32_KERNEL_GS_BASE);

    private BootMsrs() {
    }

    /**
     * The boot MSRs for a guest with CPUID {@code cpuid}, limited to those in KVM's MSR index list. The MTRR
     * default type is the exception: KVM emulates the MTRRs for every guest whose CPUID has MTRR but does not list
     * them, and QEMU and Firecracker set it all the same; without it the guest would see its MTRRs disabled,
     * which makes all memory uncachable to an OS that believes them.
     */
    public static List<Msr> forGuest(Set<Integer> kvmIndices, CpuidTable cpuid) {
        List<Msr> msrs = new ArrayList<>();
        for (int index : CLEARED) {
            if (kvmIndices.contains(index)) {
                msrs.add(new Msr(index, 0));
            }
        }
        if (kvmIndices.contains(IA32_MISC_ENABLE)) {
            msrs.add(new Msr(IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING));
        }
        if ((cpuid.featureBits(CpuFeature.MTRR.word()) & CpuFeature.MTRR.mask()) != 0) {
            msrs.add(new Msr(IA32_MTRR_DEF_TYPE, MTRR_ENABLE | MEMORY_TYPE_WRITE_BACK));
        }
        return List.copyOf(msrs);
    }
}
