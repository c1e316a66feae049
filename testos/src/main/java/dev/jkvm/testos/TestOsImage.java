package dev.jkvm.testos;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test OS images this module's build compiles and ships as class-path resources, both linked at 1 MiB from the
 * same code: {@code testos.elf} boots through its Xen PVH note, {@code testos-multiboot.elf} through a Multiboot v1
 * header (a.out kludge, so loaders take the ELF64 file as a flat image). Every mode prints the same under both.
 * Nothing is cached: each call reads the resource again, so there is no shared state to go stale.
 */
public final class TestOsImage {

    /** Class-path location of the PVH ELF, where the module's Makefile writes it. */
    public static final String RESOURCE = "/dev/jkvm/testos/testos.elf";

    /** File name {@link #writeTo(Path)} uses. */
    public static final String FILE_NAME = "testos.elf";

    /** Class-path location of the Multiboot ELF, next to the PVH one. */
    public static final String MULTIBOOT_RESOURCE = "/dev/jkvm/testos/testos-multiboot.elf";

    /** File name {@link #writeMultibootTo(Path)} uses. */
    public static final String MULTIBOOT_FILE_NAME = "testos-multiboot.elf";

    private TestOsImage() {
    }

    /** The PVH ELF's bytes. */
    public static byte[] bytes() {
        return read(RESOURCE);
    }

    /** The Multiboot ELF's bytes. */
    public static byte[] multibootBytes() {
        return read(MULTIBOOT_RESOURCE);
    }

    /**
     * Writes the PVH ELF to {@code dir/testos.elf} (creating {@code dir} if needed), for tools that want a file:
     * QEMU's {@code -kernel}, the C benchmark floor.
     *
     * @return the file written
     */
    public static Path writeTo(Path dir) {
        return write(dir.resolve(FILE_NAME), bytes());
    }

    /**
     * Writes the Multiboot ELF to {@code dir/testos-multiboot.elf} (creating {@code dir} if needed).
     *
     * @return the file written
     */
    public static Path writeMultibootTo(Path dir) {
        return write(dir.resolve(MULTIBOOT_FILE_NAME), multibootBytes());
    }

    private static byte[] read(String resource) {
        try (InputStream in = TestOsImage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test OS image " + resource + " is not on the class path: "
                        + "build the testos module (mvn -pl testos install), which needs gcc and make");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading class-path resource " + resource, e);
        }
    }

    private static Path write(Path file, byte[] image) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, image);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the test OS image to " + file, e);
        }
        return file;
    }
}
