package dev.jkvm.devices.reset;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.platform.PlatformControl;

import java.util.Objects;

/**
 * The Reset Control Register at 0xCF9 (Intel PIIX/ICH, and QEMU's PIIX3 "rcr"): writing RST_CPU (bit 2) resets
 * the machine, hard or soft as SYS_RST (bit 1) says; jkvm ends the VM either way, as QEMU does under -no-reboot.
 * SYS_RST reads back. This is the register an ACPI FADT's RESET_REG usually names, with RESET_VALUE 0x06.
 */
public final class ResetControlRegister implements BusDevice {
    /** The port. */
    public static final int PORT = 0xCF9;
    /** Bit 1: the next reset is a hard (system) reset rather than a CPU-only one. */
    public static final int SYS_RST = 0x02;
    /** Bit 2: reset now. */
    public static final int RST_CPU = 0x04;
    /** What an ACPI reset writes: a hard reset, now. */
    public static final int HARD_RESET = SYS_RST | RST_CPU;

    private final PlatformControl platform;
    private int value;

    public ResetControlRegister(PlatformControl platform) {
        this.platform = Objects.requireNonNull(platform, "platform");
    }

    @Override
    public synchronized long read(long offset, int size) {
        return value;
    }

    @Override
    public void write(long offset, int size, long written) {
        boolean reset;
        synchronized (this) {
            value = (int) written & SYS_RST;
            reset = (written & RST_CPU) != 0;
        }
        if (reset) {
            platform.reset();
        }
    }
}
