package dev.jkvm.devices.pci.msi;

/** Where a device with MSI-X gets its vectors from, one per table entry, at creation time. */
@FunctionalInterface
public interface MsiVectorFactory {
    /** A vector named for logs, e.g. "virtio-blk0 vector 1". */
    MsiVector create(String name);
}
