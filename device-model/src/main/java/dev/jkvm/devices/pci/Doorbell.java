package dev.jkvm.devices.pci;

/**
 * A write-only location inside a BAR that only signals: the VMM may turn a guest write of {@code length} bytes
 * there into an eventfd (KVM ioeventfd) and call {@link #ring()} from one of its I/O threads, so the write never
 * runs device code on the vCPU thread. A guest access the VMM could not match (another length) still reaches the
 * BAR's handler, which must then ring the same doorbell itself.
 *
 * @param offset where in the BAR
 * @param length the access width the guest uses (virtio: 2 for a queue index)
 * @param name for thread names and logs, e.g. "virtio-blk0 queue 0"
 * @param action what a ring does
 */
public record Doorbell(long offset, int length, String name, Runnable action) {
    public void ring() {
        action.run();
    }
}
