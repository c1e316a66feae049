package dev.jkvm.testos;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test OS ELF (Xen PVH, linked at 1 MiB) that this module's build compiles and ships as a class-path resource.
 * Nothing is cached: each call reads the resource again, so there is no shared state to go stale.
 */
public final class TestOsImage {

    /** Class-path location of the ELF, where the module's Makefile writes it. */
    public static final String RESOURCE = "/dev/jkvm/testos/testos.elf";

    /** File name {@link #writeTo(Path)} uses. */
    public static final String FILE_NAME = "testos.elf";

    private TestOsImage() {
    }

    /** The ELF's bytes. */
    public static byte[] bytes() {
        try (InputStream in = TestOsImage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("test OS image " + RESOURCE + " is not on the class path: "
                        + "build the testos module (mvn -pl testos install), which needs gcc and make");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading class-path resource " + RESOURCE, e);
        }
    }

    /**
     * Writes the ELF to {@code dir/testos.elf} (creating {@code dir} if needed), for tools that want a file: QEMU's
     * {@code -kernel}, the C benchmark floor.
     *
     * @return the file written
     */
    public static Path writeTo(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            Files.write(file, bytes());
        } catch (IOException e) {
            throw new UncheckedIOException("writing the test OS image to " + file, e);
        }
        return file;
    }
}
