package dev.jkvm.core.loader;

import java.util.Objects;

/**
 * A file handed to the kernel next to it: Linux's initrd, a PVH module, or a Multiboot module.
 *
 * @param name    what errors call it (the file name)
 * @param cmdline the module's string for Multiboot and PVH (QEMU passes the -initrd argument itself)
 */
public record BootModule(String name, String cmdline, byte[] data) {
    public BootModule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        cmdline = cmdline == null ? name : cmdline;
    }

    /** A module whose string is its file name, as QEMU's -initrd without arguments gives. */
    public static BootModule of(String name, byte[] data) {
        return new BootModule(name, name, data);
    }
}
