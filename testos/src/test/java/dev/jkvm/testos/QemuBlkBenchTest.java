package dev.jkvm.testos;

import static dev.jkvm.testos.QemuRuns.assertRun;
import static dev.jkvm.testos.QemuRuns.boot;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The block benches under QEMU: a fixed number of reads ends in a clean power-off, and the image is unchanged. */
class QemuBlkBenchTest {

    /** Bytes of the benched drive's image. */
    private static final long IMAGE_BYTES = 16L << 20;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "bench={0} iters={1}")
    @CsvSource({"blk-rand, 2000", "blk-seq, 64"})
    void blockBenchesFinishAndPowerOff(String bench, int iters) throws InterruptedException {
        Path image = BlkPattern.createImage(dir.resolve("bench.img"), IMAGE_BYTES);
        QemuOptions options = QemuOptions.of(TestOsImage.writeTo(dir), "bench=" + bench + " iters=" + iters)
                .withVirtioBlk(image, "bench");
        assertRun(boot(options), TestOsExit.POWER_OFF, List.of("bench " + bench + " done " + iters));
        assertEquals(List.of(), BlkPattern.verify(image, 0, BlkPattern.Run.UNTOUCHED),
                "a read-only bench changed the image");
    }
}
