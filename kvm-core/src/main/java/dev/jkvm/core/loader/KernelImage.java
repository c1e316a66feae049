package dev.jkvm.core.loader;

/**
 * A kernel file of one of the kinds jkvm boots, identified the way QEMU's -kernel does: a Linux setup header
 * ("HdrS") makes it a bzImage; otherwise a valid Multiboot header in the first 8 KiB makes it a Multiboot kernel;
 * otherwise an ELF executable is booted through PVH (with the Xen note) or the Linux 64-bit entry.
 */
public sealed interface KernelImage permits BzImage, MultibootImage, ElfKernel {
    String name();

    byte[] file();

    static KernelImage identify(String name, byte[] file) {
        if (BzImage.looksLike(file)) {
            return BzImage.parse(name, file);
        }
        var multiboot = MultibootHeader.find(name, file);
        if (multiboot.isPresent()) {
            return new MultibootImage(name, file, multiboot.get());
        }
        if (ElfImage.isElf(file)) {
            return new ElfKernel(name, file, ElfImage.parse(name, file));
        }
        String hint = MultibootHeader.badChecksumAt(file)
                .stream().mapToObj(at -> String.format(" (a Multiboot magic at 0x%x has a bad checksum)", at))
                .findFirst().orElse("");
        throw new KernelLoadException(name + ": not a kernel jkvm can boot: no ELF header, bzImage setup header or "
                + "multiboot header found" + hint);
    }
}
