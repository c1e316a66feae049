package dev.jkvm.launcher;

import dev.jkvm.testos.Qemu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static dev.jkvm.launcher.CommandLineErrorsTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * QEMU-style image locking between VMM processes: while one jkvm (or QEMU) has an image open for writing, another
 * jkvm (or QEMU) cannot attach it and says so in one line; read-only drives share an image with each other but keep
 * writers off, as QEMU's do; once the holder is gone (even SIGKILLed: the locks die with the process) the image
 * opens again. The holder runs a guest that never ends ({@code bench=pio iters=0}); it is known to hold its locks
 * when /proc/locks lists some on the image.
 */
class BlkLockingTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** Time a holder gets to start and lock its image. */
    private static final Duration LOCKED_WITHIN = Duration.ofSeconds(60);
    /** Guest command line that runs forever without touching the drive. */
    private static final String IDLE_GUEST = "bench=pio iters=0";
    /** What QEMU and jkvm say when another process holds an image for writing. */
    private static final String WRITE_LOCK_FAILURE = "Failed to get \"write\" lock";
    /** What the demo guest prints under jkvm's default machine. */
    private static final String DEMO_LINE = "jkvm test OS: 1 CPU(s), 128 MiB RAM";
    /** How long a QEMU that took its locks is watched for a late refusal. */
    private static final Duration QEMU_SETTLE = Duration.ofSeconds(2);
    /** Size of the image: the guests here never read it. */
    private static final long IMAGE_BYTES = 1 << 20;

    @TempDir
    Path dir;

    private Path image() throws Exception {
        Path file = dir.resolve("shared.img");
        Files.write(file, new byte[(int) IMAGE_BYTES]);
        return file;
    }

    private static LiveVmm jkvmHolding(Path image, String driveOptions) throws InterruptedException {
        LiveVmm holder = LiveVmm.jkvm("-append", IDLE_GUEST, "-drive", "file=" + image + ",format=raw,if=virtio"
                + driveOptions);
        holder.await("locks on " + image, () -> ProcLocks.anyOn(image), LOCKED_WITHIN);
        return holder;
    }

    /** QEMU paused before the guest's first instruction (-S): it opens and locks its drives at start-up all the same. */
    private static List<String> qemuCommand(Path image, String driveOptions) {
        return List.of(Qemu.require().toString(), "-enable-kvm", "-cpu", "qemu64,-cx16", "-nodefaults",
                "-display", "none", "-monitor", "none", "-serial", "none", "-S",
                "-drive", "file=" + image + ",format=raw,if=virtio" + driveOptions);
    }

    private static void assertDemoRuns(JkvmProcess p) {
        assertEquals(0, p.status(), "power-off status; stderr: " + p.stderr());
        assertEquals(DEMO_LINE + "\n", p.stdout().replace("\r\n", "\n"));
        assertEquals("", p.stderr());
    }

    @Test
    void aSecondJkvmCannotOpenAnImageTheFirstHoldsUntilTheFirstIsKilled() throws Exception {
        Path image = image();
        try (LiveVmm first = jkvmHolding(image, "")) {
            JkvmProcess second = JkvmProcess.run(LIMIT, "-drive", "file=" + image + ",if=virtio");
            assertOneLineError(second, WRITE_LOCK_FAILURE);
            assertOneLineError(second, image.toString());
            assertTrue(first.isAlive(), "the holder must be unaffected" + first.describe());
            first.kill();
        }
        assertDemoRuns(JkvmProcess.run(LIMIT, "-drive", "file=" + image + ",if=virtio"));
    }

    @Test
    void qemuCannotOpenAnImageJkvmHolds() throws Exception {
        Path image = image();
        try (LiveVmm jkvm = jkvmHolding(image, ",cache=none");
             LiveVmm qemu = LiveVmm.start(qemuCommand(image, ""))) {
            assertEquals(1, qemu.awaitExit(LIMIT), "QEMU's status" + qemu.describe());
            assertTrue(qemu.stderr().contains(WRITE_LOCK_FAILURE), qemu.describe());
            assertTrue(jkvm.isAlive(), "the holder must be unaffected" + jkvm.describe());
        }
    }

    @Test
    void jkvmCannotOpenAnImageQemuHolds() throws Exception {
        Path image = image();
        try (LiveVmm qemu = LiveVmm.start(qemuCommand(image, ""))) {
            qemu.await("QEMU's locks on " + image, () -> ProcLocks.anyOn(image), LOCKED_WITHIN);
            JkvmProcess jkvm = JkvmProcess.run(LIMIT, "-drive", "file=" + image + ",if=virtio");
            assertOneLineError(jkvm, WRITE_LOCK_FAILURE);
            assertOneLineError(jkvm, image.toString());
        }
    }

    @Test
    void readOnlyDrivesShareAnImageAndKeepWritersOff() throws Exception {
        Path image = image();
        try (LiveVmm reader = jkvmHolding(image, ",readonly=on")) {
            assertDemoRuns(JkvmProcess.run(LIMIT, "-drive", "file=" + image + ",if=virtio,readonly=on"));
            JkvmProcess writer = JkvmProcess.run(LIMIT, "-drive", "file=" + image + ",if=virtio");
            assertOneLineError(writer, WRITE_LOCK_FAILURE);
            long jkvmLocks = ProcLocks.countOn(image);
            try (LiveVmm qemuReader = LiveVmm.start(qemuCommand(image, ",readonly=on"))) {
                qemuReader.await("QEMU's read-only locks beside jkvm's",
                        () -> ProcLocks.countOn(image) > jkvmLocks, LOCKED_WITHIN);
                // A refused QEMU drops the locks it took to test and exits at once; one that stays has the image.
                Thread.sleep(QEMU_SETTLE);
                assertTrue(qemuReader.isAlive(), "QEMU must share the image with a jkvm reader" + qemuReader.describe());
            }
            assertTrue(reader.isAlive(), "the holder must be unaffected" + reader.describe());
        }
    }

    @Test
    void aReadOnlyDriveNeedsNoWritePermission() throws Exception {
        // Root may write anything, so these run without the capabilities that bypass file modes, on an image
        // nobody may write.
        Path image = image();
        Files.setPosixFilePermissions(image, Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
        assertTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is needed to drop capabilities");
        List<String> unprivileged = List.of("/usr/bin/setpriv", "--inh-caps=-all",
                "--bounding-set=-dac_override,-dac_read_search");
        assertDemoRuns(JkvmProcess.run(LIMIT, unprivileged, "-drive", "file=" + image + ",if=virtio,readonly=on"));
        JkvmProcess writable = JkvmProcess.run(LIMIT, unprivileged, "-drive", "file=" + image + ",if=virtio");
        assertOneLineError(writable, image.toString());
        assertOneLineError(writable, "EACCES");
    }
}
