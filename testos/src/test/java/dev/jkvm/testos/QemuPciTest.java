package dev.jkvm.testos;

import static dev.jkvm.testos.QemuRuns.boot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * test=pci under QEMU: bus-0 enumeration through configuration mechanism #1 on the pc machine (no MCFG there), and
 * the same through ECAM on q35, whose MCFG the OS finds and checks against mechanism #1 register by register.
 */
class QemuPciTest {

    /** Bytes of the drive image each run attaches, so a virtio-blk function is on the bus. */
    private static final long IMAGE_BYTES = 4L << 20;

    @TempDir
    Path dir;

    private QemuOptions options() {
        Path image = BlkPattern.createImage(dir.resolve("pci.img"), IMAGE_BYTES);
        return QemuOptions.of(TestOsImage.writeTo(dir), "test=pci").withVirtioBlk(image, "pci");
    }

    @Test
    void pcMachineIsEnumeratedThroughMechanismOne() throws InterruptedException {
        QemuResult.Exited run = boot(options());
        assertEquals(TestOsExit.PASS.qemuStatus(), run.status(), run.describe());
        List<String> lines = run.lines();
        // QEMU's -nodefaults pc machine: i440FX, PIIX3 ISA bridge and IDE, PIIX4 ACPI, then the drive in slot 2
        // with its legacy I/O BAR, MSI-X BAR and 64-bit prefetchable modern BAR, MSI-X first in its capability list.
        for (String expected : List.of("pci 00:00.0 8086:1237 class 060000", "pci 00:01.0 8086:7000 class 060100",
                "pci 00:01.1 8086:7010 class 010180", "pci 00:01.3 8086:7113 class 068000",
                "pci 00:02.0 1af4:1001 class 010000", "pci 00:02.0 capabilities 11 09 09 09 09 09",
                "pci: no MCFG, configuration mechanism #1 only", "PASS pci")) {
            assertTrue(lines.contains(expected), "missing '" + expected + "':\n" + run.describe());
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("pci 00:02\\.0 bar 1 mem32 [0-9a-f]+ size 1000")),
                run.describe());
        assertTrue(lines.stream().anyMatch(l -> l.matches("pci 00:02\\.0 bar 4 mem64 prefetchable [0-9a-f]+ size 4000")),
                run.describe());
    }

    @Test
    void q35IsEnumeratedThroughEcamAndAgreesWithMechanismOne() throws InterruptedException {
        QemuOptions pc = options();
        QemuResult.Exited run = boot(pc.withExtraArguments(
                Stream.concat(pc.extraArguments().stream(), Stream.of("-machine", "q35")).toList()));
        assertEquals(TestOsExit.PASS.qemuStatus(), run.status(), run.describe());
        List<String> lines = run.lines();
        for (String expected : List.of("pci 00:00.0 8086:29c0 class 060000", "pci 00:01.0 1af4:1001 class 010000",
                "pci 00:1f.0 8086:2918 class 060100",
                "pci: ECAM at b0000000 (buses 0-255) agrees with 0xcf8/0xcfc on 5 functions", "PASS pci")) {
            assertTrue(lines.contains(expected), "missing '" + expected + "':\n" + run.describe());
        }
    }
}
