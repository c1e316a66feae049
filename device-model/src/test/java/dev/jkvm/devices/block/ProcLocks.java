package dev.jkvm.devices.block;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the kernel says is locked: /proc/locks, filtered to one file's OFD locks. */
final class ProcLocks {
    private ProcLocks() {
    }

    /**
     * Every byte of {@code file} under an OFD lock by anyone, sorted, with duplicates when several hold one; each
     * line must be a read (shared) lock, as QEMU's and jkvm's all are.
     */
    static List<Integer> lockedBytes(Path file) {
        try {
            long inode = (Long) Files.getAttribute(file, "unix:ino");
            List<Integer> bytes = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                // "1: OFDLCK ADVISORY  READ -1 fe:00:2187811 100 101"
                String[] fields = line.trim().split("\\s+");
                if (fields.length >= 8 && fields[1].equals("OFDLCK") && fields[5].endsWith(":" + inode)) {
                    if (!fields[3].equals("READ")) {
                        throw new AssertionError("an exclusive lock on " + file + ": " + line);
                    }
                    for (int b = Integer.parseInt(fields[6]); b <= Integer.parseInt(fields[7]); b++) {
                        bytes.add(b);
                    }
                }
            }
            bytes.sort(null);
            return bytes;
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc/locks: " + e, e);
        }
    }
}
