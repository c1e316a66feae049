package dev.jkvm.core.machine;

import dev.jkvm.core.VmmException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** An initial RAM disk (or, for multiboot kernels, the modules) to hand to the kernel. */
public record Initrd(String name, byte[] data) {
    public static Initrd read(Path path) {
        try {
            return new Initrd(path.toString(), Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new VmmException("initrd " + path + ": no such file");
        } catch (IOException e) {
            throw new VmmException("initrd " + path + ": cannot read: " + e.getMessage());
        }
    }
}
