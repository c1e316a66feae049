package dev.jkvm.core.machine;

import dev.jkvm.core.loader.KernelLoadException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A kernel image to boot, with the name errors should use for it. */
public record Kernel(String name, byte[] image) {
    public static Kernel read(Path path) {
        try {
            if (Files.isDirectory(path)) {
                throw new KernelLoadException("kernel " + path + ": is a directory");
            }
            return new Kernel(path.toString(), Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new KernelLoadException("kernel " + path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new KernelLoadException("kernel " + path + ": permission denied");
        } catch (IOException e) {
            throw new KernelLoadException("kernel " + path + ": cannot read: " + e.getMessage());
        }
    }
}
