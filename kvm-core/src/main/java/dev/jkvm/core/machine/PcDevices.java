package dev.jkvm.core.machine;

import dev.jkvm.core.memory.MemoryRegion;
import dev.jkvm.devices.acpi.Pm1Block;
import dev.jkvm.devices.bus.IgnoredRange;
import dev.jkvm.devices.debugexit.DebugExit;
import dev.jkvm.devices.i8042.I8042;
import dev.jkvm.devices.reset.ResetControlRegister;
import dev.jkvm.devices.reset.SystemControlPortA;
import dev.jkvm.devices.rtc.CmosRtc;
import dev.jkvm.devices.rtc.PcCmosContents;
import dev.jkvm.devices.serial.Uart16550;

/**
 * The PC's fixed devices, registered on the machine's buses: COM1, the ACPI PM1 block, the POST port, the CMOS
 * RTC, the 8042 keyboard controller (ports 0x60 and 0x64 only: 0x61 is the in-kernel PIT's speaker port), the
 * reset ports 0x92 and 0xCF9, and isa-debug-exit when configured.
 */
public record PcDevices(Uart16550 uart, CmosRtc rtc, I8042 keyboardController) {
    /** Where RAM counts as "above 4 GiB" for the CMOS memory fields. */
    private static final long FOUR_GIB = 1L << 32;

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

        CmosRtc rtc = new CmosRtc(cmosContents(pc));
        pc.portIo().register("CMOS RTC", CmosRtc.BASE, CmosRtc.PORT_COUNT, rtc);
        I8042 i8042 = new I8042(pc.control(), new KvmInterruptLine(pc.vm(), I8042.KEYBOARD_IRQ),
                new KvmInterruptLine(pc.vm(), I8042.AUX_IRQ));
        pc.portIo().register("i8042 data", I8042.DATA_PORT, 1, i8042.dataPort());
        pc.portIo().register("i8042 command", I8042.COMMAND_PORT, 1, i8042.commandPort());
        pc.portIo().register("system control port A", SystemControlPortA.PORT, 1, new SystemControlPortA(pc.control()));
        pc.portIo().register("reset control", ResetControlRegister.PORT, 1, new ResetControlRegister(pc.control()));
        return new PcDevices(uart, rtc, i8042);
    }

    /** The CMOS memory and CPU fields, from the RAM regions the machine actually has. */
    static PcCmosContents cmosContents(PlatformContext pc) {
        long below = 0;
        long above = 0;
        for (MemoryRegion region : pc.memory().regions()) {
            long start = region.guestAddress();
            long end = region.end();
            below += Math.max(0, Math.min(end, FOUR_GIB) - start);
            above += Math.max(0, end - Math.max(start, FOUR_GIB));
        }
        return new PcCmosContents(below, above, pc.config().cpus());
    }
}
