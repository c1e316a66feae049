package dev.jkvm.core.x86.cpu;

import dev.jkvm.core.x86.CpuidEntry;

/**
 * Writes one vCPU's place in the topology into a CPUID table, as QEMU does for {@code -smp …,sockets=,cores=,
 * threads=}: leaf 1 (initial APIC ID, logical processor count, HTT), Intel's leaf 4 (how many logical processors
 * share each cache, cores per package), leaves 0xB and 0x1F (the SMT and core levels with the APIC ID shifts of
 * {@link CpuTopology}), and on AMD 0x80000001's CmpLegacy, 0x80000008 ECX (APIC ID size and thread count),
 * 0x8000001D (cache sharing) and 0x8000001E (extended APIC ID, core and node IDs).
 *
 * <p>Cache sharing and the core count of leaf 4 are given as counts of addressable IDs (powers of two), as the
 * SDM defines them and as Linux uses them (it shifts APIC IDs by their order); for a power-of-two topology
 * that is exactly the thread and core count.
 */
public final class TopologyLeaves {
    /** CPUID.1:EBX[31:24]: the initial APIC ID. */
    private static final int APIC_ID_SHIFT = 24;
    /** CPUID.1:EBX[23:16]: logical processors (AMD) or addressable IDs (Intel) per package. */
    private static final int LOGICAL_COUNT_SHIFT = 16;
    /** Largest value the 8-bit logical count holds. */
    private static final int LOGICAL_COUNT_MAX = 0xFF;
    /** CPUID.1:EBX[15:0], kept from the model: brand index and CLFLUSH line size. */
    private static final int LEAF1_EBX_KEPT = 0xFFFF;
    /** 0xB/0x1F EBX[15:0]: logical processors at the level. */
    private static final int LEVEL_COUNT_MASK = 0xFFFF;
    /** 0xB/0x1F ECX[15:8]: the level type. */
    private static final int LEVEL_TYPE_SHIFT = 8;
    /** Leaf 4 / 0x8000001D EAX[7:5] once shifted down: the cache level. */
    private static final int CACHE_LEVEL_MASK = 0x7;
    /** 0x8000001E EBX[15:8]: threads per core, minus one. */
    private static final int THREADS_PER_CORE_SHIFT = 8;
    /** 0x8000001E's 8-bit core and node ID fields. */
    private static final int ID_BYTE = 0xFF;
    /** CPUID.1:EDX bit 28: the package has more than one logical processor. */
    private static final int HTT = 1 << 28;
    /** CPUID.80000001H:ECX bit 1: AMD core multiprocessing legacy mode. */
    private static final int CMP_LEGACY = 1 << 1;
    /** 0xB/0x1F ECX[15:8] level type: SMT. */
    private static final int LEVEL_TYPE_SMT = 1;
    /** 0xB/0x1F ECX[15:8] level type: core. */
    private static final int LEVEL_TYPE_CORE = 2;
    /** 0xB/0x1F subleaves jkvm fills: SMT, core, and the invalid level that ends the list. */
    private static final int TOPOLOGY_SUBLEAVES = 3;
    /** Leaf 4 / 0x8000001D EAX[4:0]: cache type, 0 for "no more caches". */
    private static final int CACHE_TYPE_MASK = 0x1F;
    /** Leaf 4 / 0x8000001D EAX[7:5]: cache level. */
    private static final int CACHE_LEVEL_SHIFT = 5;
    /** Leaf 4 / 0x8000001D EAX[25:14]: logical processors sharing the cache, minus one. */
    private static final int CACHE_SHARING_SHIFT = 14;
    /** Width of the sharing field. */
    private static final int CACHE_SHARING_MAX = 0xFFF;
    /** Leaf 4 EAX[31:26]: addressable core IDs in the package, minus one. */
    private static final int CACHE_CORES_SHIFT = 26;
    /** Width of the cores field. */
    private static final int CACHE_CORES_MAX = 0x3F;
    /** The highest cache level private to a core (L1 and L2); higher levels are shared by the package. */
    private static final int CORE_PRIVATE_CACHE_LEVEL = 2;
    /** 0x80000008 ECX[15:12]: APIC ID bits that number threads in the package. */
    private static final int APIC_ID_SIZE_SHIFT = 12;

    private TopologyLeaves() {
    }

    /** {@code table} as the vCPU with APIC ID {@code apicId} must see it. */
    public static CpuidTable forVcpu(CpuidTable table, CpuTopology topology, int apicId) {
        boolean amd = table.vendor().amdLayout();
        int perPackage = topology.threadsPerPackage();
        CpuidTable out = table;

        if (table.find(CpuidLeaves.VERSION, 0).isPresent()) {
            CpuidEntry leaf1 = table.entryOrZero(CpuidLeaves.VERSION, 0);
            // AMD reads EBX[23:16] as the logical processor count, Intel as the addressable ID count.
            int logical = perPackage <= 1 ? 0 : amd ? perPackage : 1 << topology.packageShift();
            out = out.with(new CpuidEntry(CpuidLeaves.VERSION, 0, leaf1.flags(), leaf1.eax(),
                    apicId << APIC_ID_SHIFT | Math.min(logical, LOGICAL_COUNT_MAX) << LOGICAL_COUNT_SHIFT
                            | leaf1.ebx() & LEAF1_EBX_KEPT,
                    leaf1.ecx(), perPackage > 1 ? leaf1.edx() | HTT : leaf1.edx() & ~HTT));
        }
        if (!amd) {
            out = cacheSharing(out, CpuidLeaves.CACHE_PARAMETERS, topology, true);
        }
        if (table.reaches(CpuidLeaves.EXTENDED_TOPOLOGY)) {
            out = extendedTopology(out, CpuidLeaves.EXTENDED_TOPOLOGY, topology, apicId);
        }
        if (table.reaches(CpuidLeaves.EXTENDED_TOPOLOGY_V2)) {
            out = extendedTopology(out, CpuidLeaves.EXTENDED_TOPOLOGY_V2, topology, apicId);
        }
        if (amd) {
            out = amdLeaves(out, topology, apicId);
        }
        return out;
    }

    private static CpuidTable extendedTopology(CpuidTable table, int leaf, CpuTopology topology, int apicId) {
        int flags = CpuidEntry.FLAG_SIGNIFICANT_INDEX;
        CpuidTable out = table.withoutLeaf(leaf);
        out = out.with(new CpuidEntry(leaf, 0, flags, topology.coreShift(), topology.threads() & LEVEL_COUNT_MASK,
                LEVEL_TYPE_SMT << LEVEL_TYPE_SHIFT, apicId));
        out = out.with(new CpuidEntry(leaf, 1, flags, topology.packageShift(),
                topology.threadsPerPackage() & LEVEL_COUNT_MASK, LEVEL_TYPE_CORE << LEVEL_TYPE_SHIFT | 1, apicId));
        return out.with(new CpuidEntry(leaf, TOPOLOGY_SUBLEAVES - 1, flags, 0, 0, TOPOLOGY_SUBLEAVES - 1, apicId));
    }

    /**
     * Rewrites the sharing field of every cache subleaf of {@code leaf}: L1 and L2 are per core, shared by its
     * threads; L3 and beyond are shared by the package. With {@code withCoreCount}, also leaf 4's core field.
     */
    private static CpuidTable cacheSharing(CpuidTable table, int leaf, CpuTopology topology, boolean withCoreCount) {
        CpuidTable out = table;
        for (CpuidEntry e : table.leaf(leaf)) {
            if ((e.eax() & CACHE_TYPE_MASK) == 0) {
                continue;
            }
            int level = (e.eax() >>> CACHE_LEVEL_SHIFT) & CACHE_LEVEL_MASK;
            int sharing = 1 << (level <= CORE_PRIVATE_CACHE_LEVEL ? topology.threadBits() : topology.packageShift());
            int eax = e.eax() & ~(CACHE_SHARING_MAX << CACHE_SHARING_SHIFT)
                    | Math.min(sharing - 1, CACHE_SHARING_MAX) << CACHE_SHARING_SHIFT;
            if (withCoreCount) {
                eax = eax & ~(CACHE_CORES_MAX << CACHE_CORES_SHIFT)
                        | Math.min((1 << topology.coreBits()) - 1, CACHE_CORES_MAX) << CACHE_CORES_SHIFT;
            }
            out = out.with(new CpuidEntry(e.function(), e.index(), e.flags(), eax, e.ebx(), e.ecx(), e.edx()));
        }
        return out;
    }

    private static CpuidTable amdLeaves(CpuidTable table, CpuTopology topology, int apicId) {
        int perPackage = topology.threadsPerPackage();
        CpuidTable out = table;
        if (table.find(CpuidLeaves.EXTENDED_FEATURES, 0).isPresent()) {
            int ecx = table.register(CpuidLeaves.EXTENDED_FEATURES, 0, CpuidRegister.ECX);
            out = out.withRegister(CpuidLeaves.EXTENDED_FEATURES, 0, false, CpuidRegister.ECX,
                    perPackage > 1 ? ecx | CMP_LEGACY : ecx & ~CMP_LEGACY);
        }
        if (table.find(CpuidLeaves.ADDRESS_SIZES, 0).isPresent()) {
            out = out.withRegister(CpuidLeaves.ADDRESS_SIZES, 0, false, CpuidRegister.ECX,
                    perPackage > 1 ? topology.packageShift() << APIC_ID_SIZE_SHIFT | (perPackage - 1) : 0);
        }
        out = cacheSharing(out, CpuidLeaves.AMD_CACHE_TOPOLOGY, topology, false);
        if (table.reaches(CpuidLeaves.AMD_PROCESSOR_TOPOLOGY)) {
            out = out.with(new CpuidEntry(CpuidLeaves.AMD_PROCESSOR_TOPOLOGY, 0, 0, apicId,
                    (topology.threads() - 1) << THREADS_PER_CORE_SHIFT | topology.coreId(apicId) & ID_BYTE,
                    topology.packageId(apicId) & ID_BYTE, 0));
        }
        return out;
    }
}
