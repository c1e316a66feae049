package dev.jkvm.launcher;

import java.util.Set;

/** QEMU's {@code -drive if=}: how a drive reaches the guest. jkvm has virtio-blk only. */
enum DriveInterface {
    /** A virtio-blk PCI device created for the drive at once. */
    VIRTIO("virtio"),
    /** No device: a {@code -device virtio-blk-pci,drive=ID} attaches it. */
    NONE("none");

    /** The other buses QEMU knows, which jkvm does not emulate. */
    private static final Set<String> QEMU_ONLY = Set.of("ide", "scsi", "floppy", "pflash", "mtd", "sd", "xen");

    private final String qemuName;

    DriveInterface(String qemuName) {
        this.qemuName = qemuName;
    }

    String qemuName() {
        return qemuName;
    }

    /** The interface QEMU calls {@code name}, or a message saying why jkvm cannot attach a drive that way. */
    static DriveInterface fromQemuName(String name, OptionList list) {
        for (DriveInterface kind : values()) {
            if (kind.qemuName.equals(name)) {
                return kind;
            }
        }
        throw list.error(QEMU_ONLY.contains(name)
                ? "if=" + name + ": jkvm supports if=virtio and if=none"
                : "if=" + name + ": unsupported bus type (jkvm supports if=virtio and if=none)");
    }
}
