package dev.jkvm.testos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

/** Running the test OS under QEMU in tests: a run must end by itself, with exactly the expected console. */
final class QemuRuns {

    private QemuRuns() {
    }

    static QemuResult.Exited boot(QemuOptions options) throws InterruptedException {
        QemuResult result = Qemu.run(options);
        return switch (result) {
            case QemuResult.Exited exited -> exited;
            case QemuResult.TimedOut timedOut -> fail("QEMU did not finish:\n" + timedOut.describe());
        };
    }

    static void assertRun(QemuResult.Exited run, TestOsExit expectedExit, List<String> expectedLines) {
        assertEquals(expectedLines, run.lines(), run.describe());
        assertEquals(expectedExit.qemuStatus(), run.status(), run.describe());
    }
}
