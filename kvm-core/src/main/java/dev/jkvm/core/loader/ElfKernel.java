package dev.jkvm.core.loader;

/** An ELF kernel without a Multiboot header: PVH when it has the Xen entry note, else the Linux 64-bit entry. */
public record ElfKernel(String name, byte[] file, ElfImage elf) implements KernelImage {}
