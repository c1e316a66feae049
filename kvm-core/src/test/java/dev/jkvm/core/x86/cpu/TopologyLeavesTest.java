package dev.jkvm.core.x86.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.core.x86.CpuidEntry;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Per-vCPU topology leaves for QEMU's -smp shapes, on an Intel and an AMD host table. */
class TopologyLeavesTest {
    /** CPUID.1:EDX.HTT. */
    private static final int HTT = 1 << 28;

    private static CpuidTable intel(CpuTopology topology, int index) {
        CpuidTable base = SampleCpuid.compose(SampleCpuid.intelHost(), "host");
        return TopologyLeaves.forVcpu(base, topology, topology.apicId(index));
    }

    private static CpuidTable amd(CpuTopology topology, int index) {
        CpuidTable base = SampleCpuid.compose(SampleCpuid.amdHost(), "host,+topoext");
        return TopologyLeaves.forVcpu(base, topology, topology.apicId(index));
    }

    private static CpuidEntry leaf(CpuidTable table, int function, int index) {
        return table.find(function, index).orElseThrow(() -> new AssertionError(
                String.format("no CPUID leaf 0x%x subleaf %d in %s", function, index, table)));
    }

    /** (EAX, EBX, ECX, EDX) of a leaf, for whole-entry comparisons. */
    private static List<Integer> regs(CpuidTable table, int function, int index) {
        CpuidEntry e = leaf(table, function, index);
        return List.of(e.eax(), e.ebx(), e.ecx(), e.edx());
    }

    @Test
    void smp2TwoCoresOneSocket() {
        CpuTopology smp2 = new CpuTopology(1, 2, 1);
        CpuidTable cpu1 = intel(smp2, 1);
        CpuidEntry leaf1 = leaf(cpu1, 1, 0);
        assertEquals(1, leaf1.ebx() >>> 24, "initial APIC ID");
        assertEquals(2, (leaf1.ebx() >>> 16) & 0xFF, "addressable logical processor IDs per package");
        assertEquals(0x08, (leaf1.ebx() >>> 8) & 0xFF, "CLFLUSH line size kept");
        assertTrue((leaf1.edx() & HTT) != 0, "HTT with two logical processors");
        // 0xB: SMT level (shift 0, 1 thread), core level (shift 1, 2 logical processors), then the end.
        assertEquals(List.of(0, 1, 0x100, 1), regs(cpu1, 0xB, 0));
        assertEquals(List.of(1, 2, 0x201, 1), regs(cpu1, 0xB, 1));
        assertEquals(List.of(0, 0, 2, 1), regs(cpu1, 0xB, 2));
        assertEquals(regs(cpu1, 0xB, 1), regs(cpu1, 0x1F, 1), "0x1F repeats 0xB without dies");
        // Leaf 4: L1/L2 private (1 thread), L3 shared by the package (2), 2 addressable cores.
        assertEquals(0, (leaf(cpu1, 4, 0).eax() >>> 14) & 0xFFF);
        assertEquals(0, (leaf(cpu1, 4, 2).eax() >>> 14) & 0xFFF);
        assertEquals(1, (leaf(cpu1, 4, 3).eax() >>> 14) & 0xFFF);
        assertEquals(1, leaf(cpu1, 4, 3).eax() >>> 26);
        assertEquals(0x163, leaf(cpu1, 4, 3).eax() & 0x3FFF, "type, level and self-init kept");
    }

    @Test
    void smp4TwoSocketsOfTwoCores() {
        CpuTopology topology = new CpuTopology(2, 2, 1);
        for (int index = 0; index < 4; index++) {
            CpuidTable cpu = intel(topology, index);
            assertEquals(index, leaf(cpu, 1, 0).ebx() >>> 24, "APIC ID of vCPU " + index);
            assertEquals(2, (leaf(cpu, 1, 0).ebx() >>> 16) & 0xFF, "per package, not per machine");
            assertEquals(List.of(0, 1, 0x100, index), regs(cpu, 0xB, 0));
            assertEquals(List.of(1, 2, 0x201, index), regs(cpu, 0xB, 1));
            assertEquals(1, (leaf(cpu, 4, 3).eax() >>> 14) & 0xFFF, "L3 shared by the package's 2 cores");
            assertEquals(1, leaf(cpu, 4, 0).eax() >>> 26, "2 cores per package");
        }
    }

    @Test
    void smp8TwoSocketsTwoCoresTwoThreads() {
        CpuTopology topology = new CpuTopology(2, 2, 2);
        CpuidTable cpu5 = intel(topology, 5);
        assertEquals(5, leaf(cpu5, 1, 0).ebx() >>> 24);
        assertEquals(4, (leaf(cpu5, 1, 0).ebx() >>> 16) & 0xFF);
        assertEquals(List.of(1, 2, 0x100, 5), regs(cpu5, 0xB, 0), "SMT: shift 1, 2 threads per core");
        assertEquals(List.of(2, 4, 0x201, 5), regs(cpu5, 0xB, 1), "core: shift 2, 4 threads per package");
        assertEquals(List.of(0, 0, 2, 5), regs(cpu5, 0xB, 2));
        assertEquals(regs(cpu5, 0xB, 0), regs(cpu5, 0x1F, 0));
        assertEquals(1, (leaf(cpu5, 4, 0).eax() >>> 14) & 0xFFF, "L1d shared by the core's 2 threads");
        assertEquals(1, (leaf(cpu5, 4, 1).eax() >>> 14) & 0xFFF, "L1i shared by the core's 2 threads");
        assertEquals(1, (leaf(cpu5, 4, 2).eax() >>> 14) & 0xFFF, "L2 shared by the core's 2 threads");
        assertEquals(3, (leaf(cpu5, 4, 3).eax() >>> 14) & 0xFFF, "L3 shared by the package's 4 threads");
        assertEquals(1, leaf(cpu5, 4, 3).eax() >>> 26, "2 cores per package");
        assertEquals(List.of(0, 0, 0, 0), regs(cpu5, 4, 4), "the end of the cache list is untouched");
    }

    @Test
    void oneVcpuHasNoHttAndNoCount() {
        CpuidTable cpu0 = intel(new CpuTopology(1, 1, 1), 0);
        assertEquals(0, leaf(cpu0, 1, 0).ebx() >>> 16);
        assertFalse((leaf(cpu0, 1, 0).edx() & HTT) != 0, "the host's HTT is cleared");
        assertEquals(List.of(0, 1, 0x100, 0), regs(cpu0, 0xB, 0));
        assertEquals(List.of(0, 1, 0x201, 0), regs(cpu0, 0xB, 1));
    }

    @Test
    void amdGetsItsOwnTopologyLeaves() {
        CpuTopology topology = new CpuTopology(2, 2, 2);
        CpuidTable cpu6 = amd(topology, 6);
        CpuidEntry leaf1 = leaf(cpu6, 1, 0);
        assertEquals(6, leaf1.ebx() >>> 24);
        assertEquals(4, (leaf1.ebx() >>> 16) & 0xFF, "AMD: logical processors per package");
        assertEquals(2, leaf(cpu6, 0x8000_0001, 0).ecx() & 2, "CmpLegacy with more than one per package");
        assertEquals(2 << 12 | 3, leaf(cpu6, 0x8000_0008, 0).ecx(), "ApicIdSize 2, NC 3");
        // 0x8000001E: extended APIC ID, one thread sibling on core 1, node = socket 1.
        assertEquals(List.of(6, 1 << 8 | 1, 1, 0), regs(cpu6, 0x8000_001E, 0));
        assertEquals(1, (leaf(cpu6, 0x8000_001D, 0).eax() >>> 14) & 0xFFF, "L1d: 2 threads");
        assertEquals(3, (leaf(cpu6, 0x8000_001D, 3).eax() >>> 14) & 0xFFF, "L3: 4 threads");
        assertEquals(List.of(1, 2, 0x100, 6), regs(cpu6, 0xB, 0));
        assertTrue(cpu6.find(4, 0).isEmpty(), "no Intel cache leaf on AMD (QEMU's x-vendor-cpuid-only)");
    }

    @Test
    void amdWithOneVcpuReportsNoCores() {
        CpuidTable cpu0 = amd(new CpuTopology(1, 1, 1), 0);
        assertEquals(0, leaf(cpu0, 0x8000_0008, 0).ecx());
        assertEquals(0, leaf(cpu0, 0x8000_0001, 0).ecx() & 2, "no CmpLegacy");
        assertEquals(List.of(0, 0, 0, 0), regs(cpu0, 0x8000_001E, 0));
    }
}
