package dev.jkvm.core.x86;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites KVM's supported CPUID for one vCPU of a machine with {@code cpus} cores in one socket, one thread
 * each (QEMU's {@code -smp N} since 6.2): APIC IDs, logical-processor counts and the 0xB topology leaves.
 */
public final class CpuTopology {
    /** Leaf 1 EDX: the package has more than one logical processor. */
    private static final int LEAF1_EDX_HTT = 1 << 28;
    /** Leaf 1 ECX: running under a hypervisor. */
    private static final int LEAF1_ECX_HYPERVISOR = 1 << 31;
    /** Leaf 0xB level type: SMT (threads). */
    private static final int LEVEL_TYPE_SMT = 1;
    /** Leaf 0xB level type: core. */
    private static final int LEVEL_TYPE_CORE = 2;

    private CpuTopology() {
    }

    public static List<CpuidEntry> forVcpu(List<CpuidEntry> supported, int apicId, int cpus) {
        int coreShift = 32 - Integer.numberOfLeadingZeros(Math.max(cpus - 1, 0));
        List<CpuidEntry> out = new ArrayList<>(supported.size() + 3);
        for (CpuidEntry e : supported) {
            switch (e.function()) {
                case 1 -> out.add(new CpuidEntry(1, e.index(), e.flags(), e.eax(),
                        (e.ebx() & 0x0000FFFF) | (apicId << 24) | (Math.min(cpus, 255) << 16),
                        e.ecx() | LEAF1_ECX_HYPERVISOR,
                        cpus > 1 ? e.edx() | LEAF1_EDX_HTT : e.edx() & ~LEAF1_EDX_HTT));
                case 4 -> {
                    int cacheLevel = (e.eax() >>> 5) & 7;
                    int sharing = cacheLevel >= 3 ? cpus - 1 : 0;
                    int eax = (e.eax() & 0x3FFF) | ((sharing & 0xFFF) << 14) | (((cpus - 1) & 0x3F) << 26);
                    out.add(new CpuidEntry(4, e.index(), e.flags(), e.eax() == 0 ? 0 : eax, e.ebx(), e.ecx(), e.edx()));
                }
                case 0xB, 0x1F -> { } // rebuilt below
                default -> out.add(e);
            }
        }
        int flags = CpuidEntry.FLAG_SIGNIFICANT_INDEX;
        out.add(new CpuidEntry(0xB, 0, flags, 0, 1, (LEVEL_TYPE_SMT << 8), apicId));
        out.add(new CpuidEntry(0xB, 1, flags, coreShift, cpus, (LEVEL_TYPE_CORE << 8) | 1, apicId));
        out.add(new CpuidEntry(0xB, 2, flags, 0, 0, 2, apicId));
        return out;
    }
}
