package dev.jkvm.devices.virtio.pci;

import static dev.jkvm.devices.pci.PciConfigRegisters.CAP_ID_VENDOR;

import dev.jkvm.devices.pci.PciConfigSpace;

/** Writes struct virtio_pci_cap and its extensions into config space (virtio 1.2 §4.1.4). */
final class VirtioCapabilities {
    /** Bytes of struct virtio_pci_cap. */
    static final int CAP_LENGTH = 16;
    /** Bytes of struct virtio_pci_notify_cap: the cap plus notify_off_multiplier. */
    static final int NOTIFY_CAP_LENGTH = 20;
    /** Bytes of struct virtio_pci_cfg_cap: the cap plus pci_cfg_data. */
    static final int PCI_CFG_CAP_LENGTH = 20;
    /** Offset of cap_len. */
    static final int CAP_LEN = 2;
    /** Offset of cfg_type. */
    static final int CFG_TYPE = 3;
    /** Offset of bar. */
    static final int BAR = 4;
    /** Offset of the le32 offset within the BAR. */
    static final int OFFSET = 8;
    /** Offset of the le32 length of the structure. */
    static final int LENGTH = 12;
    /** Offset of notify_off_multiplier in the notify cap, and of pci_cfg_data in the PCI cfg cap. */
    static final int EXTENSION = 16;

    private VirtioCapabilities() {
    }

    /** Appends a vendor capability of {@code capLength} bytes describing {@code length} bytes at {@code offset} of {@code bar}. */
    static int add(PciConfigSpace config, int capLength, int cfgType, int bar, int offset, int length) {
        int at = config.addCapability(CAP_ID_VENDOR, capLength);
        config.load(at + CAP_LEN, 1, capLength);
        config.load(at + CFG_TYPE, 1, cfgType);
        config.load(at + BAR, 1, bar);
        config.load(at + OFFSET, 4, offset);
        config.load(at + LENGTH, 4, length);
        return at;
    }
}
