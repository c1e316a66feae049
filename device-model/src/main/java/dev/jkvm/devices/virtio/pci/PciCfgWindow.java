package dev.jkvm.devices.virtio.pci;

import static dev.jkvm.devices.virtio.pci.VirtioCapabilities.*;

import dev.jkvm.devices.pci.PciBar;
import dev.jkvm.devices.pci.PciConfigSpace;

import java.util.List;

/**
 * The VIRTIO_PCI_CAP_PCI_CFG capability (virtio 1.2 §4.1.4.9): a window into the BARs through config space, for
 * drivers that cannot map them yet. The driver writes bar, offset and length in the capability; a write to
 * pci_cfg_data then writes that many bytes there, and a read of pci_cfg_data first fetches them. Requests with a
 * bad BAR, width or alignment do nothing, as the specification lets the device choose.
 */
final class PciCfgWindow {
    /** Bytes of pci_cfg_data. */
    private static final int DATA_LENGTH = 4;

    private final PciConfigSpace config;
    private final List<PciBar> bars;
    private final int capability;

    PciCfgWindow(PciConfigSpace config, List<PciBar> bars) {
        this.config = config;
        this.bars = List.copyOf(bars);
        this.capability = VirtioCapabilities.add(config, PCI_CFG_CAP_LENGTH, VirtioPciLayout.CAP_PCI_CFG, 0, 0, 0);
        config.setWritable(capability + BAR, 1, 0xFF);
        config.setWritable(capability + OFFSET, 4, 0xFFFF_FFFF);
        config.setWritable(capability + LENGTH, 4, 0xFFFF_FFFF);
        config.setWritable(capability + EXTENSION, DATA_LENGTH, 0xFFFF_FFFF);
    }

    /** Config-space offset of the capability. */
    int capabilityOffset() {
        return capability;
    }

    /** Whether a config access at [offset, offset + size) touches pci_cfg_data. */
    boolean touchesData(int offset, int size) {
        int data = capability + EXTENSION;
        return offset < data + DATA_LENGTH && data < offset + size;
    }

    /** Before a guest read of pci_cfg_data: fetch from the BAR. Runs without the config-space lock held. */
    void fetch() {
        Target target = target();
        if (target != null) {
            int value = (int) target.bar().handler().read(target.offset(), target.length());
            config.load(capability + EXTENSION, target.length(), value);
        }
    }

    /** After a guest write of pci_cfg_data: store to the BAR. */
    void store() {
        Target target = target();
        if (target != null) {
            long value = Integer.toUnsignedLong(config.read(capability + EXTENSION, target.length()));
            target.bar().handler().write(target.offset(), target.length(), value);
        }
    }

    private record Target(PciBar bar, long offset, int length) {
    }

    private Target target() {
        int barIndex = config.read(capability + BAR, 1);
        long offset = Integer.toUnsignedLong(config.read(capability + OFFSET, 4));
        int length = config.read(capability + LENGTH, 4);
        if (length != 1 && length != 2 && length != 4 || offset % length != 0) {
            return null;
        }
        for (PciBar bar : bars) {
            if (bar.index() == barIndex && offset + length <= bar.size()) {
                return new Target(bar, offset, length);
            }
        }
        return null;
    }
}
