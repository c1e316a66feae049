package dev.jkvm.core.loader;

import dev.jkvm.core.Kvm;
import dev.jkvm.core.Vcpu;
import dev.jkvm.core.VcpuExit;
import dev.jkvm.core.Vm;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.memory.MemoryRegion;
import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.core.x86.E820Entry;
import dev.jkvm.headers.kvm.KvmRegs;
import dev.jkvm.headers.kvm.KvmSregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/** A bare KVM VM with guest RAM and one vCPU (CPUID set, nothing else), for loading kernels and running probes. */
final class TestVm implements AutoCloseable {
    /** Most exits a probe may take before the test gives up on it. */
    private static final int MAX_EXITS = 64;

    final Kvm kvm;
    final Vm vm;
    final GuestMemory memory;
    final Vcpu vcpu;

    private TestVm(Kvm kvm, Vm vm, GuestMemory memory, Vcpu vcpu) {
        this.kvm = kvm;
        this.vm = vm;
        this.memory = memory;
        this.vcpu = vcpu;
    }

    static TestVm create(long memoryMiB) {
        Kvm kvm = Kvm.open();
        Vm vm = null;
        GuestMemory memory = null;
        try {
            vm = kvm.createVm();
            vm.setIdentityMapAddress(BootLayout.KVM_IDENTITY_MAP);
            vm.setTssAddress(BootLayout.KVM_TSS);
            memory = GuestMemory.allocateX86(memoryMiB << 20, false);
            for (MemoryRegion region : memory.regions()) {
                vm.setMemoryRegion(region.slot(), region.guestAddress(), region.host(), 0);
            }
            Vcpu vcpu = vm.createVcpu(0);
            try (Arena arena = Arena.ofConfined()) {
                vcpu.setCpuid(kvm.supportedCpuid(arena));
            }
            return new TestVm(kvm, vm, memory, vcpu);
        } catch (RuntimeException e) {
            if (memory != null) {
                memory.close();
            }
            if (vm != null) {
                vm.close();
            }
            kvm.close();
            throw e;
        }
    }

    BootRequest request(String name, byte[] kernel, String cmdline, List<BootModule> modules, long rsdp) {
        return new BootRequest(name, kernel, cmdline, modules, rsdp, E820Entry.pcMap(memory));
    }

    LoadedKernel load(BootRequest request) {
        return KernelLoader.load(request, memory, vcpu);
    }

    /**
     * Runs the vCPU until it halts and returns what it did: "out XXXXXXXX" for each 32-bit write to the probe port,
     * "mmio-read ADDRESS" for each read without RAM behind it, then "halt".
     */
    List<String> runProbe() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < MAX_EXITS; i++) {
            VcpuExit exit = vcpu.run();
            switch (exit) {
                case VcpuExit.Io io when !io.in() && io.port() == TestImages.PROBE_PORT && io.size() == 4 ->
                        events.add(String.format("out %08x", io.data().get(ValueLayout.JAVA_INT_UNALIGNED, 0)));
                case VcpuExit.Mmio mmio when !mmio.write() -> {
                    events.add(String.format("mmio-read %x", mmio.address()));
                    mmio.data().fill((byte) 0);
                }
                case VcpuExit.Halt halt -> {
                    events.add("halt");
                    return events;
                }
                case VcpuExit.InternalError error -> fail("probe stopped with " + vcpu.describeInternalError(error)
                        + " after " + events);
                default -> fail("probe exited with " + exit + " after " + events + "; " + vcpu.describeState());
            }
        }
        return fail("probe did not halt within " + MAX_EXITS + " exits: " + events);
    }

    /** kvm_sregs and kvm_regs as the vCPU has them now. */
    record CpuState(MemorySegment sregs, MemorySegment regs) {
        long cr0() {
            return (long) KvmSregs.CR0.get(sregs, 0L);
        }

        long cr3() {
            return (long) KvmSregs.CR3.get(sregs, 0L);
        }

        long cr4() {
            return (long) KvmSregs.CR4.get(sregs, 0L);
        }

        long efer() {
            return (long) KvmSregs.EFER.get(sregs, 0L);
        }

        long rip() {
            return (long) KvmRegs.RIP.get(regs, 0L);
        }

        long rsi() {
            return (long) KvmRegs.RSI.get(regs, 0L);
        }

        long rax() {
            return (long) KvmRegs.RAX.get(regs, 0L);
        }

        long rbx() {
            return (long) KvmRegs.RBX.get(regs, 0L);
        }

        long rflags() {
            return (long) KvmRegs.RFLAGS.get(regs, 0L);
        }

        MemorySegment segment(long offset) {
            return sregs.asSlice(offset, dev.jkvm.headers.kvm.KvmSegment.LAYOUT);
        }
    }

    CpuState cpuState(Arena arena) {
        MemorySegment sregs = arena.allocate(KvmSregs.LAYOUT);
        MemorySegment regs = arena.allocate(KvmRegs.LAYOUT);
        vcpu.getSregs(sregs);
        vcpu.getRegs(regs);
        return new CpuState(sregs, regs);
    }

    @Override
    public void close() {
        vcpu.close();
        memory.close();
        vm.close();
        kvm.close();
    }
}
