package dev.jkvm.core.loader;

/** How jkvm entered the kernel. */
public enum BootProtocol {
    /** Linux 64-bit boot protocol at the vmlinux entry, the bzImage payload decompressed on the host. */
    LINUX_64_DECOMPRESSED("Linux 64-bit boot protocol, payload decompressed on the host"),
    /** Linux 64-bit boot protocol at the bzImage's own 64-bit entry, which decompresses the payload in the guest. */
    LINUX_64_SELF_DECOMPRESSING("Linux 64-bit boot protocol, bzImage decompresses itself"),
    /** Linux 64-bit boot protocol at a bare vmlinux ELF's entry, with a zero page built from scratch. */
    LINUX_64_VMLINUX("Linux 64-bit boot protocol, vmlinux ELF"),
    /** Xen PVH: 32-bit protected mode at the ELF's XEN_ELFNOTE_PHYS32_ENTRY with hvm_start_info. */
    PVH("PVH"),
    /** Multiboot 0.6.96: 32-bit protected mode with the Multiboot information structure. */
    MULTIBOOT("Multiboot");

    private final String description;

    BootProtocol(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
