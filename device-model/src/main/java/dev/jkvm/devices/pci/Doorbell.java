package dev.jkvm.devices.pci;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * A write-only location inside a BAR that only signals: the VMM may turn a guest write of {@code length} bytes
 * there into an eventfd (KVM ioeventfd) and call {@link #ring()} from one of its I/O threads, so the write never
 * runs device code on the vCPU thread. A guest access the VMM could not match (another length) still reaches the
 * BAR's handler, which must then ring the same doorbell itself.
 *
 * <p>A device whose I/O thread already sleeps on an eventfd of its own may name it as {@code signalFd}: the VMM then
 * has the guest's write signal that eventfd directly, with no thread of the VMM's in between, and does not call
 * {@link #ring()} for it. A signal there must mean to the device exactly what a ring means.
 *
 * @param offset where in the BAR
 * @param length the access width the guest uses (virtio: 2 for a queue index)
 * @param name for thread names and logs, e.g. "virtio-blk0 queue 0"
 * @param action what a ring does
 * @param signalFd the device's own eventfd for these writes, or empty to be rung
 */
public record Doorbell(long offset, int length, String name, Runnable action, OptionalInt signalFd) {
    public Doorbell {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(signalFd, "signalFd");
    }

    /** A doorbell the VMM rings. */
    public Doorbell(long offset, int length, String name, Runnable action) {
        this(offset, length, name, action, OptionalInt.empty());
    }

    public void ring() {
        action.run();
    }
}
