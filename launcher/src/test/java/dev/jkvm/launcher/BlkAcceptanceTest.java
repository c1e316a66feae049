package dev.jkvm.launcher;

import dev.jkvm.testos.BlkPattern;
import dev.jkvm.testos.Qemu;
import dev.jkvm.testos.QemuOptions;
import dev.jkvm.testos.QemuResult;
import dev.jkvm.testos.TestOsExit;
import dev.jkvm.testos.TestOsImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test OS's virtio-blk driver against the jkvm command, and the same guest under QEMU: two drives attached both
 * ways pass {@code test=blk} and leave exactly the bytes the pattern says (the very bytes QEMU leaves); data the guest
 * flushed survives a SIGKILL of jkvm; a {@code readonly=on} drive is read-only to the guest and its writes fail with
 * VIRTIO_BLK_S_IOERR, as under QEMU.
 */
class BlkAcceptanceTest {
    private static final Duration LIMIT = Duration.ofMinutes(3);
    /** Size of the first drive's image (the if=virtio one). */
    private static final long A_BYTES = 64L << 20;
    /** Size of the second drive's image (the if=none one a -device attaches). */
    private static final long B_BYTES = 16L << 20;
    /** The exit device the test OS reports PASS and FAIL through, as QEMU's tests give it. */
    private static final String[] DEBUG_EXIT = {"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"};
    /** What test=blk-crash prints once its writes are flushed: the sectors written from 0. */
    private static final Pattern FLUSHED = Pattern.compile("FLUSHED (\\d+)");
    /** test=blk-crash's first write to a read-only drive: type 1 is VIRTIO_BLK_T_OUT, status 1 VIRTIO_BLK_S_IOERR. */
    private static final Pattern WRITE_IOERR =
            Pattern.compile("FAIL blk-crash: drive 0: request type 1 at sector \\d+ ended with status 1");

    @TempDir
    Path dir;

    private static String console(String stdout) {
        return stdout.replace("\r\n", "\n");
    }

    private JkvmProcess jkvm(Path elf, String cmdline, String... drives) throws Exception {
        List<String> args = new ArrayList<>(List.of("-kernel", elf.toString(), "-append", cmdline, "-nographic",
                "-no-reboot"));
        args.addAll(List.of(DEBUG_EXIT));
        args.addAll(List.of(drives));
        return JkvmProcess.run(LIMIT, args.toArray(String[]::new));
    }

    private static QemuResult.Exited qemu(QemuOptions options) throws InterruptedException {
        QemuResult result = Qemu.run(options);
        return assertInstanceOf(QemuResult.Exited.class, result, result::describe);
    }

    private static void assertPattern(Path image, int drive, BlkPattern.Run run) {
        List<String> problems = BlkPattern.verify(image, drive, run);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void twoDrivesPassTestBlkAndLeaveTheSameBytesAsUnderQemu() throws Exception {
        Path elf = TestOsImage.writeTo(dir);
        Path jkvmA = BlkPattern.createImage(Files.createDirectories(dir.resolve("jkvm")).resolve("a.img"), A_BYTES);
        Path jkvmB = BlkPattern.createImage(dir.resolve("jkvm/b.img"), B_BYTES);
        JkvmProcess jkvm = jkvm(elf, "test=blk blk-drives=2",
                "-drive", "file=" + jkvmA + ",if=virtio,serial=jkvm-a",
                "-drive", "file=" + jkvmB + ",if=none,id=d1,cache=none",
                "-device", "virtio-blk-pci,drive=d1,serial=jkvm-b");
        assertEquals(TestOsExit.PASS.qemuStatus(), jkvm.status(), "PASS status; console: " + jkvm.stdout()
                + " stderr: " + jkvm.stderr());
        // As in QEMU, the -device takes the first free slot and the if=virtio drive the next: b is drive 0.
        assertEquals(List.of("blk 0: capacity " + B_BYTES / BlkPattern.SECTOR_SIZE + " sectors, serial jkvm-b",
                "blk 1: capacity " + A_BYTES / BlkPattern.SECTOR_SIZE + " sectors, serial jkvm-a",
                "blk 0: pattern verified, discard and write-zeroes done",
                "blk 1: pattern verified, discard and write-zeroes done",
                "PASS blk"), console(jkvm.stdout()).lines().toList(), "jkvm stderr: " + jkvm.stderr());
        assertEquals("", jkvm.stderr(), "jkvm printed diagnostics");
        assertPattern(jkvmB, 0, BlkPattern.Run.BLK);
        assertPattern(jkvmA, 1, BlkPattern.Run.BLK);

        Path qemuA = BlkPattern.createImage(Files.createDirectories(dir.resolve("qemu")).resolve("a.img"), A_BYTES);
        Path qemuB = BlkPattern.createImage(dir.resolve("qemu/b.img"), B_BYTES);
        QemuResult.Exited qemu = qemu(QemuOptions.of(elf, "test=blk blk-drives=2").withTimeout(LIMIT)
                .withVirtioBlk(qemuB, "jkvm-b").withVirtioBlk(qemuA, "jkvm-a"));
        assertEquals(console(qemu.stdout()), console(jkvm.stdout()), "console, QEMU vs jkvm");
        assertEquals(qemu.status(), jkvm.status(), "exit status, QEMU vs jkvm");
        assertEquals(-1L, Files.mismatch(qemuA, jkvmA), "a.img after QEMU vs after jkvm: first differing byte");
        assertEquals(-1L, Files.mismatch(qemuB, jkvmB), "b.img after QEMU vs after jkvm: first differing byte");
    }

    @ParameterizedTest(name = "cache={0}")
    @ValueSource(strings = {"writeback", "none"})
    void flushedDataSurvivesSigkill(String cache) throws Exception {
        Path elf = TestOsImage.writeTo(dir);
        Path image = BlkPattern.createImage(dir.resolve("crash.img"), B_BYTES);
        long flushedSectors;
        try (LiveVmm jkvm = LiveVmm.jkvm("-kernel", elf.toString(), "-append", "test=blk-crash", "-nographic",
                "-no-reboot", DEBUG_EXIT[0], DEBUG_EXIT[1], "-drive", "file=" + image + ",format=raw,if=virtio,cache="
                        + cache)) {
            Matcher flushed = jkvm.awaitLine(FLUSHED, LIMIT);
            flushedSectors = Long.parseLong(flushed.group(1));
            jkvm.kill();
            assertEquals("", jkvm.stderr(), "jkvm printed diagnostics before the kill");
        }
        assertEquals(BlkPattern.HEAD_SECTORS, flushedSectors, "sectors test=blk-crash reports flushed");
        assertPattern(image, 0, BlkPattern.Run.BLK_CRASH);
    }

    @Test
    void aReadOnlyDriveIsReadOnlyToTheGuestAsUnderQemu() throws Exception {
        Path elf = TestOsImage.writeTo(dir);
        Path image = BlkPattern.createImage(dir.resolve("ro.img"), B_BYTES);
        JkvmProcess jkvm = jkvm(elf, "test=blk blk-drives=1", "-drive", "file=" + image + ",if=virtio,readonly=on");
        assertEquals("FAIL blk: drive 0 is read-only\n", console(jkvm.stdout()), "stderr: " + jkvm.stderr());
        assertEquals(TestOsExit.FAIL.qemuStatus(), jkvm.status(), "stderr: " + jkvm.stderr());
        QemuResult.Exited qemu = qemu(readOnlyUnderQemu(elf, "test=blk blk-drives=1", image));
        assertEquals(console(qemu.stdout()), console(jkvm.stdout()), "console, QEMU vs jkvm");
        assertPattern(image, 0, BlkPattern.Run.UNTOUCHED);
    }

    @Test
    void guestWritesToAReadOnlyDriveFailWithIoerrAsUnderQemu() throws Exception {
        Path elf = TestOsImage.writeTo(dir);
        Path image = BlkPattern.createImage(dir.resolve("ro.img"), B_BYTES);
        JkvmProcess jkvm = jkvm(elf, "test=blk-crash", "-drive", "file=" + image + ",if=virtio,readonly=on");
        assertTrue(WRITE_IOERR.matcher(console(jkvm.stdout()).strip()).matches(),
                "console: " + jkvm.stdout() + " stderr: " + jkvm.stderr());
        assertEquals(TestOsExit.FAIL.qemuStatus(), jkvm.status(), "stderr: " + jkvm.stderr());
        assertPattern(image, 0, BlkPattern.Run.UNTOUCHED);
        QemuResult.Exited qemu = qemu(readOnlyUnderQemu(elf, "test=blk-crash", image));
        assertTrue(WRITE_IOERR.matcher(console(qemu.stdout()).strip()).matches(), qemu.describe());
        assertEquals(qemu.status(), jkvm.status(), "exit status, QEMU vs jkvm");
    }

    private static QemuOptions readOnlyUnderQemu(Path elf, String cmdline, Path image) {
        return QemuOptions.of(elf, cmdline).withTimeout(LIMIT).withExtraArguments(List.of(
                "-drive", "file=" + image + ",format=raw,if=none,id=ro,readonly=on",
                "-device", "virtio-blk-pci,drive=ro"));
    }
}
