package dev.jkvm.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether any process holds a lock on a file, from /proc/locks, whose lines name the locked file as
 * {@code MAJOR:MINOR:INODE} (hex device numbers): the signal that a VMM has opened and locked an image.
 */
final class ProcLocks {
    /** The kernel's table of held file locks. */
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private ProcLocks() {
    }

    /** True when some process holds a lock (of any kind) on {@code file}. */
    static boolean anyOn(Path file) {
        return countOn(file) > 0;
    }

    /** How many locks (lines of /proc/locks; QEMU-style image locking takes one per byte) are held on {@code file}. */
    static long countOn(Path file) {
        try {
            long dev = (Long) Files.getAttribute(file, "unix:dev");
            long inode = (Long) Files.getAttribute(file, "unix:ino");
            // glibc's major()/minor() split of st_dev
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            String key = String.format("%02x:%02x:%d", major, minor, inode);
            return Files.readAllLines(PROC_LOCKS).stream()
                    .filter(line -> Arrays.asList(line.trim().split("\\s+")).contains(key))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + PROC_LOCKS + " for " + file, e);
        }
    }
}
