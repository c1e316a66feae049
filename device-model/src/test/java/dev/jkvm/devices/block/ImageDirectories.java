package dev.jkvm.devices.block;

import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the image tests put their files. Buffered I/O works anywhere; O_DIRECT needs a file system that has it
 * (tmpfs before Linux 6.6 refuses it with EINVAL), so the cache=none tests look for one, starting with the Maven
 * target directory, and fail saying what each candidate answered when none has it.
 */
public final class ImageDirectories {

    /** Size of the O_DIRECT probe write: one page. */
    private static final int PROBE_SIZE = 4096;

    private ImageDirectories() {
    }

    /** A fresh directory on a file system where an aligned O_DIRECT write works. */
    public static Path directIo(String testName) throws IOException {
        List<Path> candidates = List.of(Path.of("target", "image-tests").toAbsolutePath(),
                Path.of("/var/tmp"), Path.of(System.getProperty("java.io.tmpdir")));
        List<String> refusals = new ArrayList<>();
        for (Path candidate : candidates) {
            Files.createDirectories(candidate);
            Path directory = Files.createTempDirectory(candidate, testName + "-");
            String refusal = directIoRefusal(directory);
            if (refusal == null) {
                return directory;
            }
            refusals.add(candidate + " (" + fileSystem(candidate) + "): " + refusal);
            Files.delete(directory);
        }
        throw new AssertionError("this host has no directory where O_DIRECT works, which cache=none needs: "
                + String.join("; ", refusals));
    }

    /** A fresh directory for buffered images. */
    public static Path buffered(String testName) throws IOException {
        Path base = Path.of("target", "image-tests").toAbsolutePath();
        Files.createDirectories(base);
        return Files.createTempDirectory(base, testName + "-");
    }

    private static String directIoRefusal(Path directory) {
        Path probe = directory.resolve("o_direct-probe");
        try (Arena arena = Arena.ofConfined()) {
            int fd = Libc.open(probe.toString(), Libc.O_RDWR | Libc.O_CREAT | Libc.O_DIRECT | Libc.O_CLOEXEC, 0600);
            try {
                MemorySegment page = arena.allocate(PROBE_SIZE, PROBE_SIZE);
                Libc.pwrite(fd, page, 0);
            } finally {
                Libc.close(fd);
                Files.deleteIfExists(probe);
            }
            return null;
        } catch (NativeException e) {
            return e.getMessage();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String fileSystem(Path path) {
        try {
            return Files.getFileStore(path).type();
        } catch (IOException e) {
            return "file system unknown: " + e.getMessage();
        }
    }
}
