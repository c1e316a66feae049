package dev.jkvm.devices.reset;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.platform.PlatformControl;

import java.util.Objects;

/**
 * PS/2 System Control Port A at 0x92, the "fast A20 and reset" port: bit 1 gates A20 and reads back as written,
 * and raising bit 0 resets the machine (QEMU's port92 resets on its 0→1 edge). KVM never masks A20, so the bit
 * is only remembered.
 */
public final class SystemControlPortA implements BusDevice {
    /** The port. */
    public static final int PORT = 0x92;
    /** Bit 0: fast reset, on a rising edge. */
    public static final int FAST_RESET = 0x01;
    /** Bit 1: A20 enabled. */
    public static final int A20 = 0x02;

    private final PlatformControl platform;
    /** Starts with A20 on, as it is on every machine KVM runs. */
    private int value = A20;

    public SystemControlPortA(PlatformControl platform) {
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
            int previous = value;
            value = (int) written & 0xFF;
            reset = (value & FAST_RESET) != 0 && (previous & FAST_RESET) == 0;
        }
        if (reset) {
            platform.reset();
        }
    }
}
