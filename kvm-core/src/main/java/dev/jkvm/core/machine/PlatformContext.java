package dev.jkvm.core.machine;

import dev.jkvm.core.Kvm;
import dev.jkvm.core.Vcpu;
import dev.jkvm.core.Vm;
import dev.jkvm.core.bus.IoBus;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.devices.platform.PlatformControl;

import java.util.List;

/** Everything the pieces that assemble a PC (CPU setup, devices, firmware tables, kernel boot) work on. */
public record PlatformContext(MachineConfig config, Kvm kvm, Vm vm, GuestMemory memory, List<Vcpu> vcpus,
                              IoBus portIo, IoBus mmio, PlatformControl control) {
    public PlatformContext {
        vcpus = List.copyOf(vcpus);
    }

    public Vcpu bsp() {
        return vcpus.getFirst();
    }
}
