package dev.jkvm.core.machine;

import dev.jkvm.devices.acpi.Pm1Block;
import dev.jkvm.devices.bus.IgnoredRange;
import dev.jkvm.devices.debugexit.DebugExit;
import dev.jkvm.devices.serial.Uart16550;

/** The PC's fixed devices, registered on the machine's buses. */
public record PcDevices(Uart16550 uart) {
    public static PcDevices install(PlatformContext pc) {
        MachineConfig config = pc.config();
        Uart16550 uart = new Uart16550(new KvmInterruptLine(pc.vm(), Uart16550.COM1_IRQ), config.console());
        pc.portIo().register("serial (COM1)", Uart16550.COM1_BASE, Uart16550.REGISTER_COUNT, uart);
        if (config.debugExit() != null) {
            pc.portIo().register("isa-debug-exit", config.debugExit().base(), config.debugExit().size(),
                    new DebugExit(pc.control()));
        }
        pc.portIo().register("ACPI PM1 block", Pm1Block.DEFAULT_BASE, Pm1Block.BLOCK_LENGTH,
                new Pm1Block(pc.control(), new KvmInterruptLine(pc.vm(), Pm1Block.SCI_IRQ)));
        pc.portIo().register("POST port", IgnoredRange.POST_PORT, 1, new IgnoredRange());
        return new PcDevices(uart);
    }
}
