package dev.jkvm.testos;

import static dev.jkvm.testos.QemuRuns.assertRun;
import static dev.jkvm.testos.QemuRuns.boot;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exit benches under QEMU: a fixed number of iterations ends in a clean power-off with the count printed. */
class QemuBenchTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "bench={0}")
    @ValueSource(strings = {"pio", "mmio"})
    void benchFinishesAndPowersOff(String bench) throws InterruptedException {
        assertRun(boot(QemuOptions.of(TestOsImage.writeTo(dir), "bench=" + bench + " iters=100000")),
                TestOsExit.POWER_OFF, List.of("bench " + bench + " done 100000"));
    }
}
