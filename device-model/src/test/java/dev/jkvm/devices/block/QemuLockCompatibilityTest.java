package dev.jkvm.devices.block;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jkvm and QEMU's tools keep each other off an image in both directions. */
class QemuLockCompatibilityTest {

    /** Seconds a QEMU tool may take. */
    private static final int TOOL_SECONDS = 60;

    private Path directory;
    private Path file;

    @BeforeEach
    void createImage() throws IOException {
        directory = ImageDirectories.buffered("qemu-lock");
        file = directory.resolve("disk.img");
        Files.write(file, new byte[1 << 20]);
    }

    @AfterEach
    void deleteImage() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(directory);
    }

    /**
     * Next to a jkvm writer, what needs a stable image (qemu-img convert) or writes (qemu-io) is refused. QEMU 7.2's
     * qemu-img info on a raw image takes no conflicting permission, so it succeeds next to jkvm exactly as it does
     * next to qemu-system-x86_64.
     */
    @Test
    void qemuToolsAreRefusedWhileJkvmWrites() throws Exception {
        Path copy = directory.resolve("copy.img");
        try (RawImage image = RawImage.open(file, false, CacheMode.WRITEBACK)) {
            Result convert = run("qemu-img", "convert", "-f", "raw", "-O", "raw", file.toString(), copy.toString());
            assertNotEquals(0, convert.exit(), "qemu-img convert while jkvm writes: " + convert.output());
            assertTrue(convert.output().contains("Failed to get shared \"write\" lock"), convert.output());

            Result write = run("qemu-io", "-f", "raw", "-c", "write 0 512", file.toString());
            assertNotEquals(0, write.exit(), "qemu-io write while jkvm writes: " + write.output());
            assertTrue(write.output().contains("Failed to get \"write\" lock"), write.output());

            Result info = run("qemu-img", "info", "-f", "raw", file.toString());
            assertEquals(0, info.exit(), "qemu-img info (raw) while jkvm writes: " + info.output());
        }
        Result convert = run("qemu-img", "convert", "-f", "raw", "-O", "raw", file.toString(), copy.toString());
        assertEquals(0, convert.exit(), "qemu-img convert once jkvm closed the image: " + convert.output());
        Files.delete(copy);
    }

    @Test
    void qemuReadersShareWithAJkvmReaderButWritersDoNot() throws Exception {
        Path copy = directory.resolve("copy.img");
        try (RawImage image = RawImage.open(file, true, CacheMode.WRITEBACK)) {
            Result convert = run("qemu-img", "convert", "-f", "raw", "-O", "raw", file.toString(), copy.toString());
            assertEquals(0, convert.exit(), "qemu-img convert next to a jkvm reader: " + convert.output());
            Files.delete(copy);

            Result write = run("qemu-io", "-f", "raw", "-c", "write 0 512", file.toString());
            assertNotEquals(0, write.exit(), "qemu-io write next to a jkvm reader: " + write.output());
            assertTrue(write.output().contains("Failed to get \"write\" lock"), write.output());
        }
        Result write = run("qemu-io", "-f", "raw", "-c", "write -P 0x5a 0 512", file.toString());
        assertEquals(0, write.exit(), "qemu-io write once jkvm closed the image: " + write.output());
        assertEquals(0x5a, Files.readAllBytes(file)[511]);
    }

    @Test
    void jkvmIsRefusedWhileQemuSystemUsesTheImage() throws Exception {
        Process qemu = start("qemu-system-x86_64", "-machine", "pc", "-accel", "tcg", "-S", "-nodefaults",
                "-display", "none", "-drive", "file=" + file + ",if=virtio,format=raw");
        try {
            BlockDeviceException writer = awaitRefusal(qemu, false);
            assertEquals(file + ": Failed to get \"write\" lock: Is another process using the image [" + file + "]?",
                    writer.getMessage());
            BlockDeviceException reader = assertThrows(BlockDeviceException.class,
                    () -> RawImage.open(file, true, CacheMode.WRITEBACK));
            assertEquals(file + ": Failed to get shared \"write\" lock: Is another process using the image [" + file
                    + "]?", reader.getMessage());
        } finally {
            qemu.destroy();
            assertTrue(qemu.waitFor(TOOL_SECONDS, TimeUnit.SECONDS), "qemu-system-x86_64 did not exit");
        }
        try (RawImage image = RawImage.open(file, false, CacheMode.WRITEBACK)) {
            assertEquals(1 << 20, image.size(), "jkvm opens the image once QEMU is gone");
        }
    }

    /**
     * QEMU takes its locks some time after it starts. Watching /proc/locks rather than trying to open the image
     * keeps the test from beating QEMU to the lock.
     */
    private BlockDeviceException awaitRefusal(Process qemu, boolean readOnly) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TOOL_SECONDS);
        while (!ProcLocks.lockedBytes(file).equals(List.of(100, 101, 201))) {
            if (!qemu.isAlive()) {
                throw new AssertionError("qemu-system-x86_64 exited (" + qemu.exitValue() + ") before locking: "
                        + new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("qemu-system-x86_64 did not lock " + file + " within " + TOOL_SECONDS
                        + " s; /proc/locks shows bytes " + ProcLocks.lockedBytes(file));
            }
            Thread.sleep(50);
        }
        return assertThrows(BlockDeviceException.class, () -> RawImage.open(file, readOnly, CacheMode.WRITEBACK));
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... command) throws Exception {
        Process process = start(command);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(TOOL_SECONDS, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Result(process.exitValue(), output);
    }

    private static Process start(String... command) {
        try {
            return new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs " + command[0] + " (QEMU 7.2, Debian qemu-utils and "
                    + "qemu-system-x86), which did not start: " + e.getMessage(), e);
        }
    }
}
