package dev.jkvm.testos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test OS under QEMU, the second implementation every jkvm device is checked against. Each run asserts the whole
 * serial output, which also proves that nothing but the guest writes to stdout.
 */
class QemuBootTest {

    @TempDir
    Path dir;

    private QemuResult.Exited boot(QemuOptions options) throws InterruptedException {
        QemuResult result = Qemu.run(options);
        return switch (result) {
            case QemuResult.Exited exited -> exited;
            case QemuResult.TimedOut timedOut -> fail("QEMU did not finish:\n" + timedOut.describe());
        };
    }

    private QemuOptions options(String cmdline) {
        return QemuOptions.of(TestOsImage.writeTo(dir), cmdline);
    }

    private static void assertRun(QemuResult.Exited run, TestOsExit expectedExit, List<String> expectedLines) {
        assertEquals(expectedLines, run.lines(), run.describe());
        assertEquals(expectedExit.qemuStatus(), run.status(), run.describe());
    }

    @Test
    void emptyCommandLinePrintsBannerAndPowersOff() throws InterruptedException {
        assertRun(boot(options("")), TestOsExit.POWER_OFF, List.of("jkvm test OS: 1 CPU(s), 128 MiB RAM"));
    }

    @Test
    void demoCountsTwoCoresAndHalfAGigabyte() throws InterruptedException {
        assertRun(boot(options("demo").withMemoryMiB(512).withCpus(2)), TestOsExit.POWER_OFF,
                List.of("jkvm test OS: 2 CPU(s), 512 MiB RAM"));
    }

    @Test
    void selftestPasses() throws InterruptedException {
        assertRun(boot(options("test=selftest")), TestOsExit.PASS, List.of("PASS selftest"));
    }

    @Test
    void unclaimedPortsReadAllOnes() throws InterruptedException {
        assertRun(boot(options("test=unclaimed")), TestOsExit.PASS,
                List.of("unclaimed: ff ffff ffffffff", "PASS unclaimed"));
    }

    /**
     * Under TCG: this host's KVM (kvm-pvm) cannot execute int3 at ring 0 and stops QEMU with an emulation failure,
     * exactly as it stops jkvm. TCG shows the OS's own #BP path is right, so the jkvm test can pin the failure on the
     * host.
     */
    @Test
    void int3IsHandledByTheBreakpointHandler() throws InterruptedException {
        assertRun(boot(options("test=int3").withAccelerator(Accelerator.TCG)), TestOsExit.PASS,
                List.of("breakpoint handled", "PASS int3"));
    }

    @Test
    void unknownTestFailsThroughDebugExit() throws InterruptedException {
        assertRun(boot(options("test=nonesuch")), TestOsExit.FAIL,
                List.of("FAIL test: unknown test 'nonesuch' (known: selftest, unclaimed, int3)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pio", "mmio"})
    void benchFinishesAndPowersOff(String bench) throws InterruptedException {
        assertRun(boot(options("bench=" + bench + " iters=100000")), TestOsExit.POWER_OFF,
                List.of("bench " + bench + " done 100000"));
    }
}
