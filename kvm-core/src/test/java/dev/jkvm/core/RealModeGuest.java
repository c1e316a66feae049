package dev.jkvm.core;

import dev.jkvm.core.bus.IoBus;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.memory.MemoryRegion;
import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.headers.kvm.KvmRegs;
import dev.jkvm.headers.kvm.KvmSegment;
import dev.jkvm.headers.kvm.KvmSregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A KVM VM with 64 KiB of RAM at address 0 and one vCPU that runs a few real-mode instructions from
 * {@link #CODE_ADDRESS} with CS = DS = 0. Everything above the RAM is unbacked, so guest accesses there are MMIO.
 * The code is short: this host runs ring-0 code in KVM's instruction emulator.
 */
public final class RealModeGuest implements AutoCloseable {
    /** Guest RAM size. */
    public static final long RAM_SIZE = 64 << 10;
    /** Where the code goes and the vCPU starts. */
    public static final long CODE_ADDRESS = 0x1000;
    /** RFLAGS bit 1, which is always set. */
    private static final long RFLAGS_RESERVED = 0x2;
    /** Most exits one run may take before the test gives up on it. */
    private static final int MAX_EXITS = 64;

    public final Kvm kvm;
    public final Vm vm;
    public final GuestMemory memory;
    public final Vcpu vcpu;

    private RealModeGuest(Kvm kvm, Vm vm, GuestMemory memory, Vcpu vcpu) {
        this.kvm = kvm;
        this.vm = vm;
        this.memory = memory;
        this.vcpu = vcpu;
    }

    /** A VM (with the in-kernel irqchip when {@code irqchip}: then HLT never exits, so do not {@link #run}). */
    public static RealModeGuest create(boolean irqchip) {
        Kvm kvm = Kvm.open();
        Vm vm = null;
        GuestMemory memory = null;
        try {
            vm = kvm.createVm();
            vm.setIdentityMapAddress(BootLayout.KVM_IDENTITY_MAP);
            vm.setTssAddress(BootLayout.KVM_TSS);
            if (irqchip) {
                vm.createIrqchip();
            }
            memory = GuestMemory.allocateX86(RAM_SIZE, false);
            for (MemoryRegion region : memory.regions()) {
                vm.setMemoryRegion(region.slot(), region.guestAddress(), region.host(), 0);
            }
            Vcpu vcpu = vm.createVcpu(0);
            try (Arena arena = Arena.ofConfined()) {
                vcpu.setCpuid(kvm.supportedCpuid(arena));
            }
            return new RealModeGuest(kvm, vm, memory, vcpu);
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

    /** Puts {@code code} at {@link #CODE_ADDRESS} and points the vCPU at it, CS and DS 0. */
    public void load(byte[] code) {
        memory.write(CODE_ADDRESS, code);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = arena.allocate(KvmSregs.LAYOUT);
            vcpu.getSregs(sregs);
            for (long segment : new long[] {KvmSregs.OFFSET_CS, KvmSregs.OFFSET_DS}) {
                MemorySegment s = sregs.asSlice(segment, KvmSegment.LAYOUT);
                KvmSegment.SELECTOR.set(s, 0L, (short) 0);
                KvmSegment.BASE.set(s, 0L, 0L);
            }
            vcpu.setSregs(sregs);
            MemorySegment regs = arena.allocate(KvmRegs.LAYOUT);
            KvmRegs.RIP.set(regs, 0L, CODE_ADDRESS);
            KvmRegs.RFLAGS.set(regs, 0L, RFLAGS_RESERVED);
            vcpu.setRegs(regs);
        }
    }

    /** Runs until HLT, sending port I/O to {@code ports} and MMIO to {@code mmio}, as jkvm's dispatcher does. */
    public void run(IoBus ports, IoBus mmio) {
        for (int i = 0; i < MAX_EXITS; i++) {
            switch (vcpu.run()) {
                case VcpuExit.Io io -> {
                    for (int n = 0; n < io.count(); n++) {
                        long at = (long) n * io.size();
                        if (io.in()) {
                            store(io.data(), at, io.size(), ports.read(io.port(), io.size()));
                        } else {
                            ports.write(io.port(), io.size(), load(io.data(), at, io.size()));
                        }
                    }
                }
                case VcpuExit.Mmio m -> {
                    if (m.write()) {
                        mmio.write(m.address(), m.length(), load(m.data(), 0, m.length()));
                    } else {
                        store(m.data(), 0, m.length(), mmio.read(m.address(), m.length()));
                    }
                }
                case VcpuExit.Halt halt -> {
                    return;
                }
                case VcpuExit.InternalError error -> fail("guest stopped: " + vcpu.describeInternalError(error));
                case VcpuExit other -> fail("guest exited with " + other + "; " + vcpu.describeState());
            }
        }
        fail("guest did not halt within " + MAX_EXITS + " exits");
    }

    private static long load(MemorySegment data, long offset, int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, offset + i)) << (Byte.SIZE * i);
        }
        return value;
    }

    private static void store(MemorySegment data, long offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            data.set(ValueLayout.JAVA_BYTE, offset + i, (byte) (value >>> (Byte.SIZE * i)));
        }
    }

    @Override
    public void close() {
        vcpu.close();
        memory.close();
        vm.close();
        kvm.close();
    }
}
