package dev.jkvm.testos;

import static dev.jkvm.testos.QemuRuns.assertRun;
import static dev.jkvm.testos.QemuRuns.boot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test OS's virtio-blk driver (modern virtio-pci transport, MSI-X, split rings with indirect descriptors and
 * event indices) against QEMU's virtio-blk, then the image files checked byte for byte with {@link BlkPattern}, the
 * same checker the jkvm-side tests use. The block benches are in {@link QemuBlkBenchTest}.
 */
class QemuBlkTest {

    /** Bytes of the first drive's image. */
    private static final long FIRST_IMAGE_BYTES = 64L << 20;

    /** Bytes of the second drive's image. */
    private static final long SECOND_IMAGE_BYTES = 16L << 20;

    /** Time allowed for the crash test's guest to report its flush. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void twoDrivesGetThePatternAndTheImagesHoldIt() throws InterruptedException {
        Path first = BlkPattern.createImage(dir.resolve("a.img"), FIRST_IMAGE_BYTES);
        Path second = BlkPattern.createImage(dir.resolve("b.img"), SECOND_IMAGE_BYTES);
        QemuOptions options = QemuOptions.of(TestOsImage.writeTo(dir), "test=blk blk-drives=2")
                .withVirtioBlk(first, "jkvm-a").withVirtioBlk(second, "jkvm-b");
        assertRun(boot(options), TestOsExit.PASS, List.of(
                "blk 0: capacity 131072 sectors, serial jkvm-a",
                "blk 1: capacity 32768 sectors, serial jkvm-b",
                "blk 0: pattern verified, discard and write-zeroes done",
                "blk 1: pattern verified, discard and write-zeroes done",
                "PASS blk"));
        assertEquals(List.of(), BlkPattern.verify(first, 0, BlkPattern.Run.BLK));
        assertEquals(List.of(), BlkPattern.verify(second, 1, BlkPattern.Run.BLK));
    }

    @Test
    void aDriveCountOtherThanTheOneExpectedFails() throws InterruptedException {
        Path image = BlkPattern.createImage(dir.resolve("a.img"), SECOND_IMAGE_BYTES);
        QemuOptions options = QemuOptions.of(TestOsImage.writeTo(dir), "test=blk blk-drives=2")
                .withVirtioBlk(image, "only");
        assertRun(boot(options), TestOsExit.FAIL, List.of("FAIL blk: found 1 virtio-blk functions on bus 0, "
                + "blk-drives=2"));
    }

    /** The guest flushes, says so, and is SIGKILLed with QEMU: the flushed sectors must be in the file. */
    @Test
    void flushedSectorsSurviveSigkill() throws InterruptedException {
        Path image = BlkPattern.createImage(dir.resolve("crash.img"), SECOND_IMAGE_BYTES);
        QemuOptions options = QemuOptions.of(TestOsImage.writeTo(dir), "test=blk-crash").withVirtioBlk(image, "crash");
        try (RunningQemu qemu = Qemu.start(options)) {
            String flushed = "FLUSHED " + BlkPattern.HEAD_SECTORS;
            assertEquals(flushed, qemu.awaitLine(flushed::equals, FLUSH_TIMEOUT).orElse(null), qemu.describe());
            assertTrue(qemu.isAlive(), "the guest must idle after FLUSHED, not end: " + qemu.describe());
            qemu.kill();
            assertEquals(List.of(flushed), qemu.lines(), qemu.describe());
        }
        assertEquals(List.of(), BlkPattern.verify(image, 0, BlkPattern.Run.BLK_CRASH));
    }
}
