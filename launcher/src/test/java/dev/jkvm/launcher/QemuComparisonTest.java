package dev.jkvm.launcher;

import dev.jkvm.testos.Qemu;
import dev.jkvm.testos.QemuOptions;
import dev.jkvm.testos.QemuResult;
import dev.jkvm.testos.TestOsImage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The same test OS image, booted by PVH or Multiboot, under QEMU and under the jkvm command prints the same console
 * output and ends alike: SMP bring-up through the MADT and INIT/SIPI, fw_cfg over ports and DMA, the demo banner.
 */
class QemuComparisonTest {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0} {1} -m {2} -smp {3}")
    @CsvSource({
            "pvh, demo, 128, 1",
            "pvh, demo, 512, 2",
            "pvh, test=selftest, 128, 1",
            "pvh, test=unclaimed, 64, 1",
            "pvh, test=smp, 128, 4",
            "pvh, test=madt, 128, 4",
            "pvh, test=fwcfg, 128, 2",
            "pvh, test=fwcfg, 5120, 1",
            "multiboot, demo, 128, 1",
            "multiboot, test=selftest, 128, 1",
            "multiboot, test=smp, 128, 4",
            "multiboot, test=fwcfg, 256, 2",
    })
    void sameConsoleAndStatusAsQemu(String image, String cmdline, int memoryMiB, int cpus) throws Exception {
        Path elf = image.equals("multiboot") ? TestOsImage.writeMultibootTo(dir) : TestOsImage.writeTo(dir);
        QemuResult qemu = Qemu.run(QemuOptions.of(elf, cmdline).withMemoryMiB(memoryMiB).withCpus(cpus));
        QemuResult.Exited exited = assertInstanceOf(QemuResult.Exited.class, qemu, qemu::describe);
        JkvmProcess jkvm = JkvmProcess.run(LIMIT, "-m", Integer.toString(memoryMiB), "-smp", Integer.toString(cpus),
                "-kernel", elf.toString(), "-append", cmdline,
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-nographic", "-no-reboot");
        assertEquals(normalize(exited.stdout()), normalize(jkvm.stdout()),
                "console output, QEMU vs jkvm; jkvm stderr: " + jkvm.stderr());
        assertEquals(exited.status(), jkvm.status(), "exit status; jkvm stderr: " + jkvm.stderr());
        assertEquals("", jkvm.stderr(), "jkvm printed diagnostics");
    }

    private static String normalize(String console) {
        return console.replace("\r\n", "\n");
    }
}
