package dev.jkvm.core.machine;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.VmmException;
import dev.jkvm.core.x86.CpuidEntry;
import dev.jkvm.core.x86.cpu.BootMsrs;
import dev.jkvm.core.x86.cpu.CpuSpec;
import dev.jkvm.core.x86.cpu.CpuTopology;
import dev.jkvm.core.x86.cpu.CpuidTable;
import dev.jkvm.core.x86.cpu.GuestCpuid;
import dev.jkvm.core.x86.cpu.LocalApic;
import dev.jkvm.core.x86.cpu.Msr;
import dev.jkvm.core.x86.cpu.Msrs;
import dev.jkvm.core.x86.cpu.TopologyLeaves;

import java.lang.foreign.Arena;
import java.util.List;

/**
 * Gives every vCPU, before it first runs, the CPUID of the {@code -cpu} model with its place in the {@code -smp}
 * topology, the boot MSRs, and the LAPIC's virtual-wire LINT0/LINT1 wiring.
 */
final class CpuSetup {
    /** Where unsupported-feature warnings go (QEMU prints them on stderr too). */
    static final String LOGGER_NAME = CpuSetup.class.getName();
    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);

    private CpuSetup() {
    }

    /** The topology {@code config} describes, in the CPU package's terms. */
    static CpuTopology topology(MachineConfig config) {
        Topology t = config.topology();
        return new CpuTopology(t.sockets(), t.cores(), t.threads());
    }

    /**
     * The KVM vCPU ids to create, in vCPU index order: each vCPU's APIC ID, since KVM_CREATE_VCPU's id becomes
     * the initial APIC ID and must agree with CPUID and the firmware tables.
     */
    static List<Integer> vcpuIds(MachineConfig config) {
        return topology(config).apicIds(config.cpus());
    }

    static void configure(PlatformContext pc) {
        CpuSpec spec = CpuSpec.parse(pc.config().cpuModel());
        CpuTopology topology = topology(pc.config());
        try (Arena arena = Arena.ofConfined()) {
            CpuidTable supported = new CpuidTable(CpuidEntry.read(pc.kvm().supportedCpuid(arena)));
            GuestCpuid guest = GuestCpuid.compose(supported, spec);
            guest.warnings().forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
            List<Msr> msrs = BootMsrs.forGuest(pc.kvm().msrIndexList(), guest.table());
            List<Vcpu> vcpus = pc.vcpus();
            for (int index = 0; index < vcpus.size(); index++) {
                Vcpu vcpu = vcpus.get(index);
                int apicId = topology.apicId(index);
                if (vcpu.id() != apicId) {
                    throw new VmmException("vcpu-" + index + " was created with id " + vcpu.id() + ", but its APIC ID in "
                            + topology + " is " + apicId + " (create vCPUs with CpuSetup.vcpuIds)");
                }
                CpuidTable cpuid = TopologyLeaves.forVcpu(guest.table(), topology, apicId);
                vcpu.setCpuid(CpuidEntry.toKvm(arena, cpuid.entries()));
                Msrs.write(vcpu, msrs);
                LocalApic.wireVirtualWire(vcpu, index == 0);
            }
        }
    }
}
