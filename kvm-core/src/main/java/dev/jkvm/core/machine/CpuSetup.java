package dev.jkvm.core.machine;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.x86.CpuTopology;
import dev.jkvm.core.x86.CpuidEntry;

import java.lang.foreign.Arena;
import java.util.List;

/** Gives every vCPU its CPUID (topology included) before it first runs. */
final class CpuSetup {
    private CpuSetup() {
    }

    static void configure(PlatformContext pc) {
        try (Arena arena = Arena.ofConfined()) {
            List<CpuidEntry> supported = CpuidEntry.read(pc.kvm().supportedCpuid(arena));
            int cpus = pc.config().cpus();
            for (Vcpu vcpu : pc.vcpus()) {
                vcpu.setCpuid(CpuidEntry.toKvm(arena, CpuTopology.forVcpu(supported, vcpu.id(), cpus)));
            }
        }
    }
}
