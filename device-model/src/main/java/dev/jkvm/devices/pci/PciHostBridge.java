package dev.jkvm.devices.pci;

import dev.jkvm.devices.irq.InterruptLine;

import java.util.List;

/**
 * The host bridge at bus 0 slot 0, with the Intel 440FX PMC's IDs so firmware and operating systems recognise
 * the chipset they expect on a PC (SeaBIOS and Linux look for 8086:1237). It has no BARs and no interrupt pin;
 * the chipset registers the real 440FX keeps in its device-specific space (PAM, SMRAM) are not modelled.
 */
public final class PciHostBridge implements PciDevice {
    /** Intel's vendor ID. */
    public static final int VENDOR_INTEL = 0x8086;
    /** 82441FX PMC (440FX host bridge). */
    public static final int DEVICE_82441FX = 0x1237;
    /** Revision of the 440FX QEMU models. */
    public static final int REVISION = 0x02;
    /** Bridge device, host bridge. */
    public static final int CLASS_HOST_BRIDGE = 0x06_00_00;

    private final PciConfigSpace config = new PciConfigSpace(
            new PciIdentity(VENDOR_INTEL, DEVICE_82441FX, REVISION, CLASS_HOST_BRIDGE, 0, 0, 0), List.of());

    @Override
    public int configRead(int offset, int size) {
        return config.read(offset, size);
    }

    @Override
    public void configWrite(int offset, int size, int value) {
        config.write(offset, size, value);
    }

    @Override
    public List<PciBar> bars() {
        return List.of();
    }

    @Override
    public void attach(PciBarMapper mapper, InterruptLine intx) {
        config.attach(mapper, intx);
    }
}
