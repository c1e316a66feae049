package dev.jkvm.core.loader;

/** A kernel with a valid Multiboot header in its first 8 KiB. */
public record MultibootImage(String name, byte[] file, MultibootHeader header) implements KernelImage {}
